#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <vector>

#include "lunora/value/compare.hpp"

using lunora::compare_values;
using lunora::Value;
using lunora::values_equal;

namespace {

double from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// Every consecutive pair must compare strictly increasing, and every pair consistently.
void check_strictly_increasing(const std::vector<Value>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values.size(); ++j) {
      INFO(i << " vs " << j << ": " << values[i].dump() << " vs " << values[j].dump());
      const int c = compare_values(&values[i], &values[j]);
      if (i < j) CHECK(c < 0);
      if (i == j) CHECK(c == 0);
      if (i > j) CHECK(c > 0);
    }
  }
}

}  // namespace

TEST_CASE("missing sorts first, then Convex's type order") {
  const Value null = nullptr;
  const Value i = std::int64_t{100};
  const Value f = -kInf;
  CHECK(compare_values(nullptr, nullptr) == 0);
  CHECK(compare_values(nullptr, &null) < 0);
  CHECK(compare_values(&null, nullptr) > 0);
  check_strictly_increasing({nullptr, std::numeric_limits<std::int64_t>::max(), -kInf, false, "",
                             Value::binary({}), Value::array(), Value::object()});
  CHECK(compare_values(&i, &f) < 0);  // any int64 before any float64
}

TEST_CASE("int64 compare numerically, across the whole range") {
  check_strictly_increasing({std::numeric_limits<std::int64_t>::min(), std::int64_t{-256}, std::int64_t{-1},
                             std::int64_t{0}, std::int64_t{1}, std::int64_t{255},
                             std::numeric_limits<std::int64_t>::max()});
}

TEST_CASE("float64 follow the total order, NaN last and canonical") {
  check_strictly_increasing({-kInf, std::numeric_limits<double>::lowest(), -1.0, -std::numeric_limits<double>::min(),
                             -std::numeric_limits<double>::denorm_min(), -0.0, 0.0,
                             std::numeric_limits<double>::denorm_min(), 0.5, 1.0, std::numeric_limits<double>::max(),
                             kInf, std::numeric_limits<double>::quiet_NaN()});
  const Value nan = std::numeric_limits<double>::quiet_NaN();
  const Value negative_nan = from_bits(0xfff8000000000000ULL);
  const Value payload_nan = from_bits(0x7ff0000000000001ULL);
  CHECK(values_equal(&nan, &negative_nan));
  CHECK(values_equal(&nan, &payload_nan));
  const Value zero = 0.0;
  const Value negative_zero = -0.0;
  CHECK_FALSE(values_equal(&zero, &negative_zero));
  CHECK(compare_values(&negative_zero, &zero) < 0);
}

TEST_CASE("int64 and float64 never equal each other") {
  const Value one_n = std::int64_t{1};
  const Value one = 1.0;
  CHECK_FALSE(values_equal(&one_n, &one));
  CHECK(compare_values(&one_n, &one) < 0);
  const Value big_n = std::numeric_limits<std::int64_t>::max();
  const Value small = -1e300;
  CHECK(compare_values(&big_n, &small) < 0);
}

TEST_CASE("strings compare by UTF-8 bytes, bytes bytewise, shorter prefix first") {
  check_strictly_increasing({"", std::string("\0", 1), "A", "Z", "a", "ab", "b", "\x7f", "\xc3\xa9",
                             "\xef\xbf\xbd", "\xf0\x9f\x98\x80"});
  check_strictly_increasing({Value::binary({}), Value::binary({0x00}), Value::binary({0x00, 0x00}),
                             Value::binary({0x01}), Value::binary({0x7f}), Value::binary({0x80}),
                             Value::binary({0xff}), Value::binary({0xff, 0x00})});
}

TEST_CASE("arrays compare lexicographically") {
  check_strictly_increasing({Value::array(), Value::array({nullptr}), Value::array({nullptr, nullptr}),
                             Value::array({std::int64_t{1}}), Value::array({1.0}), Value::array({1.0, "a"}),
                             Value::array({2.0}), Value::array({"a"}), Value::array({Value::array()})});
}

TEST_CASE("objects compare by (key, value) pairs in key order, then size") {
  check_strictly_increasing({Value::object(), Value{{"a", nullptr}}, Value{{"a", 1.0}},
                             Value{{"a", 1.0}, {"b", nullptr}}, Value{{"a", 1.0}, {"c", nullptr}},
                             Value{{"a", 2.0}}, Value{{"aa", nullptr}}, Value{{"b", nullptr}}});
}

TEST_CASE("values_equal agrees with compare_values") {
  const Value a = Value{{"x", Value::array({1.0, "s", Value::binary({1, 2})})}};
  const Value b = Value::parse(R"({"x":[1.0,"s"]})");
  Value c = b;
  c["x"].push_back(Value::binary({1, 2}));
  CHECK(values_equal(&a, &c));
  CHECK_FALSE(values_equal(&a, &b));
  CHECK(values_equal(nullptr, nullptr));
  CHECK_FALSE(values_equal(&a, nullptr));
  CHECK(values_equal(a, c));
}
