// Validators and values as error messages show them, in the Convex/JS spelling users wrote:
// `v.object({ a: v.string(), b: v.optional(v.int64()) })`, `{ a: "x", n: 5n }`.
#pragma once

#include <cstddef>
#include <string>

#include "lunora/schema/validator.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

// Long renderings are cut near this many bytes (on a UTF-8 boundary) and end with "...".
inline constexpr std::size_t kMaxFormattedLength = 200;

std::string format_validator(const Validator& validator);

// JS-like: strings JSON-quoted, int64 as `5n`, float64 as JS prints it (`5`, `1.5`, `NaN`,
// `-Infinity`, `-0`), bytes as `ArrayBuffer(byteLength=3)`, `[1, 2]`, `{ a: 1, "b c": 2 }`.
std::string format_value(const Value& value);

}  // namespace lunora
