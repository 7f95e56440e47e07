// Golden SQL: the exact statements each dialect gets, side by side.
#include <catch2/catch.hpp>

#include "lunora/layout/ddl.hpp"
#include "lunora/layout/naming.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/document_sql.hpp"

using namespace lunora;

namespace {

Schema orders_schema() {
  auto schema = parse_schema(R"({"tables":{"orders":{"global":true,"document":{"kind":"object","fields":{
    "customer":{"kind":"string"},"total":{"kind":"float64"},"qty":{"kind":"int64"},
    "status":{"kind":"union","members":[{"kind":"literal","value":"open"},{"kind":"literal","value":"paid"}]},
    "note":{"kind":"optional","value":{"kind":"string"}},
    "rating":{"kind":"union","members":[{"kind":"float64"},{"kind":"null"}]},
    "extra":{"kind":"optional","value":{"kind":"union","members":[{"kind":"string"},{"kind":"null"}]}},
    "items":{"kind":"array","items":{"kind":"string"}}}},
    "indexes":[{"name":"by_customer","fields":["customer","total"]}]}}})");
  REQUIRE(schema.ok());
  return std::move(schema).value();
}

}  // namespace

TEST_CASE("column kinds follow the layout rules") {
  Schema schema = orders_schema();
  TableLayout layout = layout_table(schema.tables[0], postgres_dialect());
  auto kind = [&](const char* field) { return std::string(column_kind_name(layout.find_column(field)->kind)); };
  CHECK(kind("customer") == "text");
  CHECK(kind("status") == "text");     // a union of string literals uses the text column
  CHECK(kind("rating") == "float64");  // T | null uses T's column; NULL means null
  CHECK(layout.find_column("rating")->null_means == NullMeaning::null_value);
  CHECK(kind("note") == "text");
  CHECK(layout.find_column("note")->null_means == NullMeaning::missing);
  CHECK(kind("extra") == "json");  // both missing and null: JSON (null) vs SQL NULL (missing)
  CHECK(kind("items") == "json");
}

