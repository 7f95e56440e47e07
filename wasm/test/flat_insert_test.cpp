// The flat insert path (store/flat_insert.hpp) against the tree path: the same calls on two
// stores of the same seed, one with the flat path and one without, must answer the same bytes
// (ids, errors, commit plans, group commits, a query's pending rows, later writes of the
// inserted document), on every engine.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "lunora/api/store_api.hpp"
#include "lunora/dialect/dialect.hpp"
#include "lunora/layout/table_layout.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/store/flat_insert.hpp"
#include "lunora/value/wire.hpp"
#include "random_values.hpp"

using nlohmann::json;
namespace api = lunora::api;
using lunora::Value;

namespace {

// Every kind the flat reader takes, optional and required, two indexes over them, and kinds it
// leaves to the tree (an id, a union, any, bytes, an object).
const char* kSchema = R"({"tables":{"items":{"global":true,"document":{"kind":"object","fields":{
  "name":{"kind":"string"},"score":{"kind":"float64"},"count":{"kind":"int64"},"on":{"kind":"boolean"},
  "tags":{"kind":"array","items":{"kind":"string"}},
  "flags":{"kind":"optional","value":{"kind":"array","items":{"kind":"boolean"}}},
  "note":{"kind":"optional","value":{"kind":"string"}},
  "size":{"kind":"optional","value":{"kind":"float64"}},
  "owner":{"kind":"optional","value":{"kind":"id","table":"items"}},
  "state":{"kind":"optional","value":{"kind":"union","members":[{"kind":"literal","value":"a"},{"kind":"literal","value":"b"}]}},
  "meta":{"kind":"optional","value":{"kind":"any"}},
  "data":{"kind":"optional","value":{"kind":"bytes"}},
  "box":{"kind":"optional","value":{"kind":"object","fields":{"x":{"kind":"float64"}}}}}},
  "indexes":[{"name":"by_name","fields":["name","count"]},{"name":"by_score","fields":["size","on","tags"]}]}}})";

// The answers of `calls` made on a fresh store of `engine` with the flat path on or off.
std::vector<std::string> answers(const std::string& engine, bool flat, const std::function<void(int, std::vector<std::string>&)>& calls) {
  lunora::detail::set_flat_inserts(flat);
  std::vector<std::string> out;
  const json opened = json::parse(api::store_open(kSchema, engine, R"({"seed":"00ff"})"));
  REQUIRE(opened["ok"] == true);
  const int store = opened["value"].get<int>();
  calls(store, out);
  api::store_close(store);
  lunora::detail::set_flat_inserts(true);
  return out;
}

void same_both_ways(const std::string& engine, const std::function<void(int, std::vector<std::string>&)>& calls) {
  const auto flat = answers(engine, true, calls);
  const auto tree = answers(engine, false, calls);
  REQUIRE(flat.size() == tree.size());
  for (std::size_t i = 0; i < flat.size(); ++i) {
    INFO(engine << " answer " << i);
    CHECK(flat[i] == tree[i]);
  }
}

std::string id_of(const std::string& insert_answer) {
  const json answer = json::parse(insert_answer);
  return answer["ok"] == true ? answer["value"]["_id"].get<std::string>() : "";
}

const char* kEngines[] = {"postgres", "mysql", "sqlite"};

