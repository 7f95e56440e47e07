#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lunora/api/envelope.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/status.hpp"

using nlohmann::json;
namespace api = lunora::api;

namespace {

const char* kSchema = R"({"tables":{"orders":{"global":true,"document":{"kind":"object","fields":{
  "customer":{"kind":"string"},"total":{"kind":"float64"},"qty":{"kind":"int64"},"paid":{"kind":"boolean"},
  "note":{"kind":"optional","value":{"kind":"string"}},"tags":{"kind":"array","items":{"kind":"string"}},
  "blob":{"kind":"optional","value":{"kind":"bytes"}},"meta":{"kind":"optional","value":{"kind":"any"}}}},
  "indexes":[{"name":"by_customer","fields":["customer"]}]},
  "users":{"global":false,"document":{"kind":"union","members":[]}}}})";

json call(const std::string& envelope) {
  json parsed = json::parse(envelope);
  INFO(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

const char* kOrder = R"({"customer":"a","total":1,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})";

// A writer that inserted an order, and a reader (that also writes) which read it before the
// writer committed.
struct Racing {
  int store, writer, reader;
  std::string id;
};

Racing racing_mutations() {
  Racing r{};
  r.store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  r.writer = call(api::tx_begin(r.store)).get<int>();
  r.id = call(api::tx_insert(r.writer, "orders", kOrder, 1.0))["_id"];
  r.reader = call(api::tx_begin(r.store)).get<int>();
  call(api::tx_get(r.reader, "", r.id));
  call(api::tx_insert(r.reader, "orders", kOrder, 2.0));
  return r;
}

// The text of member `name` of a flat JSON object as written (a number as the core printed it).
std::string member_text(const std::string& object, const std::string& name) {
  const std::size_t at = object.find("\"" + name + "\":");
  REQUIRE(at != std::string::npos);
  const std::size_t from = at + name.size() + 3;
  return object.substr(from, object.find_first_of(",}", from) - from);
}

// A plan of tx_batch_plan_compact / tx_accept_plan_compact in tx_batch_plan's form.
json expand_compact_batch(const json& plan) {
  REQUIRE(plan.size() == 3);
  json steps = json::array();
  for (const auto& s : plan[0]) {
    REQUIRE(s.size() == 5);
    json step = s[0].is_number() ? json{{"textId", s[0]}} : s[0];
    step["params"] = s[1];
    step["expectRows"] = s[2];
    step["tx"] = s[3];
    step["write"] = s[4];
    steps.push_back(step);
  }
  return {{"steps", steps}, {"needsTransaction", plan[1]}, {"origins", plan[2]}};
}

// tx_accept_plan_compact's answer in tx_accept_plan's form.
json expand_compact_plan(const std::string& answer) {
  INFO(answer);
  REQUIRE(answer.front() == '[');
  const json a = json::parse(answer);
  REQUIRE(a.size() == 3);
  return {{"conflict", nullptr}, {"affected", a[0]}, {"sequence", a[1]}, {"plan", expand_compact_batch(a[2])}};
}

}  // namespace

TEST_CASE("store api: open, layout, migrate plan, insert, update, delete, commit plan") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    const int store = call(api::store_open(kSchema, dialect, R"({"seed":"00ff"})")).get<int>();
    auto layout = call(api::store_layout(store));
    REQUIRE(layout["tables"].size() == 1);
    CHECK(layout["tables"][0]["columns"].size() == 8);

    auto queries = call(api::store_catalog_queries(store));
    CHECK(queries.size() == 2);
    auto plan = call(api::store_plan_migration(store, "[]", "[]"));
    CHECK(plan["refused"].empty());
    CHECK(plan["report"]["createdTables"] == json::array({"orders"}));

    const int tx = call(api::tx_begin(store)).get<int>();
    auto created = call(api::tx_insert(tx, "orders",
        R"({"customer":"ada","total":12.5,"qty":{"$integer":"AAAAAAAAABA="},"paid":false,"tags":["a"],"blob":{"$bytes":"AQI="},"meta":{"deep":[null]}})",
        1000.0));
    const std::string id = created["_id"];
    CHECK(id.size() == 32);
    CHECK(created["_creationTime"] == 1000.0);
    auto commit = call(api::tx_commit_plan(tx));
    CHECK(commit["steps"].size() == 1);
    call(api::tx_end(tx));

    auto got = call(api::store_get(store, "", id));
    CHECK(got["table"] == "orders");
    CHECK(call(api::store_normalize_id(store, "orders", id)) == id);
    CHECK(call(api::store_normalize_id(store, "orders", "nope")).is_null());

    const int tx2 = call(api::tx_begin(store)).get<int>();
    const char* old_doc = R"({"customer":"ada","total":12.5,"qty":{"$integer":"AAAAAAAAABA="},"paid":false,"tags":["a"]})";
    call(api::tx_update(tx2, id, "1", 1000.0, old_doc, R"({"customer":"ada","total":13,"qty":{"$integer":"AAAAAAAAABA="},"paid":true,"tags":[]})"));
    call(api::tx_remove(tx2, id, "1", 1000.0, old_doc));
    auto plan2 = call(api::tx_commit_plan(tx2));
    CHECK(plan2["steps"].size() == 1);
    call(api::tx_end(tx2));
    call(api::store_close(store));
  }
}

