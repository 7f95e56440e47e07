// How a `.global()` table is laid out in SQL: one column per top-level field, the system
// columns, and one hidden order-key column per index.
//
// Column kinds follow CONTRACT.md "Layout": string/id -> text (byte order, no padding),
// float64 -> double, int64 -> bigint, boolean, bytes -> bytea/blob, and everything nested or
// mixed -> JSON holding Lunora JSON. A union of literals of one type, or of one type and
// null, uses that type's column. SQL NULL means "missing" for optional fields and `null`
// for `T | null` fields; a field that can be both missing and null is stored as JSON, where
// null is the JSON value null and missing is SQL NULL.
//
// Every user index is a unique B-tree on its key column, which holds the order-preserving
// encoding of (fields..., _creationTime, _id) (value/index_key.hpp). SQL range scans, read
// sets and subscription matching all compare these same bytes, so they cannot disagree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lunora/dialect/dialect.hpp"
#include "lunora/schema/schema.hpp"

namespace lunora {

enum class ColumnKind { text, float64, int64, boolean, bytes, json };
std::string_view column_kind_name(ColumnKind kind) noexcept;

enum class NullMeaning { never, missing, null_value };

struct FieldColumn {
  std::string field;   // the top-level field, also the column name
  ColumnKind kind;
  NullMeaning null_means;
};

struct IndexLayout {
  std::string name;                 // schema index name
  std::vector<std::string> fields;  // schema fields, in index order
  std::string key_column;           // hidden bytea/varbinary column: `_k_<name>`
  std::string sql_name;             // SQL index name: `<table>__<name>`
};

struct TableLayout {
  std::string table;      // schema table name
  std::string sql_table;  // SQL table name (equal unless the engine's limit forced a fit)
  std::vector<FieldColumn> columns;
  std::vector<IndexLayout> indexes;
  std::string creation_index;  // SQL name of the (_creationTime, _id) index

  const FieldColumn* find_column(std::string_view field) const noexcept;
  const IndexLayout* find_index(std::string_view name) const noexcept;
};

inline constexpr std::string_view kIdColumn = "_id";
inline constexpr std::string_view kCreationTimeColumn = "_creationTime";
inline constexpr std::string_view kVersionColumn = "_version";

TableLayout layout_table(const TableSchema& table, const Dialect& dialect);

// The column kind and null meaning a field validator maps to.
FieldColumn field_column(const ValidatorField& field);

}  // namespace lunora
