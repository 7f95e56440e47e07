// Blind patches (store/blind_patch.hpp, sql/blind_patch.hpp): the statement's golden text,
// every case answered null, the API's refusals, and the size bound as an upper bound.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"
#include "lunora/schema/limits.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/blind_patch.hpp"
#include "lunora/store/blind_patch.hpp"
#include "lunora/value/hex.hpp"
#include "lunora/value/index_key.hpp"
#include "lunora/value/wire.hpp"
#include "blind_write_fixtures.hpp"
#include "random_values.hpp"

using namespace lunora;
using namespace lunora::test;
using nlohmann::json;

namespace {

struct Opened {
  int store;
  std::string note;  // an id of "notes"
  std::string user;  // an id of "users"
};

Opened open_store(const char* dialect, const char* schema = kSchema) {
  Opened o{};
  o.store = value_of(api::store_open(schema, dialect, R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(o.store)).get<int>();
  o.note = value_of(api::tx_insert(tx, "notes",
                                   R"({"owner":"a","body":"b","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})",
                                   1.0))["_id"];
  o.user = value_of(api::tx_insert(tx, "users", R"({"name":"u"})", 1.0))["_id"];
  api::tx_end(tx);
  return o;
}

// The store of kSchema on Postgres, for the tests that call the core below the api.
std::unique_ptr<Store> postgres_store() {
  auto schema = parse_schema(kSchema);
  REQUIRE(schema.ok());
  auto opened = Store::open(std::move(schema).value(), postgres_dialect(), EngineOptions{}, "00ff");
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

// A subscription of `store` reading every note (by_creation_time): a patch of notes then keeps
// its keyed form, logged by its keys (by_id_log_test.cpp has the form logged by id).
void watch_all_notes(int store) {
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const json begun = value_of(api::query_begin(store, tx, R"({"table":"notes"})", "", -1));
  if (!begun.value("finished", false)) value_of(api::query_feed(begun["run"].get<int>(), "[]"));
  value_of(api::sub_set(tx, 99));
  api::tx_end(tx);
}

// An id of "notes" (the first one the store of seed 00ff generates).
const std::string kNoteId = "w8j9mk8t696ke5fr86q53mgf4t1r2qpa";

const std::string kSelect =
    "SELECT \"_id\", \"_creationTime\", \"_version\", \"author\", \"body\", \"data\", \"done\", "
    "CAST(\"meta\" AS text) AS \"meta\", \"n\", \"owner\", \"score\", \"tag\" FROM \"notes\"";
const std::string kReturning =
    " RETURNING \"o\".\"_id\", \"o\".\"_creationTime\", \"o\".\"_version\", \"o\".\"author\", \"o\".\"body\", "
    "\"o\".\"data\", \"o\".\"done\", \"o\".\"meta\", \"o\".\"n\", \"o\".\"owner\", \"o\".\"score\", \"o\".\"tag\"";
// The size bound's first column (`author`, optional: NULL when missing).
const std::string kBound = "6 * (COALESCE(octet_length(\"o\".\"author\"), 0)::int8";

}  // namespace

TEST_CASE("blind patch: the statement of a patch of one field") {
  const Opened o = open_store("postgres");
  const json answer = value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", "[]"));
  CHECK(answer["table"] == "notes");
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"body\" = $1, \"_version\" = \"n\".\"_version\" + 1 FROM (" + kSelect +
            " WHERE \"_id\" = $2 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " + kBound +
            " + octet_length(\"o\".\"owner\") + COALESCE(octet_length(\"o\".\"tag\"), 0))"
            " + 4 * (COALESCE(octet_length(\"o\".\"data\"), 0)::int8) / 3"
            " + 2 * (COALESCE(octet_length(\"o\".\"meta\"), 0)::int8) <= 983040" +
            kReturning);
  // The budget: the limit less the braces, the system fields (id of 32 characters), `body`
  // (`"x"`: 6 + 2) and every other column's key and constant.
  const std::size_t known = 2 + (6 * 13 + 4) + 27 + (6 * 3 + 4) + 6 * 32 + 2 +  // braces, system fields
                            (6 * 4 + 4) + 8 +                                    // body
                            (6 * 6 + 4) + 5 + (6 * 4 + 4) + 17 + (6 * 4 + 4) + 5 +  // author, data, done
                            (6 * 4 + 4) + 5 + (6 * 1 + 4) + 27 + (6 * 5 + 4) + 5 +  // meta, n, owner
                            (6 * 5 + 4) + 27 + (6 * 3 + 4) + 5;                    // score, tag
  const auto store = postgres_store();
  const Value body = "x";
  auto plan = plan_blind_patch(*store, kNoteId, std::vector<PatchField>{{"body", &body}}, {});
  REQUIRE(plan.has_value());
  CHECK(plan->patch.budget == limits::kMaxDocumentBytes - known);
  // The text has it rounded down to a multiple of 64 KiB (budget_in_text); no param for it.
  CHECK(budget_in_text(limits::kMaxDocumentBytes - known) == 983040);
  CHECK(answer["statement"]["params"] == json::array({"x", o.note}));
}

