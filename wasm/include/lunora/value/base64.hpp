// Standard base64 (RFC 4648 section 4: `A-Z a-z 0-9 + /`, `=` padding), the alphabet the wire
// format uses for `$integer`, `$float` and `$bytes`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/status.hpp"

namespace lunora {

std::string base64_encode(const std::uint8_t* data, std::size_t size);
std::string base64_encode(const std::vector<std::uint8_t>& bytes);

// Strict: the length must be a multiple of 4, `=` may appear only as the final padding, and
// the unused low bits of the last symbol must be zero, so every byte string has exactly one
// accepted text (what JS `btoa` and Node's `Buffer#toString("base64")` produce). No
// whitespace, no URL-safe alphabet. Malformed input is refused with ErrorCode::invalid_value.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// base64_decode into `out` when it accepts `text` and gives exactly `size` bytes (at most 72);
// false otherwise (with `out` unspecified). No allocation: the wire tags of 8-byte numbers.
bool base64_decode_exact(std::string_view text, std::uint8_t* out, std::size_t size);

}  // namespace lunora
