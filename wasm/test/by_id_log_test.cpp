// A blind patch that moves no index key, logged by its id alone (WriteRecord::by_id_only): the
// conservative matching of read sets and subscriptions, store_log_patch_pending (appended pending
// while the statement is in flight) and store_settle_pending, when the bare
// UPDATE returning nothing is chosen, and its golden text on Postgres and MariaDB side by side.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <random>

#include "lunora/api/store_api.hpp"
#include "lunora/occ/read_set.hpp"
#include "lunora/value/index_key.hpp"
#include "blind_write_fixtures.hpp"

using namespace lunora;
using namespace lunora::test;
using nlohmann::json;

namespace {

std::string id_key(const std::string& id) {
  std::string key;
  append_index_key_string(key, id);
  return key;
}

// What Store::log_pending_by_id records for document `id` of `table`.
WriteRecord by_id_write(const std::string& table, const std::string& id) {
  const std::string key = id_key(id);
  return WriteRecord{table, id, {IndexKeys{std::string(kById), key, key}}, true};
}

// A read set of one range.
ReadSet reads_of(const std::string& table, const std::string& index, KeyRange range) {
  ReadSet reads;
  reads.add_range(table, index, std::move(range));
  return reads;
}

const char* const kMariadb = R"({"seed":"00ff","mariadbReturning":true})";
const char* const kPostgresCounted = R"({"seed":"00ff","rowCounts":true})";

// The answer's form ("old", "new", "none") of a blind patch of the note's body.
std::string form_of(const Twin& t, bool need_old_row = false) {
  const json answer = value_of(api::store_blind_patch(t.store, t.note, R"({"body":"x"})", "[]", need_old_row));
  REQUIRE(answer.is_object());
  return answer["returns"];
}

// Runs `query` in mutation `tx` to its end (no rows): its range is then read.
void read(int store, int tx, const std::string& query) {
  const json begun = value_of(api::query_begin(store, tx, query, "", -1));
  if (!begun.value("finished", false)) value_of(api::query_feed(begun["run"].get<int>(), "[]"));
}

// A mutation of `store` that read the notes of owner "a" over by_owner (an open range read).
int read_by_owner(int store) {
  const int tx = value_of(api::tx_begin(store)).get<int>();
  read(store, tx, R"({"table":"notes","index":"by_owner","range":[{"op":"eq","field":"owner","value":"a"}]})");
  return tx;
}

}  // namespace

TEST_CASE("by id: a read set conflicts on the id's point, and on any range of the table off by_id", "[occ]") {
  const WriteRecord write = by_id_write("t", "abc");
  SECTION("by_id ranges: exactly those covering the id") {
    ReadSet reads;
    reads.add_point("t", "abd");
    CHECK(reads.first_conflict({write}) == nullptr);
    reads.add_point("t", "abc");
    CHECK(reads.first_conflict({write}) != nullptr);
    CHECK(reads_of("t", std::string(kById), KeyRange{id_key("a"), id_key("b")}).first_conflict({write}) != nullptr);
    CHECK(reads_of("t", std::string(kById), KeyRange{id_key("b"), ""}).first_conflict({write}) == nullptr);
    CHECK(reads_of("u", std::string(kById), KeyRange{"", ""}).first_conflict({write}) == nullptr);  // another table
  }
  SECTION("another index of the table: any non-empty range, whatever its keys") {
    CHECK(reads_of("t", "by_x", KeyRange{"zz", "zzz"}).first_conflict({write}) != nullptr);
    CHECK(reads_of("t", std::string(kByCreationTime), KeyRange{"a", "b"}).first_conflict({write}) != nullptr);
    CHECK(reads_of("t", "by_x", KeyRange{"", ""}).first_conflict({write}) != nullptr);
    CHECK(reads_of("t", "by_x", KeyRange{"b", "b"}).first_conflict({write}) == nullptr);  // empty: matches nothing
    CHECK(reads_of("t", "by_x", KeyRange{"c", "b"}).first_conflict({write}) == nullptr);
    CHECK(reads_of("u", "by_x", KeyRange{"", ""}).first_conflict({write}) == nullptr);    // another table
    CHECK(reads_of("ta", "by_x", KeyRange{"", ""}).first_conflict({write}) == nullptr);   // a table named alike
  }
  SECTION("a cleared read set holds nothing") {
    ReadSet reads = reads_of("t", "by_x", KeyRange{"a", "b"});
    CHECK(reads.reads_off_id("t"));
    reads.clear();
    CHECK_FALSE(reads.reads_off_id("t"));
    CHECK(reads.first_conflict({write}) == nullptr);
  }
  SECTION("the flag off: only the keys it holds") {
    WriteRecord keyed = write;
    keyed.by_id_only = false;
    CHECK(reads_of("t", "by_x", KeyRange{"", ""}).first_conflict({keyed}) == nullptr);
  }
}

