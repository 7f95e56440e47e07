#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

TEST_CASE("simple wire reading decodes tags exactly as parse_wire's full path") {
  // parse_wire takes the full path (nlohmann, then the tag conversion) for text with an escape.
  const auto full = [](const std::string& text) { return lunora::parse_wire(text + " ").value(); };
  lunora::test::RandomValues random(19);
  int read = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string text = lunora::to_wire(random.any(4));
    INFO(text);
    auto simple = lunora::parse_simple_wire(text, lunora::kMaxWireNesting);
    if (!simple) continue;
    ++read;
    CHECK(lunora::to_wire(*simple) == lunora::to_wire(full(text)));
    CHECK(lunora::test::identical(*simple, full(text)));
  }
  CHECK(read > 500);
  auto v = lunora::parse_simple_wire(R"({"i":{"$integer":"BwAAAAAAAAA="},"f":{"$float":"AAAAAAAA+H8="},"b":{"$bytes":"AAE="}})", 8);
  REQUIRE(v);
  CHECK((*v)["i"] == Value(std::int64_t{7}));
  CHECK((*v)["i"].is_number_integer());
  CHECK(std::isnan((*v)["f"].get<double>()));
  CHECK((*v)["b"] == Value::binary({0, 1}));
}

TEST_CASE("simple wire reading leaves malformed tags to the full path, which says why") {
  for (const char* text : {R"({"$integer":"AAAA"})", R"({"$integer":1})", R"({"$foo":"AAAAAAAAAAA="})",
                           R"({"$bytes":"AAE=","x":1})", R"({"$bytes":"A"})", R"([{"$float":"AAAAAAAAAAA"}])"}) {
    INFO(text);
    CHECK_FALSE(lunora::parse_simple_wire(text, 8));
    CHECK_FALSE(lunora::parse_wire(text));
  }
  CHECK(lunora::parse_wire(R"({"a":{"$integer":"AAAA"}})").status().message() ==
        "invalid Lunora JSON at .a: \"$integer\" must hold exactly 8 bytes, got 3");
  // Without tag decoding, `$` keys are read as plain keys (parse_wire converts them after).
  CHECK(lunora::parse_simple_json(R"({"$integer":"AAAA"})", 8));
  // A tag read at its first key: whatever follows it, a key after it, or nesting too deep.
  for (const char* text : {R"({"$integer":"BwAAAAAAAAA=","x":1})", R"({"$integer":"BwAAAAAAAAA=",})",
                           R"({"$integer":"BwAAAAAAAAA=")", R"({"$integer" "BwAAAAAAAAA="})", R"({"$integer":"BwA"})",
                           R"({"x":1,"$integer":"BwAAAAAAAAA="})", R"({"$":"AAE="})", R"([[{"$bytes":"AAE="}]])"}) {
    INFO(text);
    CHECK_FALSE(lunora::parse_simple_wire(text, 2));
  }
  auto spaced = lunora::parse_simple_wire(R"([ { "$integer" : "BwAAAAAAAAA=" } , {"$bytes":""}, {"$float":"AAAAAAAAAIA="}])", 2);
  REQUIRE(spaced);
  CHECK((*spaced)[0] == Value(std::int64_t{7}));
  CHECK((*spaced)[1] == Value::binary({}));
  CHECK(same_bits((*spaced)[2].get<double>(), -0.0));
  CHECK(lunora::test::identical(*spaced, lunora::parse_wire(R"([{"$integer":"BwAAAAAAAAA="},{"$bytes":""},{"$float":"AAAAAAAAAIA="}])").value()));
}

TEST_CASE("short decimals are read as strtod reads them") {
  lunora::test::RandomValues random(23);
  char text[64];
  for (int i = 0; i < 20000; ++i) {
    const int digits = 1 + static_cast<int>(random.pick(15));
    const int fraction = static_cast<int>(random.pick(static_cast<std::size_t>(digits)));
    std::string number = random.pick(2) ? "-" : "";
    std::string all;
    for (int d = 0; d < digits; ++d) all.push_back(static_cast<char>('0' + random.pick(10)));
    std::string whole = all.substr(0, static_cast<std::size_t>(digits - fraction));
    whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));  // JSON: no leading zeros
    if (whole.empty()) whole = "0";
    number += whole;
    if (fraction > 0) number += "." + all.substr(static_cast<std::size_t>(digits - fraction));
    std::snprintf(text, sizeof text, "%s", number.c_str());
    INFO(number);
    auto v = lunora::parse_simple_json(text, 1);
    REQUIRE(v);
    CHECK(same_bits(v->get<double>(), std::strtod(text, nullptr)));
  }
}

