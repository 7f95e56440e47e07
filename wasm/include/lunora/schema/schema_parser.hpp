// Parses and checks the schema JSON form (docs/internals/wire-formats.md).
//
// Everything that later becomes SQL (table, field and index names) is checked here, so the
// rest of the core can treat names in a Schema as valid identifiers.
#pragma once

#include <string_view>

#include "lunora/schema/schema.hpp"
#include "lunora/status.hpp"

namespace lunora {

// Only `.global()` tables are kept; the others are still checked (an id may reference them).
Result<Schema> parse_schema(std::string_view schema_json);
Result<Schema> parse_schema_json(const Value& schema);

// `[A-Za-z][A-Za-z0-9_]*`, at most `max_length` bytes.
bool is_schema_name(std::string_view name, std::size_t max_length) noexcept;

}  // namespace lunora