TEST_CASE("by id: the subscription index hits the id's by_id ranges and every range of the table off by_id", "[occ]") {
  SubscriptionIndex index;
  ReadSet point;
  point.add_point("t", "abc");
  index.set(1, point);
  ReadSet other_point;
  other_point.add_point("t", "abd");
  index.set(2, other_point);
  index.set(3, reads_of("t", "by_x", KeyRange{"zz", "zzz"}));
  index.set(4, reads_of("t", std::string(kByCreationTime), KeyRange{"a", "b"}));
  index.set(5, reads_of("u", "by_x", KeyRange{"", ""}));
  index.set(6, reads_of("t", "by_x", KeyRange{"b", "b"}));  // empty
  CHECK(index.reads_off_id("t"));
  CHECK(index.reads_off_id("u"));
  CHECK_FALSE(index.reads_off_id("v"));
  CHECK(index.affected({by_id_write("t", "abc")}) == std::vector<int>{1, 3, 4});
  CHECK(index.affected({by_id_write("t", "abd")}) == std::vector<int>{2, 3, 4});
  CHECK(index.affected({by_id_write("u", "abc")}) == std::vector<int>{5});
  index.remove(3);
  index.remove(4);
  index.remove(6);
  CHECK_FALSE(index.reads_off_id("t"));
  CHECK(index.affected({by_id_write("t", "abc")}) == std::vector<int>{1});
}

TEST_CASE("by id: the subscription index finds exactly the subscriptions a brute-force scan finds", "[occ]") {
  std::mt19937 rng(11);
  auto random_key = [&] {
    std::string key(1 + rng() % 3, 'a');
    for (char& c : key) c = static_cast<char>('a' + rng() % 4);
    return key;
  };
  const std::vector<std::string> indexes = {"i", std::string(kById), std::string(kByCreationTime)};
  SubscriptionIndex index;
  std::map<int, ReadSet> reads;
  for (int sub = 0; sub < 200; ++sub) {
    ReadSet r;
    for (int n = 0; n < 1 + static_cast<int>(rng() % 2); ++n) {
      std::string lo = random_key(), hi = random_key();
      if (hi < lo) std::swap(lo, hi);
      r.add_range(rng() % 2 ? "t" : "u", indexes[rng() % indexes.size()], KeyRange{lo, hi});
    }
    index.set(sub, r);
    reads[sub] = r;
  }
  for (int round = 0; round < 300; ++round) {
    WriteRecord write{rng() % 2 ? "t" : "u", "doc", {IndexKeys{std::string(kById), random_key(), std::nullopt}}, true};
    write.keys.front().after = write.keys.front().before;
    std::vector<int> expected;
    for (const auto& [sub, r] : reads) {
      if (r.first_conflict({write}) != nullptr) expected.push_back(sub);
    }
    INFO("round " << round);
    CHECK(index.affected({write}) == expected);
  }
}

TEST_CASE("store_log_patch_pending: pending while in flight, hits the note's point reads and every reader of notes off by_id") {
  const Twin t = open_twin();
  // 1: the note by id, 2: by_owner "a", 3: the user by id, 4: by_owner "b" (which keys would spare).
  const std::vector<int> readers = watch(t);
  const json logged = json::parse(api::store_log_patch_pending(t.store, t.note));
  CHECK(logged[0] == json::array({1, 2, 4}));
  const double sequence = logged[1].get<double>();
  const json note_conflict = {{"table", "notes"}, {"id", t.note}};
  CHECK(conflicts(readers) == json::array({note_conflict, note_conflict, nullptr, note_conflict}));
  // Pending: a mutation beginning now may read the note before the statement lands, so it is
  // checked against the entry too, which trimming (tx_end) keeps.
  const int during = value_of(api::tx_begin(t.store)).get<int>();
  value_of(api::tx_get(during, "", t.note));
  for (int tx : readers) api::tx_end(tx);
  CHECK(value_of(api::tx_validate(during)) == note_conflict);
  // Confirmed: a mutation beginning now reads after it; one that began before still conflicts.
  CHECK(api::store_settle_pending(t.store, sequence, true) == R"({"ok":true,"value":null})");
  const int later = value_of(api::tx_begin(t.store)).get<int>();
  value_of(api::tx_get(later, "", t.note));
  CHECK(value_of(api::tx_validate(later)).is_null());
  CHECK(value_of(api::tx_validate(during)) == note_conflict);
  api::tx_end(later);
  api::tx_end(during);
  // Its record, recycled for a later commit once trimmed, logs that commit's keys alone: a
  // reader of by_owner "b" does not conflict with an update of the note staying at "a".
  const int reader = value_of(api::tx_begin(t.store)).get<int>();
  read(t.store, reader, R"({"table":"notes","index":"by_owner","range":[{"op":"eq","field":"owner","value":"b"}]})");
  const int tx = value_of(api::tx_begin(t.store)).get<int>();
  value_of(api::tx_update(tx, t.note, "2", t.creation_time, R"({"owner":"a","done":true})",
                          R"({"owner":"a","body":"y","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})", R"(["body"])"));
  const json accepted = value_of(api::tx_accept(tx));
  CHECK(accepted["sequence"].get<double>() > sequence);
  value_of(api::tx_finish(tx, accepted["sequence"].get<double>()));
  CHECK(value_of(api::tx_validate(reader)).is_null());
  api::store_close(t.store);
}