TEST_CASE("blind patch: the statement of a patch of two fields and of one with a removed field") {
  const Opened o = open_store("postgres");
  const json two = value_of(api::store_blind_patch(
      o.store, o.note, R"({"n":{"$integer":"AgAAAAAAAAA="},"score":2.5})", "[]"));
  CHECK(two["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"n\" = $1::text::int8, \"score\" = $2::text::float8, \"_version\" = "
        "\"n\".\"_version\" + 1 FROM (" +
            kSelect + " WHERE \"_id\" = $3 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " + kBound +
            " + octet_length(\"o\".\"body\") + octet_length(\"o\".\"owner\") + COALESCE(octet_length(\"o\".\"tag\"), 0))"
            " + 4 * (COALESCE(octet_length(\"o\".\"data\"), 0)::int8) / 3"
            " + 2 * (COALESCE(octet_length(\"o\".\"meta\"), 0)::int8) <= 983040" +
            kReturning);
  CHECK(two["statement"]["params"].size() == 3);
  CHECK(two["statement"]["params"][0] == "2");
  CHECK(two["statement"]["params"][1] == "2.5");
  CHECK(two["statement"]["params"][2] == o.note);

  const json removing = value_of(api::store_blind_patch(o.store, o.note,
                                                        R"({"author":")" + o.user + R"(","meta":{"k":[1,null]}})",
                                                        R"(["data","tag"])"));
  CHECK(removing["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"author\" = $1, \"data\" = NULL, \"meta\" = $2::text::jsonb, \"tag\" = NULL, "
        "\"_version\" = \"n\".\"_version\" + 1 FROM (" +
            kSelect + " WHERE \"_id\" = $3 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " +
            "6 * (octet_length(\"o\".\"body\")::int8 + octet_length(\"o\".\"owner\")) <= 983040" +
            kReturning);
  CHECK(removing["statement"]["params"][0] == o.user);
  CHECK(removing["statement"]["params"][1] == R"({"k":[1,null]})");
  CHECK(removing["statement"]["params"][2] == o.note);
}

TEST_CASE("blind patch: no size condition when every column it leaves has a constant bound") {
  const char* schema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
    "body":{"kind":"string"},"n":{"kind":"float64"}}},"indexes":[]},
    "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]}}})";
  const int store = value_of(api::store_open(schema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const std::string id = value_of(api::tx_insert(tx, "notes", R"({"body":"b","n":1})", 1.0))["_id"];
  const json answer = value_of(api::store_blind_patch(store, id, R"({"body":"x"})", "[]"));
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"body\" = $1, \"_version\" = \"n\".\"_version\" + 1 FROM (SELECT \"_id\", "
        "\"_creationTime\", \"_version\", \"body\", \"n\" FROM \"notes\" WHERE \"_id\" = $2 FOR UPDATE) AS \"o\" "
        "WHERE \"n\".\"_id\" = \"o\".\"_id\" RETURNING \"o\".\"_id\", \"o\".\"_creationTime\", \"o\".\"_version\", "
        "\"o\".\"body\", \"o\".\"n\"");
  CHECK(answer["statement"]["params"] == json::array({"x", id}));
  // Without the old row: the UPDATE alone.
  const json fresh = value_of(api::store_blind_patch(store, id, R"({"body":"y"})", "[]", false));
  CHECK(fresh["statement"]["text"] ==
        "UPDATE \"notes\" SET \"body\" = $1, \"_version\" = \"_version\" + 1 WHERE \"_id\" = $2 RETURNING \"_id\", "
        "\"_creationTime\", \"_version\"");
  CHECK(fresh["statement"]["params"] == json::array({"y", id}));
}

TEST_CASE("blind patch: null whenever the patch cannot be one statement") {
  const Opened o = open_store("postgres");
  auto blind = [&](const std::string& id, const std::string& set, const std::string& unset = "[]") {
    return value_of(api::store_blind_patch(o.store, id, set, unset));
  };
  REQUIRE_FALSE(blind(o.note, R"({"body":"x"})").is_null());
  SECTION("engines without UPDATE ... RETURNING the old row") {
    for (const char* dialect : {"mysql", "sqlite"}) {
      const Opened other = open_store(dialect);
      CHECK(value_of(api::store_blind_patch(other.store, other.note, R"({"body":"x"})", "[]")).is_null());
    }
  }
  SECTION("an id of no table of the store") {
    CHECK(blind("nope", R"({"body":"x"})").is_null());
    CHECK(blind("", R"({"body":"x"})").is_null());
  }
  SECTION("an id of another table: that table's fields") {
    CHECK(blind(o.user, R"({"body":"x"})").is_null());
    CHECK(blind(o.user, R"({"name":"x"})")["table"] == "users");
  }
  SECTION("no field named") { CHECK(blind(o.note, "{}").is_null()); }
  SECTION("a field that is not in the schema, or a system field") {
    CHECK(blind(o.note, R"({"nope":1})").is_null());
    CHECK(blind(o.note, "{}", R"(["nope"])").is_null());
    CHECK(blind(o.note, R"({"_creationTime":1})").is_null());
    CHECK(blind(o.note, "{}", R"(["_id"])").is_null());
  }
  SECTION("a value its validator refuses") {
    CHECK(blind(o.note, R"({"body":5})").is_null());
    CHECK(blind(o.note, R"({"score":"1"})").is_null());
    CHECK(blind(o.note, R"({"n":1})").is_null());  // a float64 for an int64
    CHECK(blind(o.note, R"({"body":null})").is_null());
    CHECK(blind(o.note, R"({"tag":null})").is_null());  // optional is not nullable
    CHECK(blind(o.note, R"({"author":")" + o.note + "\"}").is_null());  // an id of another table
  }
  SECTION("a value the engine cannot store, or beyond a limit of validate_document") {
    CHECK(blind(o.note, R"({"body":"a\u0000b"})").is_null());
    std::string deep = "1";
    for (int i = 0; i < 16; ++i) deep = "[" + deep + "]";  // 16 levels in the field: 17 in the document
    CHECK(blind(o.note, R"({"meta":)" + deep + "}").is_null());
    CHECK_FALSE(blind(o.note, R"({"meta":)" + deep.substr(1, deep.size() - 2) + "}").is_null());
    std::string items = "[0";
    for (std::size_t i = 0; i < limits::kMaxArrayItems; ++i) items += ",0";
    CHECK(blind(o.note, R"({"meta":)" + items + "]}").is_null());
    CHECK(blind(o.note, R"({"meta":{"a\u0001":1}})").is_null());  // a control character in a field name
    CHECK_FALSE(blind(o.note, R"({"meta":{"_a":1}})").is_null());  // `_` is reserved at the top level only
  }
  SECTION("removing a required field") {
    CHECK(blind(o.note, "{}", R"(["body"])").is_null());
    CHECK_FALSE(blind(o.note, "{}", R"(["tag"])").is_null());
  }
  SECTION("a field named twice") {
    CHECK(blind(o.note, R"({"tag":"x"})", R"(["tag"])").is_null());
    CHECK(blind(o.note, "{}", R"(["tag","tag"])").is_null());
  }
  SECTION("some but not all of an index's fields") {
    CHECK(blind(o.note, R"({"owner":"x"})").is_null());  // by_done_owner needs done
    CHECK(blind(o.note, R"({"done":true,"body":"y"})").is_null());
    CHECK_FALSE(blind(o.note, R"({"owner":"x","done":true,"body":"y"})").is_null());
  }
  SECTION("an index key longer than the careful path allows") {
    const std::string near = R"({"done":true,"owner":")" + std::string(limits::kMaxIndexKeyBytes - 60, 'a') + "\"}";
    CHECK_FALSE(blind(o.note, near).is_null());
    const std::string over = R"({"done":true,"owner":")" + std::string(limits::kMaxIndexKeyBytes - 40, 'a') + "\"}";
    CHECK(blind(o.note, over).is_null());
  }
  SECTION("named fields whose own bound exceeds the limit") {
    CHECK_FALSE(blind(o.note, R"({"body":")" + std::string(100000, 'a') + "\"}").is_null());
    CHECK(blind(o.note, R"({"body":")" + std::string(limits::kMaxDocumentBytes / 6, 'a') + "\"}").is_null());
  }
}

