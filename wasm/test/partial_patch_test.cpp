// tx_patch / WriteSet::patch: a read-modify-write's patch recorded by the fields it names.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"

using nlohmann::json;
namespace api = lunora::api;

namespace {

const char* kSchema = R"({"tables":{"orders":{"global":true,"document":{"kind":"object","fields":{
  "customer":{"kind":"string"},"total":{"kind":"float64"},"qty":{"kind":"int64"},"paid":{"kind":"boolean"},
  "note":{"kind":"optional","value":{"kind":"string"}},"tags":{"kind":"array","items":{"kind":"string"}}}},
  "indexes":[{"name":"by_customer","fields":["customer"]},{"name":"by_paid_total","fields":["paid","total"]}]}}})";

const char* kOrder = R"({"customer":"a","total":1,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[]})";
// The indexed fields of kOrder: what the shim sends of the version read.
const char* kOldIndexed = R"({"customer":"a","paid":true,"total":1})";

json call(const std::string& envelope) {
  json parsed = json::parse(envelope);
  INFO(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

struct Fixture {
  int store = 0;
  std::string id;
  explicit Fixture(const char* engine = "postgres") {
    store = call(api::store_open(kSchema, engine, R"({"seed":"00ff"})")).get<int>();
    const int tx = call(api::tx_begin(store)).get<int>();
    id = call(api::tx_insert(tx, "orders", kOrder, 1.0))["_id"];
    call(api::tx_end(tx));
  }
  ~Fixture() { api::store_close(store); }

  // The commit plan's one step after `record` ran in a fresh mutation.
  template <typename Record>
  json step(Record record) {
    const int tx = call(api::tx_begin(store)).get<int>();
    record(tx);
    auto plan = call(api::tx_commit_plan(tx));
    call(api::tx_end(tx));
    REQUIRE(plan["steps"].size() == 1);
    return plan["steps"][0];
  }
};

std::string text_of(const json& step) { return step.contains("text") ? step["text"].get<std::string>() : std::string(); }
// A text crosses once; afterwards the step names it by number (statement_texts.hpp).
bool same_text(const json& first, const json& second) {
  return first.contains("textId") && second.contains("textId") && first["textId"] == second["textId"];
}

}  // namespace

TEST_CASE("tx_patch: the UPDATE of a patch by its named fields equals the whole document's") {
  Fixture f;
  // The same patch both ways: the whole merged document with its field list, and by name only.
  auto named = f.step([&](int tx) {
    CHECK(api::tx_patch(tx, f.id, "1", 1.0, kOldIndexed, R"({"qty":{"$integer":"AQAAAAAAAAA="}})", "", 200) == "1");
  });
  auto whole = f.step([&](int tx) {
    call(api::tx_update(tx, f.id, "1", 1.0, kOldIndexed,
                        R"({"customer":"a","total":1,"qty":{"$integer":"AQAAAAAAAAA="},"paid":true,"tags":[]})", R"(["qty"])"));
  });
  CHECK(text_of(named) == R"(UPDATE "orders" SET "_version" = $1::text::int8, "qty" = $2::text::int8 WHERE "_id" = $3 AND "_version" = $4::text::int8 RETURNING 1)");
  CHECK(same_text(named, whole));
  CHECK(whole["params"] == named["params"]);
  CHECK(named["params"].dump() == R"(["2","1",")" + f.id + R"(","1"])");

  // A moved key (one of a two-field index named): computed from the old indexed fields.
  auto named_key = f.step([&](int tx) {
    CHECK(api::tx_patch(tx, f.id, "1", 1.0, kOldIndexed, R"({"total":7.5,"note":"n"})", "", 200) == "1");
  });
  auto whole_key = f.step([&](int tx) {
    call(api::tx_update(tx, f.id, "1", 1.0, kOldIndexed,
                        R"({"customer":"a","total":7.5,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[],"note":"n"})",
                        R"(["total","note"])"));
  });
  CHECK(text_of(named_key) ==
        R"(UPDATE "orders" SET "_version" = $1::text::int8, "note" = $2, "total" = $3::text::float8, "_k_by_paid_total" = decode($4::text, 'hex') WHERE "_id" = $5 AND "_version" = $6::text::int8 RETURNING 1)");
  CHECK(same_text(named_key, whole_key));
  CHECK(whole_key["params"] == named_key["params"]);

  // A removed optional field: set to NULL.
  auto named_unset = f.step([&](int tx) { CHECK(api::tx_patch(tx, f.id, "1", 1.0, kOldIndexed, "{}", R"(["note"])", 200) == "1"); });
  CHECK(text_of(named_unset) == R"(UPDATE "orders" SET "_version" = $1::text::int8, "note" = $2 WHERE "_id" = $3 AND "_version" = $4::text::int8 RETURNING 1)");
  CHECK(named_unset["params"][1].is_null());
}

TEST_CASE("tx_patch: refuses (\"0\", nothing recorded) what the whole document's checks must judge") {
  Fixture f;
  const int tx = call(api::tx_begin(f.store)).get<int>();
  const std::string& id = f.id;
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"total":"x"})", "", 200) == "0");      // fails its validator
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"nope":1})", "", 200) == "0");         // not in the schema
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"_id":"x"})", "", 200) == "0");        // a system field
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, "{}", R"(["customer"])", 200) == "0");     // removes a required field
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, "{}", R"(["nope"])", 200) == "0");         // removes an unknown field
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"a"})", R"(["note"])", 200) == "0");  // named twice
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, "{}", "", 200) == "0");                    // names nothing
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, "not json", "", 200) == "0");
  // The merged document might exceed 1 MiB: the rest's bound leaves too little room.
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", 1048560) == "0");
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", -1) == "0");
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", 1e300) == "0");
  // Nothing was recorded by any of them.
  CHECK(call(api::tx_commit_plan(tx))["steps"].empty());

  // A document this mutation wrote already: the whole document is needed.
  call(api::tx_update(tx, id, "1", 1.0, kOldIndexed, kOrder, R"(["total"])"));
  CHECK(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", 200) == "0");
  // Bad arguments are errors, not refusals.
  CHECK(json::parse(api::tx_patch(tx, id, "x", 1.0, kOldIndexed, R"({"note":"abc"})", "", 200))["ok"] == false);
  CHECK(json::parse(api::tx_patch(tx, id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "{", 200))["ok"] == false);
  CHECK(json::parse(api::tx_patch(987654, id, "1", 1.0, kOldIndexed, "{}", "", 200))["ok"] == false);
  call(api::tx_end(tx));
}

