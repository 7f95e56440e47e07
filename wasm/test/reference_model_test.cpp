// The query reference model (query/reference_model.hpp) against answers worked out by hand.
#include <catch2/catch.hpp>

#include "lunora/api/store_api.hpp"
#include "lunora/query/cursor.hpp"
#include "lunora/query/query_spec.hpp"
#include "lunora/query/reference_model.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/value/wire.hpp"

using namespace lunora;

namespace {

constexpr const char* kSchema = R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{
    "a":{"kind":"string"},"b":{"kind":"float64"},"c":{"kind":"optional","value":{"kind":"any"}}}},
    "indexes":[{"name":"by_ab","fields":["a","b"]},{"name":"by_c","fields":["c"]}]}}})";

std::unique_ptr<Store> make_store() {
  auto schema = parse_schema(kSchema);
  REQUIRE(schema.ok());
  auto store = Store::open(std::move(schema).value(), postgres_dialect(), {}, "seed");
  REQUIRE(store.ok());
  return std::move(store).value();
}

// d1..d5, created in that order. c: missing, missing, null, 1n, 1.0.
Value documents() {
  auto docs = parse_wire(R"([
    {"_id":"d1","_creationTime":1,"a":"x","b":1},
    {"_id":"d2","_creationTime":2,"a":"x","b":2},
    {"_id":"d3","_creationTime":3,"a":"y","b":1,"c":null},
    {"_id":"d4","_creationTime":4,"a":"x","b":2,"c":{"$integer":"AQAAAAAAAAA="}},
    {"_id":"d5","_creationTime":5,"a":"x","b":3,"c":1}])");
  REQUIRE(docs.ok());
  return std::move(docs).value();
}

using Ids = std::vector<std::string>;

struct Fixture {
  std::unique_ptr<Store> store = make_store();
  Value docs = documents();

  ReferenceAnswer run(const std::string& query, long long limit = -1, const std::string& cursor = "") {
    auto answer = reference_query(*store, docs, Value::parse(query), cursor, limit);
    INFO(query);
    if (!answer.ok()) FAIL(answer.status().message());
    return std::move(answer).value();
  }
  std::string fingerprint(const std::string& query) {
    auto spec = parse_query(*store, Value::parse(query));
    REQUIRE(spec.ok());
    return spec->fingerprint;
  }
  // The by_ab key of document `n` (1-based).
  std::string ab_key(std::size_t n) {
    const Value& d = docs[n - 1];
    auto keys = store->index_keys(*store->layout("t"), d, d["_creationTime"].get<double>(), d["_id"].get<std::string>());
    REQUIRE(keys.ok());
    return (*keys)[0];
  }
};

const std::string kXRange =
    R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"a","value":"x"},
        {"op":"gt","field":"b","value":1},{"op":"lte","field":"b","value":3}]})";

std::string with_order(std::string query, const char* order) {
  query.pop_back();
  return query + R"(,"order":")" + order + "\"}";
}

}  // namespace

TEST_CASE("reference model: eq prefix with lower and upper bounds, both orders", "[reference]") {
  Fixture f;
  // a == "x", 1 < b <= 3: d2 (b 2, t 2), d4 (b 2, t 4), d5 (b 3); d1 has b == 1.
  auto asc = f.run(kXRange);
  CHECK(asc.ids == Ids{"d2", "d4", "d5"});
  CHECK(asc.done);
  CHECK(asc.cursor == encode_cursor(f.fingerprint(kXRange), CursorPosition{true, ""}));
  CHECK(f.run(with_order(kXRange, "desc")).ids == Ids{"d5", "d4", "d2"});
  // Inclusive lower, exclusive upper: 1 <= b < 3.
  CHECK(f.run(R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"a","value":"x"},
        {"op":"gte","field":"b","value":1},{"op":"lt","field":"b","value":3}]})").ids == Ids{"d1", "d2", "d4"});
  // Whole index: fields, then _creationTime.
  CHECK(f.run(R"({"table":"t","index":"by_ab"})").ids == Ids{"d1", "d2", "d4", "d5", "d3"});
  // Bounds on the first field only, whatever follows.
  CHECK(f.run(R"({"table":"t","index":"by_ab","range":[{"op":"gt","field":"a","value":"x"}]})").ids == Ids{"d3"});
  // A bound of another type: every string sorts after every float64.
  CHECK(f.run(R"({"table":"t","index":"by_ab","range":[{"op":"lt","field":"a","value":5}]})").ids.empty());
}

TEST_CASE("reference model: pages, cursors and isDone follow QueryRun's batches", "[reference]") {
  Fixture f;
  const std::string fp = f.fingerprint(kXRange);
  // limit 2: a batch of 3 comes back full, so the run stops at d4 without knowing it is last but one.
  auto page1 = f.run(kXRange, 2);
  CHECK(page1.ids == Ids{"d2", "d4"});
  CHECK_FALSE(page1.done);
  CHECK(page1.cursor == encode_cursor(fp, CursorPosition{false, f.ab_key(4)}));
  auto page2 = f.run(kXRange, 2, page1.cursor);
  CHECK(page2.ids == Ids{"d5"});
  CHECK(page2.done);
  CHECK(page2.cursor == encode_cursor(fp, CursorPosition{true, ""}));
  // A finished cursor stays finished; reusing a cursor gives the same page.
  auto after = f.run(kXRange, 2, page2.cursor);
  CHECK(after.ids.empty());
  CHECK(after.done);
  CHECK(f.run(kXRange, 2, page1.cursor).ids == page2.ids);
  // limit 3 == what is left: the batch of 4 comes back short, so the page knows it is the last.
  auto exact = f.run(kXRange, 3);
  CHECK(exact.ids == Ids{"d2", "d4", "d5"});
  CHECK(exact.done);
  // limit 0: nothing emitted; done only when the batch of 1 is empty.
  auto zero = f.run(kXRange, 0);
  CHECK(zero.ids.empty());
  CHECK_FALSE(zero.done);
  CHECK(zero.cursor == encode_cursor(fp, CursorPosition{false, ""}));
  // Descending pages.
  const std::string desc = with_order(kXRange, "desc");
  auto d1 = f.run(desc, 1);
  CHECK(d1.ids == Ids{"d5"});
  auto d2 = f.run(desc, 5, d1.cursor);
  CHECK(d2.ids == Ids{"d4", "d2"});
  CHECK(d2.done);
}

