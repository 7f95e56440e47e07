// DDL for a table layout (table_layout.hpp), per dialect.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lunora/dialect/dialect.hpp"
#include "lunora/layout/table_layout.hpp"
#include "lunora/status.hpp"

namespace lunora {

struct EngineOptions {
  // MySQL family only: the byte-order, no-pad collation for text. MariaDB: utf8mb4_nopad_bin;
  // MySQL 8: utf8mb4_0900_bin. (Never utf8mb4_bin: it pads, so 'x' = 'x '.)
  std::string text_collation = "utf8mb4_nopad_bin";
  // MySQL family only: the server is MariaDB >= 10.5 (INSERT ... RETURNING; the shim checks),
  // so a blind patch can return its row (sql/blind_patch.hpp).
  bool mariadb_returning = false;
};

// The SQL type of a column of this kind, including collation for text.
std::string column_type_sql(ColumnKind kind, const Dialect& dialect, const EngineOptions& options);
std::string key_column_type_sql(const Dialect& dialect);
// Whether index key columns are declared nullable (SQLite: see ddl.cpp).
bool key_columns_nullable(const Dialect& dialect);

// CREATE TABLE IF NOT EXISTS with every column and index, as one or more statements.
std::vector<std::string> create_table_statements(const TableLayout& layout, const Dialect& dialect,
                                                 const EngineOptions& options);

// ALTER TABLE ... ADD COLUMN for a field column, always nullable (existing rows have no value).
std::string add_field_column_statement(const TableLayout& layout, const FieldColumn& column,
                                       const Dialect& dialect, const EngineOptions& options);

// The unique (_creationTime, _id) index on an existing table.
std::string creation_index_statement(const TableLayout& layout, const Dialect& dialect);

// ALTER TABLE ... DROP NOT NULL for a field that became optional (an error on SQLite, which
// cannot do it in place).
Result<std::string> relax_not_null_statement(const TableLayout& layout, const FieldColumn& column,
                                            const Dialect& dialect, const EngineOptions& options);

// Adding an index to a table with rows: add the key column as nullable, backfill it, then
// run the statements of `finish_index_statements` (NOT NULL + unique index).
std::string add_key_column_statement(const TableLayout& layout, const IndexLayout& index, const Dialect& dialect);
std::vector<std::string> finish_index_statements(const TableLayout& layout, const IndexLayout& index,
                                                 const Dialect& dialect);
// Lets the NOT NULL key column of an index the schema dropped go unmaintained (none needed
// where key columns are nullable).
std::optional<std::string> unmaintain_key_column_statement(const TableLayout& layout, std::string_view column,
                                                           const Dialect& dialect);

}  // namespace lunora
