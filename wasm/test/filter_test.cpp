#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>

#include "lunora/query/filter.hpp"
#include "lunora/value/wire.hpp"

using lunora::ErrorCode;
using lunora::Filter;
using lunora::Value;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

Value field(const std::string& path) { return Value{{"field", path}}; }
// Literals travel as Lunora JSON: an int64 must be written {"$integer": ...}.
Value lit(const Value& value) { return Value{{"literal", lunora::to_wire_json(value)}}; }
Value i64(std::int64_t v) { return lit(Value(v)); }
Value f64(double v) { return lit(Value(v)); }
Value undef() { return Value{{"undefined", true}}; }
Value op(const std::string& name, std::initializer_list<Value> args) {
  Value node = Value::object();
  node["op"] = name;
  node["args"] = Value::array();
  for (const Value& a : args) node["args"].push_back(a);
  return node;
}

Value document() {
  Value doc = Value::parse(R"({
    "_id": "abc123", "_creationTime": 1700000000000.5,
    "name": "ada", "score": 7.5, "nothing": null, "flag": true, "off": false,
    "tags": ["x", "y"], "nested": {"inner": {"deep": "yes"}, "n": 1.0}
  })");
  doc["count"] = std::int64_t{5};
  doc["big"] = kMax;
  doc["small"] = kMin;
  doc["blob"] = Value::binary({1, 2, 3});
  doc["nested"]["count"] = std::int64_t{2};
  return doc;
}

Filter parsed(const Value& json) {
  auto filter = Filter::parse(json);
  INFO(json.dump());
  if (!filter.ok()) FAIL(filter.status().message());
  return std::move(filter).value();
}

// Whether `expr` matches the test document (parse and evaluation must succeed).
bool holds(const Value& expr, const Value& doc = document()) {
  auto result = parsed(expr).matches(doc);
  INFO(expr.dump());
  if (!result.ok()) FAIL(result.status().message());
  return *result;
}

std::string eval_failure(const Value& expr, const Value& doc = document()) {
  auto result = parsed(expr).matches(doc);
  INFO(expr.dump());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == ErrorCode::invalid_argument);
  return result.status().message();
}

std::string parse_failure(const Value& json) {
  auto filter = Filter::parse(json);
  INFO(json.dump());
  REQUIRE_FALSE(filter.ok());
  CHECK(filter.status().code() == ErrorCode::invalid_argument);
  return filter.status().message();
}

Value nest_not(std::size_t levels) {
  Value expr = field("flag");
  for (std::size_t i = 1; i < levels; ++i) expr = op("not", {expr});
  return expr;
}

}  // namespace

TEST_CASE("filter: comparison operators on same-type values", "[filter]") {
  CHECK(holds(op("eq", {field("name"), lit("ada")})));
  CHECK_FALSE(holds(op("eq", {field("name"), lit("bob")})));
  CHECK(holds(op("neq", {field("name"), lit("bob")})));
  CHECK_FALSE(holds(op("neq", {field("name"), lit("ada")})));
  CHECK(holds(op("lt", {field("count"), i64(6)})));
  CHECK_FALSE(holds(op("lt", {field("count"), i64(5)})));
  CHECK(holds(op("lte", {field("count"), i64(5)})));
  CHECK_FALSE(holds(op("lte", {field("count"), i64(4)})));
  CHECK(holds(op("gt", {field("score"), f64(7.25)})));
  CHECK_FALSE(holds(op("gt", {field("score"), f64(7.5)})));
  CHECK(holds(op("gte", {field("score"), f64(7.5)})));
  CHECK_FALSE(holds(op("gte", {field("score"), f64(8)})));
  CHECK(holds(op("eq", {field("tags"), lit(Value::array({"x", "y"}))})));
  CHECK(holds(op("lt", {field("tags"), lit(Value::array({"x", "z"}))})));
  CHECK(holds(op("eq", {field("blob"), lit(Value::binary({1, 2, 3}))})));
  CHECK(holds(op("gt", {field("blob"), lit(Value::binary({1, 2}))})));
  CHECK(holds(op("eq", {field("nested.inner"), lit(Value{{"deep", "yes"}})})));
  CHECK(holds(op("eq", {field("_id"), lit("abc123")})));
  CHECK(holds(op("gt", {field("_creationTime"), f64(1700000000000.0)})));
  CHECK(holds(op("eq", {field("nothing"), lit(nullptr)})));
  CHECK_FALSE(holds(op("lt", {field("name"), field("_id")})));  // "ada" > "abc123" bytewise
  CHECK(holds(op("gt", {field("name"), field("_id")})));
}