// Documents the flat reader takes, and some that look like them but it must leave to the tree
// (ASCII and UTF-8 text, escapes, invalid UTF-8 included).
// The first kFlatDocuments of kDocuments are flat.
constexpr std::size_t kFlatDocuments = 6;
const std::vector<std::string> kDocuments = {
    R"({"name":"ada","score":2.5,"count":{"$integer":"BQAAAAAAAAA="},"on":true,"tags":["a","b"]})",
    R"({"tags":[],"on":false,"count":{"$integer":"AAAAAAAAAIA="},"score":-1e-7,"name":""})",
    R"({"name":"x y","score":1e+21,"count":{"$integer":"/////////38="},"on":true,"tags":["q"],"flags":[true,false],"note":"n","size":0})",
    R"({"name":"z","score":-0,"count":{"$integer":"AAAAAAAAAAA="},"on":false,"tags":[],"size":9007199254740993})",
    R"({"name":"z","score":5e-324,"count":{"$integer":"AQAAAAAAAAA="},"on":false,"tags":["a"],"flags":[]})",
    "{\"name\":\"caf\xc3\xa9\",\"score\":1,\"count\":{\"$integer\":\"AQAAAAAAAAA=\"},\"on\":true,\"tags\":[\"\xf0\x9f\x98\x80\"]}",
    // left to the tree: valid, but not flat
    R"({"name":"caf\u00e9","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({ "name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1.0,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"state":"a","meta":{"k":[1]},"data":{"$bytes":"AAE="}})",
    R"({"name":"a","score":{"$float":"AAAAAAAA+H8="},"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"box":{"x":1}})",
    // refused, by the tree path's checks
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"extra":1})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"name":"b"})",
    "{\"name\":\"\xc3\x28\",\"score\":1,\"count\":{\"$integer\":\"AQAAAAAAAAA=\"},\"on\":true,\"tags\":[]}",
    "{\"name\":\"a\",\"score\":1,\"count\":{\"$integer\":\"AQAAAAAAAAA=\"},\"on\":true,\"tags\":[\"\xed\xa0\x80\"]}",
    R"({"name":"a","score":"1","count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA"},"on":true,"tags":[]})",
    R"({"name":"a","score":01,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1-2,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1e400,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[1]})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"note":null})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"_id":"x"})",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[]}x)",
    R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],})",
    R"([])",
    R"()",
};

}  // namespace

TEST_CASE("flat insert: the flat reader takes the usual flat documents, and only those") {
  auto schema = lunora::parse_schema(kSchema);
  REQUIRE(schema.ok());
  const lunora::TableSchema& table = schema->tables.at(0);
  const lunora::TableLayout layout = lunora::layout_table(table, lunora::postgres_dialect());
  std::vector<lunora::FlatValue> flat;
  lunora::ValidationOptions options;
  for (std::size_t i = 0; i < kDocuments.size(); ++i) {
    INFO(kDocuments[i]);
    CHECK(lunora::read_flat_insert(kDocuments[i], table, layout, options, flat) == (i < kFlatDocuments));
  }
  options.allow_negative_zero = false;  // -0 then goes to the tree path, which refuses it
  CHECK_FALSE(lunora::read_flat_insert(kDocuments[3], table, layout, options, flat));
  options.allow_negative_zero = true;
  // An id field: flat when the options say it is an id of its table.
  const std::string with_owner = R"({"name":"a","score":1,"count":{"$integer":"AQAAAAAAAAA="},"on":true,"tags":[],"owner":)";
  options.is_id_of_table = [](std::string_view table_name, std::string_view id) { return table_name == "items" && id == "0123"; };
  CHECK(lunora::read_flat_insert(with_owner + R"("0123"})", table, layout, options, flat));
  CHECK_FALSE(lunora::read_flat_insert(with_owner + R"("01234"})", table, layout, options, flat));
  // An enum (a union of string literals, in a text column): flat for its own strings only.
  CHECK(lunora::read_flat_insert(with_owner + R"("0123","state":"b"})", table, layout, options, flat));
  CHECK_FALSE(lunora::read_flat_insert(with_owner + R"("0123","state":"c"})", table, layout, options, flat));
  options.detailed_only = true;
  CHECK_FALSE(lunora::read_flat_insert(kDocuments[0], table, layout, options, flat));
}

TEST_CASE("flat insert: a lone insert answers and commits as the tree path does") {
  for (const char* engine : kEngines) {
    same_both_ways(engine, [](int store, std::vector<std::string>& out) {
      for (const auto& document : kDocuments) {
        for (const bool compact : {false, true}) {
          const int tx = json::parse(api::tx_begin(store))["value"].get<int>();
          out.push_back(compact ? api::tx_insert_compact(tx, "items", document, 1000.5) : api::tx_insert(tx, "items", document, 1000.5));
          out.push_back(api::tx_check_plan_compact(tx));
          out.push_back(api::tx_commit_plan(tx));
          out.push_back(api::tx_end(tx));
        }
      }
    });
  }
}

