#include <catch2/catch.hpp>

#include <limits>

#include "lunora/schema/validator_format.hpp"
#include "validator_builders.hpp"

using lunora::format_validator;
using lunora::format_value;
using lunora::Value;
namespace vb = lunora::test::vb;

TEST_CASE("scalar validators render as their builders") {
  CHECK(format_validator(vb::string()) == "v.string()");
  CHECK(format_validator(vb::float64()) == "v.float64()");
  CHECK(format_validator(vb::int64()) == "v.int64()");
  CHECK(format_validator(vb::boolean()) == "v.boolean()");
  CHECK(format_validator(vb::null()) == "v.null()");
  CHECK(format_validator(vb::bytes()) == "v.bytes()");
  CHECK(format_validator(vb::any()) == "v.any()");
  CHECK(format_validator(vb::id("users")) == "v.id(\"users\")");
}

TEST_CASE("literals render in JS spelling") {
  CHECK(format_validator(vb::literal("a")) == "v.literal(\"a\")");
  CHECK(format_validator(vb::literal("say \"hi\"")) == "v.literal(\"say \\\"hi\\\"\")");
  CHECK(format_validator(vb::literal(5.0)) == "v.literal(5)");
  CHECK(format_validator(vb::literal(-1.25)) == "v.literal(-1.25)");
  CHECK(format_validator(vb::literal(std::int64_t{7})) == "v.literal(7n)");
  CHECK(format_validator(vb::literal(true)) == "v.literal(true)");
}

TEST_CASE("compound validators nest") {
  CHECK(format_validator(vb::array(vb::string())) == "v.array(v.string())");
  CHECK(format_validator(vb::object({{"a", vb::string()}, {"b", vb::optional(vb::int64())}})) ==
        "v.object({ a: v.string(), b: v.optional(v.int64()) })");
  CHECK(format_validator(vb::object({})) == "v.object({})");
  CHECK(format_validator(vb::union_of({vb::literal("a"), vb::null()})) == "v.union(v.literal(\"a\"), v.null())");
  CHECK(format_validator(vb::record(vb::string(), vb::any())) == "v.record(v.string(), v.any())");
  CHECK(format_validator(vb::object({{"zip code", vb::string()}, {"_x", vb::array(vb::id("t"))}})) ==
        "v.object({ \"zip code\": v.string(), _x: v.array(v.id(\"t\")) })");
}

TEST_CASE("long renderings are cut near 200 characters") {
  std::vector<std::pair<std::string, lunora::Validator>> fields;
  for (int i = 0; i < 50; ++i) fields.emplace_back("field" + std::to_string(i), vb::string());
  const std::string text = format_validator(vb::object(std::move(fields)));
  CHECK(text.size() == 203);
  CHECK(text.substr(0, 40) == "v.object({ field0: v.string(), field1: v");
  CHECK(text.substr(200) == "...");

  // Never in the middle of a UTF-8 sequence.
  CHECK(format_value(std::string(198, 'x') + "\xc3\xa9\xc3\xa9") == "\"" + std::string(198, 'x') + "...");
  CHECK(format_value(std::string(197, 'x') + "\xc3\xa9\xc3\xa9") == "\"" + std::string(197, 'x') + "\xc3\xa9...");
}

TEST_CASE("values render in JS spelling") {
  CHECK(format_value(nullptr) == "null");
  CHECK(format_value(true) == "true");
  CHECK(format_value("abc") == "\"abc\"");
  CHECK(format_value(std::int64_t{-3}) == "-3n");
  CHECK(format_value(123.0) == "123");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(-0.0) == "-0");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(format_value(Value::binary({1, 2, 3})) == "ArrayBuffer(byteLength=3)");
  CHECK(format_value(Value::array()) == "[]");
  CHECK(format_value(Value::array({1.0, "x", nullptr})) == "[1, \"x\", null]");
  CHECK(format_value(Value::object()) == "{}");
  CHECK(format_value(Value{{"a", 1.0}, {"b c", Value::array({std::int64_t{2}})}}) == "{ a: 1, \"b c\": [2n] }");
}

TEST_CASE("a huge value is shown by its head only") {
  Value big = Value::array();
  for (int i = 0; i < 100000; ++i) big.push_back(static_cast<double>(i));
  const std::string text = format_value(big);
  CHECK(text.size() == 203);
  CHECK(text.substr(0, 12) == "[0, 1, 2, 3,");
  CHECK(format_value(std::string(1000000, 'y')).size() == 203);
}