TEST_CASE("store api: invalid documents are refused before any SQL") {
  const int store = call(api::store_open(kSchema, "postgres", "{}")).get<int>();
  const int tx = call(api::tx_begin(store)).get<int>();
  auto refused = json::parse(api::tx_insert(tx, "orders", R"({"customer":5})", 1.0));
  CHECK(refused["ok"] == false);
  CHECK(refused["code"] == "VALIDATION_FAILED");
  auto unknown = json::parse(api::tx_insert(tx, "nope", R"({})", 1.0));
  CHECK(unknown["code"] == "NOT_FOUND");
  auto plan = call(api::tx_commit_plan(tx));
  CHECK(plan["steps"].empty());
}

TEST_CASE("store api: a string with U+0000 is refused on Postgres before any SQL, kept on MySQL") {
  const char* doc = R"({"customer":"a\u0000b","total":1,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":["x\u0000"]})";
  const int pg = call(api::store_open(kSchema, "postgres", "{}")).get<int>();
  auto refused = json::parse(api::tx_insert(call(api::tx_begin(pg)).get<int>(), "orders", doc, 1.0));
  CHECK(refused["code"] == "UNSUPPORTED_VALUE");
  CHECK(refused["message"] ==
        "Failed to insert or update a document in table \"orders\" because the database cannot store one of its values: "
        "Path: .customer Value: \"a\\u0000b\" (this database engine cannot store the character U+0000 in a string)");
  const int my = call(api::store_open(kSchema, "mysql", "{}")).get<int>();
  CHECK(json::parse(api::tx_insert(call(api::tx_begin(my)).get<int>(), "orders", doc, 1.0))["ok"] == true);
}

TEST_CASE("store api: a statement text is sent once, then referred to by its number") {
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = call(api::tx_begin(store)).get<int>();
  const std::string a = call(api::tx_insert(tx, "orders", R"({"customer":"a","total":1,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})", 1.0))["_id"];
  const std::string b = call(api::tx_insert(tx, "orders", R"({"customer":"b","total":2,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})", 2.0))["_id"];
  auto first = call(api::store_get(store, "", a))["statement"];
  REQUIRE(first.contains("text"));
  REQUIRE(first["textId"].is_number_integer());
  auto again = call(api::tx_get(tx, "", b))["statement"];
  CHECK_FALSE(again.contains("text"));
  CHECK(again["textId"] == first["textId"]);
  CHECK(again["params"] == json::array({b}));
  // A commit plan's text gets its own number; the same shape again sends only the number.
  auto plan = call(api::tx_commit_plan(tx))["steps"][0];
  REQUIRE(plan.contains("text"));
  CHECK(plan["textId"] != first["textId"]);
  auto plan_again = call(api::tx_batch_plan("[" + std::to_string(tx) + "]"))["steps"][0];
  CHECK_FALSE(plan_again.contains("text"));
  CHECK(plan_again["textId"] == plan["textId"]);
  call(api::tx_end(tx));
  // Texts belong to their store: a new store starts over.
  const int other = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  CHECK(call(api::store_get(other, "", a))["statement"].contains("text"));
  call(api::store_close(other));
  call(api::store_close(store));
}

