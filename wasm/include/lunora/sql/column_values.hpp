// Lunora values -> column parameters, and the SQL expression that binds each kind.
#pragma once

#include <string>
#include <string_view>

#include "lunora/layout/table_layout.hpp"
#include "lunora/sql/statement.hpp"
#include "lunora/value/hex.hpp"

namespace lunora {

// Binds the value of a field column (nullptr = missing) with the kind's conversion.
void bind_column_value(StatementBuilder& b, const FieldColumn& column, const Value* value);
// Binds a column of a given kind directly (system columns).
void bind_kind(StatementBuilder& b, ColumnKind kind, const Value& value);
// Binds raw bytes (index keys) as bytea / VARBINARY.
void bind_bytes(StatementBuilder& b, std::string_view bytes);


}  // namespace lunora
