// What the store keeps from one mutation to the next answers as if it were made fresh: the
// commit log's recycled records (CommitLog::recycled), table_of_id's last answer, the spares.
#include <catch2/catch.hpp>

#include "lunora/dialect/dialect.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/store/store.hpp"

using namespace lunora;

namespace {

const char* kSchema = R"({"tables":{
  "t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"},
    "b":{"kind":"optional","value":{"kind":"float64"}}}},
    "indexes":[{"name":"by_a","fields":["a"]},{"name":"by_ab","fields":["a","b"]}]},
  "u":{"global":true,"document":{"kind":"object","fields":{"c":{"kind":"string"}}},"indexes":[]}}})";

std::unique_ptr<Store> open_store() {
  auto schema = parse_schema(kSchema);
  REQUIRE(schema.ok());
  auto store = Store::open(std::move(schema).value(), postgres_dialect(), EngineOptions{}, "00ff");
  REQUIRE(store.ok());
  return std::move(store).value();
}

// The first record of commit `sequence` (every key of both tables is read).
const WriteRecord& first_record(const Store& store, std::uint64_t sequence) {
  ReadSet everything;
  for (const char* table : {"t", "u"}) {
    for (std::string_view index : {std::string_view("by_a"), std::string_view("by_ab"), kByCreationTime, kById}) {
      everything.add_range(table, index, KeyRange{"", ""});
    }
  }
  const WriteRecord* record = store.commits().first_conflict(everything, sequence - 1);
  REQUIRE(record != nullptr);
  return *record;
}

}  // namespace

TEST_CASE("commit log records written over recycled ones equal fresh ones", "[occ]") {
  auto kept = open_store();      // never trimmed: every record is written fresh
  auto recycled = open_store();  // trimmed after each commit: records are written over old ones
  std::string id;
  double creation_time = 0;
  const std::string long_value(1100, 'x');  // over the index key limit
  // The same write recorded in both stores (the recycled one's previous entry trimmed first);
  // answers the kept store's record.
  const auto both = [&](auto&& write) {
    const WriteRecord* records[2];
    for (int s = 0; s < 2; ++s) {
      Store& store = s == 0 ? *kept : *recycled;
      if (s == 1) store.commits().trim(store.commits().durable_sequence());
      WriteSet writes(store);
      write(writes);
      REQUIRE(writes.record_commit().ok());
      store.commits().confirm(writes.sequence());
      records[s] = &first_record(store, writes.sequence());
    }
    const WriteRecord& a = *records[0];
    const WriteRecord& b = *records[1];
    CHECK(a.table == b.table);
    CHECK(a.id == b.id);
    REQUIRE(a.keys.size() == b.keys.size());
    for (std::size_t k = 0; k < a.keys.size(); ++k) {
      INFO(a.keys[k].index);
      CHECK(a.keys[k].index == b.keys[k].index);
      CHECK(a.keys[k].before == b.keys[k].before);
      CHECK(a.keys[k].after == b.keys[k].after);
    }
    return a;
  };
  {
    const WriteRecord& inserted = both([&](WriteSet& w) {
      auto created = w.insert("t", Value{{"a", "x"}, {"b", 1.5}}, 10);
      REQUIRE(created.ok());
      id = std::string(created->id);
      creation_time = created->creation_time;
    });
    CHECK(inserted.keys.size() == 4);
    CHECK_FALSE(inserted.keys[0].before);
    CHECK(inserted.keys[0].after);
  }
  // An update (old keys computed from the old document's indexed fields).
  both([&](WriteSet& w) { REQUIRE(w.update(id, 1, creation_time, Value{{"a", "x"}, {"b", 1.5}}, Value{{"a", "y"}}).ok()); });
  // Another table, fewer indexes: a longer stale record is cut down.
  both([&](WriteSet& w) { REQUIRE(w.insert("u", Value{{"c", "z"}}, 11).ok()); });
  // An old document over the key limit has no keys before in the schema indexes.
  {
    const WriteRecord& updated = both([&](WriteSet& w) {
      REQUIRE(w.update(id, 2, creation_time, Value{{"a", long_value}}, Value{{"a", "w"}}).ok());
    });
    CHECK_FALSE(updated.keys[0].before);
    CHECK_FALSE(updated.keys[1].before);
    CHECK(updated.keys[2].before);  // the implicit indexes still have theirs
  }
  // A delete: keys before only.
  {
    const WriteRecord& removed = both([&](WriteSet& w) { REQUIRE(w.remove(id, 3, creation_time, Value{{"a", "w"}}).ok()); });
    CHECK(removed.keys[0].before);
    CHECK_FALSE(removed.keys[0].after);
    CHECK_FALSE(removed.keys[3].after);
  }
  // And an insert again over the delete's record.
  both([&](WriteSet& w) { REQUIRE(w.insert("t", Value{{"a", "v"}}, 12).ok()); });
}

TEST_CASE("table_of_id answers the same with its last answer kept", "[store]") {
  auto store = open_store();
  auto other = open_store();  // asked each id once, after another id
  WriteSet writes(*store);
  auto t = writes.insert("t", Value{{"a", "x"}}, 1);
  REQUIRE(t.ok());
  const std::string t_id(t->id);
  auto u = writes.insert("u", Value{{"c", "x"}}, 2);
  REQUIRE(u.ok());
  const std::string u_id(u->id);
  const std::string not_an_id = "not an id";
  const std::string too_long(40, 'a');
  for (const std::string* id : {&t_id, &t_id, &u_id, &not_an_id, &not_an_id, &t_id, &too_long, &u_id, &u_id}) {
    INFO(*id);
    const TableSchema* table = store->table_of_id(*id);
    other->table_of_id(*id == t_id ? u_id : t_id);
    const TableSchema* fresh = other->table_of_id(*id);
    CHECK((table == nullptr) == (fresh == nullptr));
    if (table != nullptr && fresh != nullptr) CHECK(table->name == fresh->name);
  }
  CHECK(store->table_of_id(t_id)->name == "t");
  CHECK(store->table_of_id(u_id)->name == "u");
  CHECK(store->table_of_id(not_an_id) == nullptr);
  CHECK(store->table_of_id("") == nullptr);
}

TEST_CASE("a restarted write set keeps spares, none after a large document", "[store]") {
  auto store = open_store();
  WriteSet writes(*store);
  REQUIRE(writes.insert("t", Value{{"a", "small"}}, 1).ok());
  writes.restart();
  CHECK(writes.spare_document(20) == Value{{"a", "small"}});
  CHECK(writes.spare_document(20).is_null());  // one write, one spare

  REQUIRE(writes.insert("u", Value{{"c", "x"}}, 2).ok());
  writes.restart();
  // A large document is parsed fresh, and its mutation leaves no spares behind.
  CHECK(writes.spare_document(WriteSet::kSpareDocumentBytes + 1).is_null());
  const std::string large(WriteSet::kSpareDocumentBytes, 'x');
  REQUIRE(writes.insert("u", Value{{"c", large}}, 3).ok());  // "u" has no index to bound "c"
  writes.restart();
  CHECK(writes.spare_document(20) == Value{{"c", "x"}});  // the earlier spare, not the large one
  CHECK(writes.spare_document(20).is_null());
  // The next mutation keeps them again.
  REQUIRE(writes.insert("t", Value{{"a", "small"}}, 4).ok());
  writes.restart();
  CHECK(writes.spare_document(20) == Value{{"a", "small"}});
}
