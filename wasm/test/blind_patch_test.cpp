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
#include "random_values.hpp"

using namespace lunora;
using nlohmann::json;

namespace {

const char* kSchema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
  "owner":{"kind":"string"},"body":{"kind":"string"},"score":{"kind":"float64"},"n":{"kind":"int64"},
  "done":{"kind":"boolean"},"data":{"kind":"optional","value":{"kind":"bytes"}},
  "meta":{"kind":"optional","value":{"kind":"any"}},"tag":{"kind":"optional","value":{"kind":"string"}},
  "author":{"kind":"optional","value":{"kind":"id","table":"users"}}}},
  "indexes":[{"name":"by_owner","fields":["owner"]},{"name":"by_done_owner","fields":["done","owner"]}]},
  "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]}}})";

json value_of(const std::string& envelope) {
  INFO(envelope);
  json parsed = json::parse(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

json failure(const std::string& envelope) {
  INFO(envelope);
  json parsed = json::parse(envelope);
  REQUIRE(parsed["ok"] == false);
  return parsed;
}

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

// An id of "notes" (the first one the store of seed 00ff generates).
const std::string kNoteId = "w8j9mk8t696ke5fr86q53mgf4t1r2qpa";

const std::string kSelect =
    "SELECT \"_id\", \"_creationTime\", \"_version\", \"author\", \"body\", \"data\", \"done\", "
    "CAST(\"meta\" AS text) AS \"meta\", \"n\", \"owner\", \"score\", \"tag\" FROM \"notes\"";
const std::string kReturning =
    " RETURNING \"o\".\"_id\", \"o\".\"_creationTime\", \"o\".\"_version\", \"o\".\"author\", \"o\".\"body\", "
    "\"o\".\"data\", \"o\".\"done\", \"o\".\"meta\", \"o\".\"n\", \"o\".\"owner\", \"o\".\"score\", \"o\".\"tag\"";
const std::string kBound = "COALESCE(6 * octet_length(\"o\".\"author\")::int8, 0)";

}  // namespace

TEST_CASE("blind patch: the statement of a patch of one field") {
  const Opened o = open_store("postgres");
  const json answer = value_of(api::store_blind_patch(o.store, o.note, R"({"body":"x"})", "[]"));
  CHECK(answer["table"] == "notes");
  CHECK(answer["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"body\" = $1, \"_version\" = \"n\".\"_version\" + 1 FROM (" + kSelect +
            " WHERE \"_id\" = $2 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " + kBound +
            " + COALESCE(4 * octet_length(\"o\".\"data\")::int8 / 3, 0)"
            " + COALESCE(2 * octet_length(\"o\".\"meta\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"owner\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"tag\")::int8, 0) <= $3::text::int8" +
            kReturning);
  // The budget: the limit less the braces, the system fields (id of 32 characters), `body`
  // (`"x"`: 6 + 2) and every other column's key and constant.
  const std::size_t known = 2 + (6 * 13 + 4) + 27 + (6 * 3 + 4) + 6 * 32 + 2 +  // braces, system fields
                            (6 * 4 + 4) + 8 +                                    // body
                            (6 * 6 + 4) + 5 + (6 * 4 + 4) + 17 + (6 * 4 + 4) + 5 +  // author, data, done
                            (6 * 4 + 4) + 5 + (6 * 1 + 4) + 27 + (6 * 5 + 4) + 5 +  // meta, n, owner
                            (6 * 5 + 4) + 27 + (6 * 3 + 4) + 5;                    // score, tag
  CHECK(answer["statement"]["params"] == json::array({"x", o.note, std::to_string(limits::kMaxDocumentBytes - known)}));
}

TEST_CASE("blind patch: the statement of a patch of two fields and of one with a removed field") {
  const Opened o = open_store("postgres");
  const json two = value_of(api::store_blind_patch(
      o.store, o.note, R"({"n":{"$integer":"AgAAAAAAAAA="},"score":2.5})", "[]"));
  CHECK(two["statement"]["text"] ==
        "UPDATE \"notes\" AS \"n\" SET \"n\" = $1::text::int8, \"score\" = $2::text::float8, \"_version\" = "
        "\"n\".\"_version\" + 1 FROM (" +
            kSelect + " WHERE \"_id\" = $3 FOR UPDATE) AS \"o\" WHERE \"n\".\"_id\" = \"o\".\"_id\" AND " + kBound +
            " + COALESCE(6 * octet_length(\"o\".\"body\")::int8, 0)"
            " + COALESCE(4 * octet_length(\"o\".\"data\")::int8 / 3, 0)"
            " + COALESCE(2 * octet_length(\"o\".\"meta\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"owner\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"tag\")::int8, 0) <= $4::text::int8" +
            kReturning);
  CHECK(two["statement"]["params"].size() == 4);
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
            "COALESCE(6 * octet_length(\"o\".\"body\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"owner\")::int8, 0) <= $4::text::int8" +
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
    const Value& params = patch->statement.params;
    const bool bounded = patch->statement.text.find("<= $") != std::string::npos;
    std::size_t bound = limits::kMaxDocumentBytes - (bounded ? std::stoull(params.back().get<std::string>()) : 0);
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
            " + COALESCE(6 * octet_length(\"o\".\"body\")::int8, 0)"
            " + COALESCE(4 * octet_length(\"o\".\"data\")::int8 / 3, 0)"
            " + COALESCE(2 * octet_length(\"o\".\"meta\")::int8, 0)"
            " + COALESCE(6 * octet_length(\"o\".\"tag\")::int8, 0) <= $6::text::int8" +
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
      const auto [prefix, suffix] = key_update(patch->statement, index.key_column);
      // prefix || substring(old from octet_length(old) - suffix + 1): SQL's 1-based position.
      REQUIRE(old_key->size() >= suffix);
      CHECK(prefix + old_key->substr(old_key->size() - suffix) == *new_key);
      ++checked;
    }
  }
  CHECK(checked == 4000);
}