TEST_CASE("store_settle_pending: a retracted entry is seen by no one, and its sequence is not reused") {
  const Twin t = open_twin();
  const std::vector<int> readers = watch(t);
  const double sequence = json::parse(api::store_log_patch_pending(t.store, t.note))[1].get<double>();
  CHECK(api::store_settle_pending(t.store, sequence, false) == R"({"ok":true,"value":null})");
  CHECK(conflicts(readers) == json::array({nullptr, nullptr, nullptr, nullptr}));
  for (int tx : readers) api::tx_end(tx);
  // Nothing was confirmed: the next entry, pending again, is seen by a mutation of before it.
  const int before = value_of(api::tx_begin(t.store)).get<int>();
  value_of(api::tx_get(before, "", t.note));
  const double next = json::parse(api::store_log_patch_pending(t.store, t.note))[1].get<double>();
  CHECK(next > sequence);
  CHECK(value_of(api::tx_validate(before)) == json({{"table", "notes"}, {"id", t.note}}));
  CHECK(api::store_settle_pending(t.store, next, true) == R"({"ok":true,"value":null})");
  api::tx_end(before);
  api::store_close(t.store);
}

TEST_CASE("store_log_patch_pending / store_settle_pending: errors are envelopes") {
  const Twin t = open_twin();
  const json unknown = error_envelope(api::store_log_patch_pending(t.store, "nope"));
  CHECK(unknown["code"] == "NOT_FOUND");
  CHECK(unknown["message"] == "\"nope\" is not a document id of this store");
  const json logged = json::parse(api::store_log_patch_pending(t.store, t.note));
  CHECK(logged == json::array({json::array(), 2}));  // no subscriptions; the twin's commit was 1
  const double sequence = logged[1].get<double>();
  for (double bad : {-1.0, 2.5, std::nan(""), 1e300}) {
    const json refused = failure(api::store_settle_pending(t.store, bad, true));
    CHECK(refused["code"] == "INVALID_ARGUMENT");
    CHECK(refused["message"] == "malformed sequence");
  }
  // Confirmed already (the twin's insert), never appended, or not the only one pending.
  CHECK(failure(api::store_settle_pending(t.store, 1, true))["message"] == "commit 1 is not the store's one pending commit");
  CHECK(failure(api::store_settle_pending(t.store, 99, false))["message"] == "commit 99 is not the store's one pending commit");
  const int tx = value_of(api::tx_begin(t.store)).get<int>();
  value_of(api::tx_insert(tx, "users", R"({"name":"v"})", 2.0));
  const double other = value_of(api::tx_accept(tx))["sequence"].get<double>();  // pending after it
  CHECK(failure(api::store_settle_pending(t.store, sequence, false))["message"] == "commit 2 is not the store's one pending commit");
  CHECK(failure(api::store_settle_pending(t.store, other, true))["message"] == "commit 3 is not the store's one pending commit");
  value_of(api::store_retract(t.store, other));
  CHECK(api::store_settle_pending(t.store, sequence, true) == R"({"ok":true,"value":null})");
  CHECK(failure(api::store_settle_pending(t.store, sequence, true))["message"] == "commit 2 is not the store's one pending commit");
  api::tx_end(tx);
  api::store_close(t.store);
  CHECK(failure(api::store_settle_pending(t.store, sequence, true))["message"] == "the store was closed");
  CHECK(error_envelope(api::store_log_patch_pending(t.store, t.note))["message"] == "the store was closed");
}

