#include <catch2/catch.hpp>

#include "lunora/schema/schema_parser.hpp"
#include "lunora/store/migration.hpp"

using namespace lunora;

namespace {

std::unique_ptr<Store> store_for(const char* fields, const Dialect& dialect = postgres_dialect()) {
  const std::string json = std::string(R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":)") + fields +
                           R"(},"indexes":[]}}})";
  auto schema = parse_schema(json);
  REQUIRE(schema.ok());
  auto store = Store::open(std::move(schema).value(), dialect, {}, "");
  REQUIRE(store.ok());
  return std::move(store).value();
}

Value column(const char* name, const char* type, bool nullable, const char* collation = nullptr) {
  Value row = {{"table_name", "t"}, {"column_name", name}, {"data_type", type}, {"is_nullable", nullable ? "YES" : "NO"}};
  row["collation_name"] = collation == nullptr ? Value() : Value(collation);
  return row;
}

Value system_columns() {
  return Value::array({column("_id", "text", false, "C"), column("_creationTime", "double precision", false),
                       column("_version", "bigint", false)});
}

MigrationPlan plan(const Store& store, Value columns) {
  Value indexes = Value::array({{{"table_name", "t"}, {"index_name", "t__by_creation_time"}}});
  auto catalog = parse_catalog(columns, indexes);
  REQUIRE(catalog.ok());
  return plan_migration(store, *catalog);
}

}  // namespace

TEST_CASE("a field that became optional relaxes NOT NULL; a removed nullable column is kept", "[migration]") {
  auto store = store_for(R"({"a":{"kind":"optional","value":{"kind":"string"}}})");
  Value columns = system_columns();
  columns.push_back(column("a", "text", false, "C"));
  columns.push_back(column("old", "bigint", true));
  MigrationPlan p = plan(*store, columns);
  CHECK(p.refused.empty());
  REQUIRE(p.steps.size() == 1);
  CHECK(p.steps[0].sql == "ALTER TABLE \"t\" ALTER COLUMN \"a\" DROP NOT NULL");
  CHECK(p.report["relaxedColumns"] == Value::array({"t.a"}));
  CHECK(p.report["keptColumns"] == Value::array({"t.old"}));
}

TEST_CASE("every destructive or type-changing difference is listed, and nothing runs", "[migration]") {
  auto store = store_for(R"({"a":{"kind":"string"},"b":{"kind":"int64"},"c":{"kind":"string"}})");
  Value columns = system_columns();
  columns.push_back(column("a", "text", false, "en_US"));  // wrong collation
  columns.push_back(column("b", "bigint", true));          // optional in the table, required in the schema
  columns.push_back(column("gone", "text", false, "C"));   // NOT NULL column outside the schema
  MigrationPlan p = plan(*store, columns);
  CHECK(p.steps.empty());
  CHECK(p.refused == std::vector<std::string>{
                         "table \"t\": field \"a\" is text collate en_US in the database; the schema needs text (text collate C)",
                         "table \"t\": field \"b\" is optional in the database but required in the schema; existing rows may lack it",
                         "table \"t\": new required field \"c\" cannot be added to existing rows; declare it v.optional() first",
                         "table \"t\": column \"gone\" is not in the schema and is NOT NULL, so new documents could not be "
                         "inserted; add the field back to the schema or make the column nullable",
                     });
}

TEST_CASE("a table the store did not create is refused", "[migration]") {
  auto store = store_for(R"({"a":{"kind":"string"}})");
  Value columns = Value::array({column("id", "integer", false), column("a", "text", true, "C")});
  MigrationPlan p = plan(*store, columns);
  REQUIRE(p.refused.size() == 3);
  CHECK(p.refused[0] == "table \"t\": column \"_id\" is missing or has the wrong type; the table exists but was not created by this store");
}

TEST_CASE("SQLite: the catalog comes from pragma functions over one JSON parameter", "[migration]") {
  auto store = store_for(R"({"a":{"kind":"string"}})", sqlite_dialect());
  auto queries = catalog_queries(*store);
  REQUIRE(queries.size() == 2);
  CHECK(queries[0].text ==
        "SELECT t.value AS table_name, p.name AS column_name, p.type AS data_type, CASE WHEN p.\"notnull\" = 0 THEN "
        "'YES' ELSE 'NO' END AS is_nullable, NULL AS collation_name FROM json_each(?) AS t, "
        "pragma_table_info(t.value) AS p");
  CHECK(queries[0].params == Value::array({"[\"t\"]"}));
  CHECK(queries[1].text ==
        "SELECT t.value AS table_name, i.name AS index_name FROM json_each(?) AS t, pragma_index_list(t.value) AS i");
}

TEST_CASE("SQLite: STRICT types are checked; NOT NULL cannot be dropped in place, so that is refused", "[migration]") {
  auto store = store_for(R"({"a":{"kind":"optional","value":{"kind":"string"}},"b":{"kind":"float64"},"c":{"kind":"optional","value":{"kind":"int64"}}})",
                         sqlite_dialect());
  auto sqlite_system = [] {
    return Value::array({column("_id", "TEXT", false), column("_creationTime", "REAL", false), column("_version", "INTEGER", false)});
  };
  Value columns = sqlite_system();
  columns.push_back(column("a", "TEXT", false));
  columns.push_back(column("b", "INTEGER", false));
  MigrationPlan p = plan(*store, columns);
  CHECK(p.steps.empty());
  REQUIRE(p.refused.size() == 2);
  CHECK(p.refused[0].find("field \"a\" became optional, but SQLite cannot drop NOT NULL") != std::string::npos);
  CHECK(p.refused[1] == "table \"t\": field \"b\" is integer in the database; the schema needs float64 (real)");

  Value fine = sqlite_system();
  fine.push_back(column("a", "TEXT", true));
  fine.push_back(column("b", "REAL", false));
  fine.push_back(column("_k_gone", "BLOB", true));
  MigrationPlan ok = plan(*store, fine);
  CHECK(ok.refused.empty());
  REQUIRE(ok.steps.size() == 1);
  CHECK(ok.steps[0].sql == "ALTER TABLE \"t\" ADD COLUMN \"c\" INTEGER");
}

TEST_CASE("SQLite: a table wider than D1's 100 columns is refused when the store opens", "[migration]") {
  auto open_with = [](int fields, const Dialect& dialect) {
    std::string json = R"({"tables":{"w":{"global":true,"document":{"kind":"object","fields":{)";
    for (int i = 0; i < fields; ++i) json += (i ? "," : "") + std::string("\"f") + std::to_string(i) + "\":{\"kind\":\"string\"}";
    json += R"(}},"indexes":[{"name":"by_f0","fields":["f0"]}]}}})";
    auto schema = parse_schema(json);
    REQUIRE(schema.ok());
    return Store::open(std::move(schema).value(), dialect, {}, "");
  };
  CHECK(open_with(96, sqlite_dialect()).ok());  // 3 + 96 + 1 = 100
  auto wide = open_with(97, sqlite_dialect());
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.status().code() == ErrorCode::invalid_schema);
  CHECK(wide.status().message() ==
        "table \"w\" needs 101 columns (3 system, 97 fields, 1 index keys) but sqlite allows 100 per table; nest some "
        "fields in an object (one JSON column)");
  CHECK(open_with(97, postgres_dialect()).ok());
}
