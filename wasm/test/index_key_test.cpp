#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "lunora/schema/limits.hpp"
#include "lunora/value/compare.hpp"
#include "lunora/value/index_key.hpp"
#include "random_values.hpp"

using lunora::compare_values;
using lunora::document_index_key;
using lunora::ErrorCode;
using lunora::index_key;
using lunora::prefix_successor;
using lunora::Value;

namespace {

std::string key_of(const Value& value) { return index_key(&value); }

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

int sign(int x) { return (x > 0) - (x < 0); }

// memcmp order, as SQL bytea / varbinary compare.
int compare_keys(const std::string& a, const std::string& b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return sign(c);
  return sign(static_cast<int>(a.size() > b.size()) - static_cast<int>(a.size() < b.size()));
}

bool is_proper_prefix(const std::string& a, const std::string& b) {
  return a.size() < b.size() && b.compare(0, a.size(), a) == 0;
}

}  // namespace

TEST_CASE("the encoding of each type is exactly as documented") {
  CHECK(index_key(nullptr) == bytes({0x01}));
  CHECK(key_of(nullptr) == bytes({0x02}));
  CHECK(key_of(std::int64_t{0}) == bytes({0x03, 0x80, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(std::int64_t{-1}) == bytes({0x03, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  CHECK(key_of(std::numeric_limits<std::int64_t>::min()) == bytes({0x03, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(std::int64_t{258}) == bytes({0x03, 0x80, 0, 0, 0, 0, 0, 0x01, 0x02}));
  CHECK(key_of(0.0) == bytes({0x04, 0x80, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(-0.0) == bytes({0x04, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  CHECK(key_of(1.0) == bytes({0x04, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(-1.0) == bytes({0x04, 0x40, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  CHECK(key_of(std::numeric_limits<double>::quiet_NaN()) == bytes({0x04, 0xff, 0xf8, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(-std::numeric_limits<double>::quiet_NaN()) == bytes({0x04, 0xff, 0xf8, 0, 0, 0, 0, 0, 0}));
  CHECK(key_of(false) == bytes({0x05, 0x00}));
  CHECK(key_of(true) == bytes({0x05, 0x01}));
  CHECK(key_of("") == bytes({0x06, 0x00, 0x00}));
  CHECK(key_of(std::string("a\0b", 3)) == bytes({0x06, 'a', 0x00, 0xff, 'b', 0x00, 0x00}));
  CHECK(key_of(Value::binary({0x00, 0xff})) == bytes({0x07, 0x00, 0xff, 0xff, 0x00, 0x00}));
  CHECK(key_of(Value::array()) == bytes({0x08, 0x00}));
  CHECK(key_of(Value::array({true, nullptr})) == bytes({0x08, 0x05, 0x01, 0x02, 0x00}));
  CHECK(key_of(Value::object()) == bytes({0x09, 0x00}));
  CHECK(key_of(Value{{"b", nullptr}, {"a", false}}) ==
        bytes({0x09, 0x06, 'a', 0x00, 0x00, 0x05, 0x00, 0x06, 'b', 0x00, 0x00, 0x02, 0x00}));
}

TEST_CASE("hand-picked edge values: key order is compare_values order") {
  const std::vector<Value> ordered = {
      nullptr, std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
      std::numeric_limits<std::int64_t>::max(), -std::numeric_limits<double>::infinity(), -1.0, -0.0, 0.0,
      std::numeric_limits<double>::denorm_min(), 1.0, std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN(), false, true, "", std::string("\0", 1),
      std::string("\0\0", 2), std::string("\0\x01", 2), "a", std::string("a\0", 2), "a\x01", "ab",
      "\xc3\xa9", Value::binary({}), Value::binary({0x00}), Value::binary({0xff}), Value::array(),
      Value::array({nullptr}), Value::array({nullptr, nullptr}), Value::array({std::int64_t{0}}),
      Value::array({""}), Value::array({std::string("\0", 1)}), Value::array({Value::array()}), Value::object(),
      Value{{"", nullptr}}, Value{{"", nullptr}, {"a", nullptr}}, Value{{"", 1.0}},
      Value{{std::string("\0", 1), nullptr}}, Value{{"a", nullptr}}};
  CHECK(compare_keys(index_key(nullptr), key_of(ordered[0])) < 0);  // missing < null
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    INFO(i << ": " << ordered[i].dump() << " < " << ordered[i + 1].dump());
    REQUIRE(compare_values(&ordered[i], &ordered[i + 1]) < 0);
    CHECK(compare_keys(key_of(ordered[i]), key_of(ordered[i + 1])) < 0);
  }
}

TEST_CASE("property: memcmp of keys == compare_values, and keys are prefix-free") {
  lunora::test::RandomValues random(GENERATE(1u, 2u, 3u));
  std::vector<Value> values;
  for (int i = 0; i < 400; ++i) values.push_back(random.any());
  std::vector<std::string> keys;
  for (const auto& v : values) keys.push_back(key_of(v));
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values.size(); ++j) {
      const int by_value = sign(compare_values(&values[i], &values[j]));
      const int by_key = compare_keys(keys[i], keys[j]);
      if (by_value != by_key || is_proper_prefix(keys[i], keys[j])) {
        INFO(values[i].dump() << " vs " << values[j].dump());
        CHECK(by_value == by_key);
        CHECK_FALSE(is_proper_prefix(keys[i], keys[j]));
      }
    }
  }
}

TEST_CASE("property: concatenated keys order tuples component by component") {
  lunora::test::RandomValues random(42);
  for (int i = 0; i < 3000; ++i) {
    // Two 2-tuples whose first parts are often equal, so the second part decides.
    const Value a0 = random.any(1);
    const Value a1 = random.any(1);
    const Value b0 = random.pick(2) ? a0 : random.any(1);
    const Value b1 = random.any(1);
    const bool a0_missing = random.pick(8) == 0;
    const Value* pa0 = a0_missing ? nullptr : &a0;
    const Value* pb0 = a0_missing && random.pick(2) ? nullptr : &b0;
    int expected = sign(compare_values(pa0, pb0));
    if (expected == 0) expected = sign(compare_values(&a1, &b1));
    std::string ka;
    lunora::append_index_key(ka, pa0);
    lunora::append_index_key(ka, &a1);
    std::string kb;
    lunora::append_index_key(kb, pb0);
    lunora::append_index_key(kb, &b1);
    INFO(a0.dump() << "," << a1.dump() << " vs " << b0.dump() << "," << b1.dump());
    CHECK(compare_keys(ka, kb) == expected);
  }
}

TEST_CASE("prefix_successor bounds every key with the prefix") {
  CHECK(prefix_successor("ab") == "ac");
  CHECK(prefix_successor(bytes({'a', 0xff})) == "b");
  CHECK(prefix_successor(bytes({0x01, 0xfe, 0xff, 0xff})) == bytes({0x01, 0xff}));
  CHECK(prefix_successor(bytes({0xff, 0xff})).empty());
  CHECK(prefix_successor("").empty());

  lunora::test::RandomValues random(7);
  for (int i = 0; i < 500; ++i) {
    const Value first = random.any(1);
    const std::string prefix = key_of(first);
    const std::string successor = prefix_successor(prefix);
    const Value second = random.any(1);
    std::string key = prefix;
    lunora::append_index_key(key, &second);
    CHECK(compare_keys(prefix, key) < 0);
    CHECK(compare_keys(key, successor) < 0);
    // Nothing without the prefix falls between prefix and successor.
    const std::string other = key_of(random.any(1));
    if (other.compare(0, prefix.size(), prefix) != 0) {
      CHECK((compare_keys(other, prefix) < 0 || compare_keys(other, successor) >= 0));
    }
  }
}

TEST_CASE("document keys are fields, then _creationTime, then _id") {
  const Value status = "open";
  auto key = document_index_key({&status, nullptr}, 1700000000000.0, "abc");
  REQUIRE(key.ok());
  std::string expected = key_of(status) + index_key(nullptr) + key_of(1700000000000.0) + key_of("abc");
  CHECK(*key == expected);

  // Equal fields: the earlier document first, then the smaller id.
  auto earlier = document_index_key({&status}, 1.0, "zzz");
  auto later = document_index_key({&status}, 2.0, "aaa");
  auto later_bigger_id = document_index_key({&status}, 2.0, "aab");
  CHECK(compare_keys(*earlier, *later) < 0);
  CHECK(compare_keys(*later, *later_bigger_id) < 0);
}

TEST_CASE("document keys over the B-tree limit are refused") {
  constexpr std::size_t kLimit = lunora::limits::kMaxIndexKeyBytes;
  // Overhead around a string field: its tag and terminator (3), _creationTime (9), "id1" (6).
  const Value fits(std::string(kLimit - 18, 'x'));
  CHECK(document_index_key({&fits}, 1.0, "id1").ok());
  const Value over(std::string(kLimit - 17, 'x'));
  auto key = document_index_key({&over}, 1.0, "id1");
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == ErrorCode::unsupported_value);
  CHECK(key.status().message() ==
        "index key is " + std::to_string(kLimit + 1) + " bytes; the limit is " + std::to_string(kLimit) +
            " bytes (indexed field values, _creationTime and _id, encoded); index smaller values");
}

TEST_CASE("system field parts encode as their values do") {
  for (double d : {0.0, -0.0, 1.5, -2.25, 1e300, 1795634121819.0}) {
    std::string direct;
    lunora::append_index_key_float64(direct, d);
    const lunora::Value v(d);
    CHECK(direct == lunora::index_key(&v));
  }
  for (const std::string s : {std::string(), std::string("abc"), std::string("a\0b\0", 4), std::string(3, '\0')}) {
    std::string direct;
    lunora::append_index_key_string(direct, s);
    const lunora::Value v(s);
    CHECK(direct == lunora::index_key(&v));
  }
}