TEST_CASE("filter: comparisons across types follow Convex's order", "[filter]") {
  // undefined < null < int64 < float64 < boolean < string < bytes < array < object
  const std::vector<Value> ascending = {undef(), lit(nullptr), i64(kMax), f64(-kInf), lit(false),
                                        lit(""), lit(Value::binary({})), lit(Value::array()), lit(Value::object())};
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    for (std::size_t j = 0; j < ascending.size(); ++j) {
      INFO(i << " vs " << j);
      CHECK(holds(op("lt", {ascending[i], ascending[j]})) == (i < j));
      CHECK(holds(op("eq", {ascending[i], ascending[j]})) == (i == j));
      CHECK(holds(op("neq", {ascending[i], ascending[j]})) == (i != j));
      CHECK(holds(op("gte", {ascending[i], ascending[j]})) == (i >= j));
    }
  }
  // int64 and float64 are different types: 1n != 1.0 and every int64 < every float64.
  CHECK_FALSE(holds(op("eq", {i64(1), f64(1)})));
  CHECK(holds(op("neq", {i64(1), f64(1)})));
  CHECK(holds(op("lt", {i64(5), f64(1)})));
  CHECK(holds(op("gt", {field("score"), field("count")})));       // 7.5 > 5n
  CHECK_FALSE(holds(op("eq", {field("nested.n"), i64(1)})));      // 1.0 is not 1n
  CHECK(holds(op("eq", {field("nested.n"), f64(1)})));
  CHECK(holds(op("gt", {field("flag"), f64(kInf)})));             // boolean after float64
  CHECK(holds(op("lt", {field("name"), field("blob")})));         // string before bytes
}

TEST_CASE("filter: a missing field is undefined, below every value and equal only to undefined", "[filter]") {
  CHECK(holds(op("neq", {field("absent"), i64(2)})));
  CHECK_FALSE(holds(op("eq", {field("absent"), i64(2)})));
  CHECK_FALSE(holds(op("eq", {field("absent"), lit(nullptr)})));
  CHECK(holds(op("lt", {field("absent"), lit(nullptr)})));
  CHECK(holds(op("eq", {field("absent"), undef()})));
  CHECK(holds(op("eq", {field("absent"), field("also.absent")})));
  CHECK_FALSE(holds(op("eq", {field("nothing"), undef()})));  // null is present
  CHECK(holds(op("neq", {field("nothing"), undef()})));
  CHECK(holds(op("gt", {field("nothing"), field("absent")})));
  CHECK(holds(op("lte", {undef(), undef()})));
}

TEST_CASE("filter: field paths descend into objects only", "[filter]") {
  CHECK(holds(op("eq", {field("nested.inner.deep"), lit("yes")})));
  CHECK(holds(op("eq", {field("nested.count"), i64(2)})));
  CHECK(holds(op("eq", {field("nested.inner.missing"), undef()})));
  CHECK(holds(op("eq", {field("nested.inner.deep.more"), undef()})));  // through a string
  CHECK(holds(op("eq", {field("tags.0"), undef()})));                  // arrays are not descended
  CHECK(holds(op("eq", {field("name.length"), undef()})));
  CHECK(holds(op("eq", {field("nothing.x"), undef()})));
  CHECK(holds(op("eq", {field("absent.x.y"), undef()})));
  // A key containing a dot is not reachable by path: "a.b" is always two steps.
  Value doc = document();
  doc["a.b"] = 1.0;
  CHECK(holds(op("eq", {field("a.b"), undef()}), doc));
}