TEST_CASE("blind patch: a table of 1024 fields, the most a schema declares") {
  // kMaxBlindPatchFields: the schema parser refuses more (limits::kMaxObjectFields), so the
  // merged document never has more fields than validate_document allows.
  std::string schema = R"({"tables":{"wide":{"global":true,"document":{"kind":"object","fields":{)";
  for (std::size_t i = 0; i < kMaxBlindPatchFields; ++i) {
    schema += (i ? ",\"f" : "\"f") + std::to_string(i) + R"(":{"kind":"optional","value":{"kind":"boolean"}})";
  }
  schema += "}},\"indexes\":[]}}}";
  const int store = value_of(api::store_open(schema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const std::string id = value_of(api::tx_insert(tx, "wide", "{}", 1.0))["_id"];
  CHECK_FALSE(value_of(api::store_blind_patch(store, id, R"({"f1":true})", "[]")).is_null());
  CHECK(limits::kMaxObjectFields == kMaxBlindPatchFields);
  CHECK_FALSE(api::store_open(schema.replace(schema.find("\"f0\""), 4, "\"f0\":{\"kind\":\"boolean\"},\"g\""), "postgres", "{}")
                  .starts_with("{\"ok\":true"));
}

TEST_CASE("blind patch: malformed input is refused with invalid_argument") {
  const Opened o = open_store("postgres");
  auto refused = [&](const std::string& set, const std::string& unset) {
    const json f = failure(api::store_blind_patch(o.store, o.note, set, unset));
    CHECK(f["code"] == "INVALID_ARGUMENT");
    return f["message"].get<std::string>();
  };
  CHECK(refused("{", "[]") ==
        "malformed patch fields: invalid Lunora JSON: parse error at line 1, column 2: syntax error while parsing "
        "object key - unexpected end of input; expected string literal");
  CHECK(refused(R"({"$x":1})", "[]") ==
        "malformed patch fields: invalid Lunora JSON: object key \"$x\" is not allowed: keys starting with \"$\" are "
        "reserved for $integer, $float and $bytes");
  CHECK(refused("[1]", "[]") == "the patch's fields must be an object");
  CHECK(refused("null", "[]") == "the patch's fields must be an object");
  const std::string names = "the patch's removed fields must be a JSON array of field names";
  CHECK(refused("{}", "{}") == names);
  CHECK(refused("{}", "nope") == names);
  CHECK(refused("{}", "[1]") == names);
  CHECK(refused(R"({"body":"x"})", R"(["tag",null])") == names);
  // Lists the direct reader leaves to nlohmann: the same refusals.
  for (const char* unset : {R"(["tag",])", R"(["tag""data"])", R"(["tag)", R"([,"tag"])", R"(["tag"]])", "[", "]"}) {
    INFO(unset);
    CHECK(refused(R"({"body":"x"})", unset) == names);
  }
  api::store_close(o.store);
  CHECK(failure(api::store_blind_patch(o.store, o.note, "{}", "[]"))["message"] == "the store was closed");
}

TEST_CASE("blind patch: the size bound is an upper bound of the merged document's Lunora JSON") {
  const auto opened = postgres_store();
  const Store& store = *opened;
  const TableSchema& table = *store.table("notes");
  const TableLayout& layout = store.layout_of(table);
  const std::string& id = kNoteId;
  REQUIRE(store.table_of_id(id) == &table);

  test::RandomValues random(7);
  auto string = [&] {
    std::string s = random.string();
    s.erase(std::remove(s.begin(), s.end(), '\0'), s.end());  // Postgres text holds no U+0000
    if (random.pick(8) == 0) s += std::string(40000 + random.pick(140000), random.pick(2) ? 'a' : '\x01');
    return s;
  };
  auto any = [&] {
    for (;;) {
      Value v = random.any(4);
      if (store.validate(table, Value{{"owner", ""}, {"body", ""}, {"score", 0.0}, {"n", std::int64_t{0}}, {"done", true}, {"meta", v}}).ok()) return v;
    }
  };
  // A value of each field (nullptr: missing, for the optional ones).
  auto field_value = [&](const std::string& field) -> Value {
    if (field == "owner" || field == "body") return string();
    if (field == "score") return random.float64();
    if (field == "n") return random.int64();
    if (field == "done") return random.pick(2) == 1;
    if (field == "data") return Value::binary(random.bytes());
    if (field == "meta") return any();
    if (field == "tag") return string();
    return Value(id.substr(0, 31) + "x");  // "author": checked by the validator below
  };
  // The octet length of a column as the point read selects it; Postgres writes jsonb as text
  // with the same tokens as to_wire plus spaces (checked against a live server: to_wire is at
  // most 1.06 times that text), so to_wire's size stands in for it here.
  auto octets = [](const FieldColumn& c, const Value& v) -> std::size_t {
    switch (c.kind) {
      case ColumnKind::text: return v.get_ref<const std::string&>().size();
      case ColumnKind::bytes: return v.get_binary().size();
      case ColumnKind::json: return to_wire(v).size();
      default: return 0;
    }
  };
  int planned = 0;
  int near_limit = 0;
  for (int round = 0; round < 3000; ++round) {
    Value stored = Value::object();
    for (const auto& c : layout.columns) {
      if (c.field == "author") continue;
      const bool optional = table.find_field(c.field)->validator.kind == ValidatorKind::optional;
      if (!optional || random.pick(2) == 0) stored[c.field] = field_value(c.field);
    }
    if (!store.validate(table, stored).ok()) continue;  // never stored
    Value set = Value::object();
    std::vector<std::string> unset;
    for (const auto& c : layout.columns) {
      if (c.field == "author" || random.pick(3) != 0) continue;
      const bool optional = table.find_field(c.field)->validator.kind == ValidatorKind::optional;
      if (optional && random.pick(3) == 0) unset.push_back(c.field);
      else set[c.field] = field_value(c.field);
    }
    auto patch = plan_blind_patch(store, id, set, unset);
    if (!patch) continue;
    ++planned;
    Value merged = stored;
    for (const auto& field : unset) merged.erase(field);
    for (const auto& [field, value] : set.items()) merged[field] = value;
    // The statement's bound: what it takes off the limit, plus its SQL terms over the
    // unnamed columns of variable size.
    const Statement statement = blind_patch_statement(patch->patch, store.dialect());
    // (The condition's right side is a literal: the budget rounded down, budget_in_text.)
    const std::size_t at = statement.text.rfind(" <= ");
    const bool bounded = at != std::string::npos;
    if (bounded) CHECK(std::stoull(statement.text.substr(at + 4)) == budget_in_text(patch->patch.budget));
    std::size_t bound = limits::kMaxDocumentBytes - (bounded ? std::stoull(statement.text.substr(at + 4)) : 0);
    for (const auto& c : layout.columns) {
      if (set.contains(c.field) || std::find(unset.begin(), unset.end(), c.field) != unset.end()) continue;
      auto it = stored.find(c.field);
      if (it == stored.end() || !has_variable_wire_bound(c.kind)) continue;
      const ColumnWireBound per_kind = column_wire_bound(c.kind);
      bound += per_kind.per_octet * octets(c, *it) / per_kind.divisor;
    }
    const std::size_t size = to_wire(merged).size();
    INFO(to_wire(set));
    CHECK(size <= bound);
    if (bound <= limits::kMaxDocumentBytes) {
      CHECK(store.validate(table, merged).ok());  // it writes only what the careful path writes
      if (size > limits::kMaxDocumentBytes / 2) ++near_limit;
    }
  }
  CHECK(planned > 500);
  CHECK(near_limit > 10);
}