TEST_CASE("by id: the bare UPDATE only when no one reads the table off by_id and the execs count rows") {
  for (const char* options : {kMariadb, kPostgresCounted}) {
    const bool mariadb = std::string(options) == kMariadb;
    INFO((mariadb ? "mariadb" : "postgres with row counts"));
    const Twin t = open_twin(mariadb ? "mysql" : "postgres", options);
    const std::string keyed = "new";
    CHECK(form_of(t) == "none");
    if (!mariadb) CHECK(form_of(t, true) == "old");  // (MariaDB: none needing the old row)
    const json moving = value_of(api::store_blind_patch(t.store, t.note, R"({"done":false,"owner":"x"})", "[]", false));
    CHECK((mariadb ? moving.is_null() : moving["returns"] == "old"));  // a key moves

    SECTION("a subscription on another index of the table: the keyed form") {
      const int tx = read_by_owner(t.store);
      value_of(api::sub_set(tx, 7));
      api::tx_end(tx);
      CHECK(form_of(t) == keyed);
      value_of(api::sub_remove(t.store, 7));
      CHECK(form_of(t) == "none");
    }
    SECTION("an open mutation or query run with a range read of the table: the keyed form") {
      const int tx = read_by_owner(t.store);
      CHECK(form_of(t) == keyed);
      api::tx_end(tx);
      CHECK(form_of(t) == "none");
    }
    SECTION("a subscription by id, or reading another table off by_id: still the bare form") {
      const int tx = value_of(api::tx_begin(t.store)).get<int>();
      value_of(api::tx_get(tx, "", t.note));
      value_of(api::sub_set(tx, 8));
      CHECK(form_of(t) == "none");  // the open mutation read by id only
      api::tx_end(tx);
      const int users = value_of(api::tx_begin(t.store)).get<int>();
      read(t.store, users, R"({"table":"users"})");
      CHECK(form_of(t) == "none");
      const int notes = value_of(api::tx_begin(t.store)).get<int>();
      read(t.store, notes, R"({"table":"notes"})");  // by_creation_time is off by_id too
      CHECK(form_of(t) == keyed);
      api::tx_end(notes);
      api::tx_end(users);
    }
    SECTION("another store's readers do not count") {
      const Twin other = open_twin(mariadb ? "mysql" : "postgres", options);
      const int tx = read_by_owner(other.store);
      CHECK(form_of(t) == "none");
      api::tx_end(tx);
      api::store_close(other.store);
    }
    api::store_close(t.store);
  }
}

TEST_CASE("by id: without row counts (a Postgres { query } wrapper), the keyed form") {
  const Twin t = open_twin("postgres", R"({"seed":"00ff"})");
  CHECK(form_of(t) == "new");
  api::store_close(t.store);
}

TEST_CASE("by id: golden text of the bare UPDATE, Postgres and MariaDB side by side") {
  const Twin pg = open_twin("postgres", kPostgresCounted);
  const Twin maria = open_twin("mysql", kMariadb);
  REQUIRE(pg.note == maria.note);
  const std::string set = R"({"body":"x","n":{"$integer":"AgAAAAAAAAA="}})";
  const json pg_answer = value_of(api::store_blind_patch(pg.store, pg.note, set, R"(["tag"])", false));
  const json maria_answer = value_of(api::store_blind_patch(maria.store, maria.note, set, R"(["tag"])", false));
  CHECK(pg_answer["returns"] == "none");
  CHECK(maria_answer["returns"] == "none");
  // The keyed form's (blind_patch_test.cpp) without RETURNING, on MariaDB too: the size bound
  // over the UPDATE's own row, the same budget (on MariaDB one term per column kind).
  CHECK(pg_answer["statement"]["text"] ==
        "UPDATE \"notes\" SET \"body\" = $1, \"n\" = $2::text::int8, \"tag\" = NULL, \"_version\" = \"_version\" + 1 "
        "WHERE \"_id\" = $3 AND 6 * (COALESCE(octet_length(\"author\"), 0)::int8 + octet_length(\"owner\")) + 4 * "
        "(COALESCE(octet_length(\"data\"), 0)::int8) / 3 + 2 * (COALESCE(octet_length(CAST(\"meta\" AS text)), 0)::int8) "
        "<= 983040");
  CHECK(maria_answer["statement"]["text"] ==
        "UPDATE `notes` SET `body` = ?, `n` = ?, `tag` = NULL, `_version` = `_version` + 1 WHERE `_id` = ? AND "
        "6 * LENGTH(CONCAT_WS('', `author`, `owner`)) + 4 * LENGTH(CONCAT_WS('', `data`)) DIV 3 + "
        "2 * LENGTH(CONCAT_WS('', `meta`)) <= 983040");
  // (The budget, 1047920, rounded down to a multiple of 64 KiB in the text: no param.)
  CHECK(pg_answer["statement"]["params"] == json::array({"x", "2", pg.note}));
  CHECK(maria_answer["statement"]["params"] == json::array({"x", {{"$int", "2"}}, maria.note}));
  // The compact answer names the form too; its text by number from then on.
  const std::string compact = api::store_blind_patch_compact(maria.store, maria.note, set, R"(["tag"])", false);
  CHECK(json::parse(compact)[2] == "none");
  CHECK(json::parse(compact)[0] == maria_answer["statement"]["textId"]);
  for (const Twin* t : {&pg, &maria}) api::store_close(t->store);
}