TEST_CASE("filter: and / or / not on booleans, non-booleans count as false", "[filter]") {
  const Value t = lit(true);
  const Value f = lit(false);
  CHECK(holds(op("and", {t})));
  CHECK_FALSE(holds(op("and", {f})));
  CHECK(holds(op("and", {t, t, t})));
  CHECK_FALSE(holds(op("and", {t, f, t})));
  CHECK(holds(op("or", {f, f, t})));
  CHECK_FALSE(holds(op("or", {f, f})));
  CHECK(holds(op("not", {f})));
  CHECK_FALSE(holds(op("not", {t})));
  CHECK(holds(op("and", {field("flag"), op("not", {field("off")})})));
  // Non-booleans: false for and/or, so not() of them is true.
  CHECK_FALSE(holds(op("and", {i64(1)})));
  CHECK_FALSE(holds(op("or", {lit("true"), field("absent"), lit(nullptr)})));
  CHECK(holds(op("not", {field("absent")})));
  CHECK(holds(op("not", {f64(1)})));
  CHECK(holds(op("or", {field("count"), t})));
  // The whole filter must be boolean true to match.
  CHECK(holds(field("flag")));
  CHECK_FALSE(holds(field("off")));
  CHECK_FALSE(holds(field("count")));
  CHECK_FALSE(holds(field("absent")));
  CHECK_FALSE(holds(undef()));
  CHECK_FALSE(holds(lit("yes")));
}

TEST_CASE("filter: and / or stop at the deciding operand", "[filter]") {
  const Value failing = op("div", {i64(1), i64(0)});
  CHECK_FALSE(holds(op("and", {lit(false), failing})));
  CHECK(holds(op("or", {lit(true), failing})));
  CHECK(eval_failure(op("and", {lit(true), failing})) == "filter error: div: int64 division by zero");
  CHECK(eval_failure(op("or", {lit(false), failing})) == "filter error: div: int64 division by zero");
  CHECK(eval_failure(op("eq", {failing, lit(true)})) == "filter error: div: int64 division by zero");
  CHECK(eval_failure(op("not", {failing})) == "filter error: div: int64 division by zero");
}

TEST_CASE("filter: int64 arithmetic is exact and wraps like Convex's i64", "[filter]") {
  CHECK(holds(op("eq", {op("add", {field("count"), i64(3)}), i64(8)})));
  CHECK(holds(op("eq", {op("sub", {field("count"), i64(7)}), i64(-2)})));
  CHECK(holds(op("eq", {op("mul", {field("count"), i64(-4)}), i64(-20)})));
  CHECK(holds(op("eq", {op("div", {i64(7), i64(2)}), i64(3)})));
  CHECK(holds(op("eq", {op("div", {i64(-7), i64(2)}), i64(-3)})));  // truncates toward zero
  CHECK(holds(op("eq", {op("mod", {i64(7), i64(3)}), i64(1)})));
  CHECK(holds(op("eq", {op("mod", {i64(-7), i64(3)}), i64(-1)})));  // sign of the dividend
  CHECK(holds(op("eq", {op("mod", {i64(7), i64(-3)}), i64(1)})));
  CHECK(holds(op("eq", {op("neg", {field("count")}), i64(-5)})));
  // Exactness beyond 2^53.
  CHECK(holds(op("eq", {op("sub", {field("big"), i64(1)}), i64(kMax - 1)})));
  // Wrap-around.
  CHECK(holds(op("eq", {op("add", {field("big"), i64(1)}), i64(kMin)})));
  CHECK(holds(op("eq", {op("sub", {field("small"), i64(1)}), i64(kMax)})));
  CHECK(holds(op("eq", {op("mul", {field("big"), i64(2)}), i64(-2)})));
  CHECK(holds(op("eq", {op("mul", {field("small"), i64(-1)}), i64(kMin)})));
  CHECK(holds(op("eq", {op("neg", {field("small")}), i64(kMin)})));
  CHECK(holds(op("eq", {op("div", {field("small"), i64(-1)}), i64(kMin)})));
  CHECK(holds(op("eq", {op("mod", {field("small"), i64(-1)}), i64(0)})));
  // The result is an int64, not a float64.
  CHECK_FALSE(holds(op("eq", {op("add", {i64(1), i64(1)}), f64(2)})));
}

