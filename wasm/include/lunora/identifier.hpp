// SQL identifier rules shared by every dialect.
//
// Identifiers in generated SQL come only from a validated schema (table, field and index
// names) or from the core's own system names. Validation happens before quoting so that a
// hostile name is refused with a clear error instead of being escaped into something odd.
#pragma once

#include <cstddef>
#include <string_view>

#include "lunora/status.hpp"

namespace lunora {

// `[A-Za-z_][A-Za-z0-9_]*`, 1..max_bytes bytes. Leading `_` is allowed here because system
// columns (`_id`, `_creationTime`, ...) use it; the schema layer forbids it for user fields.
Result<std::string_view> validate_identifier(std::string_view name, std::size_t max_bytes);

}  // namespace lunora
