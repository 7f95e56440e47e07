#include "lunora/value/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace lunora {
namespace {

template <typename T>
int three_way(const T& a, const T& b) noexcept {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_bytes(const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b,
                  std::size_t b_size) noexcept {
  const std::size_t common = std::min(a_size, b_size);
  if (common > 0) {
    if (int c = std::memcmp(a, b, common); c != 0) return c < 0 ? -1 : 1;
  }
  return three_way(a_size, b_size);
}

int compare_strings(std::string_view a, std::string_view b) noexcept {
  return compare_bytes(reinterpret_cast<const std::uint8_t*>(a.data()), a.size(),
                       reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
}

int compare_present(const Value& a, const Value& b) noexcept {
  const ValueType ta = value_type(a);
  const ValueType tb = value_type(b);
  if (ta != tb) return three_way(static_cast<int>(ta), static_cast<int>(tb));
  switch (ta) {
    case ValueType::null:
      return 0;
    case ValueType::int64:
      return three_way(a.get<std::int64_t>(), b.get<std::int64_t>());
    case ValueType::float64:
      return three_way(detail::float64_order_bits(a.get<double>()),
                       detail::float64_order_bits(b.get<double>()));
    case ValueType::boolean:
      return three_way(a.get<bool>(), b.get<bool>());
    case ValueType::string:
      return compare_strings(a.get_ref<const std::string&>(), b.get_ref<const std::string&>());
    case ValueType::bytes: {
      const Bytes& x = a.get_binary();
      const Bytes& y = b.get_binary();
      return compare_bytes(x.data(), x.size(), y.data(), y.size());
    }
    case ValueType::array: {
      const std::size_t common = std::min(a.size(), b.size());
      for (std::size_t i = 0; i < common; ++i) {
        if (int c = compare_present(a[i], b[i]); c != 0) return c;
      }
      return three_way(a.size(), b.size());
    }
    case ValueType::object: {
      // Both maps iterate in key order, so this walks the (key, value) pairs in step.
      auto x = a.begin();
      auto y = b.begin();
      for (; x != a.end() && y != b.end(); ++x, ++y) {
        if (int c = compare_strings(x.key(), y.key()); c != 0) return c;
        if (int c = compare_present(x.value(), y.value()); c != 0) return c;
      }
      return three_way(a.size(), b.size());
    }
  }
  return 0;
}

}  // namespace

namespace detail {

std::uint64_t float64_order_bits(double d) noexcept {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  constexpr std::uint64_t kCanonicalNaN = 0x7ff8000000000000ULL;
  std::uint64_t bits;
  if (std::isnan(d)) {
    bits = kCanonicalNaN;
  } else {
    std::memcpy(&bits, &d, sizeof bits);
  }
  // Negatives: invert everything (larger magnitude sorts first); positives: set the sign bit
  // so they sort after every negative.
  return (bits & kSign) ? ~bits : (bits | kSign);
}

}  // namespace detail

int compare_values(const Value* a, const Value* b) noexcept {
  if (a == nullptr || b == nullptr) return three_way(a != nullptr, b != nullptr);
  return compare_present(*a, *b);
}

int compare_values(const Value& a, const Value& b) noexcept { return compare_present(a, b); }

bool values_equal(const Value* a, const Value* b) noexcept { return compare_values(a, b) == 0; }

bool values_equal(const Value& a, const Value& b) noexcept { return compare_present(a, b) == 0; }

}  // namespace lunora