TEST_CASE("flat insert: the inserted document as later calls of its mutation see it") {
  for (const char* engine : kEngines) {
    same_both_ways(engine, [](int store, std::vector<std::string>& out) {
      for (std::size_t d = 0; d < kFlatDocuments; ++d) {
        // A query of the table in the same mutation meets the pending row.
        int tx = json::parse(api::tx_begin(store))["value"].get<int>();
        out.push_back(api::tx_insert(tx, "items", kDocuments[d], 2000));
        json begun = json::parse(api::query_begin(store, tx, R"({"table":"items"})", "", -1));
        REQUIRE(begun["ok"] == true);
        const int run = begun["value"]["run"].get<int>();
        begun["value"].erase("run");  // a handle, numbered across both stores
        out.push_back(begun.dump());
        if (!begun["value"].value("finished", false)) out.push_back(api::query_feed(run, "[]"));
        out.push_back(api::tx_end(tx));
        // Replaced, then deleted, in the mutation that inserted it.
        tx = json::parse(api::tx_begin(store))["value"].get<int>();
        const std::string id = id_of(api::tx_insert(tx, "items", kDocuments[d], 3000));
        out.push_back(api::tx_update(tx, id, "1", 3000, kDocuments[d], kDocuments[(d + 1) % kFlatDocuments], ""));
        out.push_back(api::tx_commit_plan(tx));
        out.push_back(api::tx_remove(tx, id, "1", 3000, kDocuments[d]));
        out.push_back(api::tx_commit_plan(tx));
        out.push_back(api::tx_end(tx));
      }
      // A group commit of two mutations' inserts.
      const int a = json::parse(api::tx_begin(store))["value"].get<int>();
      const int b = json::parse(api::tx_begin(store))["value"].get<int>();
      out.push_back(api::tx_insert(a, "items", kDocuments[0], 4000));
      out.push_back(api::tx_insert(b, "items", kDocuments[kFlatDocuments], 4000));
      out.push_back(api::tx_insert(b, "items", kDocuments[2], 4000));
      out.push_back(api::tx_batch_plan("[" + std::to_string(a) + "," + std::to_string(b) + "]"));
      out.push_back(api::tx_batch_plan_compact("[" + std::to_string(a) + "," + std::to_string(b) + "]"));
      out.push_back(api::tx_record_commit(a));
      out.push_back(api::tx_end(a));
      out.push_back(api::tx_end(b));
    });
  }
}

TEST_CASE("flat insert: random flat documents commit as the tree path commits them") {
  lunora::test::RandomValues random(20261127);
  // An id of "items" from a store of another seed, and the same id made wrong in its table tag.
  std::string owner;
  {
    const int store = json::parse(api::store_open(kSchema, "postgres", R"({"seed":"0a0b"})"))["value"].get<int>();
    const int tx = json::parse(api::tx_begin(store))["value"].get<int>();
    owner = id_of(api::tx_insert(tx, "items", kDocuments[0], 1));
    api::tx_end(tx);
    api::store_close(store);
  }
  REQUIRE(owner.size() == 32);
  std::string wrong_owner = owner;
  wrong_owner.back() = wrong_owner.back() == '0' ? '1' : '0';
  std::vector<std::string> documents;
  for (int n = 0; n < 400; ++n) {
    Value doc = Value::object();
    doc["name"] = random.pick(3) == 0 ? random.string() : std::string(random.pick(6), 'a' + static_cast<char>(random.pick(26)));
    doc["score"] = random.float64();
    doc["count"] = random.int64();
    doc["on"] = random.pick(2) == 1;
    doc["tags"] = Value::array();
    for (std::size_t k = random.pick(4); k > 0; --k) doc["tags"].push_back(random.pick(4) == 0 ? random.string() : std::string("t") + std::to_string(k));
    if (random.pick(2) == 0) doc["size"] = random.float64();
    if (random.pick(3) == 0) doc["flags"] = Value::array({random.pick(2) == 1});
    if (random.pick(3) == 0) doc["note"] = random.string();
    if (random.pick(3) == 0) doc["owner"] = random.pick(4) == 0 ? wrong_owner : owner;
    if (random.pick(3) == 0) doc["state"] = std::string(1, "abc"[random.pick(3)]);
    documents.push_back(lunora::to_wire(doc));
  }
  for (const char* engine : kEngines) {
    same_both_ways(engine, [&documents](int store, std::vector<std::string>& out) {
      for (const auto& document : documents) {
        const int tx = json::parse(api::tx_begin(store))["value"].get<int>();
        out.push_back(api::tx_insert_compact(tx, "items", document, 5000));
        out.push_back(api::tx_check_plan_compact(tx));
        out.push_back(api::tx_end(tx));
      }
    });
  }
}
