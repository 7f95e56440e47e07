#include "lunora/store/migration.hpp"

#include <algorithm>

#include "lunora/sql/column_values.hpp"

namespace lunora {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string string_field(const Value& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void table_list(StatementBuilder& b, const Store& store) {
  b.sql(" IN (");
  for (std::size_t i = 0; i < store.layouts().size(); ++i) {
    if (i > 0) b.sql(", ");
    b.param(store.layouts()[i].sql_table);
  }
  b.sql(")");
}

struct Expected {
  std::vector<std::string> data_types;
  std::string collation;  // required collation; empty: any
};

// SQLite's catalog gives the STRICT type only: text and JSON columns both read "text", int64
// and boolean both "integer".
Expected sqlite_expected(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::text: case ColumnKind::json: return {{"text"}, ""};
    case ColumnKind::float64: return {{"real"}, ""};
    case ColumnKind::int64: case ColumnKind::boolean: return {{"integer"}, ""};
    case ColumnKind::bytes: return {{"blob"}, ""};
  }
  return {};
}

Expected expected_for(ColumnKind kind, const Dialect& d, const EngineOptions& options) {
  if (d.engine() == Engine::sqlite) return sqlite_expected(kind);
  const bool pg = d.engine() == Engine::postgres;
  switch (kind) {
    case ColumnKind::text: return pg ? Expected{{"text"}, "C"} : Expected{{"longtext"}, options.text_collation};
    case ColumnKind::float64: return {{pg ? "double precision" : "double"}, ""};
    case ColumnKind::int64: return {{"bigint"}, ""};
    case ColumnKind::boolean: return {{pg ? "boolean" : "tinyint"}, ""};
    case ColumnKind::bytes: return {{pg ? "bytea" : "longblob"}, ""};
    case ColumnKind::json: return pg ? Expected{{"jsonb"}, ""} : Expected{{"json", "longtext"}, ""};
  }
  return {};
}

bool matches(const CatalogColumn& column, const Expected& expected, ColumnKind kind, const Dialect& d) {
  if (std::find(expected.data_types.begin(), expected.data_types.end(), column.data_type) == expected.data_types.end()) {
    return false;
  }
  if (!expected.collation.empty() && column.collation != expected.collation) return false;
  // MariaDB's JSON is LONGTEXT with utf8mb4_bin; a text column must not pass as JSON.
  if (d.engine() == Engine::mysql && kind == ColumnKind::json && column.data_type == "longtext") {
    return column.collation == "utf8mb4_bin";
  }
  return true;
}

std::string describe(const CatalogColumn& column) {
  return column.data_type + (column.collation.empty() ? "" : " collate " + column.collation);
}

// SQLite (D1, Durable Objects): pragma table-valued functions over a JSON array of the
// table names, one parameter however many tables (sqlite_master may be restricted).
std::vector<Statement> sqlite_catalog_queries(const Store& store) {
  Value names = Value::array();
  for (const auto& layout : store.layouts()) names.push_back(layout.sql_table);
  StatementBuilder columns(store.dialect());
  columns.sql(
      "SELECT t.value AS table_name, p.name AS column_name, p.type AS data_type, "
      "CASE WHEN p.\"notnull\" = 0 THEN 'YES' ELSE 'NO' END AS is_nullable, NULL AS collation_name "
      "FROM json_each(");
  columns.param(names.dump()).sql(") AS t, pragma_table_info(t.value) AS p");
  StatementBuilder indexes(store.dialect());
  indexes.sql("SELECT t.value AS table_name, i.name AS index_name FROM json_each(");
  indexes.param(names.dump()).sql(") AS t, pragma_index_list(t.value) AS i");
  return {std::move(columns).build(), std::move(indexes).build()};
}

std::vector<std::string_view> system_types(std::string_view column, const Dialect& d) {
  const Engine e = d.engine();
  if (column == kIdColumn) return {e == Engine::postgres ? "text" : e == Engine::mysql ? "varchar" : "text"};
  if (column == kCreationTimeColumn) return {e == Engine::postgres ? "double precision" : e == Engine::mysql ? "double" : "real"};
  return {e == Engine::sqlite ? "integer" : "bigint"};
}

}  // namespace