TEST_CASE("filter: int64 div and mod by zero are errors", "[filter]") {
  CHECK(eval_failure(op("div", {field("count"), i64(0)})) == "filter error: div: int64 division by zero");
  CHECK(eval_failure(op("mod", {field("count"), i64(0)})) == "filter error: mod: int64 modulo by zero");
  CHECK(eval_failure(op("mod", {field("small"), op("sub", {i64(1), i64(1)})})) ==
        "filter error: mod: int64 modulo by zero");
}

TEST_CASE("filter: float64 arithmetic is IEEE 754", "[filter]") {
  CHECK(holds(op("eq", {op("add", {field("score"), f64(0.5)}), f64(8)})));
  CHECK(holds(op("eq", {op("add", {f64(0.1), f64(0.2)}), f64(0.1 + 0.2)})));
  CHECK_FALSE(holds(op("eq", {op("add", {f64(0.1), f64(0.2)}), f64(0.3)})));
  CHECK(holds(op("eq", {op("sub", {field("score"), f64(10)}), f64(-2.5)})));
  CHECK(holds(op("eq", {op("mul", {field("score"), f64(2)}), f64(15)})));
  CHECK(holds(op("eq", {op("div", {field("score"), f64(2)}), f64(3.75)})));
  CHECK(holds(op("eq", {op("mod", {field("score"), f64(2)}), f64(1.5)})));
  CHECK(holds(op("eq", {op("mod", {f64(-7.5), f64(2)}), f64(-1.5)})));
  CHECK(holds(op("eq", {op("div", {f64(1), f64(0)}), f64(kInf)})));
  CHECK(holds(op("eq", {op("div", {f64(1), f64(-0.0)}), f64(-kInf)})));
  CHECK(holds(op("eq", {op("div", {f64(0), f64(0)}), f64(kNaN)})));
  CHECK(holds(op("eq", {op("mod", {f64(1), f64(0)}), f64(kNaN)})));
  CHECK(holds(op("eq", {op("neg", {field("score")}), f64(-7.5)})));
  CHECK(holds(op("eq", {op("neg", {f64(0)}), f64(-0.0)})));
  CHECK(holds(op("eq", {op("sub", {f64(kInf), f64(kInf)}), f64(kNaN)})));
}

TEST_CASE("filter: -0 and NaN compare as compare_values does", "[filter]") {
  CHECK_FALSE(holds(op("eq", {f64(-0.0), f64(0.0)})));
  CHECK(holds(op("lt", {f64(-0.0), f64(0.0)})));
  CHECK(holds(op("eq", {f64(-0.0), f64(-0.0)})));
  CHECK(holds(op("eq", {f64(kNaN), f64(kNaN)})));
  CHECK(holds(op("eq", {f64(kNaN), f64(-kNaN)})));
  CHECK(holds(op("gt", {f64(kNaN), f64(kInf)})));
  CHECK(holds(op("lt", {f64(kNaN), lit(false)})));
  Value doc = document();
  doc["x"] = kNaN;
  CHECK(holds(op("eq", {field("x"), f64(kNaN)}), doc));
  CHECK(holds(op("gte", {field("x"), f64(kInf)}), doc));
}