TEST_CASE("reference model: creation order, bounds, cursor", "[reference]") {
  Fixture f;
  CHECK(f.run(R"({"table":"t","index":null})").ids == Ids{"d1", "d2", "d3", "d4", "d5"});
  CHECK(f.run(R"({"table":"t","index":null,"order":"desc"})").ids == Ids{"d5", "d4", "d3", "d2", "d1"});
  const std::string bounded = R"({"table":"t","index":"by_creation_time","order":"desc","range":[
      {"op":"gt","field":"_creationTime","value":1},{"op":"lt","field":"_creationTime","value":5}]})";
  auto first = f.run(bounded, 2);
  CHECK(first.ids == Ids{"d4", "d3"});
  CHECK_FALSE(first.done);
  auto rest = f.run(bounded, 2, first.cursor);
  CHECK(rest.ids == Ids{"d2"});
  CHECK(rest.done);
  CHECK(f.run(R"({"table":"t","index":null,"range":[{"op":"eq","field":"_creationTime","value":3}]})").ids == Ids{"d3"});
  auto bad = reference_query(*f.store, f.docs,
                             Value::parse(R"({"table":"t","range":[{"op":"gt","field":"_creationTime","value":"x"}]})"), "", -1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "by_creation_time bounds must be numbers (float64)");
}

TEST_CASE("reference model: optional any index in Convex's cross-type order", "[reference]") {
  Fixture f;
  // missing (d1, d2) < null (d3) < int64 1 (d4) < float64 1 (d5)
  CHECK(f.run(R"({"table":"t","index":"by_c"})").ids == Ids{"d1", "d2", "d3", "d4", "d5"});
  CHECK(f.run(R"({"table":"t","index":"by_c","range":[{"op":"gt","field":"c","value":null}]})").ids == Ids{"d4", "d5"});
  CHECK(f.run(R"({"table":"t","index":"by_c","range":[{"op":"eq","field":"c","value":{"$integer":"AQAAAAAAAAA="}}]})").ids ==
        Ids{"d4"});
  CHECK(f.run(R"({"table":"t","index":"by_c","range":[{"op":"lte","field":"c","value":null}],"order":"desc"})").ids ==
        Ids{"d3", "d2", "d1"});
}

TEST_CASE("reference model: filters scan whole batches", "[reference]") {
  Fixture f;
  // neq(c, undefined): d3, d4, d5 (missing equals only missing).
  const std::string present = R"({"table":"t","index":null,"filter":{"op":"neq","args":[{"field":"c"},{"undefined":true}]}})";
  CHECK(f.run(present).ids == Ids{"d3", "d4", "d5"});
  // limit 1 with a filter: the batch of 500 holds everything; stopping at d3 leaves rows unscanned.
  auto one = f.run(present, 1);
  CHECK(one.ids == Ids{"d3"});
  CHECK_FALSE(one.done);
  // The match is the last document: the short batch was scanned to its end, so isDone.
  const std::string last = R"({"table":"t","filter":{"op":"eq","args":[{"field":"b"},{"literal":3}]}})";
  auto only = f.run(last, 1);
  CHECK(only.ids == Ids{"d5"});
  CHECK(only.done);
  // Filter errors surface only for documents scanned: add(c, 1.0) fails on d1 (missing).
  auto failing = reference_query(*f.store, f.docs, Value::parse(R"({"table":"t","filter":{"op":"gt","args":[
      {"op":"add","args":[{"field":"c"},{"literal":1}]},{"literal":0}]}})"), "", -1);
  REQUIRE_FALSE(failing.ok());
  CHECK(failing.status().message().find("filter error: add needs two int64 or two float64 operands") == 0);
}

TEST_CASE("reference model: refuses cursors of other queries, through the api too", "[reference]") {
  Fixture f;
  auto page = f.run(kXRange, 1);
  auto other = reference_query(*f.store, f.docs, Value::parse(R"({"table":"t","index":"by_ab"})"), page.cursor, 1);
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == ErrorCode::invalid_cursor);

  auto handle = Value::parse(api::store_open(kSchema, "postgres", R"({"seed":"00"})"));
  REQUIRE(handle["ok"] == true);
  const int store = handle["value"].get<int>();
  auto out = Value::parse(api::reference_query(store, to_wire(f.docs), kXRange, "", 2));
  REQUIRE(out["ok"] == true);
  CHECK(out["value"]["ids"] == Value::array({"d2", "d4"}));
  CHECK(out["value"]["done"] == false);
  CHECK(out["value"]["cursor"] == encode_cursor(f.fingerprint(kXRange), CursorPosition{false, f.ab_key(4)}));
  api::store_close(store);
}