namespace {

// The parameter that `"<column>" = decode($n::text, 'hex')` binds, and the suffix length of
// `substring("n"."<column>" from octet_length("n"."<column>") - <suffix> + 1)`.
std::pair<std::string, std::size_t> key_update(const Statement& statement, const std::string& column) {
  const std::string& text = statement.text;
  const std::string set = "\"" + column + "\" = decode($";
  const std::size_t at = text.find(set);
  REQUIRE(at != std::string::npos);
  const std::size_t param = std::stoul(text.substr(at + set.size())) - 1;
  const std::string from = "from octet_length(\"n\".\"" + column + "\") - ";
  const std::size_t suffix_at = text.find(from, at);
  REQUIRE(suffix_at != std::string::npos);
  REQUIRE(text.substr(at + set.size()).find(" + 1)") != std::string::npos);
  auto prefix = from_hex(statement.params[param].get<std::string>());
  REQUIRE(prefix.has_value());
  return {*prefix, std::stoul(text.substr(suffix_at + from.size()))};
}

}  // namespace

TEST_CASE("blind patch: the statement of a patch naming every field of indexes") {
  const Opened o = open_store("postgres");
  const json answer = value_of(api::store_blind_patch(o.store, o.note, R"({"done":false,"owner":"x"})", "[]"));
  const std::size_t suffix = 1 + 8 + 1 + o.note.size() + 2;  // _creationTime's and _id's encodings
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"done\" = $1::text::boolean, \"owner\" = $2, \"_k_by_owner\" = "
        "decode($3::text, 'hex') || substring(\"n\".\"_k_by_owner\" from octet_length(\"n\".\"_k_by_owner\") - " +
            std::to_string(suffix) +
            " + 1), \"_k_by_done_owner\" = decode($4::text, 'hex') || substring(\"n\".\"_k_by_done_owner\" from "
            "octet_length(\"n\".\"_k_by_done_owner\") - " +
            std::to_string(suffix) + " + 1), \"_version\" = \"n\".\"_version\" + 1 FROM (" + kSelect +
            " WHERE \"_id\" = $5 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " + kBound +
            " + octet_length(\"o\".\"body\") + COALESCE(octet_length(\"o\".\"tag\"), 0))"
            " + 4 * (COALESCE(octet_length(\"o\".\"data\"), 0)::int8) / 3"
            " + 2 * (COALESCE(octet_length(\"o\".\"meta\"), 0)::int8) <= 983040" +
            kReturning);
  const json& params = answer["statement"]["params"];
  CHECK(params[0] == "false");
  CHECK(params[1] == "x");
  CHECK(params[2] == "06780000");    // "x"
  CHECK(params[3] == "050006780000");  // false, "x"
  CHECK(params[4] == o.note);
}

TEST_CASE("blind patch: the key the SQL computes is the core's key of the patched document") {
  const auto opened = postgres_store();
  const Store& store = *opened;
  const TableLayout& layout = *store.layout("notes");
  const std::string& id = kNoteId;
  test::RandomValues random(11);
  auto owner = [&] {
    std::string s = random.string();
    s.erase(std::remove(s.begin(), s.end(), '\0'), s.end());
    return Value(s);
  };
  int checked = 0;
  for (int round = 0; round < 2000; ++round) {
    const Value old_owner = owner();
    const Value old_done = random.pick(2) == 1;
    const double creation_time = random.float64();
    Value set = {{"done", random.pick(2) == 1}, {"owner", owner()}};
    auto patch = plan_blind_patch(store, id, set, {});
    REQUIRE(patch.has_value());
    for (const auto& index : layout.indexes) {
      auto value_in = [&](const Value& doc_done, const Value& doc_owner) {
        std::vector<const Value*> values;
        for (const auto& field : index.fields) values.push_back(field == "done" ? &doc_done : &doc_owner);
        return values;
      };
      auto old_key = document_index_key(value_in(old_done, old_owner), creation_time, id);
      auto new_key = document_index_key(value_in(set["done"], set["owner"]), creation_time, id);
      REQUIRE(old_key.ok());
      REQUIRE(new_key.ok());
      const auto [prefix, suffix] = key_update(blind_patch_statement(patch->patch, store.dialect()), index.key_column);
      // prefix || substring(old from octet_length(old) - suffix + 1): SQL's 1-based position.
      REQUIRE(old_key->size() >= suffix);
      CHECK(prefix + old_key->substr(old_key->size() - suffix) == *new_key);
      ++checked;
    }
  }
  CHECK(checked == 4000);
}

