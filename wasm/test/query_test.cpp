#include <catch2/catch.hpp>

#include "lunora/query/cursor.hpp"
#include "lunora/query/query_run.hpp"
#include "lunora/query/query_spec.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/value/hex.hpp"
#include "lunora/value/index_key.hpp"

using namespace lunora;

namespace {

std::unique_ptr<Store> make_store() {
  auto schema = parse_schema(R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{
    "a":{"kind":"string"},"b":{"kind":"float64"}}},"indexes":[{"name":"by_ab","fields":["a","b"]}]}}})");
  REQUIRE(schema.ok());
  auto store = Store::open(std::move(schema).value(), postgres_dialect(), {}, "seed");
  REQUIRE(store.ok());
  return std::move(store).value();
}

Result<QuerySpec> query(const Store& store, const char* json) { return parse_query(store, Value::parse(json)); }

std::string key_of(std::initializer_list<Value> values) {
  std::string key;
  for (const auto& v : values) append_index_key(key, &v);
  return key;
}

}  // namespace

TEST_CASE("index ranges follow Convex's rules, with precise errors", "[query]") {
  auto store = make_store();
  auto bad = [&](const char* json, const std::string& message) {
    auto q = query(*store, json);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().message() == message);
  };
  bad(R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"b","value":1}]})",
      R"(withIndex("by_ab"): eq("b") must name the next index field "a")");
  bad(R"({"table":"t","index":"by_ab","range":[{"op":"gt","field":"a","value":"x"},{"op":"eq","field":"b","value":1}]})",
      R"(withIndex("by_ab"): eq() must come before gt/gte/lt/lte)");
  bad(R"({"table":"t","index":"by_ab","range":[{"op":"gt","field":"a","value":"x"},{"op":"gte","field":"a","value":"y"}]})",
      R"(withIndex("by_ab"): at most one lower bound)");
  bad(R"({"table":"t","index":"nope"})", R"(index "nope" is not defined on table "t")");
  bad(R"({"table":"x"})", R"(table "x" is not a .global() table of the schema)");
  bad(R"({"table":"t","order":"up"})", R"(order must be "asc" or "desc")");
}

TEST_CASE("key ranges: eq prefix, exclusive and inclusive bounds", "[query]") {
  auto store = make_store();
  auto q = query(*store, R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"a","value":"x"},
      {"op":"gt","field":"b","value":1},{"op":"lte","field":"b","value":5}]})");
  REQUIRE(q.ok());
  KeyRange r = key_range(*q);
  const std::string x1 = key_of({Value("x"), Value(1.0)});
  const std::string x5 = key_of({Value("x"), Value(5.0)});
  CHECK(r.lo == prefix_successor(x1));
  CHECK(r.hi == prefix_successor(x5));
  CHECK_FALSE(r.contains(x1 + key_of({Value(9.0)})));   // b == 1 excluded, whatever follows
  CHECK(r.contains(x5 + key_of({Value(9.0)})));          // b == 5 included
  CHECK_FALSE(r.contains(key_of({Value("y"), Value(2.0)})));

  auto all = query(*store, R"({"table":"t","index":"by_ab"})");
  REQUIRE(all.ok());
  CHECK(key_range(*all).lo.empty());
  CHECK(key_range(*all).hi.empty());
}

TEST_CASE("fingerprints tell queries apart", "[query]") {
  auto store = make_store();
  auto a = query(*store, R"({"table":"t","index":"by_ab","order":"asc"})");
  auto b = query(*store, R"({"table":"t","index":"by_ab","order":"desc"})");
  auto c = query(*store, R"({"table":"t","index":"by_ab"})");
  CHECK(a->fingerprint != b->fingerprint);
  CHECK(a->fingerprint == c->fingerprint);  // "asc" is the default
}

TEST_CASE("cursors round-trip and refuse other queries and garbage", "[query]") {
  const std::string cursor = encode_cursor("0123456789abcdef", CursorPosition{false, std::string("\x06k\x00\x00", 4)});
  auto back = decode_cursor(cursor, "0123456789abcdef");
  REQUIRE(back.ok());
  CHECK(back->last_key == std::string("\x06k\x00\x00", 4));
  CHECK_FALSE(back->end);
  auto end = decode_cursor(encode_cursor("f", CursorPosition{true, ""}), "f");
  REQUIRE(end.ok());
  CHECK(end->end);
  auto other = decode_cursor(cursor, "fedcba9876543210");
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == ErrorCode::invalid_cursor);
  CHECK(other.status().message() ==
        "invalid pagination cursor: it belongs to a different query (table, index, range, order and filter must be the same)");
  for (const char* garbage : {"c1.", "c1.!!!!", "c1.bnVsbA", "x", "c1.eyJmIjoxfQ"}) {
    INFO(garbage);
    auto bad = decode_cursor(garbage, "0123456789abcdef");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == ErrorCode::invalid_cursor);
  }
  CHECK(decode_cursor(std::string(5000, 'c'), "f").status().message() == "invalid pagination cursor: not a cursor of this store");
}

TEST_CASE("counts-only runs keep min(count, limit) rows and stop at the last one kept", "[query]") {
  auto store = make_store();
  const Value query = Value::parse(R"({"table":"t","index":"by_ab"})");
  auto begun = QueryRun::begin(*store, nullptr, query, "", 2);
  REQUIRE(begun.ok());
  QueryRun run = std::move(begun).value();
  CHECK(run.counts_only());
  const Statement first = run.next_statement();
  CHECK(first.text.find("LIMIT 3") != std::string::npos);  // one extra row tells whether more exist
  const std::string key = key_of({Value("x"), Value(1.0), Value(5.0), Value("id1")});
  Value last = Value::object();
  last["_id"] = "id1";
  last["_creationTime"] = 5.0;
  last["k"] = to_hex(key);
  auto step = run.feed_count(3, last);
  REQUIRE(step.ok());
  CHECK((*step)["emitCount"] == 2);
  CHECK((*step)["done"] == false);
  CHECK((*step)["more"] == false);
  const std::string cursor = (*step)["cursor"];
  auto position = decode_cursor(cursor, run.spec().fingerprint);
  REQUIRE(position.ok());
  CHECK(position->last_key == key);

  auto begun_rest = QueryRun::begin(*store, nullptr, query, cursor, 10);
  REQUIRE(begun_rest.ok());
  QueryRun rest = std::move(begun_rest).value();
  rest.next_statement();
  auto end = rest.feed_count(0, Value());
  REQUIRE(end.ok());
  CHECK((*end)["emitCount"] == 0);
  CHECK((*end)["done"] == true);  // fewer rows than asked: the range is exhausted
}
