// Fresh reads: every statement the store reads with on Postgres and MySQL calls NOW(), so that
// Hyperdrive's query cache (which skips statements calling volatile or stable functions) never
// answers one of them with rows from before a commit. Checked through the API boundary, so a
// new read path that forgets the condition fails here. SQLite has no such cache in its path.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lunora/api/store_api.hpp"

using namespace lunora;
using nlohmann::json;

namespace {

const char* kSchema = R"({"tables":{"tasks":{"global":true,"document":{"kind":"object","fields":{
  "title":{"kind":"string"},"n":{"kind":"int64"}}},"indexes":[{"name":"by_title","fields":["title"]}]}}})";

json value_of(const std::string& envelope) {
  json parsed = json::parse(envelope);
  INFO(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

// Every statement text in an answer, wherever it sits ("text" members, lists of statements).
void collect_texts(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "text" && it.value().is_string()) out.push_back(it.value().get<std::string>());
      else collect_texts(it.value(), out);
    }
  } else if (node.is_array()) {
    for (const auto& item : node) collect_texts(item, out);
  }
}

// The texts of every read the store can send: catalog, point reads (alone, batched, in a
// mutation), full-scan pages, an index range and an unindexed query.
std::vector<std::string> read_texts(const std::string& dialect) {
  const int store = value_of(api::store_open(kSchema, dialect, R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const char* doc = R"({"title":"t","n":{"$integer":"AQAAAAAAAAA="}})";
  const std::string id = value_of(api::tx_insert(tx, "tasks", doc, 1.0))["_id"];
  const std::string other = value_of(api::tx_insert(tx, "tasks", doc, 2.0))["_id"];
  std::vector<std::string> texts;
  collect_texts(value_of(api::store_catalog_queries(store)), texts);
  collect_texts(value_of(api::store_get(store, "tasks", id)), texts);
  collect_texts(value_of(api::store_get_many(store, "tasks", json::array({id, other}).dump())), texts);
  collect_texts(value_of(api::store_scan_page(store, "tasks", "null", 10)), texts);
  collect_texts(value_of(api::store_scan_page(store, "tasks", json{{"_creationTime", 1.0}, {"_id", id}}.dump(), 10)), texts);
  const int reader = value_of(api::tx_begin(store)).get<int>();
  collect_texts(value_of(api::tx_get(reader, "tasks", id)), texts);
  for (const char* query : {R"({"table":"tasks","index":"by_title","range":[{"op":"eq","field":"title","value":"t"}]})",
                            R"({"table":"tasks"})"}) {
    json begun = value_of(api::query_begin(store, 0, query, "", 5));
    collect_texts(begun, texts);
    if (begun.contains("run") && !begun.value("finished", false)) api::query_end(begun["run"].get<int>());
  }
  api::tx_end(reader);
  api::tx_end(tx);
  api::store_close(store);
  return texts;
}

}  // namespace

TEST_CASE("fresh reads: every Postgres and MySQL read calls NOW(); SQLite reads do not") {
  for (const char* dialect : {"postgres", "mysql"}) {
    INFO(dialect);
    const auto texts = read_texts(dialect);
    // catalog (2), get, get_many, 2 scan pages, 2 queries; tx_get's text is get's, sent by number
    CHECK(texts.size() == 8);
    for (const auto& text : texts) {
      INFO(text);
      CHECK(text.rfind("SELECT ", 0) == 0);
      CHECK(text.find(" WHERE NOW() IS NOT NULL") != std::string::npos);
    }
  }
  for (const auto& text : read_texts("sqlite")) {
    INFO(text);
    CHECK(text.find("NOW()") == std::string::npos);
  }
}

TEST_CASE("fresh reads: a commit carries no NOW() (writes are never cached)") {
  const int store = value_of(api::store_open(kSchema, "postgres", R"({"seed":"00ff"})")).get<int>();
  const int tx = value_of(api::tx_begin(store)).get<int>();
  value_of(api::tx_insert(tx, "tasks", R"({"title":"t","n":{"$integer":"AQAAAAAAAAA="}})", 1.0));
  std::vector<std::string> texts;
  collect_texts(value_of(api::tx_commit_plan(tx)), texts);
  REQUIRE_FALSE(texts.empty());
  for (const auto& text : texts) CHECK(text.find("NOW()") == std::string::npos);
  api::tx_end(tx);
  api::store_close(store);
}