TEST_CASE("store api: tx_accept validates and records in one call") {
  // A mutation that read the document before the writer committed conflicts with it.
  const auto [store, writer, reader, id] = racing_mutations();
  auto accepted = call(api::tx_accept(writer));
  CHECK(accepted["conflict"].is_null());
  CHECK(accepted["affected"].is_array());
  CHECK(accepted["sequence"].is_number());
  call(api::store_confirm(store, accepted["sequence"].get<double>()));
  auto refused = call(api::tx_accept(reader));
  CHECK(refused["conflict"]["id"] == id);
  CHECK_FALSE(refused.contains("sequence"));
  call(api::tx_end(writer));
  call(api::tx_end(reader));
  call(api::store_close(store));
}

TEST_CASE("store api: tx_accept_plan validates, records and plans a lone mutation in one call") {
  const auto [store, writer, reader, id] = racing_mutations();
  auto accepted = call(api::tx_accept_plan(writer));
  CHECK(accepted["conflict"].is_null());
  CHECK(accepted["affected"] == json::array());
  CHECK(accepted["sequence"].is_number());
  // The plan is the one tx_batch_plan makes for the mutation alone.
  auto plan = accepted["plan"];
  REQUIRE(plan["steps"].size() == 1);
  CHECK(plan["steps"][0]["tx"] == 0);
  CHECK(plan["steps"][0]["write"] == 0);
  CHECK(plan["steps"][0]["text"].get<std::string>().find("INSERT") != std::string::npos);
  CHECK(plan["needsTransaction"] == false);
  CHECK(plan["origins"] == json::parse("[[0,0]]"));
  auto batch = call(api::tx_batch_plan("[" + std::to_string(writer) + "]"));
  CHECK(batch["steps"][0]["params"] == plan["steps"][0]["params"]);
  CHECK(batch["steps"][0]["textId"] == plan["steps"][0]["textId"]);

  // tx_finish confirms the commit and ends the mutation.
  auto malformed = json::parse(api::tx_finish(writer, -1));
  CHECK(malformed["message"] == "malformed sequence");
  call(api::tx_finish(writer, accepted["sequence"].get<double>()));
  auto gone = json::parse(api::tx_finish(writer, accepted["sequence"].get<double>()));
  CHECK(gone["message"] == "the mutation is no longer open");
  CHECK(json::parse(api::tx_accept_plan(writer))["message"] == "the mutation is no longer open");

  // A mutation that read the document before the writer committed conflicts with it: no
  // sequence, no plan.
  auto refused = call(api::tx_accept_plan(reader));
  CHECK(refused["conflict"]["id"] == id);
  CHECK(refused["conflict"]["table"] == "orders");
  CHECK_FALSE(refused.contains("sequence"));
  CHECK_FALSE(refused.contains("plan"));
  call(api::tx_end(reader));
  call(api::store_close(store));
}

