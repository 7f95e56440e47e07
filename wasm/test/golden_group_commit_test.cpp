// Golden SQL for group commits (several mutations' writes in one step), side by side.
#include <catch2/catch.hpp>

#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/group_commit_sql.hpp"

using namespace lunora;

namespace {

Schema tasks_schema() {
  auto schema = parse_schema(R"({"tables":{"tasks":{"global":true,"document":{"kind":"object","fields":{
    "title":{"kind":"string"},"n":{"kind":"int64"},"note":{"kind":"optional","value":{"kind":"string"}}}},
    "indexes":[{"name":"by_n","fields":["n"]}]}}})");
  REQUIRE(schema.ok());
  return std::move(schema).value();
}

RowWrite write(WriteOp op, const TableLayout& layout, std::string id, std::int64_t version, Value doc = Value::object()) {
  RowWrite w;
  w.op = op;
  w.layout = &layout;
  w.id = std::move(id);
  w.creation_time = 2.5;
  w.expected_version = version;
  w.document = std::move(doc);
  if (op != WriteOp::remove) w.keys = {std::string("\x02", 1)};
  return w;
}

std::vector<RowWrite> group(const TableLayout& layout) {
  return {write(WriteOp::update, layout, "a", 3, {{"title", "x"}, {"n", std::int64_t{1}}}),
          write(WriteOp::insert, layout, "b", 0, {{"title", "y"}, {"n", std::int64_t{2}}, {"note", "hi"}}),
          write(WriteOp::update, layout, "c", 9, {{"title", "z"}, {"n", std::int64_t{3}}}),
          write(WriteOp::remove, layout, "d", 4)};
}

}  // namespace

TEST_CASE("group commit: writes gathered per table and op, side by side") {
  Schema schema = tasks_schema();
  const auto pg_layout = layout_table(schema.tables[0], postgres_dialect());
  const auto my_layout = layout_table(schema.tables[0], mysql_dialect());

  auto pg = build_group_commit(group(pg_layout), postgres_dialect());
  REQUIRE(pg.steps.size() == 1);
  CHECK(pg.steps[0].statement.text ==
        "WITH g0 AS (UPDATE \"tasks\" AS o SET \"_version\" = o.\"_version\" + 1, \"n\" = CAST(n.\"n\" AS int8), "
        "\"note\" = CAST(n.\"note\" AS text), \"title\" = CAST(n.\"title\" AS text), \"_k_by_n\" = CAST(n.\"_k_by_n\" AS "
        "bytea) FROM (VALUES ($1, $2::text::int8, $3::text::int8, $4, $5, decode($6::text, 'hex')), ($7, "
        "$8::text::int8, $9::text::int8, $10, $11, decode($12::text, 'hex'))) AS n(\"_id\", \"_expected_version\", "
        "\"n\", \"note\", \"title\", \"_k_by_n\") WHERE o.\"_id\" = n.\"_id\" AND o.\"_version\" = "
        "n.\"_expected_version\" RETURNING 1),\n"
        "     g1 AS (INSERT INTO \"tasks\" (\"_id\", \"_creationTime\", \"_version\", \"n\", \"note\", \"title\", "
        "\"_k_by_n\") VALUES ($13, $14::text::float8, $15::text::int8, $16::text::int8, $17, $18, decode($19::text, "
        "'hex')) RETURNING 1),\n"
        "     g2 AS (DELETE FROM \"tasks\" AS o USING (VALUES ($20, $21::text::int8)) AS n(\"_id\", "
        "\"_expected_version\") WHERE o.\"_id\" = n.\"_id\" AND o.\"_version\" = n.\"_expected_version\" RETURNING 1)\n"
        "SELECT CAST(CASE WHEN (SELECT count(*) FROM g0) <> 2 THEN 'lunora_conflict:group' WHEN (SELECT count(*) FROM "
        "g2) <> 1 THEN 'lunora_conflict:group' ELSE '0' END AS integer) AS lunora_commit");
  CHECK(pg.steps[0].statement.params == Value::array({"a", "3", "1", nullptr, "x", "02", "c", "9", "3", nullptr, "z",
                                                      "02", "b", "2.5", "1", "2", "hi", "y", "02", "d", "4"}));

  auto my = build_group_commit(group(my_layout), mysql_dialect());
  CHECK(my.needs_transaction);
  REQUIRE(my.steps.size() == 3);
  CHECK(my.steps[0].statement.text ==
        "UPDATE `tasks` SET `_version` = `_version` + 1, `n` = CASE `_id` WHEN ? THEN ? WHEN ? THEN ? END, `note` = "
        "CASE `_id` WHEN ? THEN ? WHEN ? THEN ? END, `title` = CASE `_id` WHEN ? THEN ? WHEN ? THEN ? END, `_k_by_n` = "
        "CASE `_id` WHEN ? THEN ? WHEN ? THEN ? END WHERE (`_id` = ? AND `_version` = ?) OR (`_id` = ? AND `_version` "
        "= ?)");
  CHECK(my.steps[0].expect_rows == 2);
  CHECK(my.steps[0].write == -1);
  CHECK(my.steps[0].statement.params ==
        Value::array({"a", {{"$int", "1"}}, "c", {{"$int", "3"}}, "a", nullptr, "c", nullptr, "a", "x", "c", "z", "a",
                      {{"$hex", "02"}}, "c", {{"$hex", "02"}}, "a", {{"$int", "3"}}, "c", {{"$int", "9"}}}));
  CHECK(my.steps[1].statement.text ==
        "INSERT INTO `tasks` (`_id`, `_creationTime`, `_version`, `n`, `note`, `title`, `_k_by_n`) VALUES (?, ?, ?, "
        "?, ?, ?, ?)");
  CHECK(my.steps[1].expect_rows == 1);
  CHECK(my.steps[2].statement.text == "DELETE FROM `tasks` WHERE (`_id` = ? AND `_version` = ?)");
  CHECK(my.steps[2].expect_rows == 1);
}