std::vector<Statement> catalog_queries(const Store& store) {
  const Dialect& d = store.dialect();
  if (d.engine() == Engine::sqlite) return sqlite_catalog_queries(store);
  const bool pg = d.engine() == Engine::postgres;
  StatementBuilder columns(d);
  columns.sql(
      "SELECT table_name AS table_name, column_name AS column_name, data_type AS data_type, "
      "is_nullable AS is_nullable, collation_name AS collation_name FROM information_schema.columns "
      "WHERE ");
  // The catalog must be read fresh too: a second migrate() must see the first one's tables.
  columns.sql(d.fresh_read_condition()).sql(" AND table_schema = ");
  columns.sql(pg ? "current_schema()" : "DATABASE()").sql(" AND table_name");
  table_list(columns, store);
  StatementBuilder indexes(d);
  if (pg) {
    indexes.sql("SELECT tablename AS table_name, indexname AS index_name FROM pg_indexes WHERE ");
    indexes.sql(d.fresh_read_condition()).sql(" AND schemaname = current_schema() AND tablename");
  } else {
    indexes.sql("SELECT DISTINCT table_name AS table_name, index_name AS index_name FROM information_schema.statistics WHERE ");
    indexes.sql(d.fresh_read_condition()).sql(" AND table_schema = DATABASE() AND table_name");
  }
  table_list(indexes, store);
  return {std::move(columns).build(), std::move(indexes).build()};
}

Result<Catalog> parse_catalog(const Value& column_rows, const Value& index_rows) {
  if (!column_rows.is_array() || !index_rows.is_array()) {
    return Status(ErrorCode::invalid_argument, "catalog rows must be arrays");
  }
  Catalog catalog;
  for (const auto& row : column_rows) {
    CatalogColumn column;
    column.data_type = lower(string_field(row, "data_type"));
    column.collation = string_field(row, "collation_name");
    column.nullable = string_field(row, "is_nullable") == "YES";
    catalog[string_field(row, "table_name")].columns[string_field(row, "column_name")] = column;
  }
  for (const auto& row : index_rows) {
    auto table = catalog.find(string_field(row, "table_name"));
    if (table != catalog.end()) table->second.indexes.insert(string_field(row, "index_name"));
  }
  return catalog;
}