TEST_CASE("store api: tx_accept_plan retracts a commit whose plan cannot be made") {
  for (const bool compact : {false, true}) {
    INFO("compact " << compact);
    const auto accept_plan = compact ? api::tx_accept_plan_compact : api::tx_accept_plan;
    const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
    const char* doc = kOrder;
    const int big = call(api::tx_begin(store)).get<int>();
    // One Postgres statement for all of a mutation's writes: past 65535 params it is refused.
    std::string first;
    for (int i = 0; i < 7000; ++i) {
      std::string id = call(api::tx_insert(big, "orders", doc, 1.0 + i))["_id"];
      if (i == 0) first = id;
    }
    const int reader = call(api::tx_begin(store)).get<int>();
    call(api::tx_get(reader, "", first));
    call(api::tx_insert(reader, "orders", doc, 1.0));
    CHECK(accept_plan(big) ==
          R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the group's commit statement would bind too many parameters"})");
    // Retracted: the reader does not conflict with writes that never happened.
    const std::string answer = accept_plan(reader);
    auto accepted = compact ? expand_compact_plan(answer) : call(answer);
    CHECK(accepted["conflict"].is_null());
    call(api::tx_end(big));
    call(api::tx_finish(reader, accepted["sequence"].get<double>()));
    call(api::store_close(store));
  }
}

TEST_CASE("store api: a _version that is not a bigint below the largest is refused") {
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = call(api::tx_begin(store)).get<int>();
  const std::string id = call(api::tx_insert(tx, "orders",
      R"({"customer":"ada","total":1,"qty":{"$integer":"AAAAAAAAABA="},"paid":false,"tags":[]})", 1.0))["_id"];
  const char* doc = R"({"customer":"ada","total":2,"qty":{"$integer":"AAAAAAAAABA="},"paid":false,"tags":[]})";
  // The commit writes _version + 1: the largest bigint would overflow, 19 nines do not fit.
  for (const char* version : {"9223372036854775807", "9999999999999999999", "", "12a", "-1", "18446744073709551616"}) {
    INFO(version);
    auto refused = json::parse(api::tx_update(tx, id, version, 1.0, "{}", doc));
    CHECK(refused["ok"] == false);
    CHECK(refused["message"] == "malformed _version");
    refused = json::parse(api::tx_remove(tx, id, version, 1.0, "{}"));
    CHECK(refused["message"] == "malformed _version");
  }
  CHECK(json::parse(api::tx_update(tx, id, "9223372036854775806", 1.0, "{}", doc))["ok"] == true);
  api::tx_end(tx);
  api::store_close(store);
}

TEST_CASE("store api: a patch names its fields; its UPDATE sets them and the keys that changed") {
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx0 = call(api::tx_begin(store)).get<int>();
  const std::string real = call(api::tx_insert(tx0, "orders", kOrder, 1.0))["_id"];
  call(api::tx_end(tx0));
  const char* old_doc = R"({"customer":"a"})";  // the indexed fields of the version read
  auto update_text = [&](std::initializer_list<std::pair<const char*, const char*>> updates) {
    const int tx = call(api::tx_begin(store)).get<int>();
    for (const auto& [doc, fields] : updates) call(api::tx_update(tx, real, "1", 1.0, old_doc, doc, fields));
    auto plan = call(api::tx_commit_plan(tx));
    call(api::tx_end(tx));
    REQUIRE(plan["steps"].size() == 1);
    const auto& step = plan["steps"][0];
    return step.contains("text") ? step["text"].get<std::string>() : std::string("#") + step["textId"].dump();
  };
  const std::string same_customer = R"({"customer":"a","total":2,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})";
  const std::string new_customer = R"({"customer":"b","total":2,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})";

  CHECK(update_text({{same_customer.c_str(), R"(["total"])"}}) ==
        "UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"total\" = $2::text::float8 WHERE \"_id\" = $3 AND "
        "\"_version\" = $4::text::int8 RETURNING 1");
  // Naming an indexed field whose value stays: no key column.
  CHECK(update_text({{same_customer.c_str(), R"(["customer","paid"])"}}) ==
        "UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"customer\" = $2, \"paid\" = $3::text::boolean "
        "WHERE \"_id\" = $4 AND \"_version\" = $5::text::int8 RETURNING 1");
  // Two patches of one document in one mutation: both sets of fields, and the key that moved
  // against the version read.
  CHECK(update_text({{new_customer.c_str(), R"(["customer"])"}, {new_customer.c_str(), R"(["note"])"}}) ==
        "UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"customer\" = $2, \"note\" = $3, "
        "\"_k_by_customer\" = decode($4::text, 'hex') WHERE \"_id\" = $5 AND \"_version\" = $6::text::int8 RETURNING 1");
  // A replace (no field list) after a patch: every column.
  const std::string all = update_text({{same_customer.c_str(), R"(["total"])"}, {same_customer.c_str(), ""}});
  CHECK(all.find("\"blob\" = $") != std::string::npos);
  CHECK(all.find("\"_k_by_customer\" = decode(") != std::string::npos);

  const int tx = call(api::tx_begin(store)).get<int>();
  for (const char* bad : {"{}", "[1]", "not json"}) {
    auto refused = json::parse(api::tx_update(tx, real, "1", 1.0, old_doc, same_customer, bad));
    CHECK(refused["ok"] == false);
    CHECK(refused["message"] == "the fields a patch sets must be a JSON array of names");
  }
  call(api::tx_end(tx));
}

TEST_CASE("store api: point reads answered by a text number once the text has crossed") {
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx0 = call(api::tx_begin(store)).get<int>();
  const std::string id = call(api::tx_insert(tx0, "orders", kOrder, 1.0))["_id"];
  call(api::tx_end(tx0));
  std::string other = id;
  other[0] = other[0] == '0' ? '1' : '0';  // another well-formed id of the same table

  // Before the envelope answer has carried the text: ask for the envelope.
  CHECK(api::store_get_text(store, "", id) == -2);
  auto first = call(api::store_get(store, "", id));
  REQUIRE(first["statement"].contains("text"));
  const int text = first["statement"]["textId"].get<int>();
  CHECK(api::store_get_text(store, "", id) == text);
  CHECK(api::store_get_text(store, "orders", other) == text);
  // Not a document of the store, or of the table named: no document, as store_get says.
  for (const auto& [table, bad] : std::vector<std::pair<std::string, std::string>>{{"", "nope"}, {"users", id}, {"nope", id}, {"", ""}}) {
    CHECK(api::store_get_text(store, table, bad) == -1);
    CHECK(call(api::store_get(store, table, bad))["table"].is_null());
  }

  // In a mutation the read is recorded exactly when a number answers.
  const int writer = call(api::tx_begin(store)).get<int>();
  call(api::tx_update(writer, id, "1", 1.0, R"({"customer":"a"})", kOrder));
  const int reader = call(api::tx_begin(store)).get<int>();
  CHECK(api::tx_get_text(reader, "", id) == text);
  call(api::tx_insert(reader, "orders", kOrder, 2.0));
  const int bystander = call(api::tx_begin(store)).get<int>();
  CHECK(api::tx_get_text(bystander, "", "nope") == -1);
  call(api::tx_insert(bystander, "orders", kOrder, 3.0));
  REQUIRE(call(api::tx_accept(writer))["conflict"].is_null());
  auto conflict = call(api::tx_accept(reader))["conflict"];
  CHECK(conflict["id"] == id);
  CHECK(call(api::tx_accept(bystander))["conflict"].is_null());

  // A mutation or store that is gone: the envelope answers (with its error).
  call(api::tx_end(writer));
  CHECK(api::tx_get_text(writer, "", id) == -2);
  call(api::store_close(store));
  CHECK(api::store_get_text(store, "", id) == -2);
}

TEST_CASE("store api: a mutation begun after another ended starts empty, from the store's state") {
  // tx_end keeps the finished write set for the store's next mutation (emptied, restarted).
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int first = call(api::tx_begin(store)).get<int>();
  const std::string id = call(api::tx_insert(first, "orders", kOrder, 1.0))["_id"];
  call(api::tx_get(first, "", id));
  auto accepted = call(api::tx_accept_plan(first));
  call(api::tx_finish(first, accepted["sequence"].get<double>()));

  // The next mutation sees none of the first one's writes or reads.
  const int second = call(api::tx_begin(store)).get<int>();
  CHECK(second != first);
  auto empty = call(api::tx_commit_plan(second));
  CHECK(empty["steps"] == json::array());
  const std::string other = call(api::tx_insert(second, "orders", kOrder, 2.0))["_id"];
  auto plan = call(api::tx_accept_plan(second));
  CHECK(plan["conflict"].is_null());  // its read set is empty: the first commit cannot conflict
  REQUIRE(plan["plan"]["steps"].size() == 1);
  CHECK(plan["plan"]["steps"][0]["write"] == 0);
  CHECK(plan["plan"]["steps"][0]["params"][0] == other);
  CHECK(plan["sequence"].get<double>() > accepted["sequence"].get<double>());

  // A third mutation, begun before the second commits, conflicts with it when it read the
  // document: its begin point is the store's last confirmed commit.
  const int third = call(api::tx_begin(store)).get<int>();
  call(api::tx_get(third, "", other));
  call(api::tx_finish(second, plan["sequence"].get<double>()));
  call(api::tx_insert(third, "orders", kOrder, 3.0));
  CHECK(call(api::tx_accept_plan(third))["conflict"]["id"] == other);
  call(api::tx_end(third));
  call(api::store_close(store));
  // A store opened after the first closed starts with fresh write sets too.
  const int again = call(api::store_open(kSchema, "mysql", R"({"seed":"00ff"})")).get<int>();
  const int fourth = call(api::tx_begin(again)).get<int>();
  CHECK(call(api::tx_commit_plan(fourth))["steps"] == json::array());
  call(api::tx_end(fourth));
  call(api::store_close(again));
}

TEST_CASE("store api: tx_insert_compact answers the id and creation time without JSON") {
  // Two stores of one seed assign the same ids: one answers tx_insert, the other the compact form.
  const int objects = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int compact = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int a = call(api::tx_begin(objects)).get<int>();
  const int b = call(api::tx_begin(compact)).get<int>();
  for (double now : {1700000000000.25, 1700000000000.25, 5.0}) {
    const std::string envelope = api::tx_insert(a, "orders", kOrder, now);
    const std::string answer = api::tx_insert_compact(b, "orders", kOrder, now);
    INFO(envelope << " / " << answer);
    const std::string id = call(envelope)["_id"];
    CHECK(answer == id + " " + member_text(envelope, "_creationTime"));
  }
  CHECK(api::tx_insert_compact(b, "orders", kOrder, 1.0).substr(32) == " 1700000000000.253");
  const std::string first = api::tx_insert_compact(b, "orders", kOrder, 1800000000000.0);
  CHECK(first.size() == 32 + 14);
  CHECK(first.substr(32) == " 1800000000000");
  CHECK(call(api::store_normalize_id(compact, "orders", first.substr(0, 32))) == first.substr(0, 32));

  // Errors are tx_insert's envelopes, byte for byte.
  for (const auto& [table, doc] : std::vector<std::pair<std::string, std::string>>{{"orders", R"({"customer":5})"}, {"nope", "{}"}, {"orders", "{"}}) {
    const std::string refused = api::tx_insert_compact(b, table, doc, 1.0);
    CHECK(refused == api::tx_insert(b, table, doc, 1.0));
    CHECK(json::parse(refused)["ok"] == false);
  }
  call(api::tx_end(b));
  CHECK(api::tx_insert_compact(b, "orders", kOrder, 1.0) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the mutation is no longer open"})");
  call(api::store_close(objects));
  call(api::store_close(compact));
}

TEST_CASE("store api: tx_accept_plan_compact answers tx_accept_plan's plan as positional arrays") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    // Twin stores (one seed, the same calls): one answers tx_accept_plan, the other the compact form.
    int stores[2];
    std::string ids[2];
    for (int& store : stores) store = call(api::store_open(kSchema, dialect, R"({"seed":"00ff"})")).get<int>();
    for (int round = 0; round < 2; ++round) {
      INFO("round " << round);
      int writers[2], readers[2];
      for (int s = 0; s < 2; ++s) {
        writers[s] = call(api::tx_begin(stores[s])).get<int>();
        ids[s] = call(api::tx_insert(writers[s], "orders", kOrder, 1.0))["_id"];
        call(api::tx_insert(writers[s], "orders", kOrder, 2.0));
        // A subscription that read the first document, and a mutation that did.
        const int watch = call(api::tx_begin(stores[s])).get<int>();
        call(api::tx_get(watch, "", ids[s]));
        call(api::sub_set(watch, 7));
        call(api::tx_end(watch));
        readers[s] = call(api::tx_begin(stores[s])).get<int>();
        call(api::tx_get(readers[s], "", ids[s]));
        call(api::tx_insert(readers[s], "orders", kOrder, 3.0));
      }
      REQUIRE(ids[0] == ids[1]);
      const json accepted = call(api::tx_accept_plan(writers[0]));
      const std::string answer = api::tx_accept_plan_compact(writers[1]);
      CHECK(expand_compact_plan(answer) == accepted);
      // Exactly: the first commit sends the text with its number, the next only the number.
      const json& steps = accepted["plan"]["steps"];
      const std::string head = "[[7]," + std::to_string(round + 1) + ",[[";
      if (round == 0) {
        CHECK(answer.rfind(head + "[{\"text\":" + steps[0]["text"].dump() + ",\"textId\":1},", 0) == 0);
      } else if (std::string(dialect) == "postgres") {
        CHECK(answer == head + "[1," + steps[0]["params"].dump() + ",-1,null,-1]],false,[[0,0],[0,1]]]]");
      } else {
        CHECK(answer == head + "[1," + steps[0]["params"].dump() + ",1,0,0],[1," + steps[1]["params"].dump() +
                            ",1,0,1]],true,[[0,0],[0,1]]]]");
      }
      // A conflict or an error: the envelope of tx_accept_plan, byte for byte.
      const std::string conflict = api::tx_accept_plan(readers[0]);
      CHECK(api::tx_accept_plan_compact(readers[1]) == conflict);
      CHECK(json::parse(conflict)["value"]["conflict"]["id"] == ids[0]);
      for (int s = 0; s < 2; ++s) {
        call(api::tx_finish(writers[s], accepted["sequence"].get<double>()));
        call(api::tx_end(readers[s]));
      }
      CHECK(api::tx_accept_plan_compact(writers[1]) == api::tx_accept_plan(writers[0]));
      CHECK(api::tx_accept_plan_compact(writers[1]) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the mutation is no longer open"})");
    }
    for (int store : stores) call(api::store_close(store));
  }
}

