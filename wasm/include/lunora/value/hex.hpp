// Lowercase hex for byte strings (index keys in SQL parameters and cursors).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lunora {

std::string to_hex(std::string_view bytes);
// Appends to_hex(bytes) to `out`.
void append_hex(std::string& out, std::string_view bytes);
// nullopt unless `hex` is an even number of lowercase hex digits.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace lunora
