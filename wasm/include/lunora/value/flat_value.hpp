// A top-level field's value as an insert's flat document holds it (store/flat_insert.hpp):
// without a Value, over the document's wire text.
#pragma once

#include <cstdint>

namespace lunora {

enum class FlatKind : std::uint8_t { missing, string, float64, int64, boolean, json };

// string: the bytes between the quotes (text no JSON writer escapes: valid UTF-8 without
// quotes, backslashes or controls);
// json: the array's Lunora JSON, exactly as to_wire writes it; both as a byte range of the
// document's wire text. The other kinds hold their value.
struct FlatValue {
  FlatKind kind = FlatKind::missing;
  std::uint32_t at = 0;
  std::uint32_t size = 0;
  double number = 0;         // float64
  std::int64_t integer = 0;  // int64
  bool boolean = false;      // boolean
};

}  // namespace lunora