TEST_CASE("store api: tx_begin_handle answers the new mutation's handle as a number") {
  const int store = call(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int a = api::tx_begin_handle(store);
  const int b = call(api::tx_begin(store)).get<int>();
  const int c = api::tx_begin_handle(store);
  CHECK(a > 0);
  CHECK(b == a + 1);  // one sequence of handles
  CHECK(c == b + 1);
  CHECK(api::tx_insert_compact(a, "orders", kOrder, 1.0).size() == 32 + 2);
  for (int tx : {a, b, c}) call(api::tx_end(tx));
  // A mutation begun after another ended: a new handle, the write set recycled.
  const int d = api::tx_begin_handle(store);
  CHECK(d == c + 1);
  CHECK(call(api::tx_commit_plan(d))["steps"].empty());
  call(api::store_close(store));
  CHECK(api::tx_begin_handle(store) == 0);
  CHECK(api::tx_begin(store) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the store was closed"})");
}

TEST_CASE("store api: every error envelope is longer than {\"ok\":true,\"value\":null}") {
  // The shim takes an answer of ok_null's length from tx_update, tx_remove, tx_finish and
  // tx_end as that answer without decoding it.
  CHECK(api::detail::ok_null() == R"({"ok":true,"value":null})");
  for (int code = static_cast<int>(lunora::ErrorCode::invalid_argument); code <= static_cast<int>(lunora::ErrorCode::internal); ++code) {
    const std::string shortest = api::detail::fail(lunora::Status(static_cast<lunora::ErrorCode>(code), ""));
    INFO(shortest);
    CHECK(shortest.size() > api::detail::ok_null().size());
  }
}

namespace {

// Twin stores (one seed, so the same calls give the same ids), each with two open writers that
// inserted an order apiece, and `subscriptions` registered over a read of the second one's.
struct TwinWriters {
  int stores[2];
  std::vector<int> writers[2];
  std::string id;  // the second writer's document
};

TwinWriters twin_writers(const char* dialect, std::initializer_list<int> subscriptions) {
  TwinWriters twins;
  for (int s = 0; s < 2; ++s) {
    twins.stores[s] = call(api::store_open(kSchema, dialect, R"({"seed":"00ff"})")).get<int>();
    for (int w = 0; w < 2; ++w) {
      twins.writers[s].push_back(call(api::tx_begin(twins.stores[s])).get<int>());
      twins.id = call(api::tx_insert(twins.writers[s].back(), "orders", kOrder, 1.0 + w))["_id"];
    }
    const int watch = call(api::tx_begin(twins.stores[s])).get<int>();
    call(api::tx_get(watch, "", twins.id));
    for (const int subscription : subscriptions) call(api::sub_set(watch, subscription));
    call(api::tx_end(watch));
  }
  return twins;
}

}  // namespace

TEST_CASE("store api: tx_accept_compact and tx_batch_plan_compact answer a group commit as arrays") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    // Twin stores: one answers with objects, the other compactly.
    TwinWriters twins = twin_writers(dialect, {9});
    const auto& [stores, writers, id] = twins;
    int readers[2];
    for (int s = 0; s < 2; ++s) {
      readers[s] = call(api::tx_begin(stores[s])).get<int>();
      call(api::tx_get(readers[s], "", id));
      call(api::tx_insert(readers[s], "orders", kOrder, 3.0));
    }
    for (std::size_t w = 0; w < 2; ++w) {
      const json accepted = call(api::tx_accept(writers[0][w]));
      const std::string answer = api::tx_accept_compact(writers[1][w]);
      CHECK(answer == (w == 0 ? "[[],1]" : "[[9],2]"));
      CHECK(accepted == json({{"conflict", nullptr}, {"affected", json::parse(answer)[0]}, {"sequence", json::parse(answer)[1]}}));
    }
    const auto list = [](const std::vector<int>& txs) { return "[" + std::to_string(txs[0]) + "," + std::to_string(txs[1]) + "]"; };
    const json plan = call(api::tx_batch_plan(list(writers[0])));
    const std::string answer = api::tx_batch_plan_compact(list(writers[1]));
    INFO(answer);
    REQUIRE(answer.front() == '[');
    CHECK(expand_compact_batch(json::parse(answer)) == plan);
    // One statement for both inserts (a guard-free step: tx null), then needsTransaction and origins.
    const std::string tail = std::string(dialect) == "postgres" ? ",-1,null,-1]],false,[[0,0],[1,0]]]" : ",2,null,-1]],true,[[0,0],[1,0]]]";
    CHECK(answer.substr(answer.size() - tail.size()) == tail);
    // Conflicts and errors: tx_accept's and tx_batch_plan's envelopes, byte for byte.
    CHECK(api::tx_accept_compact(readers[1]) == api::tx_accept(readers[0]));
    CHECK(json::parse(api::tx_accept(readers[0]))["value"]["conflict"]["id"] == id);
    for (const std::string& bad : {std::string("[]"), std::string("[\"x\"]"), std::string("[99999]"), std::string("{")}) {
      const std::string refused = api::tx_batch_plan_compact(bad);
      CHECK(refused == api::tx_batch_plan(bad));
      CHECK(json::parse(refused)["ok"] == false);
    }
    call(api::tx_end(readers[0]));
    CHECK(api::tx_accept_compact(readers[0]) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the mutation is no longer open"})");
    for (int s = 0; s < 2; ++s) call(api::store_close(stores[s]));
  }
}

