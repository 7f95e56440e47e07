#include "lunora/layout/ddl.hpp"

#include "lunora/schema/limits.hpp"

namespace lunora {
namespace {

std::string q(const Dialect& d, std::string_view name) {
  std::string out;
  d.append_quoted(out, name);
  return out;
}

std::string mysql_text(std::string_view type, const EngineOptions& options) {
  return std::string(type) + " CHARACTER SET utf8mb4 COLLATE " + options.text_collation;
}

std::string id_type_sql(const Dialect& d, const EngineOptions& options) {
  switch (d.engine()) {
    case Engine::postgres: return "text COLLATE \"C\"";
    case Engine::mysql: return mysql_text("VARCHAR(64)", options);
    case Engine::sqlite: return "TEXT";  // BINARY collation: memcmp, i.e. UTF-8 byte order
  }
  return "";
}

// SQLite STRICT tables accept only INTEGER, REAL, TEXT, BLOB and ANY.
std::string sqlite_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::text: return "TEXT";
    case ColumnKind::float64: return "REAL";
    case ColumnKind::int64: return "INTEGER";
    case ColumnKind::boolean: return "INTEGER";  // 0 / 1, read back by column kind
    case ColumnKind::bytes: return "BLOB";
    case ColumnKind::json: return "TEXT";  // Lunora JSON text
  }
  return "";
}

}  // namespace

std::string column_type_sql(ColumnKind kind, const Dialect& d, const EngineOptions& options) {
  if (d.engine() == Engine::sqlite) return sqlite_type(kind);
  const bool pg = d.engine() == Engine::postgres;
  switch (kind) {
    case ColumnKind::text: return pg ? "text COLLATE \"C\"" : mysql_text("LONGTEXT", options);
    case ColumnKind::float64: return pg ? "double precision" : "DOUBLE";
    case ColumnKind::int64: return pg ? "bigint" : "BIGINT";
    case ColumnKind::boolean: return pg ? "boolean" : "BOOLEAN";
    case ColumnKind::bytes: return pg ? "bytea" : "LONGBLOB";
    case ColumnKind::json: return pg ? "jsonb" : "JSON";
  }
  return "";
}

std::string key_column_type_sql(const Dialect& d) {
  switch (d.engine()) {
    case Engine::postgres: return "bytea";
    case Engine::mysql: return "VARBINARY(" + std::to_string(limits::kMaxIndexKeyBytes) + ")";
    case Engine::sqlite: return "BLOB";
  }
  return "";
}

bool key_columns_nullable(const Dialect& d) {
  // SQLite cannot add NOT NULL to a column in place, and a wide insert may set its keys in
  // a later statement of the same transaction; the core always writes every key.
  return d.engine() == Engine::sqlite;
}

std::vector<std::string> create_table_statements(const TableLayout& layout, const Dialect& d,
                                                 const EngineOptions& options) {
  const Engine engine = d.engine();
  std::string sql = "CREATE TABLE IF NOT EXISTS " + q(d, layout.sql_table) + " (\n";
  sql += "  " + q(d, kIdColumn) + " " + id_type_sql(d, options) + " NOT NULL PRIMARY KEY,\n";
  sql += "  " + q(d, kCreationTimeColumn) + " " + column_type_sql(ColumnKind::float64, d, options) + " NOT NULL,\n";
  sql += "  " + q(d, kVersionColumn) + " " + column_type_sql(ColumnKind::int64, d, options) + " NOT NULL";
  for (const auto& c : layout.columns) {
    sql += ",\n  " + q(d, c.field) + " " + column_type_sql(c.kind, d, options);
    if (c.null_means == NullMeaning::never) sql += " NOT NULL";
  }
  for (const auto& index : layout.indexes) {
    sql += ",\n  " + q(d, index.key_column) + " " + key_column_type_sql(d) + (key_columns_nullable(d) ? "" : " NOT NULL");
  }
  std::vector<std::string> statements;
  if (engine == Engine::mysql) {
    sql += ",\n  UNIQUE KEY " + q(d, layout.creation_index) + " (" + q(d, kCreationTimeColumn) + ", " +
           q(d, kIdColumn) + ")";
    for (const auto& index : layout.indexes) {
      sql += ",\n  UNIQUE KEY " + q(d, index.sql_name) + " (" + q(d, index.key_column) + ")";
    }
    sql += "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + options.text_collation;
    statements.push_back(std::move(sql));
    return statements;
  }
  // SQLite: STRICT enforces the column types; WITHOUT ROWID clusters rows by `_id`.
  sql += engine == Engine::sqlite ? "\n) STRICT, WITHOUT ROWID" : "\n)";
  statements.push_back(std::move(sql));
  statements.push_back(creation_index_statement(layout, d));
  for (const auto& index : layout.indexes) {
    statements.push_back("CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, index.sql_name) + " ON " +
                         q(d, layout.sql_table) + " (" + q(d, index.key_column) + ")");
  }
  return statements;
}