namespace {

// The cheaper form's bound: the same terms over the row itself (JSON by its text).
const std::string kNewFormBound =
    "6 * (COALESCE(octet_length(\"author\"), 0)::int8 + octet_length(\"owner\") + COALESCE(octet_length(\"tag\"), 0))"
    " + 4 * (COALESCE(octet_length(\"data\"), 0)::int8) / 3"
    " + 2 * (COALESCE(octet_length(CAST(\"meta\" AS text)), 0)::int8) <= 983040";

}  // namespace

TEST_CASE("blind patch: without need_old_row, a patch changing no key returns the new row's keys") {
  const Opened o = open_store("postgres");
  const json old_form = value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", "[]", true));
  const json answer = value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", "[]", false));
  CHECK(old_form["returns"] == "old");
  CHECK(answer["table"] == "notes");
  CHECK(answer["returns"] == "new");
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" SET \"body\" = $1, \"_version\" = \"_version\" + 1 WHERE \"_id\" = $2 AND " + kNewFormBound +
            " RETURNING \"_id\", \"_creationTime\", \"_version\", \"done\", \"owner\"");
  // The same params (the same budget) as the form returning the old row.
  CHECK(answer["statement"]["params"] == old_form["statement"]["params"]);
  CHECK(answer["statement"]["textId"] != old_form["statement"]["textId"]);

  SECTION("removed fields and several set fields") {
    const json removing = value_of(api::store_blind_patch(
        o.store, o.note, R"({"n":{"$integer":"AgAAAAAAAAA="},"meta":[1]})", R"(["data","tag"])", false));
    CHECK(removing["returns"] == "new");
    CHECK(removing["statement"]["text"] ==
          "UPDATE \"notes\" SET \"data\" = NULL, \"meta\" = $1::text::jsonb, \"n\" = $2::text::int8, \"tag\" = NULL, "
          "\"_version\" = \"_version\" + 1 WHERE \"_id\" = $3 AND 6 * (COALESCE(octet_length(\"author\"), 0)::int8 + "
          "octet_length(\"body\") + octet_length(\"owner\")) <= 983040 RETURNING \"_id\", \"_creationTime\", \"_version\", \"done\", \"owner\"");
    CHECK(removing["statement"]["params"].size() == 3);
    CHECK(removing["statement"]["params"][0] == "[1]");
    CHECK(removing["statement"]["params"][1] == "2");
    CHECK(removing["statement"]["params"][2] == o.note);
  }
  SECTION("a patch setting an index's fields returns the old row, whatever need_old_row") {
    const json keyed = value_of(api::store_blind_patch(o.store, o.note, R"({"done":false,"owner":"x"})", "[]", false));
    CHECK(keyed["returns"] == "old");
    CHECK(keyed["statement"]["text"].get<std::string>().rfind("UPDATE \"notes\" AS \"n\" SET \"done\" = ", 0) == 0);
    CHECK(keyed["statement"]["text"].get<std::string>().ends_with(kReturning));
  }
  SECTION("the same null rules") {
    CHECK(value_of(api::store_blind_patch(o.store, o.note, R"({"owner":"x"})", "[]", false)).is_null());
    CHECK(value_of(api::store_blind_patch(o.store, o.note, R"({"nope":1})", "[]", false)).is_null());
    CHECK(value_of(api::store_blind_patch(o.store, "nope", R"({"body":"x"})", "[]", false)).is_null());
    const Opened mysql = open_store("mysql");
    CHECK(value_of(api::store_blind_patch(mysql.store, mysql.note, R"({"body":"x"})", "[]", false)).is_null());
  }
}

TEST_CASE("blind patch: the new row's indexed fields as the point read selects them") {
  const char* schema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
    "body":{"kind":"string"},"n":{"kind":"float64"},"meta":{"kind":"any"}}},
    "indexes":[{"name":"by_meta","fields":["meta"]},{"name":"by_n","fields":["n"]}]},
    "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]}}})";
  const int store = value_of(api::store_open(schema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const std::string id = value_of(api::tx_insert(tx, "notes", R"({"body":"b","n":1,"meta":"m"})", 1.0))["_id"];
  api::tx_end(tx);
  const json answer = value_of(api::store_blind_patch(store, id, R"({"body":"x"})", "[]", false));
  CHECK(answer["returns"] == "new");
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" SET \"body\" = $1, \"_version\" = \"_version\" + 1 WHERE \"_id\" = $2 AND "
        "2 * (octet_length(CAST(\"meta\" AS text))::int8) <= 983040 RETURNING \"_id\", "
        "\"_creationTime\", \"_version\", CAST(\"meta\" AS text) AS \"meta\", \"n\"");
  const json keyed = value_of(api::store_blind_patch(store, id, R"({"body":"y","meta":{"a":1},"n":2})", "[]", false));
  CHECK(keyed["returns"] == "old");  // meta and n are indexed
  api::store_close(store);
}