TEST_CASE("tx_patch: SQLite writes whole rows, so it always refuses there") {
  Fixture f("sqlite");
  const int tx = call(api::tx_begin(f.store)).get<int>();
  CHECK(api::tx_patch(tx, f.id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", 200) == "0");
  call(api::tx_end(tx));
}

TEST_CASE("tx_patch: a query in the mutation refuses to run over a patch not yet completed") {
  Fixture f;
  const int tx = call(api::tx_begin(f.store)).get<int>();
  REQUIRE(api::tx_patch(tx, f.id, "1", 1.0, kOldIndexed, R"({"note":"abc"})", "", 200) == "1");
  const std::string query = R"({"table":"orders"})";
  auto refused = json::parse(api::query_begin(f.store, tx, query, "", 10));
  CHECK(refused["ok"] == false);
  CHECK(refused["message"] == "a query of table \"orders\" met a patch recorded without its whole document");
  // Completed with the whole merged document (as the shim does), the query runs, and the
  // UPDATE still sets only the fields named.
  call(api::tx_update(tx, f.id, "1", 1.0, kOldIndexed,
                      R"({"customer":"a","total":1,"qty":{"$integer":"AAAAAAAAAAA="},"paid":true,"tags":[],"note":"abc"})",
                      R"(["note"])"));
  auto begun = json::parse(api::query_begin(f.store, tx, query, "", 10));
  CHECK(begun["ok"] == true);
  if (begun["ok"] == true) api::query_end(begun["value"]["run"].get<int>());
  auto plan = call(api::tx_commit_plan(tx));
  REQUIRE(plan["steps"].size() == 1);
  CHECK(text_of(plan["steps"][0]) == R"(UPDATE "orders" SET "_version" = $1::text::int8, "note" = $2 WHERE "_id" = $3 AND "_version" = $4::text::int8 RETURNING 1)");
  call(api::tx_end(tx));
}
