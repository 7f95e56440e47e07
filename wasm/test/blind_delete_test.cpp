// Blind deletes (store/blind_delete.hpp, sql/blind_delete.hpp): the statement's golden text on
// both engines, its text by number, every case answered null, and store_log_delete against the
// same delete logged by a mutation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "blind_write_fixtures.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/blind_delete.hpp"
#include "lunora/store/blind_delete.hpp"

using namespace lunora;
using namespace lunora::test;
using nlohmann::json;

namespace {

const char* kMariadb = R"({"seed":"00ff","mariadbReturning":true})";

// The point read's column list (store_get's text between SELECT and FROM).
std::string point_read_columns(int store, const std::string& id) {
  const std::string text = value_of(api::store_get(store, "", id))["statement"]["text"];
  const std::size_t from = text.find(" FROM ");
  REQUIRE(text.rfind("SELECT ", 0) == 0);
  REQUIRE(from != std::string::npos);
  return text.substr(7, from - 7);
}

// Another note of the twin's store.
std::string insert_note(int store, const char* owner) {
  const int tx = value_of(api::tx_begin(store)).get<int>();
  const std::string doc = std::string(R"({"owner":")") + owner + R"(","body":"c","score":2,"n":{"$integer":"AgAAAAAAAAA="},"done":false})";
  const std::string id = value_of(api::tx_insert(tx, "notes", doc, 2.0))["_id"];
  const json accepted = value_of(api::tx_accept(tx));
  value_of(api::tx_finish(tx, accepted["sequence"].get<double>()));
  return id;
}

}  // namespace

TEST_CASE("blind delete: deletes the row and returns it as the point read selects it") {
  struct Case {
    const char* dialect;
    const char* options;
    std::string text;  // of the delete of a note; its columns are the point read's
    std::string columns;
  };
  const std::vector<Case> cases = {
      {"postgres", R"({"seed":"00ff"})", "DELETE FROM \"notes\" WHERE \"_id\" = $1 RETURNING ",
       "\"_id\", \"_creationTime\", \"_version\", \"author\", \"body\", \"data\", \"done\", "
       "CAST(\"meta\" AS text) AS \"meta\", \"n\", \"owner\", \"score\", \"tag\""},
      {"mysql", kMariadb, "DELETE FROM `notes` WHERE `_id` = ? RETURNING ",
       "`_id`, `_creationTime`, `_version`, `author`, `body`, `data`, `done`, CAST(`meta` AS CHAR) AS `meta`, `n`, "
       "`owner`, `score`, `tag`"},
  };
  for (const auto& c : cases) {
    INFO(c.dialect);
    const Twin t = open_twin(c.dialect, c.options);
    const json answer = value_of(api::store_blind_delete(t.store, t.note));
    CHECK(answer["table"] == "notes");
    CHECK(answer["statement"]["text"] == c.text + c.columns);
    CHECK(answer["statement"]["params"] == json::array({t.note}));
    CHECK(answer["statement"]["textId"].is_number_integer());
    CHECK(point_read_columns(t.store, t.note) == c.columns);
    api::store_close(t.store);
  }
  SECTION("the other table: its own text") {
    const Twin t = open_twin();
    const json note = value_of(api::store_blind_delete(t.store, t.note));
    const json user = value_of(api::store_blind_delete(t.store, t.user));
    CHECK(user["table"] == "users");
    CHECK(user["statement"]["text"] ==
          "DELETE FROM \"users\" WHERE \"_id\" = $1 RETURNING \"_id\", \"_creationTime\", \"_version\", \"name\"");
    CHECK(user["statement"]["textId"] != note["statement"]["textId"]);
    api::store_close(t.store);
  }
}

TEST_CASE("blind delete: a table's text is sent once, then only its number and the id") {
  for (const auto& [dialect, options] : {std::pair{"postgres", R"({"seed":"00ff"})"}, std::pair{"mysql", kMariadb}}) {
    INFO(dialect);
    const Twin t = open_twin(dialect, options);
    const std::string other = insert_note(t.store, "b");
    const json first = value_of(api::store_blind_delete(t.store, t.note))["statement"];
    REQUIRE(first.contains("text"));
    REQUIRE(first.contains("textId"));
    CHECK(value_of(api::store_blind_delete(t.store, other))["statement"] ==
          json({{"textId", first["textId"]}, {"params", json::array({other})}}));
    CHECK(value_of(api::store_blind_delete(t.store, t.note))["statement"] ==
          json({{"textId", first["textId"]}, {"params", json::array({t.note})}}));
    // Not a blind patch's text, though the store keeps both by shape; the patch then has its own.
    const json patch = value_of(api::store_blind_patch(t.store, t.note, R"({"body":"x"})", "[]", false))["statement"];
    CHECK(patch["text"].is_string());
    CHECK(patch["textId"] != first["textId"]);
    CHECK(value_of(api::store_blind_delete(t.store, t.note))["statement"]["textId"] == first["textId"]);
    // Another store: its own numbering, the same text.
    const Twin again = open_twin(dialect, options);
    CHECK(value_of(api::store_blind_delete(again.store, again.note))["statement"]["text"] == first["text"]);
    for (const Twin* s : {&t, &again}) api::store_close(s->store);
  }
}

TEST_CASE("blind delete: the params written alone are the full statement's") {
  auto schema = parse_schema(kSchema);
  REQUIRE(schema.ok());
  for (const Dialect* dialect : {&postgres_dialect(), &mysql_dialect()}) {
    EngineOptions options;
    options.mariadb_returning = true;
    auto store = Store::open(*schema, *dialect, options, "00ff");
    REQUIRE(store.ok());
    const std::string id = "w8j9mk8t696ke5fr86q53mgf4t1r2qpa";  // the first id of "notes" for seed 00ff
    const TableSchema* table = blind_delete_table(**store, id);
    REQUIRE(table != nullptr);
    const TableLayout& layout = (*store)->layout_of(*table);
    std::string params;
    std::string shape;
    blind_delete_params(layout, id, *dialect, params, shape);
    CHECK(json::parse("[" + params + "]") == blind_delete_statement(layout, id, *dialect).params);
    CHECK(shape == std::string("Dnotes") + '\0' + 'n');
  }
}

TEST_CASE("blind delete: null when the engine or the id cannot") {
  SECTION("engines without DELETE ... RETURNING, or not known to have it") {
    for (const auto& [dialect, options] : {std::pair{"sqlite", kMariadb}, std::pair{"mysql", R"({"seed":"00ff"})"},
                                           std::pair{"mysql", R"({"seed":"00ff","mariadbReturning":false})"}}) {
      INFO(dialect << " " << options);
      const Twin t = open_twin(dialect, options);
      CHECK(value_of(api::store_blind_delete(t.store, t.note)).is_null());
      api::store_close(t.store);
    }
  }
  SECTION("not a document id of the store") {
    const Twin t = open_twin();
    for (const std::string id : {std::string("nope"), std::string(), t.note.substr(1), t.note + "x",
                                 std::string(t.note.size(), 'z')}) {
      INFO(id);
      CHECK(value_of(api::store_blind_delete(t.store, id)).is_null());
    }
    api::store_close(t.store);
  }
}

TEST_CASE("blind delete: errors are envelopes") {
  const Twin t = open_twin();
  const auto refused = error_envelope;
  CHECK(refused(api::store_blind_delete(987654, t.note))["message"] == "the store was closed");
  const json unknown = refused(api::store_log_delete(t.store, "nope", 1.0, "{}"));
  CHECK(unknown["code"] == "NOT_FOUND");
  CHECK(unknown["message"] == "\"nope\" is not a document id of this store");
  const json malformed = refused(api::store_log_delete(t.store, t.note, 1.0, "{"));
  CHECK(malformed["code"] == "INVALID_VALUE");
  CHECK(malformed["message"] ==
        "invalid Lunora JSON: parse error at line 1, column 2: syntax error while parsing object key - unexpected end "
        "of input; expected string literal");
  for (const char* wire : {"[1]", "null", "\"a\""}) {
    const json not_object = refused(api::store_log_delete(t.store, t.note, 1.0, wire));
    CHECK(not_object["code"] == "INVALID_ARGUMENT");
    CHECK(not_object["message"] == "the indexed fields must be a Lunora JSON object");
  }
  CHECK(api::store_log_delete(t.store, t.note, t.creation_time, R"({"owner":"a","done":true})") == "[]");
  api::store_close(t.store);
  CHECK(refused(api::store_blind_delete(t.store, t.note))["message"] == "the store was closed");
  CHECK(refused(api::store_log_delete(t.store, t.note, 1.0, "{}"))["message"] == "the store was closed");
}

TEST_CASE("store_log_delete: logs a delete that committed as the mutation path logs it") {
  struct Case {
    const char* name;
    const char* dialect;
    const char* options;
    std::string old_indexed;  // as the shim sends it: the indexed fields (others are ignored)
  };
  const std::vector<Case> cases = {
      {"Postgres", "postgres", R"({"seed":"00ff"})", R"({"owner":"a","done":true})"},
      {"MariaDB", "mysql", kMariadb, R"({"owner":"a","done":true})"},
      {"the whole old row sent", "postgres", R"({"seed":"00ff"})",
       R"({"owner":"a","body":"b","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const Twin logged = open_twin(c.dialect, c.options);
    const Twin mutated = open_twin(c.dialect, c.options);
    REQUIRE(logged.note == mutated.note);
    const std::vector<int> logged_readers = watch(logged);
    const std::vector<int> mutated_readers = watch(mutated);

    const std::string affected = api::store_log_delete(logged.store, logged.note, logged.creation_time, c.old_indexed);
    const int tx = value_of(api::tx_begin(mutated.store)).get<int>();
    value_of(api::tx_remove(tx, mutated.note, "1", mutated.creation_time, c.old_indexed));
    const json accepted = value_of(api::tx_accept(tx));
    value_of(api::tx_finish(tx, accepted["sequence"].get<double>()));

    // By id and by_owner "a" (the range containing it); not the user, not by_owner "b".
    CHECK(json::parse(affected) == accepted["affected"]);
    CHECK(affected == "[1,2]");
    const json seen = conflicts(logged_readers);
    CHECK(seen == conflicts(mutated_readers));
    const json note_conflict = {{"table", "notes"}, {"id", logged.note}};
    CHECK(seen == json::array({note_conflict, note_conflict, nullptr, nullptr}));
    CHECK(value_of(api::tx_accept(logged_readers[0]))["conflict"] == note_conflict);
    // Confirmed at once: a mutation beginning now reads after it.
    const int later = value_of(api::tx_begin(logged.store)).get<int>();
    value_of(api::tx_get(later, "", logged.note));
    CHECK(value_of(api::tx_validate(later)).is_null());
    api::tx_end(later);
    for (const Twin* t : {&logged, &mutated}) api::store_close(t->store);
  }
}