TEST_CASE("group commit: a large group is split so no statement binds too many parameters") {
  Schema schema = tasks_schema();
  const auto layout = layout_table(schema.tables[0], postgres_dialect());
  std::vector<RowWrite> writes;
  for (int i = 0; i < 9000; ++i) writes.push_back(write(WriteOp::remove, layout, "id" + std::to_string(i), 1));
  for (const Dialect* dialect : {&postgres_dialect(), &mysql_dialect()}) {
    auto plan = build_group_commit(writes, *dialect);
    std::size_t rows = 0;
    for (const auto& step : plan.steps) {
      if (dialect == &mysql_dialect()) CHECK(step.statement.params.size() <= kGroupMaxParams);
      if (step.expect_rows > 0) rows += static_cast<std::size_t>(step.expect_rows);
    }
    if (dialect == &mysql_dialect()) {
      CHECK(plan.steps.size() == 2);
      CHECK(rows == 9000);
    } else {
      REQUIRE(plan.steps.size() == 1);  // one statement (atomic on a pool), one CTE per chunk
      CHECK(plan.steps[0].statement.text.find("g1 AS (DELETE") != std::string::npos);
      CHECK(plan.steps[0].statement.text.find("g2 AS") == std::string::npos);
    }
  }
}

TEST_CASE("group commit: an engine without a group form gets one statement per write") {
  Schema schema = tasks_schema();
  const auto layout = layout_table(schema.tables[0], postgres_dialect());
  auto writes = group(layout);
  auto grouped = build_group_commit(writes, postgres_dialect());
  auto single = build_commit(writes, postgres_dialect());
  CHECK(grouped.steps[0].statement.text != single.steps[0].statement.text);
  CHECK(build_group_commit(std::vector<RowWrite>{}, postgres_dialect()).steps.empty());
}

TEST_CASE("group commit: patches set only their columns, one statement per set of columns, side by side") {
  Schema schema = tasks_schema();
  const auto pg_layout = layout_table(schema.tables[0], postgres_dialect());
  const auto my_layout = layout_table(schema.tables[0], mysql_dialect());
  // Layout columns: n, note, title; then the by_n key.
  auto patches = [](const TableLayout& layout) {
    auto a = write(WriteOp::update, layout, "a", 3, {{"title", "x"}, {"n", std::int64_t{1}}});
    auto b = write(WriteOp::update, layout, "b", 5, {{"title", "y"}, {"n", std::int64_t{2}}});
    auto c = write(WriteOp::update, layout, "c", 7, {{"title", "z"}, {"n", std::int64_t{4}}});
    a.sets = b.sets = {false, false, true, false};  // title
    c.sets = {true, false, false, true};            // n and its key
    return std::vector<RowWrite>{a, c, b};
  };

  auto pg = build_group_commit(patches(pg_layout), postgres_dialect());
  REQUIRE(pg.steps.size() == 1);
  CHECK(pg.steps[0].statement.text ==
        "WITH g0 AS (UPDATE \"tasks\" AS o SET \"_version\" = o.\"_version\" + 1, \"title\" = CAST(n.\"title\" AS text) "
        "FROM (VALUES ($1, $2::text::int8, $3), ($4, $5::text::int8, $6)) AS n(\"_id\", \"_expected_version\", "
        "\"title\") WHERE o.\"_id\" = n.\"_id\" AND o.\"_version\" = n.\"_expected_version\" RETURNING 1),\n"
        "     g1 AS (UPDATE \"tasks\" AS o SET \"_version\" = o.\"_version\" + 1, \"n\" = CAST(n.\"n\" AS int8), "
        "\"_k_by_n\" = CAST(n.\"_k_by_n\" AS bytea) FROM (VALUES ($7, $8::text::int8, $9::text::int8, decode($10::text, "
        "'hex'))) AS n(\"_id\", \"_expected_version\", \"n\", \"_k_by_n\") WHERE o.\"_id\" = n.\"_id\" AND o.\"_version\" "
        "= n.\"_expected_version\" RETURNING 1)\n"
        "SELECT CAST(CASE WHEN (SELECT count(*) FROM g0) <> 2 THEN 'lunora_conflict:group' WHEN (SELECT count(*) FROM "
        "g1) <> 1 THEN 'lunora_conflict:group' ELSE '0' END AS integer) AS lunora_commit");
  CHECK(pg.steps[0].statement.params == Value::array({"a", "3", "x", "b", "5", "y", "c", "7", "4", "02"}));

  auto my = build_group_commit(patches(my_layout), mysql_dialect());
  REQUIRE(my.steps.size() == 2);
  CHECK(my.steps[0].statement.text ==
        "UPDATE `tasks` SET `_version` = `_version` + 1, `title` = CASE `_id` WHEN ? THEN ? WHEN ? THEN ? END WHERE "
        "(`_id` = ? AND `_version` = ?) OR (`_id` = ? AND `_version` = ?)");
  CHECK(my.steps[0].expect_rows == 2);
  CHECK(my.steps[1].statement.text ==
        "UPDATE `tasks` SET `_version` = `_version` + 1, `n` = CASE `_id` WHEN ? THEN ? END, `_k_by_n` = CASE `_id` "
        "WHEN ? THEN ? END WHERE (`_id` = ? AND `_version` = ?)");
  CHECK(my.steps[1].expect_rows == 1);
}
