// Convex's total order over values, the order of every index, range and sort in the store.
//
//   missing < null < int64 < float64 < boolean < string < bytes < array < object
//
// Within a type: int64 numerically; float64 by IEEE 754 totalOrder
// (-inf < ... < -0.0 < 0.0 < ... < inf < NaN, every NaN payload and sign treated as the one
// canonical positive NaN); false < true; strings by their UTF-8 bytes (= code point order);
// bytes bytewise; arrays lexicographically (a proper prefix first); objects by their
// (key, value) pairs in key order, then by field count. index_key.hpp encodes the same order
// as bytes; the two must never disagree.
#pragma once

#include <cstdint>

#include "lunora/value/value.hpp"

namespace lunora {

// < 0, 0 or > 0 as a sorts before, with or after b. nullptr is a missing value.
int compare_values(const Value* a, const Value* b) noexcept;
int compare_values(const Value& a, const Value& b) noexcept;

// compare_values(a, b) == 0: NaN equals NaN, -0.0 does not equal 0.0, 1n does not equal 1.0.
bool values_equal(const Value* a, const Value* b) noexcept;
bool values_equal(const Value& a, const Value& b) noexcept;

namespace detail {
// The float64 bits as an unsigned integer whose order is the order above (NaN canonical).
std::uint64_t float64_order_bits(double d) noexcept;
}  // namespace detail

}  // namespace lunora