TEST_CASE("CREATE TABLE, side by side") {
  Schema schema = orders_schema();
  const EngineOptions options;
  auto pg = create_table_statements(layout_table(schema.tables[0], postgres_dialect()), postgres_dialect(), options);
  auto my = create_table_statements(layout_table(schema.tables[0], mysql_dialect()), mysql_dialect(), options);
  REQUIRE(pg.size() == 3);
  // nlohmann keeps object keys sorted, so columns follow field names in code point order.
  CHECK(pg[0] ==
        "CREATE TABLE IF NOT EXISTS \"orders\" (\n"
        "  \"_id\" text COLLATE \"C\" NOT NULL PRIMARY KEY,\n"
        "  \"_creationTime\" double precision NOT NULL,\n"
        "  \"_version\" bigint NOT NULL,\n"
        "  \"customer\" text COLLATE \"C\" NOT NULL,\n"
        "  \"extra\" jsonb,\n"
        "  \"items\" jsonb NOT NULL,\n"
        "  \"note\" text COLLATE \"C\",\n"
        "  \"qty\" bigint NOT NULL,\n"
        "  \"rating\" double precision,\n"
        "  \"status\" text COLLATE \"C\" NOT NULL,\n"
        "  \"total\" double precision NOT NULL,\n"
        "  \"_k_by_customer\" bytea NOT NULL\n"
        ")");
  CHECK(pg[1] == "CREATE UNIQUE INDEX IF NOT EXISTS \"orders__by_creation_time\" ON \"orders\" (\"_creationTime\", \"_id\")");
  CHECK(pg[2] == "CREATE UNIQUE INDEX IF NOT EXISTS \"orders__by_customer\" ON \"orders\" (\"_k_by_customer\")");
  REQUIRE(my.size() == 1);
  CHECK(my[0] ==
        "CREATE TABLE IF NOT EXISTS `orders` (\n"
        "  `_id` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,\n"
        "  `_creationTime` DOUBLE NOT NULL,\n"
        "  `_version` BIGINT NOT NULL,\n"
        "  `customer` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "  `extra` JSON,\n"
        "  `items` JSON NOT NULL,\n"
        "  `note` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,\n"
        "  `qty` BIGINT NOT NULL,\n"
        "  `rating` DOUBLE,\n"
        "  `status` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,\n"
        "  `total` DOUBLE NOT NULL,\n"
        "  `_k_by_customer` VARBINARY(1024) NOT NULL,\n"
        "  UNIQUE KEY `orders__by_creation_time` (`_creationTime`, `_id`),\n"
        "  UNIQUE KEY `orders__by_customer` (`_k_by_customer`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
  EngineOptions mysql8;
  mysql8.text_collation = "utf8mb4_0900_bin";
  auto my8 = create_table_statements(layout_table(schema.tables[0], mysql_dialect()), mysql_dialect(), mysql8);
  CHECK(my8[0].find("utf8mb4_nopad_bin") == std::string::npos);
  CHECK(my8[0].find("COLLATE utf8mb4_0900_bin NOT NULL PRIMARY KEY") != std::string::npos);

  auto lite = create_table_statements(layout_table(schema.tables[0], sqlite_dialect()), sqlite_dialect(), options);
  REQUIRE(lite.size() == 3);
  CHECK(lite[0] ==
        "CREATE TABLE IF NOT EXISTS \"orders\" (\n"
        "  \"_id\" TEXT NOT NULL PRIMARY KEY,\n"
        "  \"_creationTime\" REAL NOT NULL,\n"
        "  \"_version\" INTEGER NOT NULL,\n"
        "  \"customer\" TEXT NOT NULL,\n"
        "  \"extra\" TEXT,\n"
        "  \"items\" TEXT NOT NULL,\n"
        "  \"note\" TEXT,\n"
        "  \"qty\" INTEGER NOT NULL,\n"
        "  \"rating\" REAL,\n"
        "  \"status\" TEXT NOT NULL,\n"
        "  \"total\" REAL NOT NULL,\n"
        "  \"_k_by_customer\" BLOB\n"
        ") STRICT, WITHOUT ROWID");
  CHECK(lite[1] == pg[1]);
  CHECK(lite[2] == pg[2]);
}

TEST_CASE("long names are fitted to the engine's limit, distinctly") {
  const std::string table(64, 't');
  CHECK(fit_identifier(table, 64) == table);
  const std::string fitted = fit_identifier(table, 63);
  CHECK(fitted.size() == 63);
  CHECK(fitted != fit_identifier(std::string(63, 't') + "u", 63));
  CHECK(fit_identifier("orders__by_customer", 63) == "orders__by_customer");
}

TEST_CASE("select by id and the commit statement, side by side") {
  Schema schema = orders_schema();
  const auto pg_layout = layout_table(schema.tables[0], postgres_dialect());
  const auto my_layout = layout_table(schema.tables[0], mysql_dialect());

  auto pg_get = select_by_id(pg_layout, postgres_dialect(), "abc");
  CHECK(pg_get.text ==
        "SELECT \"_id\", \"_creationTime\", \"_version\", \"customer\", CAST(\"extra\" AS text) AS \"extra\", "
        "CAST(\"items\" AS text) AS \"items\", \"note\", \"qty\", \"rating\", \"status\", \"total\" FROM \"orders\" "
        "WHERE NOW() IS NOT NULL AND \"_id\" = $1");
  CHECK(pg_get.params == Value::array({"abc"}));
  auto my_get = select_by_id(my_layout, mysql_dialect(), "abc");
  CHECK(my_get.text ==
        "SELECT `_id`, `_creationTime`, `_version`, `customer`, CAST(`extra` AS CHAR) AS `extra`, "
        "CAST(`items` AS CHAR) AS `items`, `note`, `qty`, `rating`, `status`, `total` FROM `orders` WHERE NOW() IS NOT NULL AND `_id` = ?");

  auto writes = [&](const TableLayout& layout) {
    RowWrite update;
    update.op = WriteOp::update;
    update.layout = &layout;
    update.id = "doc1";
    update.creation_time = 1.5;
    update.expected_version = 7;
    update.document = {{"customer", "ada"}, {"total", -0.0}, {"qty", std::int64_t{-5}}, {"status", "open"},
                       {"rating", nullptr}, {"items", Value::array({"x"})}};
    update.keys = {std::string("\x06\x01\x00", 3)};
    RowWrite remove;
    remove.op = WriteOp::remove;
    remove.layout = &layout;
    remove.id = "doc2";
    remove.expected_version = 3;
    return std::vector<RowWrite>{update, remove};
  };

  auto pg = build_commit(writes(pg_layout), postgres_dialect());
  REQUIRE(pg.steps.size() == 1);
  CHECK(pg.steps[0].statement.text ==
        "WITH w0 AS (UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"customer\" = $2, \"extra\" = $3, "
        "\"items\" = $4::text::jsonb, \"note\" = $5, \"qty\" = $6::text::int8, \"rating\" = $7, \"status\" = $8, "
        "\"total\" = $9::text::float8, \"_k_by_customer\" = decode($10::text, 'hex') WHERE \"_id\" = $11 AND "
        "\"_version\" = $12::text::int8 RETURNING 1),\n"
        "     w1 AS (DELETE FROM \"orders\" WHERE \"_id\" = $13 AND \"_version\" = $14::text::int8 RETURNING 1)\n"
        "SELECT CAST(CASE WHEN (SELECT count(*) FROM w0) <> 1 THEN 'lunora_conflict:0' WHEN (SELECT count(*) FROM w1) "
        "<> 1 THEN 'lunora_conflict:1' ELSE '0' END AS integer) AS lunora_commit");
  CHECK(pg.steps[0].statement.params ==
        Value::array({"8", "ada", nullptr, "[\"x\"]", nullptr, "-5", nullptr, "open", "-0", "060100", "doc1", "7",
                      "doc2", "3"}));

  auto my = build_commit(writes(my_layout), mysql_dialect());
  CHECK(my.needs_transaction);
  REQUIRE(my.steps.size() == 2);
  CHECK(my.steps[0].statement.text ==
        "UPDATE `orders` SET `_version` = ?, `customer` = ?, `extra` = ?, `items` = ?, `note` = ?, `qty` = ?, "
        "`rating` = ?, `status` = ?, `total` = ?, `_k_by_customer` = ? WHERE `_id` = ? AND `_version` = ?");
  CHECK(my.steps[0].statement.params ==
        Value::array({{{"$int", "8"}}, "ada", nullptr, "[\"x\"]", nullptr, {{"$int", "-5"}}, nullptr, "open", -0.0,
                      {{"$hex", "060100"}}, "doc1", {{"$int", "7"}}}));
  CHECK(my.steps[0].expect_rows == 1);
  CHECK(my.steps[1].statement.text == "DELETE FROM `orders` WHERE `_id` = ? AND `_version` = ?");

  // SQLite: int64 as exact decimal text, every guarded write followed by its guard statement.
  const auto lite_layout = layout_table(schema.tables[0], sqlite_dialect());
  auto lite_get = select_by_id(lite_layout, sqlite_dialect(), "abc");
  CHECK(lite_get.text ==
        "SELECT \"_id\", \"_creationTime\", CAST(\"_version\" AS TEXT) AS \"_version\", \"customer\", \"extra\", "
        "\"items\", \"note\", CAST(\"qty\" AS TEXT) AS \"qty\", \"rating\", \"status\", \"total\" FROM \"orders\" "
        "WHERE \"_id\" = ?");
  auto lite_writes = writes(lite_layout);
  lite_writes[0].document["total"] = 2.5;  // SQLite refuses -0 before any SQL
  auto lite = build_commit(lite_writes, sqlite_dialect());
  CHECK(lite.needs_transaction);
  REQUIRE(lite.steps.size() == 4);
  CHECK(lite.steps[0].statement.text ==
        "UPDATE \"orders\" SET \"_version\" = CAST(? AS INTEGER), \"customer\" = ?, \"items\" = ?, "
        "\"qty\" = CAST(? AS INTEGER), \"status\" = ?, \"total\" = ?, \"extra\" = ?, \"note\" = ?, \"rating\" = ?, "
        "\"_k_by_customer\" = ? WHERE \"_id\" = ? AND \"_version\" = CAST(? AS INTEGER)");
  CHECK(lite.steps[0].statement.params ==
        Value::array({"8", "ada", "[\"x\"]", "-5", "open", 2.5, nullptr, nullptr, nullptr, {{"$hex", "060100"}},
                      "doc1", "7"}));
  CHECK(lite.steps[1].statement.text ==
        "SELECT json_extract('{}', CASE WHEN changes() = 1 THEN '$' ELSE 'lunora_conflict:0' END) AS lunora_guard");
  CHECK(lite.steps[2].statement.text == "DELETE FROM \"orders\" WHERE \"_id\" = ? AND \"_version\" = CAST(? AS INTEGER)");
  CHECK(lite.steps[3].statement.text ==
        "SELECT json_extract('{}', CASE WHEN changes() = 1 THEN '$' ELSE 'lunora_conflict:1' END) AS lunora_guard");
  for (const auto& step : lite.steps) CHECK(step.expect_rows == -1);  // guarded inside SQL
}

TEST_CASE("a patch's UPDATE sets only the columns it names and the keys that changed, side by side") {
  Schema schema = orders_schema();
  const auto pg_layout = layout_table(schema.tables[0], postgres_dialect());
  const auto my_layout = layout_table(schema.tables[0], mysql_dialect());
  auto patch = [](const TableLayout& layout, bool key_changed) {
    RowWrite w;
    w.op = WriteOp::update;
    w.layout = &layout;
    w.id = "doc1";
    w.creation_time = 1.5;
    w.expected_version = 7;
    w.document = {{"customer", "ada"}, {"total", 2.5}, {"qty", std::int64_t{3}}, {"status", "open"}};
    w.keys = {std::string("\x06\x01\x00", 3)};
    // Layout columns: customer, extra, items, note, qty, rating, status, total; then the key.
    w.sets = {key_changed, false, false, true, false, false, false, true, key_changed};
    return std::vector<RowWrite>{w};
  };

  auto pg = build_commit(patch(pg_layout, false), postgres_dialect());
  REQUIRE(pg.steps.size() == 1);
  CHECK(pg.steps[0].statement.text ==
        "UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"note\" = $2, \"total\" = $3::text::float8 "
        "WHERE \"_id\" = $4 AND \"_version\" = $5::text::int8 RETURNING 1");
  CHECK(pg.steps[0].statement.params == Value::array({"8", nullptr, "2.5", "doc1", "7"}));
  auto my = build_commit(patch(my_layout, false), mysql_dialect());
  REQUIRE(my.steps.size() == 1);
  CHECK(my.steps[0].statement.text ==
        "UPDATE `orders` SET `_version` = ?, `note` = ?, `total` = ? WHERE `_id` = ? AND `_version` = ?");
  CHECK(my.steps[0].statement.params == Value::array({{{"$int", "8"}}, nullptr, 2.5, "doc1", {{"$int", "7"}}}));

  // An indexed field that changed: its column and the index's key column.
  auto pg_key = build_commit(patch(pg_layout, true), postgres_dialect());
  CHECK(pg_key.steps[0].statement.text ==
        "UPDATE \"orders\" SET \"_version\" = $1::text::int8, \"customer\" = $2, \"note\" = $3, "
        "\"total\" = $4::text::float8, \"_k_by_customer\" = decode($5::text, 'hex') WHERE \"_id\" = $6 AND "
        "\"_version\" = $7::text::int8 RETURNING 1");
  auto my_key = build_commit(patch(my_layout, true), mysql_dialect());
  CHECK(my_key.steps[0].statement.text ==
        "UPDATE `orders` SET `_version` = ?, `customer` = ?, `note` = ?, `total` = ?, `_k_by_customer` = ? "
        "WHERE `_id` = ? AND `_version` = ?");

  // SQLite writes whole rows (its statements are split by a parameter budget).
  const auto lite_layout = layout_table(schema.tables[0], sqlite_dialect());
  auto lite = build_commit(patch(lite_layout, false), sqlite_dialect());
  CHECK(lite.steps[0].statement.text.find("\"customer\" = ?") != std::string::npos);
}

TEST_CASE("SQLite: a write wider than 100 parameters is split inside one atomic step") {
  // 150 required fields and an index: INSERT with 3 system + 97 columns, then UPDATEs by _id.
  std::string fields;
  for (int i = 0; i < 150; ++i) fields += (i ? "," : "") + std::string("\"f") + std::to_string(1000 + i) + "\":{\"kind\":\"float64\"}";
  auto schema = parse_schema(R"({"tables":{"wide":{"global":true,"document":{"kind":"object","fields":{)" + fields +
                             R"(}},"indexes":[{"name":"by_f","fields":["f1000"]}]}}})");
  REQUIRE(schema.ok());
  const auto layout = layout_table(schema->tables[0], sqlite_dialect());
  RowWrite insert;
  insert.layout = &layout;
  insert.id = "w1";
  insert.creation_time = 3;
  for (int i = 0; i < 150; ++i) insert.document["f" + std::to_string(1000 + i)] = double(i);
  insert.keys = {std::string("\x01\x02", 2)};
  RowWrite update = insert;
  update.op = WriteOp::update;
  update.expected_version = 1;

  auto plan = build_commit({insert, update}, sqlite_dialect());
  // insert: INSERT (100 params) + UPDATE (54 columns + _id); update: UPDATE (100) + guard + UPDATE (54 + _id)
  REQUIRE(plan.steps.size() == 5);
  CHECK(plan.steps[0].statement.text.rfind("INSERT INTO \"wide\" (\"_id\", \"_creationTime\", \"_version\", \"f1000\", ", 0) == 0);
  CHECK(plan.steps[0].statement.params.size() == 100);
  CHECK(plan.steps[1].statement.text.rfind("UPDATE \"wide\" SET \"f1097\" = ?, ", 0) == 0);
  CHECK(plan.steps[1].statement.text.find("\"_k_by_f\" = ? WHERE \"_id\" = ?") != std::string::npos);
  CHECK(plan.steps[1].statement.params.size() == 55);
  CHECK(plan.steps[2].statement.params.size() == 100);
  CHECK(plan.steps[2].statement.text.find("WHERE \"_id\" = ? AND \"_version\" = CAST(? AS INTEGER)") != std::string::npos);
  CHECK(plan.steps[3].statement.text.find("'lunora_conflict:1'") != std::string::npos);
  CHECK(plan.steps[4].statement.params.size() == 55);
  for (const auto& step : plan.steps) {
    CHECK(step.statement.params.size() <= sqlite_dialect().capabilities().max_params_per_statement);
    CHECK(step.statement.text.size() < 100 * 1024);
  }
}

TEST_CASE("SQLite: an empty byte string is a literal, never a parameter") {
  auto schema = parse_schema(R"({"tables":{"b":{"global":true,"document":{"kind":"object","fields":{"data":{"kind":"bytes"}}},"indexes":[]}}})");
  REQUIRE(schema.ok());
  const auto layout = layout_table(schema->tables[0], sqlite_dialect());
  RowWrite insert;
  insert.layout = &layout;
  insert.id = "b1";
  insert.document = {{"data", Value::binary({})}};
  auto plan = build_commit({insert}, sqlite_dialect());
  REQUIRE(plan.steps.size() == 1);
  CHECK_FALSE(plan.needs_transaction);
  CHECK(plan.steps[0].statement.text ==
        "INSERT INTO \"b\" (\"_id\", \"_creationTime\", \"_version\", \"data\") VALUES (?, ?, CAST(? AS INTEGER), X'')");
  CHECK(plan.steps[0].statement.params == Value::array({"b1", 0.0, "1"}));
}

TEST_CASE("a commit of one write is that statement alone on Postgres") {
  Schema schema = orders_schema();
  const auto layout = layout_table(schema.tables[0], postgres_dialect());
  RowWrite remove;
  remove.op = WriteOp::remove;
  remove.layout = &layout;
  remove.id = "doc2";
  remove.expected_version = 3;
  auto plan = build_commit(std::vector<RowWrite>{remove}, postgres_dialect());
  REQUIRE(plan.steps.size() == 1);
  CHECK(plan.steps[0].statement.text ==
        "DELETE FROM \"orders\" WHERE \"_id\" = $1 AND \"_version\" = $2::text::int8 RETURNING 1");
  CHECK(plan.steps[0].expect_rows == 1);
  CHECK(plan.steps[0].write == 0);
  CHECK_FALSE(plan.needs_transaction);

  // Over a driver that reports affected rows (postgres.js, pg) the count is the guard.
  auto counted = build_commit(std::vector<RowWrite>{remove}, postgres_dialect_with_row_counts());
  REQUIRE(counted.steps.size() == 1);
  CHECK(counted.steps[0].statement.text == "DELETE FROM \"orders\" WHERE \"_id\" = $1 AND \"_version\" = $2::text::int8");
  CHECK(counted.steps[0].expect_rows == 1);
  // A commit of several writes keeps its CTEs, whose guard SELECT counts RETURNING rows.
  RowWrite other = remove;
  other.id = "doc4";
  auto pair = build_commit(std::vector<RowWrite>{remove, other}, postgres_dialect_with_row_counts());
  REQUIRE(pair.steps.size() == 1);
  CHECK(pair.steps[0].statement.text.find("RETURNING 1") != std::string::npos);

  RowWrite insert;
  insert.op = WriteOp::insert;
  insert.layout = &layout;
  insert.id = "doc3";
  insert.document = {{"customer", "ada"}, {"total", 1.0}, {"qty", std::int64_t{1}}, {"status", "open"},
                     {"rating", nullptr}, {"items", Value::array()}};
  insert.keys = {std::string("\x06", 1)};
  auto single = build_commit(std::vector<RowWrite>{insert}, postgres_dialect());
  REQUIRE(single.steps.size() == 1);
  CHECK(single.steps[0].statement.text.rfind("INSERT INTO \"orders\" (", 0) == 0);
  CHECK(single.steps[0].statement.text.find("RETURNING") == std::string::npos);
  CHECK(single.steps[0].expect_rows == -1);
}