TEST_CASE("blind patch: a shape's text is sent once, then only its number and params") {
  const Opened o = open_store("postgres");
  const auto raw = [&](const std::string& id, const std::string& set, const std::string& unset, bool need_old_row) {
    return value_of(api::store_blind_patch(o.store, id, set, unset, need_old_row))["statement"];
  };
  const json first = raw(o.note, R"({"body":"x"})", "[]", false);
  REQUIRE(first.contains("text"));
  REQUIRE(first.contains("textId"));
  const json again = raw(o.note, R"({"body":"a longer value"})", "[]", false);
  CHECK_FALSE(again.contains("text"));
  CHECK(again["textId"] == first["textId"]);
  CHECK(again["params"].size() == 2);
  CHECK(again["params"][0] == "a longer value");
  CHECK(again["params"][1] == o.note);
  // (A budget 6 * 13 smaller for the longer value: the same multiple of 64 KiB in the text.)
  // Exactly the params of the full statement.
  {
    const auto store = postgres_store();
    const Value set = {{"body", "a longer value"}};
    auto plan = plan_blind_patch(*store, kNoteId, set, {}, false);
    REQUIRE(plan.has_value());
    std::string params;
    std::string shape;
    REQUIRE(blind_patch_params(plan->patch, store->dialect(), params, shape));
    CHECK(json::parse("[" + params + "]") == blind_patch_statement(plan->patch, store->dialect()).params);
  }
  // Another shape: its own text, then its number.
  const json old_row = raw(o.note, R"({"body":"x"})", "[]", true);
  CHECK(old_row["text"].is_string());
  CHECK(old_row["textId"] != first["textId"]);
  CHECK(raw(o.note, R"({"body":"y"})", "[]", true) == json({{"textId", old_row["textId"]}, {"params", json::array({"y", o.note})}}));
  // Set or removed: different texts for the same columns.
  const json set_tag = raw(o.note, R"({"tag":"t","data":{"$bytes":"AA=="}})", "[]", false);
  const json unset_tag = raw(o.note, R"({"data":{"$bytes":"AA=="}})", R"(["tag"])", false);
  const json unset_data = raw(o.note, R"({"tag":"t"})", R"(["data"])", false);
  for (const json* s : {&set_tag, &unset_tag, &unset_data}) CHECK((*s)["text"].is_string());
  CHECK(raw(o.note, R"({"data":{"$bytes":"AQ=="}})", R"(["tag"])", false)["textId"] == unset_tag["textId"]);
  CHECK(raw(o.note, R"({"tag":"u"})", R"(["data"])", false)["textId"] == unset_data["textId"]);
  // Keys set: the key column's param, the text by number.
  const json keyed = raw(o.note, R"({"done":false,"owner":"x"})", "[]", false);
  const json keyed_again = raw(o.note, R"({"done":true,"owner":"yy"})", "[]", false);
  CHECK(keyed_again["textId"] == keyed["textId"]);
  CHECK_FALSE(keyed_again.contains("text"));
  CHECK(keyed_again["params"][0] == "true");
  CHECK(keyed_again["params"][2] == "0679790000");      // "yy"
  CHECK(keyed_again["params"][3] == "05010679790000");  // true, "yy"
  // Another table of the same store, and another store: their own texts.
  CHECK(raw(o.user, R"({"name":"x"})", "[]", false)["text"].is_string());
  const Opened other = open_store("postgres");
  CHECK(value_of(api::store_blind_patch(other.store, other.note, R"({"body":"x"})", "[]", false))["statement"]["text"] ==
        first["text"]);
}

TEST_CASE("store_log_patch: logs an update that committed as the mutation path logs it") {
  struct Case {
    const char* name;
    std::string new_indexed;  // "" : the same keys
    std::string document;     // the whole new document, for tx_update
    std::string set_fields;
  };
  const std::vector<Case> cases = {
      {"a patch of an unindexed field", "", R"({"owner":"a","body":"x","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})", R"(["body"])"},
      {"the same keys sent again", R"({"owner":"a","done":true,"body":"ignored"})",
       R"({"owner":"a","body":"x","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})", R"(["body"])"},
      {"a patch moving the document to another key", R"({"owner":"b","done":false})",
       R"({"owner":"b","body":"b","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":false})", R"(["owner","done"])"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const Twin logged = open_twin();
    const Twin mutated = open_twin();
    REQUIRE(logged.note == mutated.note);
    const std::vector<int> logged_readers = watch(logged);
    const std::vector<int> mutated_readers = watch(mutated);

    const std::string affected =
        api::store_log_patch(logged.store, logged.note, logged.creation_time, R"({"owner":"a","done":true})", c.new_indexed);
    const int tx = value_of(api::tx_begin(mutated.store)).get<int>();
    value_of(api::tx_update(tx, mutated.note, "1", mutated.creation_time, R"({"owner":"a","done":true})", c.document, c.set_fields));
    const json accepted = value_of(api::tx_accept(tx));
    value_of(api::tx_finish(tx, accepted["sequence"].get<double>()));

    CHECK(json::parse(affected) == accepted["affected"]);
    CHECK(affected == (c.new_indexed.find("\"b\"") != std::string::npos ? "[1,2,4]" : "[1,2]"));
    const json seen = conflicts(logged_readers);
    CHECK(seen == conflicts(mutated_readers));
    const json note_conflict = {{"table", "notes"}, {"id", logged.note}};
    CHECK(seen[0] == note_conflict);
    CHECK(seen[1] == note_conflict);
    CHECK(seen[2].is_null());
    CHECK(seen[3] == (c.new_indexed.find("\"b\"") != std::string::npos ? note_conflict : json(nullptr)));
    CHECK(value_of(api::tx_accept(logged_readers[0]))["conflict"] == note_conflict);
    // Confirmed at once: a mutation beginning now reads after it.
    const int later = value_of(api::tx_begin(logged.store)).get<int>();
    value_of(api::tx_get(later, "", logged.note));
    CHECK(value_of(api::tx_validate(later)).is_null());
    for (const Twin* t : {&logged, &mutated}) api::store_close(t->store);
  }
}

