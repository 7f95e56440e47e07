// migrate(): read the live catalog, diff it against the schema's layout, and plan the DDL.
//
// Allowed: create missing tables and indexes (adding an index to a table with rows backfills
// its key column first), add columns for new optional fields, relax NOT NULL for fields that
// became optional. Refused, all listed in one error: a new required field on an existing
// table, a column whose type or collation differs, a field that became required, a column
// outside the schema that is NOT NULL. Nothing is ever dropped; an index removed from the
// schema keeps its column, made nullable and no longer maintained.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lunora/sql/statement.hpp"
#include "lunora/store/store.hpp"

namespace lunora {

struct CatalogColumn {
  std::string data_type;  // lower case, as information_schema reports it
  std::string collation;  // empty when none
  bool nullable = true;
};

struct CatalogTable {
  std::map<std::string, CatalogColumn> columns;
  std::set<std::string> indexes;
};

using Catalog = std::map<std::string, CatalogTable, std::less<>>;  // by SQL table name

// Two queries: columns (table_name, column_name, data_type, is_nullable, collation_name) and
// indexes (table_name, index_name) of the store's tables in the current schema/database.
std::vector<Statement> catalog_queries(const Store& store);
// Rows of those queries, as arrays of objects keyed by the lower-case column aliases.
Result<Catalog> parse_catalog(const Value& column_rows, const Value& index_rows);

struct MigrationStep {
  enum class Kind { ddl, backfill } kind = Kind::ddl;
  std::string sql;    // ddl
  std::string table;  // backfill: schema table
  std::string index;  // backfill: schema index
};

struct MigrationPlan {
  std::vector<MigrationStep> steps;
  std::vector<std::string> refused;  // one line per refused difference
  Value report = Value::object();    // createdTables, addedColumns, createdIndexes, ...
};

MigrationPlan plan_migration(const Store& store, const Catalog& catalog);

// UPDATE statements setting an index's key column for rows given as
// [{"_id", "_creationTime", "doc": {...user fields...}}, ...].
Result<std::vector<Statement>> backfill_statements(const Store& store, std::string_view table, std::string_view index,
                                                   const Value& rows);

}  // namespace lunora