TEST_CASE("filter: arithmetic on mixed or non-numeric operands is an error naming both types", "[filter]") {
  CHECK(eval_failure(op("add", {field("count"), f64(1)})) ==
        "filter error: add needs two int64 or two float64 operands, got int64 (field \"count\") and float64");
  CHECK(eval_failure(op("sub", {f64(1), i64(1)})) ==
        "filter error: sub needs two int64 or two float64 operands, got float64 and int64");
  CHECK(eval_failure(op("mul", {field("name"), i64(2)})) ==
        "filter error: mul needs two int64 or two float64 operands, got string (field \"name\") and int64");
  CHECK(eval_failure(op("div", {field("absent"), f64(2)})) ==
        "filter error: div needs two int64 or two float64 operands, got undefined (field \"absent\") and float64");
  CHECK(eval_failure(op("mod", {lit(nullptr), undef()})) ==
        "filter error: mod needs two int64 or two float64 operands, got null and undefined");
  CHECK(eval_failure(op("add", {lit(true), field("tags")})) ==
        "filter error: add needs two int64 or two float64 operands, got boolean and array (field \"tags\")");
  CHECK(eval_failure(op("neg", {field("nested")})) ==
        "filter error: neg needs an int64 or a float64 operand, got object (field \"nested\")");
  CHECK(eval_failure(op("neg", {field("blob")})) ==
        "filter error: neg needs an int64 or a float64 operand, got bytes (field \"blob\")");
  CHECK(eval_failure(op("neg", {op("eq", {i64(1), i64(1)})})) ==
        "filter error: neg needs an int64 or a float64 operand, got boolean");
  CHECK(eval_failure(op("eq", {i64(1), i64(1)}), Value::array()) == "filter error: the document must be an object");
}

TEST_CASE("filter: literals are Lunora JSON", "[filter]") {
  // A JSON number is a float64; {"$integer": ...} is an int64.
  CHECK(holds(op("eq", {field("score"), Value{{"literal", 7.5}}})));
  CHECK_FALSE(holds(op("eq", {field("count"), Value{{"literal", 5}}})));
  CHECK(holds(op("eq", {field("count"), Value::parse(R"({"literal": {"$integer": "BQAAAAAAAAA="}})")})));
  CHECK(holds(op("eq", {field("blob"), Value::parse(R"({"literal": {"$bytes": "AQID"}})")})));
  CHECK(holds(op("eq", {field("nested.inner"), Value::parse(R"({"literal": {"deep": "yes"}})")})));
}

TEST_CASE("filter: fields() and uses_field() list top-level fields", "[filter]") {
  const Filter filter = parsed(op("and", {op("eq", {field("b.x.y"), field("a")}),
                                          op("or", {op("gt", {field("b.z"), i64(1)}), field("_id")}),
                                          op("neg", {field("c")}), lit("a")}));
  CHECK(filter.fields() == std::vector<std::string>{"_id", "a", "b", "c"});
  CHECK(filter.uses_field("a"));
  CHECK(filter.uses_field("b"));
  CHECK(filter.uses_field("_id"));
  CHECK_FALSE(filter.uses_field("b.x"));
  CHECK_FALSE(filter.uses_field("x"));
  CHECK_FALSE(filter.uses_field("_creationTime"));
  CHECK(parsed(op("eq", {lit(1.0), undef()})).fields().empty());
  CHECK_FALSE(parsed(lit(true)).uses_field("a"));
}

TEST_CASE("filter: a default-constructed filter matches everything", "[filter]") {
  const Filter none;
  auto result = none.matches(document());
  REQUIRE(result.ok());
  CHECK(*result);
  CHECK(none.fields().empty());
  CHECK_FALSE(none.uses_field("name"));
}