TEST_CASE("store api: tx_record_commit_compact answers the sequence, then the affected subscriptions") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    // Twin stores: one logs with tx_record_commit, the other compactly.
    TwinWriters twins = twin_writers(dialect, {9, 12});
    const auto& [stores, writers, id] = twins;
    for (std::size_t w = 0; w < 2; ++w) {
      const json logged = call(api::tx_record_commit(writers[0][w]));
      const std::string answer = api::tx_record_commit_compact(writers[1][w]);
      CHECK(answer == (w == 0 ? "1" : "2,9,12"));
      CHECK(logged["sequence"] == w + 1);
      CHECK(logged["affected"] == (w == 0 ? json::array() : json::array({9, 12})));
      call(api::tx_finish(writers[0][w], static_cast<double>(w + 1)));
      call(api::tx_finish(writers[1][w], static_cast<double>(w + 1)));
    }
    // An error is the envelope, as tx_record_commit answers it.
    CHECK(api::tx_record_commit_compact(writers[1][0]) == api::tx_record_commit(writers[0][0]));
    CHECK(api::tx_record_commit_compact(writers[1][0]) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the mutation is no longer open"})");
    for (int store : stores) call(api::store_close(store));
  }
}

TEST_CASE("store api: tx_check_plan_compact plans a lone mutation and leaves its logging for later") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    // Twin stores (one seed, the same calls): one accepts in one crossing, the other checks,
    // then logs with tx_record_commit.
    int stores[2];
    for (int& store : stores) store = call(api::store_open(kSchema, dialect, R"({"seed":"00ff"})")).get<int>();
    int writers[2], readers[2];
    std::string ids[2];
    for (int s = 0; s < 2; ++s) {
      writers[s] = call(api::tx_begin(stores[s])).get<int>();
      ids[s] = call(api::tx_insert(writers[s], "orders", kOrder, 1.0))["_id"];
      readers[s] = call(api::tx_begin(stores[s])).get<int>();
      call(api::tx_get(readers[s], "", ids[s]));
      call(api::tx_insert(readers[s], "orders", kOrder, 2.0));
    }
    REQUIRE(ids[0] == ids[1]);
    const std::string accepted = api::tx_accept_plan_compact(writers[0]);
    const std::string checked = api::tx_check_plan_compact(writers[1]);
    // The same plan: the accepted answer is [[affected], sequence, <plan>].
    CHECK(accepted == "[[],1," + checked + "]");
    // Nothing logged yet: the reader, which read the written document, does not conflict.
    CHECK(json::parse(api::tx_validate(readers[1]))["value"].is_null());
    auto logged = call(api::tx_record_commit(writers[1]));
    CHECK(logged["sequence"] == 1);
    CHECK(call(api::tx_validate(readers[1]))["id"] == ids[1]);
    // Checking again once logged conflicts as tx_accept_plan does, byte for byte.
    CHECK(api::tx_check_plan_compact(readers[1]) == api::tx_accept_plan(readers[0]));
    for (int s = 0; s < 2; ++s) {
      call(api::tx_finish(writers[s], 1));
      call(api::tx_end(readers[s]));
    }
    CHECK(api::tx_check_plan_compact(writers[1]) == R"({"ok":false,"code":"INVALID_ARGUMENT","message":"the mutation is no longer open"})");
    for (int store : stores) call(api::store_close(store));
  }
}
