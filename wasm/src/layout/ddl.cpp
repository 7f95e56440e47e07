#include "lunora/layout/ddl.hpp"

#include "lunora/schema/limits.hpp"

namespace lunora {
namespace {

bool is_postgres(const Dialect& d) { return d.placeholder_style() == PlaceholderStyle::dollar_numbered; }

std::string q(const Dialect& d, std::string_view name) {
  std::string out;
  d.append_quoted(out, name);
  return out;
}

std::string mysql_text(std::string_view type, const EngineOptions& options) {
  return std::string(type) + " CHARACTER SET utf8mb4 COLLATE " + options.text_collation;
}

std::string id_type_sql(const Dialect& d, const EngineOptions& options) {
  return is_postgres(d) ? "text COLLATE \"C\"" : mysql_text("VARCHAR(64)", options);
}

}  // namespace

std::string column_type_sql(ColumnKind kind, const Dialect& d, const EngineOptions& options) {
  const bool pg = is_postgres(d);
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
  return is_postgres(d) ? "bytea" : "VARBINARY(" + std::to_string(limits::kMaxIndexKeyBytes) + ")";
}

std::vector<std::string> create_table_statements(const TableLayout& layout, const Dialect& d,
                                                 const EngineOptions& options) {
  const bool pg = is_postgres(d);
  std::string sql = "CREATE TABLE IF NOT EXISTS " + q(d, layout.sql_table) + " (\n";
  sql += "  " + q(d, kIdColumn) + " " + id_type_sql(d, options) + " NOT NULL PRIMARY KEY,\n";
  sql += "  " + q(d, kCreationTimeColumn) + " " + column_type_sql(ColumnKind::float64, d, options) + " NOT NULL,\n";
  sql += "  " + q(d, kVersionColumn) + " " + column_type_sql(ColumnKind::int64, d, options) + " NOT NULL";
  for (const auto& c : layout.columns) {
    sql += ",\n  " + q(d, c.field) + " " + column_type_sql(c.kind, d, options);
    if (c.null_means == NullMeaning::never) sql += " NOT NULL";
  }
  for (const auto& index : layout.indexes) {
    sql += ",\n  " + q(d, index.key_column) + " " + key_column_type_sql(d) + " NOT NULL";
  }
  std::vector<std::string> statements;
  if (pg) {
    sql += "\n)";
    statements.push_back(std::move(sql));
    statements.push_back("CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, layout.creation_index) + " ON " +
                         q(d, layout.sql_table) + " (" + q(d, kCreationTimeColumn) + ", " + q(d, kIdColumn) + ")");
    for (const auto& index : layout.indexes) {
      statements.push_back("CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, index.sql_name) + " ON " +
                           q(d, layout.sql_table) + " (" + q(d, index.key_column) + ")");
    }
  } else {
    sql += ",\n  UNIQUE KEY " + q(d, layout.creation_index) + " (" + q(d, kCreationTimeColumn) + ", " +
           q(d, kIdColumn) + ")";
    for (const auto& index : layout.indexes) {
      sql += ",\n  UNIQUE KEY " + q(d, index.sql_name) + " (" + q(d, index.key_column) + ")";
    }
    sql += "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + options.text_collation;
    statements.push_back(std::move(sql));
  }
  return statements;
}

std::string add_field_column_statement(const TableLayout& layout, const FieldColumn& column, const Dialect& d,
                                       const EngineOptions& options) {
  return "ALTER TABLE " + q(d, layout.sql_table) + " ADD COLUMN " + q(d, column.field) + " " +
         column_type_sql(column.kind, d, options);
}

std::string relax_not_null_statement(const TableLayout& layout, const FieldColumn& column, const Dialect& d,
                                     const EngineOptions& options) {
  if (is_postgres(d)) {
    return "ALTER TABLE " + q(d, layout.sql_table) + " ALTER COLUMN " + q(d, column.field) + " DROP NOT NULL";
  }
  return "ALTER TABLE " + q(d, layout.sql_table) + " MODIFY COLUMN " + q(d, column.field) + " " +
         column_type_sql(column.kind, d, options) + " NULL";
}

std::string add_key_column_statement(const TableLayout& layout, const IndexLayout& index, const Dialect& d) {
  return "ALTER TABLE " + q(d, layout.sql_table) + " ADD COLUMN " + q(d, index.key_column) + " " +
         key_column_type_sql(d);
}

std::vector<std::string> finish_index_statements(const TableLayout& layout, const IndexLayout& index,
                                                 const Dialect& d) {
  const std::string table = q(d, layout.sql_table);
  const std::string column = q(d, index.key_column);
  if (is_postgres(d)) {
    return {"ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL",
            "CREATE UNIQUE INDEX IF NOT EXISTS " + q(d, index.sql_name) + " ON " + table + " (" + column + ")"};
  }
  return {"ALTER TABLE " + table + " MODIFY COLUMN " + column + " " + key_column_type_sql(d) + " NOT NULL, ADD UNIQUE KEY " +
          q(d, index.sql_name) + " (" + column + ")"};
}

}  // namespace lunora