TEST_CASE("filter: malformed JSON is refused with its path", "[filter]") {
  CHECK(parse_failure(Value("x")) == "invalid filter at filter: an expression must be an object");
  CHECK(parse_failure(Value::object()) ==
        "invalid filter at filter: an expression needs one of the keys \"field\", \"literal\", \"undefined\" or \"op\"");
  CHECK(parse_failure(Value{{"feild", "a"}}) ==
        "invalid filter at filter: an expression needs one of the keys \"field\", \"literal\", \"undefined\" or \"op\"");
  CHECK(parse_failure(Value{{"field", 1}}) == "invalid filter at filter: \"field\" must be a string");
  CHECK(parse_failure(field("")) ==
        "invalid filter at filter: field path \"\" is not a dot-separated list of non-empty field names");
  CHECK(parse_failure(field("a..b")) ==
        "invalid filter at filter: field path \"a..b\" is not a dot-separated list of non-empty field names");
  CHECK(parse_failure(field(".a")) ==
        "invalid filter at filter: field path \".a\" is not a dot-separated list of non-empty field names");
  CHECK(parse_failure(field("a.")) ==
        "invalid filter at filter: field path \"a.\" is not a dot-separated list of non-empty field names");
  CHECK(parse_failure(Value{{"field", "a"}, {"literal", 1}}) ==
        "invalid filter at filter: unexpected key \"literal\" in a \"field\" expression");
  CHECK(parse_failure(Value{{"literal", 1}, {"x", 1}}) ==
        "invalid filter at filter: unexpected key \"x\" in a \"literal\" expression");
  CHECK(parse_failure(Value{{"undefined", false}}) == "invalid filter at filter: \"undefined\" must be true");
  CHECK(parse_failure(Value{{"undefined", 1}}) == "invalid filter at filter: \"undefined\" must be true");
  CHECK(parse_failure(Value::parse(R"({"literal": {"$date": 1}})")).rfind("invalid filter at filter.literal: ", 0) == 0);
  CHECK(parse_failure(Value{{"op", 1}, {"args", Value::array()}}) == "invalid filter at filter: \"op\" must be a string");
  CHECK(parse_failure(Value{{"op", "like"}, {"args", Value::array()}}) == "invalid filter at filter: unknown operator \"like\"");
  CHECK(parse_failure(Value{{"op", "eq"}}) == "invalid filter at filter: eq needs \"args\", an array");
  CHECK(parse_failure(Value{{"op", "eq"}, {"args", field("a")}}) == "invalid filter at filter: eq needs \"args\", an array");
  CHECK(parse_failure(Value{{"op", "eq"}, {"args", Value::array()}, {"field", "a"}}) ==
        "invalid filter at filter: unexpected key \"field\" in an operator expression");
  CHECK(parse_failure(op("eq", {field("a")})) == "invalid filter at filter: eq takes exactly 2 arguments, got 1");
  CHECK(parse_failure(op("add", {i64(1), i64(2), i64(3)})) == "invalid filter at filter: add takes exactly 2 arguments, got 3");
  CHECK(parse_failure(op("neg", {})) == "invalid filter at filter: neg takes exactly 1 argument, got 0");
  CHECK(parse_failure(op("not", {lit(true), lit(true)})) == "invalid filter at filter: not takes exactly 1 argument, got 2");
  CHECK(parse_failure(op("and", {})) == "invalid filter at filter: and takes at least 1 argument, got 0");
  CHECK(parse_failure(op("or", {})) == "invalid filter at filter: or takes at least 1 argument, got 0");
  CHECK(parse_failure(op("and", {lit(true), op("eq", {field("a"), Value{{"field", nullptr}}})})) ==
        "invalid filter at filter.args[1].args[1]: \"field\" must be a string");
  CHECK(parse_failure(op("or", {lit(true), lit(true), Value::array()})) ==
        "invalid filter at filter.args[2]: an expression must be an object");
}

TEST_CASE("filter: nesting depth and size are bounded", "[filter]") {
  CHECK(holds(nest_not(lunora::kMaxFilterDepth)) == (lunora::kMaxFilterDepth % 2 == 1));
  std::string deepest = "filter";
  for (std::size_t i = 1; i < lunora::kMaxFilterDepth + 1; ++i) deepest += ".args[0]";
  CHECK(parse_failure(nest_not(lunora::kMaxFilterDepth + 1)) ==
        "invalid filter at " + deepest + ": expressions nest more than 64 levels deep");
  CHECK(parse_failure(nest_not(500)).find("expressions nest more than 64 levels deep") != std::string::npos);

  Value wide = op("and", {});
  for (std::size_t i = 0; i + 1 < lunora::kMaxFilterNodes; ++i) wide["args"].push_back(lit(true));
  CHECK(holds(wide));
  wide["args"].push_back(lit(true));
  CHECK(parse_failure(wide) == "invalid filter at filter.args[4095]: a filter may have at most 4096 expressions");
}
