// Batched point reads: the statement per dialect, side by side, and the API's refusals.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"
#include "lunora/layout/table_layout.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/point_reads.hpp"

using namespace lunora;
using nlohmann::json;

namespace {

const char* kSchema = R"({"tables":{"tasks":{"global":true,"document":{"kind":"object","fields":{
  "title":{"kind":"string"},"n":{"kind":"int64"}}},"indexes":[]},
  "notes":{"global":true,"document":{"kind":"object","fields":{"body":{"kind":"string"}}},"indexes":[]}}})";

json envelope(const std::string& text) { return json::parse(text); }

}  // namespace

TEST_CASE("point reads: slots are the next power of two") {
  CHECK(point_read_slots(1) == 1);
  CHECK(point_read_slots(2) == 2);
  CHECK(point_read_slots(3) == 4);
  CHECK(point_read_slots(33) == 64);
  CHECK(point_read_slots(64) == 64);
}

TEST_CASE("point reads: one statement for several ids, side by side") {
  auto schema = parse_schema(kSchema);
  REQUIRE(schema.ok());
  const TableSchema& tasks = *schema->find_table("tasks");
  const std::vector<std::string> ids = {"a", "b", "c"};

  auto pg = select_by_ids(layout_table(tasks, postgres_dialect()), postgres_dialect(), ids);
  CHECK(pg.text ==
        "SELECT \"_id\", \"_creationTime\", \"_version\", \"n\", \"title\" FROM \"tasks\" "
        "WHERE NOW() IS NOT NULL AND \"_id\" IN ($1, $2, $3, $4)");
  // The unused slot repeats the last id.
  CHECK(pg.params == Value::array({"a", "b", "c", "c"}));

  auto my = select_by_ids(layout_table(tasks, mysql_dialect()), mysql_dialect(), ids);
  CHECK(my.text == "SELECT `_id`, `_creationTime`, `_version`, `n`, `title` FROM `tasks` WHERE NOW() IS NOT NULL AND `_id` IN (?, ?, ?, ?)");
  CHECK(my.params == pg.params);

  auto lite = select_by_ids(layout_table(tasks, sqlite_dialect()), sqlite_dialect(), ids);
  CHECK(lite.text ==
        "SELECT \"_id\", \"_creationTime\", CAST(\"_version\" AS TEXT) AS \"_version\", CAST(\"n\" AS TEXT) AS \"n\", "
        "\"title\" FROM \"tasks\" WHERE \"_id\" IN (?, ?, ?, ?)");
}

TEST_CASE("point reads: store_get_many takes 1..64 ids of its table") {
  const int store = envelope(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})"))["value"].get<int>();
  const int tx = envelope(api::tx_begin(store))["value"].get<int>();
  std::vector<std::string> ids;
  for (int i = 0; i < 65; ++i) {
    auto created = envelope(api::tx_insert(tx, "tasks", R"({"title":"t","n":{"$integer":"AQAAAAAAAAA="}})", 1.0));
    REQUIRE(created["ok"] == true);
    ids.push_back(created["value"]["_id"].get<std::string>());
  }
  auto note = envelope(api::tx_insert(tx, "notes", R"({"body":"b"})", 1.0));
  api::tx_end(tx);

  auto two = envelope(api::store_get_many(store, "tasks", json({ids[0], ids[1]}).dump()));
  REQUIRE(two["ok"] == true);
  CHECK(two["value"]["statement"]["params"] == json({ids[0], ids[1]}));
  CHECK(two["value"]["statement"]["text"].get<std::string>().find("IN ($1, $2)") != std::string::npos);

  auto refused = [&](const std::string& table, const std::string& ids_json) {
    auto e = envelope(api::store_get_many(store, table, ids_json));
    CHECK(e["ok"] == false);
    return e["message"].get<std::string>();
  };
  CHECK(refused("tasks", "[]") == "a point read takes 1 to 64 ids");
  CHECK(refused("tasks", json(ids).dump()) == "a point read takes 1 to 64 ids");
  CHECK(refused("tasks", "not json") == "a point read takes 1 to 64 ids");
  CHECK(refused("tasks", json({ids[0], note["value"]["_id"]}).dump()) == "a point read takes ids of its table");
  CHECK(refused("tasks", R"([1])") == "a point read takes ids of its table");
  CHECK(refused("nope", json({ids[0]}).dump()) == "unknown table");
  api::store_close(store);
}