std::string creation_index_statement(const TableLayout& layout, const Dialect& d) {
  if (d.engine() == Engine::mysql) {
    return "ALTER TABLE " + q(d, layout.sql_table) + " ADD UNIQUE KEY " + q(d, layout.creation_index) + " (" +
           q(d, kCreationTimeColumn) + ", " + q(d, kIdColumn) + ")";
  }
  return "CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, layout.creation_index) + " ON " + q(d, layout.sql_table) + " (" +
         q(d, kCreationTimeColumn) + ", " + q(d, kIdColumn) + ")";
}

std::string add_field_column_statement(const TableLayout& layout, const FieldColumn& column, const Dialect& d,
                                       const EngineOptions& options) {
  return "ALTER TABLE " + q(d, layout.sql_table) + " ADD COLUMN " + q(d, column.field) + " " +
         column_type_sql(column.kind, d, options);
}

Result<std::string> relax_not_null_statement(const TableLayout& layout, const FieldColumn& column, const Dialect& d,
                                             const EngineOptions& options) {
  switch (d.engine()) {
    case Engine::postgres:
      return "ALTER TABLE " + q(d, layout.sql_table) + " ALTER COLUMN " + q(d, column.field) + " DROP NOT NULL";
    case Engine::mysql:
      return "ALTER TABLE " + q(d, layout.sql_table) + " MODIFY COLUMN " + q(d, column.field) + " " +
             column_type_sql(column.kind, d, options) + " NULL";
    case Engine::sqlite: break;
  }
  return Status(ErrorCode::invalid_argument,
                "field \"" + column.field + "\" became optional, but SQLite cannot drop NOT NULL from a column in " +
                    "place (it needs a table rebuild, which migrate() does not do); rebuild the table by hand or " +
                    "keep the field required");
}

std::string add_key_column_statement(const TableLayout& layout, const IndexLayout& index, const Dialect& d) {
  return "ALTER TABLE " + q(d, layout.sql_table) + " ADD COLUMN " + q(d, index.key_column) + " " +
         key_column_type_sql(d);
}

std::vector<std::string> finish_index_statements(const TableLayout& layout, const IndexLayout& index,
                                                 const Dialect& d) {
  const std::string table = q(d, layout.sql_table);
  const std::string column = q(d, index.key_column);
  const std::string create = "CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, index.sql_name) + " ON " + table + " (" + column + ")";
  switch (d.engine()) {
    case Engine::postgres: return {"ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL", create};
    case Engine::mysql:
      return {"ALTER TABLE " + table + " MODIFY COLUMN " + column + " " + key_column_type_sql(d) +
              " NOT NULL, ADD UNIQUE KEY " + q(d, index.sql_name) + " (" + column + ")"};
    case Engine::sqlite: return {create};
  }
  return {};
}

std::optional<std::string> unmaintain_key_column_statement(const TableLayout& layout, std::string_view column,
                                                           const Dialect& d) {
  switch (d.engine()) {
    case Engine::postgres:
      return "ALTER TABLE " + q(d, layout.sql_table) + " ALTER COLUMN " + q(d, column) + " DROP NOT NULL";
    case Engine::mysql:
      return "ALTER TABLE " + q(d, layout.sql_table) + " MODIFY COLUMN " + q(d, column) + " " + key_column_type_sql(d) +
             " NULL";
    case Engine::sqlite: break;  // key columns are always nullable there
  }
  return std::nullopt;
}

}  // namespace lunora
