#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>

#include "lunora/value/simple_json.hpp"
#include "lunora/value/wire.hpp"
#include "random_values.hpp"

using lunora::Value;

namespace {

// nlohmann's reading of `text` with every number as float64: what parse_wire makes of it.
Value full_path(const std::string& text) {
  Value v = Value::parse(text);
  std::function<void(Value&)> floats = [&](Value& x) {
    if (x.is_number_unsigned()) x = static_cast<double>(x.get<std::uint64_t>());
    else if (x.is_number_integer()) x = static_cast<double>(x.get<std::int64_t>());
    else if (x.is_structured()) for (auto& m : x) floats(m);
  };
  floats(v);
  return v;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("simple JSON reads documents exactly as the full parser does") {
  lunora::test::RandomValues random(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string text = lunora::to_wire(random.any(4));
    INFO(text);
    auto simple = lunora::parse_simple_json(text, lunora::kMaxWireNesting);
    if (!simple) continue;  // escapes: the full path's job
    CHECK(*simple == full_path(text));
  }
  for (const char* text : {"0", "-1", "1.5", "1e3", "1E-7", "123456789012345678901234567890", "9007199254740993",
                           "18446744073709551615", "-9223372036854775809", "0.1", " [1, 2 ,{ \"a\" : [ ] }] ",
                           "{\"é\":\"ü€😀\",\"\x7f\":true}"}) {
    INFO(text);
    auto simple = lunora::parse_simple_json(text, lunora::kMaxWireNesting);
    REQUIRE(simple);
    CHECK(*simple == full_path(text));
  }
}

TEST_CASE("simple JSON: -0 is the float -0, as parse_wire reads it") {
  auto v = lunora::parse_simple_json("[-0,-0.0,0]", 8);
  REQUIRE(v);
  CHECK(same_bits((*v)[0].get<double>(), -0.0));
  CHECK(same_bits((*v)[1].get<double>(), -0.0));
  CHECK(same_bits((*v)[2].get<double>(), 0.0));
}

TEST_CASE("simple JSON leaves everything else to the full path") {
  for (const char* text : {"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "nul",
                           "truex", "[1] x", "\"a\\\"b\"", "\"a\\u0041\"", "{\"a\":1,\"a\":2}", "1e400", "-1e400",
                           "\"\x01\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\xef\xbb\xbf{}", "NaN", "[[[1]]]"}) {
    INFO(text);
    CHECK_FALSE(lunora::parse_simple_json(text, 2));
  }
  // parse_wire still refuses or reads them as before.
  CHECK_FALSE(lunora::parse_wire("{\"a\":1,}"));
  CHECK_FALSE(lunora::parse_wire("1e400"));
  CHECK(lunora::parse_wire("\"a\\u0041\"").value() == "aA");
  CHECK(lunora::parse_wire("{\"a\":1,\"a\":2}").value() == Value{{"a", 2.0}});
}
