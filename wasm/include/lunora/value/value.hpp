// A Lunora value (Convex's value model) is an nlohmann::json with these conventions:
//   number_float   = float64        number_integer = int64        binary = bytes
//   null, boolean, string, array, object as themselves; number_unsigned never occurs.
// A *missing* field (JS `undefined`) is not a value; APIs take `const Value*` = nullptr for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lunora {

using Value = nlohmann::json;
using Bytes = nlohmann::json::binary_t;

// Convex's types, in Convex's cross-type order (missing sorts before all of them).
enum class ValueType : std::uint8_t { null, int64, float64, boolean, string, bytes, array, object };

ValueType value_type(const Value& value) noexcept;

// Frees the members of an array or object tree bottom-up, leaving `value` an empty container.
// nlohmann's destructor first moves every member of a tree into a heap-allocated stack (so
// that deep trees cannot overflow the call stack); for a document that costs about as much
// as the frees themselves. Below kReleaseDepth levels the rest is left to that destructor.
inline constexpr std::size_t kReleaseDepth = 64;
void release(Value& value) noexcept;
std::string_view value_type_name(ValueType type) noexcept;  // "null", "int64", "float64", ...

}  // namespace lunora
