// SQL names derived from schema names, fitted to the engine's identifier limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lunora {

// `name` itself when it fits in `max_bytes`; otherwise a prefix plus "_" and 8 hex digits of
// a hash of the whole name, so that distinct long names stay distinct and stable.
std::string fit_identifier(std::string_view name, std::size_t max_bytes);

}  // namespace lunora
