// Random Lunora values for property tests: small alphabets so that equal values, common
// prefixes and edge cases (NUL bytes, -0, NaN payloads, int64 extremes) turn up often.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "lunora/value/value.hpp"

namespace lunora::test {

class RandomValues {
 public:
  explicit RandomValues(std::uint64_t seed) : rng_(seed) {}

  Value any(int depth = 3) {
    switch (pick(depth > 0 ? 8 : 6)) {
      case 0: return nullptr;
      case 1: return int64();
      case 2: return Value(float64());
      case 3: return Value(pick(2) == 1);
      case 4: return Value(string());
      case 5: return Value::binary(bytes());
      case 6: {
        Value out = Value::array();
        for (std::size_t n = pick(4); n > 0; --n) out.push_back(any(depth - 1));
        return out;
      }
      default: {
        Value out = Value::object();
        for (std::size_t n = pick(4); n > 0; --n) out[string()] = any(depth - 1);
        return out;
      }
    }
  }

  std::int64_t int64() {
    static constexpr std::int64_t kEdges[] = {0, 1, -1, 2, -2, 255, 256, -256,
                                              std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max(),
                                              std::numeric_limits<std::int64_t>::min() + 1,
                                              std::numeric_limits<std::int64_t>::max() - 1};
    if (pick(2) == 0) return kEdges[pick(std::size(kEdges))];
    return static_cast<std::int64_t>(rng_());
  }

  double float64() {
    static constexpr double kInf = std::numeric_limits<double>::infinity();
    static const double kEdges[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e300, -1e300, kInf, -kInf,
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::denorm_min(),
                                    -std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::lowest(),
                                    std::numeric_limits<double>::min(), 9007199254740993.0};
    switch (pick(4)) {
      case 0: return kEdges[pick(std::size(kEdges))];
      case 1: {  // any bit pattern: NaNs with payloads and sign, denormals, ...
        const std::uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
      }
      case 2: return static_cast<double>(static_cast<int>(pick(7)) - 3);
      default: return std::uniform_real_distribution<double>(-1000, 1000)(rng_);
    }
  }

  std::string string() {
    using namespace std::string_view_literals;
    static constexpr std::string_view kPieces[] = {"a"sv, "b"sv, "\0"sv, "\x01"sv, "\x7f"sv,
                                                   "\xc3\xa9"sv, "\xf0\x9f\x98\x80"sv, "z"sv};
    std::string out;
    for (std::size_t n = pick(4); n > 0; --n) out += kPieces[pick(std::size(kPieces))];
    return out;
  }

  Bytes bytes() {
    static constexpr std::uint8_t kBytes[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    Bytes out;
    for (std::size_t n = pick(4); n > 0; --n) out.push_back(kBytes[pick(std::size(kBytes))]);
    return out;
  }

  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace lunora::test

namespace lunora::test {

// Same type and same bits all the way down (NaN payloads and -0 included), unlike ==.
inline bool identical(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.is_number_float()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  if (a.is_array() || a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
      if (a.is_object() && x.key() != y.key()) return false;
      if (!identical(*x, *y)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace lunora::test