MigrationPlan plan_migration(const Store& store, const Catalog& catalog) {
  const Dialect& d = store.dialect();
  const EngineOptions& options = store.engine_options();
  MigrationPlan plan;
  Value created_tables = Value::array(), added_columns = Value::array(), created_indexes = Value::array(),
        relaxed = Value::array(), kept_columns = Value::array(), unmaintained = Value::array();
  auto ddl = [&](std::string sql) { plan.steps.push_back(MigrationStep{MigrationStep::Kind::ddl, std::move(sql), "", ""}); };

  for (const auto& layout : store.layouts()) {
    auto found = catalog.find(layout.sql_table);
    if (found == catalog.end() || found->second.columns.empty()) {
      for (auto& sql : create_table_statements(layout, d, options)) ddl(std::move(sql));
      created_tables.push_back(layout.table);
      continue;
    }
    const CatalogTable& live = found->second;
    const std::string where = "table \"" + layout.table + "\": ";

    // System columns: the table must be one the store created.
    bool foreign = false;
    for (const std::string_view name : {kIdColumn, kCreationTimeColumn, kVersionColumn}) {
      const auto types = system_types(name, d);
      auto column = live.columns.find(std::string(name));
      if (column == live.columns.end() ||
          std::find(types.begin(), types.end(), column->second.data_type) == types.end()) {
        plan.refused.push_back(where + "column \"" + std::string(name) + "\" is missing or has the wrong type; " +
                               "the table exists but was not created by this store");
        foreign = true;
      }
    }
    if (foreign) continue;

    for (const auto& column : layout.columns) {
      auto live_column = live.columns.find(column.field);
      if (live_column == live.columns.end()) {
        if (column.null_means == NullMeaning::never) {
          plan.refused.push_back(where + "new required field \"" + column.field +
                                 "\" cannot be added to existing rows; declare it v.optional() first");
        } else {
          ddl(add_field_column_statement(layout, column, d, options));
          added_columns.push_back(layout.table + "." + column.field);
        }
        continue;
      }
      const Expected expected = expected_for(column.kind, d, options);
      if (!matches(live_column->second, expected, column.kind, d)) {
        plan.refused.push_back(where + "field \"" + column.field + "\" is " + describe(live_column->second) +
                               " in the database; the schema needs " + std::string(column_kind_name(column.kind)) +
                               " (" + expected.data_types.front() +
                               (expected.collation.empty() ? "" : " collate " + expected.collation) + ")");
        continue;
      }
      if (column.null_means == NullMeaning::never && live_column->second.nullable) {
        plan.refused.push_back(where + "field \"" + column.field +
                               "\" is optional in the database but required in the schema; existing rows may lack it");
      } else if (column.null_means != NullMeaning::never && !live_column->second.nullable) {
        auto relax = relax_not_null_statement(layout, column, d, options);
        if (!relax) {
          plan.refused.push_back(where + relax.status().message());
          continue;
        }
        ddl(std::move(relax).value());
        relaxed.push_back(layout.table + "." + column.field);
      }
    }

    for (const auto& index : layout.indexes) {
      auto key = live.columns.find(index.key_column);
      if (key == live.columns.end()) {
        ddl(add_key_column_statement(layout, index, d));
      }
      if (key == live.columns.end() || live.indexes.count(index.sql_name) == 0) {
        plan.steps.push_back(MigrationStep{MigrationStep::Kind::backfill, "", layout.table, index.name});
        for (auto& sql : finish_index_statements(layout, index, d)) ddl(std::move(sql));
        created_indexes.push_back(layout.table + "." + index.name);
      }
    }
    if (live.indexes.count(layout.creation_index) == 0) ddl(creation_index_statement(layout, d));

    // Columns the schema no longer has: kept; NOT NULL ones would block inserts.
    for (const auto& entry : live.columns) {
      const std::string& name = entry.first;
      const CatalogColumn& column = entry.second;
      if (name == kIdColumn || name == kCreationTimeColumn || name == kVersionColumn) continue;
      if (layout.find_column(name) != nullptr) continue;
      bool is_key = std::any_of(layout.indexes.begin(), layout.indexes.end(),
                                [&](const IndexLayout& i) { return i.key_column == name; });
      if (is_key) continue;
      if (name.rfind("_k_", 0) == 0) {
        if (!column.nullable) {
          if (auto sql = unmaintain_key_column_statement(layout, name, d)) ddl(std::move(*sql));
          unmaintained.push_back(layout.table + "." + name);
        }
        continue;
      }
      if (!column.nullable) {
        plan.refused.push_back(where + "column \"" + name +
                               "\" is not in the schema and is NOT NULL, so new documents could not be inserted; "
                               "add the field back to the schema or make the column nullable");
      } else {
        kept_columns.push_back(layout.table + "." + name);
      }
    }
  }
  plan.report = {{"createdTables", created_tables},   {"addedColumns", added_columns},
                 {"createdIndexes", created_indexes}, {"relaxedColumns", relaxed},
                 {"keptColumns", kept_columns},       {"unmaintainedIndexColumns", unmaintained}};
  if (!plan.refused.empty()) plan.steps.clear();
  return plan;
}

Result<std::vector<Statement>> backfill_statements(const Store& store, std::string_view table_name,
                                                   std::string_view index_name, const Value& rows) {
  const TableLayout* layout = store.layout(table_name);
  if (layout == nullptr) return Status(ErrorCode::not_found, "unknown table");
  const IndexLayout* index = layout->find_index(index_name);
  if (index == nullptr) return Status(ErrorCode::not_found, "unknown index");
  if (!rows.is_array()) return Status(ErrorCode::invalid_argument, "rows must be an array");
  std::vector<Statement> out;
  for (const auto& row : rows) {
    auto id_it = row.find("_id");
    auto time_it = row.find("_creationTime");
    auto doc_it = row.find("doc");
    if (!row.is_object() || id_it == row.end() || !id_it->is_string() || time_it == row.end() ||
        !time_it->is_number() || doc_it == row.end() || !doc_it->is_object()) {
      return Status(ErrorCode::invalid_argument, "backfill rows need _id, _creationTime and doc");
    }
    const auto& id = id_it->get_ref<const std::string&>();
    auto keys = store.index_keys(*layout, *doc_it, time_it->get<double>(), id);
    if (!keys) return keys.status();
    const std::size_t position = static_cast<std::size_t>(index - layout->indexes.data());
    StatementBuilder b(store.dialect());
    b.sql("UPDATE ").identifier(layout->sql_table).sql(" SET ").identifier(index->key_column).sql(" = ");
    bind_bytes(b, (*keys)[position]);
    b.sql(" WHERE ").identifier(kIdColumn).sql(" = ").param(id);
    out.push_back(std::move(b).build());
  }
  return out;
}

}  // namespace lunora