TEST_CASE("blind patch: the removed fields read directly or by nlohmann make the same statement") {
  const Opened o = open_store("postgres");
  const auto statement = [&](const char* unset) {
    return value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", unset, true))["statement"]["params"];
  };
  CHECK(statement(R"(["tag"])") == statement(R"([ "tag" ])"));
  CHECK(statement(R"(["tag","data"])") == statement(R"(["t\u0061g", "data"])"));
  CHECK(statement("[]") == statement("[ ]"));
  // A name the schema does not have, or named twice: no blind patch either way.
  CHECK(value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", R"([""])")).is_null());
  CHECK(value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", R"(["tag","tag"])")).is_null());
  CHECK(value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", R"(["t\u0061g","tag"])")).is_null());
  api::store_close(o.store);
}

TEST_CASE("blind patch: the fields set read directly or parsed whole make the same statement") {
  const Opened o = open_store("postgres");
  const auto answer = [&](const char* set) { return api::store_blind_patch(o.store, o.note, set, "[]", true); };
  // The text's number (the text itself crosses once) and the params.
  const auto statement = [&](const char* set) {
    const json s = value_of(answer(set))["statement"];
    return json::array({s["textId"], s["params"]});
  };
  // Read member by member: plain names and scalars. Parsed whole: spaces are fine either way;
  // escapes, nested values and tags, and a name given twice (the last one counts) go there.
  CHECK(statement(R"({"body":"x","score":2.5})") == statement(R"( { "score" : 2.5 , "body" : "x" } )"));
  CHECK(statement(R"({"body":"x"})") == statement(R"({"b\u006fdy":"x"})"));
  CHECK(statement(R"({"body":"y"})") == statement(R"({"body":"x","body":"y"})"));
  CHECK_FALSE(value_of(answer(R"({"meta":{"a":[1]},"n":{"$integer":"AgAAAAAAAAA="}})")).is_null());
  CHECK(value_of(answer(R"({"body":"\u00e9"})"))["statement"]["params"][0] == "\u00e9");
  // Refused alike: a bad value, a tag as the whole set, trailing text.
  CHECK(failure(answer(R"({"score":1e400})"))["code"] == "INVALID_ARGUMENT");
  CHECK(failure(answer(R"({"$integer":"AgAAAAAAAAA="})"))["message"] == "the patch's fields must be an object");
  CHECK(failure(answer(R"({"body":"x"} x)"))["code"] == "INVALID_ARGUMENT");
  // The core's list form: a name listed twice is no blind patch.
  const auto store = postgres_store();
  const Value x = "x";
  CHECK(plan_blind_patch(*store, kNoteId, std::vector<PatchField>{{"body", &x}}, {}).has_value());
  CHECK_FALSE(plan_blind_patch(*store, kNoteId, std::vector<PatchField>{{"body", &x}, {"body", &x}}, {}).has_value());
  api::store_close(o.store);
}

TEST_CASE("store_blind_patch_compact: the envelope's answer as positional arrays") {
  const Opened o = open_store("postgres");
  const Opened c = open_store("postgres");  // the same seed: the same ids and texts
  REQUIRE(o.note == c.note);
  struct Call {
    std::string set;
    std::string unset;
    bool need_old_row;
  };
  const std::vector<Call> calls = {{R"({"body":"x"})", "[]", true},       {R"({"body":"y"})", "[]", true},
                                   {R"({"body":"x"})", "[]", false},      {R"({"tag":"t"})", R"(["data"])", false},
                                   {R"({"done":false,"owner":"x"})", "[]", false}, {R"({"done":true,"owner":"y"})", "[]", false}};
  for (const auto& call : calls) {
    INFO(call.set);
    const json envelope = value_of(api::store_blind_patch(o.store, o.note, call.set, call.unset, call.need_old_row));
    const json compact = json::parse(api::store_blind_patch_compact(c.store, c.note, call.set, call.unset, call.need_old_row));
    REQUIRE(compact.is_array());
    REQUIRE(compact.size() == 4);
    json text = compact[0].is_number() ? json{{"textId", compact[0]}} : compact[0];
    json statement = envelope["statement"];
    statement.erase("params");
    CHECK(text == statement);
    CHECK(compact[1] == envelope["statement"]["params"]);
    CHECK(compact[2] == envelope["returns"]);
    CHECK(compact[3] == envelope["table"]);
  }
  CHECK(api::store_blind_patch_compact(c.store, c.note, R"({"nope":1})", "[]") == "null");
  CHECK(api::store_blind_patch_compact(c.store, c.note, "[]", "[]") == api::store_blind_patch(o.store, o.note, "[]", "[]"));
  api::store_close(o.store);
  api::store_close(c.store);
  CHECK(failure(api::store_blind_patch_compact(c.store, c.note, "{}", "[]"))["message"] == "the store was closed");
}

TEST_CASE("store_log_patch: the indexed fields read directly or by the full parser log the same keys") {
  // Spellings of {"owner":"b","done":false} (a key move) that the direct reader takes or leaves
  // to parse_wire_fields; the other members are only checked.
  for (const char* moved : {R"({"owner":"b","done":false})", R"( { "done" : false , "owner" : "b" } )",
                            R"({"\u006fwner":"b","done":false})", R"({"owner":"b","done":false,"meta":{"a":[1]}})",
                            R"({"owner":"b","done":false,"n":{"$integer":"AQAAAAAAAAA="}})",
                            R"({"owner":"b","done":false,"body":"\u00e9"})", R"({"owner":"b","done":false,"score":1e2})"}) {
    INFO(moved);
    const Twin t = open_twin();
    const std::vector<int> readers = watch(t);
    CHECK(api::store_log_patch(t.store, t.note, t.creation_time, R"({"owner":"a","done":true})", moved) == "[1,2,4]");
    api::store_close(t.store);
  }
  const Twin t = open_twin();
  const std::vector<int> readers = watch(t);
  const auto refused = error_envelope;
  // As before: a duplicate name (nlohmann keeps the last: no key moves); refused: a tag,
  // malformed values.
  CHECK(api::store_log_patch(t.store, t.note, t.creation_time, R"({"owner":"a","done":true})",
                             R"({"owner":"b","owner":"a","done":true})") == "[1,2]");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, R"({"$integer":"AQAAAAAAAAA="})", ""))["message"] ==
        "the indexed fields must be a Lunora JSON object");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, R"({"owner":tru})", ""))["code"] == "INVALID_VALUE");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, R"({"owner":1e400})", ""))["code"] == "INVALID_VALUE");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, R"({"owner":"a",})", ""))["code"] == "INVALID_VALUE");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, R"({"owner":"a"} x)", ""))["code"] == "INVALID_VALUE");
  api::store_close(t.store);
}

TEST_CASE("store_log_patch: errors are envelopes") {
  const Twin t = open_twin();
  const auto refused = error_envelope;
  const json unknown = refused(api::store_log_patch(t.store, "nope", 1.0, "{}", ""));
  CHECK(unknown["code"] == "NOT_FOUND");
  CHECK(unknown["message"] == "\"nope\" is not a document id of this store");
  const json malformed = refused(api::store_log_patch(t.store, t.note, 1.0, "{", ""));
  CHECK(malformed["code"] == "INVALID_VALUE");
  CHECK(malformed["message"] == 
        "invalid Lunora JSON: parse error at line 1, column 2: syntax error while parsing object key - unexpected end "
        "of input; expected string literal");
  const json malformed_new = refused(api::store_log_patch(t.store, t.note, 1.0, "{}", "[1"));
  CHECK(malformed_new["code"] == "INVALID_VALUE");
  CHECK(malformed_new["message"] == 
        "invalid Lunora JSON: parse error at line 1, column 3: syntax error while parsing array - unexpected end of "
        "input; expected ']'");
  const json not_object = refused(api::store_log_patch(t.store, t.note, 1.0, "[1]", ""));
  CHECK(not_object["code"] == "INVALID_ARGUMENT");
  CHECK(not_object["message"] == "the indexed fields must be a Lunora JSON object");
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, "{}", "null"))["message"] ==
        "the indexed fields must be a Lunora JSON object");
  CHECK(api::store_log_patch(t.store, t.note, 1.0, "{}", "") == "[]");  // no subscriptions
  api::store_close(t.store);
  CHECK(refused(api::store_log_patch(t.store, t.note, 1.0, "{}", ""))["message"] == "the store was closed");
}