namespace {

// What parse_wire_fields must answer: parse_wire, then the named members of an object.
lunora::Result<Value> filtered(const std::string& text, const std::vector<std::string_view>& fields) {
  auto full = lunora::parse_wire(text);
  if (!full || !full->is_object()) return full;
  Value kept = Value::object();
  for (auto& [key, member] : full->items()) {
    if (std::find(fields.begin(), fields.end(), std::string_view(key)) != fields.end()) kept[key] = member;
  }
  return kept;
}

void check_fields(const std::string& text, const std::vector<std::string_view>& fields) {
  INFO(text);
  auto expected = filtered(text, fields);
  auto got = lunora::parse_wire_fields(text, fields);
  REQUIRE(got.ok() == expected.ok());
  if (got.ok()) {
    CHECK(lunora::test::identical(*got, *expected));
  } else {
    CHECK(got.status().message() == expected.status().message());
  }
}

}  // namespace

TEST_CASE("parse_wire_fields answers parse_wire's value, filtered, and its errors") {
  lunora::test::RandomValues random(29);
  const std::vector<std::string_view> fields = {"a", "tags", "count", "missing"};
  for (int i = 0; i < 1500; ++i) {
    Value doc = Value::object();
    for (const char* name : {"a", "b", "tags", "count", "note"}) {
      if (random.pick(3) != 0) doc[name] = random.any(3);
    }
    check_fields(lunora::to_wire(doc), fields);
  }
  for (const char* text :
       {R"({"a":1,"b":{"$integer":"AAAA"}})", R"({"a":1,"b":{"$foo":"x"}})", R"({"a":1,"b":[1,}])",
        R"({"a":1,"b":"\u0041"})", R"({"a":1,"b":1e400})", R"({"a":1,"b":"\ud800"})", "{\"a\":1,\"b\":\"\xff\"}",
        R"({"a":1,"a":2,"b":3})", R"({"b":{"x":1,"x":{"$bad":1}},"a":[{"$bytes":"AAE="}]})",
        R"({"$integer":"BwAAAAAAAAA="})", R"([1,2])", R"("text")", R"({"a":1} x)", R"({"b":{"$float":"AAAAAAAA+H8="}})",
        R"({"b":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"a":1})"}) {
    check_fields(text, fields);
  }
}

TEST_CASE("simple string arrays read as nlohmann reads them, or not at all") {
  std::vector<std::string> names{"stale"};
  for (const char* text : {"[]", " [ ] ", "[\"count\"]", "[\"a\", \"b\" ,\"a\"]", "\n[\"é€😀\",\"\"]\t"}) {
    INFO(text);
    REQUIRE(lunora::parse_simple_string_array(text, names));
    CHECK(Value(names) == Value::parse(text));
  }
  // Escapes, invalid UTF-8, non-strings and malformed text: the full path's job.
  for (const char* text : {"", "[", "[\"a\"", "[\"a\",]", "[,\"a\"]", "[\"a\"] x", "[\"a\\n\"]", "[\"\xff\"]",
                           "[\"a\x01\"]", "[1]", "[null]", "[[\"a\"]]", "{\"a\":\"b\"}", "\"a\""}) {
    INFO(text);
    CHECK_FALSE(lunora::parse_simple_string_array(text, names));
  }
}