TEST_CASE("blind patch: MariaDB re-inserts the locked row with the patch as the duplicate key's update") {
  const char* options = R"({"seed":"00ff","mariadbReturning":true})";
  const int store = value_of(api::store_open(kSchema, "mysql", options)).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const std::string note = value_of(api::tx_insert(
      tx, "notes", R"({"owner":"a","body":"b","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})", 1.0))["_id"];
  api::tx_end(tx);
  watch_all_notes(store);
  const std::string set = R"({"body":"x","n":{"$integer":"AgAAAAAAAAA="}})";
  const json answer = value_of(api::store_blind_patch(store, note, set, R"(["tag"])", false));
  CHECK(answer["table"] == "notes");
  CHECK(answer["returns"] == "new");
  CHECK(answer["statement"]["text"] ==
        "INSERT INTO `notes` (`_id`, `_creationTime`, `_version`, `author`, `body`, `data`, `done`, `meta`, `n`, "
        "`owner`, `score`, `tag`, `_k_by_owner`, `_k_by_done_owner`) SELECT `o`.`_id`, `o`.`_creationTime`, "
        "`o`.`_version`, `o`.`author`, `o`.`body`, `o`.`data`, `o`.`done`, `o`.`meta`, `o`.`n`, `o`.`owner`, "
        "`o`.`score`, `o`.`tag`, `o`.`_k_by_owner`, `o`.`_k_by_done_owner` FROM `notes` AS `o` WHERE `o`.`_id` = ? "
        "AND 6 * LENGTH(CONCAT_WS('', `o`.`author`, `o`.`owner`)) + 4 * LENGTH(CONCAT_WS('', `o`.`data`)) DIV 3 + "
        "2 * LENGTH(CONCAT_WS('', `o`.`meta`)) <= 983040 FOR UPDATE ON DUPLICATE KEY "
        "UPDATE `body` = ?, `n` = ?, `tag` = NULL, `_version` = `notes`.`_version` + 1 RETURNING `_id`, "
        "`_creationTime`, `_version`, `done`, `owner`");
  // The same budget as on Postgres (the bound does not depend on the engine), in the text.
  const Opened pg = open_store("postgres");
  const json pg_answer = value_of(api::store_blind_patch(pg.store, pg.note, set, R"(["tag"])", false));
  CHECK(pg_answer["statement"]["text"].get<std::string>().ends_with(" <= 983040 RETURNING \"_id\", \"_creationTime\", \"_version\", \"done\", \"owner\""));
  CHECK(answer["statement"]["params"] == json::array({note, "x", {{"$int", "2"}}}));
  // The text by number from then on, the params as the full statement binds them.
  const json again = value_of(api::store_blind_patch(store, note, R"({"body":"y","n":{"$integer":"AwAAAAAAAAA="}})", R"(["tag"])", false));
  CHECK(again["statement"] == json({{"textId", answer["statement"]["textId"]}, {"params", json::array({note, "y", {{"$int", "3"}}})}}));

  SECTION("JSON indexed fields come back as their text, as the point read selects them") {
    const char* schema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
      "body":{"kind":"string"},"n":{"kind":"float64"},"meta":{"kind":"any"}}},
      "indexes":[{"name":"by_meta","fields":["meta"]}]},
      "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]}}})";
    const int other = value_of(api::store_open(schema, "mysql", options)).get<int>();
    const int t = value_of(api::tx_begin(other)).get<int>();
    const std::string id = value_of(api::tx_insert(t, "notes", R"({"body":"b","n":1,"meta":"m"})", 1.0))["_id"];
    api::tx_end(t);
    watch_all_notes(other);
    const json plain = value_of(api::store_blind_patch(other, id, R"({"body":"x","n":2.5})", "[]", false));
    CHECK(plain["statement"]["text"] ==
          "INSERT INTO `notes` (`_id`, `_creationTime`, `_version`, `body`, `meta`, `n`, `_k_by_meta`) SELECT "
          "`o`.`_id`, `o`.`_creationTime`, `o`.`_version`, `o`.`body`, `o`.`meta`, `o`.`n`, `o`.`_k_by_meta` FROM "
          "`notes` AS `o` WHERE `o`.`_id` = ? AND 2 * LENGTH(CONCAT_WS('', `o`.`meta`)) <= 983040 FOR UPDATE ON DUPLICATE KEY "
          "UPDATE `body` = ?, `n` = ?, `_version` = `notes`.`_version` + 1 RETURNING `_id`, `_creationTime`, "
          "`_version`, CAST(`meta` AS CHAR) AS `meta`");
    CHECK(plain["statement"]["params"][1] == "x");
    CHECK(plain["statement"]["params"][2] == 2.5);
    api::store_close(other);
  }
  SECTION("null: the old row needed, an indexed field named, or no mariadbReturning") {
    CHECK(value_of(api::store_blind_patch(store, note, set, "[]", true)).is_null());
    CHECK(value_of(api::store_blind_patch(store, note, R"({"done":false,"owner":"x"})", "[]", false)).is_null());
    CHECK(value_of(api::store_blind_patch(store, note, R"({"owner":"x"})", "[]", false)).is_null());
    CHECK(value_of(api::store_blind_patch(store, note, R"({"body":5})", "[]", false)).is_null());
    for (const char* other_options : {R"({"seed":"00ff"})", R"({"seed":"00ff","mariadbReturning":false})"}) {
      const int plain = value_of(api::store_open(kSchema, "mysql", other_options)).get<int>();
      CHECK(value_of(api::store_blind_patch(plain, note, set, "[]", false)).is_null());
      api::store_close(plain);
    }
    const int sqlite = value_of(api::store_open(kSchema, "sqlite", options)).get<int>();
    CHECK(value_of(api::store_blind_patch(sqlite, note, set, "[]", false)).is_null());
    api::store_close(sqlite);
  }
  api::store_close(store);
}