TEST_CASE("simple wire parsed over an earlier value answers as parsed fresh") {
  lunora::test::RandomValues random(11);
  // A document of the usual shape, and variations of it: other values, members missing or
  // added, other types, tags.
  const std::vector<std::string> texts = {
      R"({"active":true,"age":7,"city":"Lisbon","count":{"$integer":"BwAAAAAAAAA="},"name":"user 7","tags":["a","b","0"]})",
      R"({"active":false,"age":8.5,"city":"Porto and a longer name","count":{"$integer":"CAAAAAAAAAA="},"name":"u","tags":["c"]})",
      R"({"age":9,"city":"Faro","tags":["a","b","c","d","e"]})",
      R"({"active":true,"age":{"$float":"AAAAAAAA+H8="},"b2":[1,[2,{"x":"y"}]],"city":null,"name":{"n":"o"},"tags":"t","zz":{}})",
      R"({"tags":["a"],"age":1,"city":"c"})",
      R"({"age":1,"age":2})",
      R"({"age":1,"$integer":"BwAAAAAAAAA="})",
      R"({"$bytes":"AAE="})",
      R"({"city":"Lisbon","active":true})",
      R"([1,"two",{"three":3},[4]])",
      R"({"a":{"b":{"c":{"d":[1,2,{"e":"f"}]}}}})",
      R"({"a":{"b":{"c":{"d":[1,2,{"e":"f","g":"h"}]}}}})",
      R"("text")",
      R"(12.5)",
      R"({})",
      R"([])",
      R"({"a":"\n"})",
      R"({"a":1,})",
  };
  std::vector<std::string> all = texts;
  // Objects past the members tracked when written over, in and out of key order.
  for (int members : {31, 32, 33, 40}) {
    std::string ordered = "{", reversed = "{";
    for (int i = 0; i < members; ++i) {
      ordered += (i > 0 ? ",\"k" : "\"k") + std::to_string(100 + i) + "\":" + std::to_string(i);
      reversed += (i > 0 ? ",\"k" : "\"k") + std::to_string(100 + members - i) + "\":\"v\"";
    }
    all.push_back(ordered + "}");
    all.push_back(reversed + "}");
    all.push_back(reversed + ",\"k101\":1}");  // a duplicate key late
  }
  for (int i = 0; i < 300; ++i) all.push_back(lunora::to_wire(random.any(4)));
  for (const auto& earlier : all) {
    auto slot_value = lunora::parse_simple_wire(earlier, lunora::kMaxWireNesting);
    if (!slot_value) continue;
    for (std::size_t j = 0; j < all.size(); j += (&earlier - all.data()) < 30 ? 1 : 37) {
      const std::string& text = all[j];
      INFO(earlier << " then " << text);
      Value slot = *slot_value;
      const auto fresh = lunora::parse_simple_wire(text, lunora::kMaxWireNesting);
      const bool over = lunora::parse_simple_wire_over(text, lunora::kMaxWireNesting, slot);
      REQUIRE(over == fresh.has_value());
      if (over) CHECK(lunora::test::identical(slot, *fresh));
      // The slot stays a valid value either way: another text parses over it.
      REQUIRE(lunora::parse_simple_wire_over(texts[0], lunora::kMaxWireNesting, slot));
      CHECK(lunora::test::identical(slot, *lunora::parse_simple_wire(texts[0], lunora::kMaxWireNesting)));
    }
  }
  // The depth limit holds over an earlier value as it does fresh.
  Value deep = *lunora::parse_simple_wire("[[[1]]]", 8);
  CHECK_FALSE(lunora::parse_simple_wire_over("[[[[1]]]]", 3, deep));
  CHECK(lunora::parse_simple_wire_over("[[[2]]]", 3, deep));
}

TEST_CASE("simple wire fields parsed over an earlier value answer as parsed fresh") {
  const std::vector<std::string> texts = {
      R"({"active":true,"age":7,"city":"Lisbon","count":{"$integer":"BwAAAAAAAAA="},"name":"user 7","tags":["a","b","0"]})",
      R"({"age":{"$float":"AAAAAAAA+H8="},"city":["x",{"y":1}]})",
      R"({"tags":["a"],"age":1,"city":"c","age":2})",
      R"({"city":"c","city":"d","age":1})",
      R"({"name":"n","name":"m"})",
      R"({"age":1,"$integer":"BwAAAAAAAAA="})",
      R"({"$integer":"BwAAAAAAAAA="})",
      R"({"age":[1,2,3],"b":{"c":{"d":{}}}})",
      R"({})",
      R"([1])",
      R"("text")",
      R"({"age":"\n"})",
      R"({"age":1,})",
  };
  const std::vector<std::vector<std::string_view>> wanted_sets = {{}, {"age"}, {"age", "city", "zz"}, {"b", "tags"}};
  for (const auto& wanted : wanted_sets) {
    for (const auto& earlier : texts) {
      for (const auto& text : texts) {
        INFO(earlier << " then " << text);
        Value slot = Value::parse(earlier, nullptr, false);
        if (slot.is_discarded()) slot = nullptr;
        const auto fresh = lunora::parse_simple_wire_fields(text, lunora::kMaxWireNesting, wanted);
        const bool over = lunora::parse_simple_wire_fields_over(text, lunora::kMaxWireNesting, wanted, slot);
        REQUIRE(over == fresh.has_value());
        if (over) CHECK(lunora::test::identical(slot, *fresh));
      }
    }
  }
}
