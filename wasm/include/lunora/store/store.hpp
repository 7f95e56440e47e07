// The store core: the parsed schema, its SQL layout for one engine, id and _creationTime
// generation, and the write set of each open mutation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/dialect/dialect.hpp"
#include "lunora/layout/ddl.hpp"
#include "lunora/layout/table_layout.hpp"
#include "lunora/occ/read_set.hpp"
#include "lunora/schema/schema.hpp"
#include "lunora/sql/document_sql.hpp"
#include "lunora/status.hpp"
#include "lunora/store/creation_clock.hpp"
#include "lunora/store/document_id.hpp"

namespace lunora {

struct ValidationOptions;

class Store {
 public:
  // Fails on id-hash collisions between table names (ids must identify their table).
  static Result<std::unique_ptr<Store>> open(Schema schema, const Dialect& dialect, EngineOptions options,
                                             std::string_view seed);

  const Dialect& dialect() const noexcept { return *dialect_; }
  const Schema& schema() const noexcept { return schema_; }
  const EngineOptions& engine_options() const noexcept { return options_; }
  const std::vector<TableLayout>& layouts() const noexcept { return layouts_; }

  // nullptr when the table is not a `.global()` table of the schema.
  const TableSchema* table(std::string_view name) const noexcept;
  const TableLayout* layout(std::string_view name) const noexcept;
  // The layout of one of this store's tables (no lookup by name).
  const TableLayout& layout_of(const TableSchema& table) const noexcept {
    return layouts_[static_cast<std::size_t>(&table - schema_.tables.data())];
  }
  // The table an id belongs to; nullptr if `id` is not an id of any table of the store.
  // The last answer is kept: a mutation asks about one id several times (its read, its write,
  // the write's indexed fields), and each asking decodes the id.
  const TableSchema* table_of_id(std::string_view id) const noexcept;

  // Validates a document of `table` (user fields only) for this engine.
  Status validate(const TableSchema& table, const Value& document) const;
  // The options validate() uses: what this engine can store, ids of this store's tables.
  ValidationOptions validation_options() const;
  // The encoded keys of every index of `layout`, in layout order.
  Result<std::vector<std::string>> index_keys(const TableLayout& layout, const Value& document, double creation_time,
                                              std::string_view id) const;
  // The same keys written over `keys` (its strings' capacity reused); the same errors.
  Status index_keys_into(const TableLayout& layout, const Value& document, double creation_time, std::string_view id,
                         std::vector<std::string>& keys) const;

  // The top-level fields that the indexes of the table of document `id` read (none for an id
  // of no table). The list is valid until the next call.
  const std::vector<std::string_view>& indexed_fields(std::string_view id) const;
  // Appends to the commit log an update (or, `new_fields` nullptr, a delete) of document `id`
  // whose SQL already committed (a blind patch or delete), with its keys before and after
  // exactly as WriteSet::record_commit records that write, and confirms it at once: the entries
  // before it must have been confirmed or retracted (the shim commits one at a time). The
  // fields: the values of the document's indexed fields before and after, parallel to
  // indexed_fields(id) (nullptr: missing); `new_fields` may be `&old_fields` (keys unchanged).
  // `table`: table_of_id(id), which the caller looked up (nullptr: refused, not an id of the
  // store). Returns the subscriptions it affects. Nothing is validated.
  Result<std::vector<int>> log_committed_write(const TableSchema* table, std::string_view id, double creation_time,
                                               const std::vector<const Value*>& old_fields,
                                               const std::vector<const Value*>* new_fields);
  // An update that moves no index key, logged by its id alone (WriteRecord::by_id_only: the
  // key-less blind patch, whose statement returns no row). Appended PENDING while its statement
  // is in flight, as WriteSet::record_commit appends a commit: the caller confirms the entry
  // (CommitLog::confirm) once the statement affected the row, or retracts it. Its sequence is
  // commits().last_sequence(). `table`: table_of_id(id) (nullptr: refused). Returns the
  // subscriptions it affects.
  Result<std::vector<int>> log_pending_by_id(const TableSchema* table, std::string_view id);

  IdGenerator& ids() noexcept { return ids_; }
  CreationClock& clock() noexcept { return clock_; }
  CommitLog& commits() noexcept { return commits_; }
  const CommitLog& commits() const noexcept { return commits_; }
  SubscriptionIndex& subscriptions() noexcept { return subscriptions_; }
  const SubscriptionIndex& subscriptions() const noexcept { return subscriptions_; }

 private:
  Store(Schema schema, const Dialect& dialect, EngineOptions options);

  Schema schema_;
  const Dialect* dialect_;
  EngineOptions options_;
  std::vector<TableLayout> layouts_;  // parallel to schema_.tables
  std::vector<std::uint32_t> table_hashes_;  // parallel to schema_.tables: table_hash(name)
  // table_of_id's last answer: the id (an id is 32 characters; a longer one is not kept).
  mutable char last_id_[32];
  mutable std::size_t last_id_size_ = 0;  // 0: none
  mutable const TableSchema* last_id_table_ = nullptr;
  IdGenerator ids_;
  CreationClock clock_;
  CommitLog commits_;
  SubscriptionIndex subscriptions_;
};

// A mutation's pending writes. Several writes to one document collapse into one, so each row
// is written at most once per commit (a Postgres commit is one statement of CTEs, and all
// CTEs of a statement see the same snapshot).
class WriteSet {
 public:
  explicit WriteSet(Store& store) : store_(store), begin_sequence_(store.commits().durable_sequence()) {}
  WriteSet(const WriteSet&) = delete;
  WriteSet& operator=(const WriteSet&) = delete;
  ~WriteSet();
  // Empties the write set into a fresh one of the same store (as constructed now), keeping
  // its vectors' capacity, its read set's entries (ReadSet::clear) and a few of its
  // documents (spare_document): the api recycles a finished mutation's write set.
  void restart();
  // A document of a finished write (null if none), for the api to parse the next one, of
  // `wire_bytes`, over (parse_wire_over): the same table's documents share their shape, so
  // their nodes and strings are reused instead of freed and allocated again. A document of
  // more than kSpareDocumentBytes gets none, and the next restart() keeps no spares: a kept
  // string keeps its buffer, and a Worker's memory is small.
  Value spare_document(std::size_t wire_bytes);
  // The same for the old documents of updates and deletes (their indexed fields).
  Value spare_old_document(std::size_t wire_bytes);
  static constexpr std::size_t kSpareDocumentBytes = 16 * 1024;

  // What an insert assigned; `id` views the write set's copy (valid until its next write).
  struct Inserted {
    std::string_view id;
    double creation_time = 0;
  };
  // Validates, assigns _id and _creationTime.
  Result<Inserted> insert(std::string_view table, Value document, double now_ms);
  // insert() of a document given as its Lunora JSON and read flat (store/flat_insert.hpp):
  // nullopt when it is not, or when the flat reader leaves it to the tree path (the caller then
  // parses it and calls insert(), which decides); otherwise what insert() would answer.
  std::optional<Result<Inserted>> insert_flat(std::string_view table, std::string_view wire, double now_ms);
  // The full new user fields of an existing document (patch is merged by the caller);
  // `old_document` is the version read (user fields), for the index keys it leaves: only its
  // indexed fields are read, so the shim sends just those.
  // Documents are taken by value: callers move the parsed ones in. `set_fields`: the fields
  // the write changes (a patch names them; the SQL then sets only those columns and the index
  // keys that changed); nullptr: every field (replace).
  Status update(std::string_view id, std::int64_t expected_version, double creation_time, Value old_document,
                Value document, const std::vector<std::string>* set_fields = nullptr);
  // A patch of a document this mutation read and has not written yet, given by what it names
  // only: `set` (an object of the fields it sets) and `unset` (the fields it removes);
  // `old_document` as for update(). Each named field is checked alone, with the blind patch's
  // checks (store/blind_patch.hpp: its validator and what the engine can store; a removed
  // field optional); the fields it does not name were valid when stored. The merged
  // document's size is bounded with `other_fields_bound`, the caller's upper bound of the
  // Lunora JSON of the fields the patch does not name (their members included). The write
  // records the named columns and the index keys that move, computed from `set` and the old
  // document's indexed fields: a read-modify-write neither sends nor parses its whole document.
  // False, with nothing recorded, when any check fails, the document was written before in
  // this mutation, or the engine writes whole rows (SQLite): the caller then calls update()
  // with the whole merged document, whose validation says exactly what is wrong.
  // Until then its RowWrite::document holds only the named and the indexed fields, so a query
  // of the table in this mutation must not run over it (has_partial_write): the caller
  // completes it with update() first.
  bool patch(std::string_view id, std::int64_t expected_version, double creation_time, Value old_document, Value set,
             const std::vector<std::string>& unset, std::size_t other_fields_bound);
  // Whether a write recorded by patch() on `table` has not been completed by update() yet.
  bool has_partial_write(std::string_view table) const;
  Status remove(std::string_view id, std::int64_t expected_version, double creation_time, Value old_document);

  ReadSet& reads() noexcept { return reads_; }
  // The top-level fields that the indexes of the table of document `id` read: all that
  // update() and remove() need of the old document (none for an id of no table). The list is
  // valid until the next call.
  const std::vector<std::string_view>& indexed_fields(std::string_view id) const;
  std::uint64_t begin_sequence() const noexcept { return begin_sequence_; }
  // The first write committed through the store since this mutation began that touches
  // something it read: {"table", "id"}, or null.
  Value first_conflict() const;
  // Appends this mutation's writes to the store's commit log (pending until confirmed, see
  // CommitLog) and returns the subscriptions they affect. sequence() then names the entry.
  Result<std::vector<int>> record_commit();
  std::uint64_t sequence() const noexcept { return sequence_; }
  // The live writes (inserts deleted again dropped), for a commit plan covering several
  // mutations: out gets the writes, origin their indexes in this write set.
  void live_writes(std::vector<const RowWrite*>& out, std::vector<int>& origin) const;

  // Each write to `table` (live: false for a delete or an insert deleted again).
  template <typename Fn>
  void for_each_pending(std::string_view table, Fn&& fn) const {
    for (std::size_t i = 0; i < writes_.size(); ++i) {
      if (writes_[i].layout->table != table) continue;
      fn(writes_[i], !states_[i].dropped && writes_[i].op != WriteOp::remove);
    }
  }

  CommitPlan commit_plan() const;
  const Dialect& dialect() const noexcept { return store_.dialect(); }
  // The write a Postgres conflict marker or a MySQL step refers to: {"table", "id", "op"}.
  Value describe(int write) const;
  bool empty() const noexcept { return writes_.empty(); }

 private:
  Result<std::size_t> existing_slot(std::string_view id) const;
  // Appends a write (its old document: null for an insert) and indexes it by id.
  void add_write(RowWrite w, Value old_document);
  // A finished write kept by restart (or a fresh one), whose id, keys and sets the next write
  // writes over: a point write then allocates none of them. Its other members are stale.
  RowWrite spare_write();

  // A mutation writes a few documents: up to this many are found by a scan, and by_id_ (built
  // once there are more) saves a node per write in the common case.
  static constexpr std::size_t kScannedWrites = 16;

  Store& store_;
  std::uint64_t begin_sequence_;
  std::uint64_t sequence_ = 0;
  ReadSet reads_;
  std::vector<RowWrite> writes_;
  struct WriteState {
    Value old_document;  // null for inserts
    bool dropped = false;  // an insert followed by a delete
    bool partial = false;  // recorded by patch(): RowWrite::document holds only some fields
  };
  std::vector<WriteState> states_;  // parallel to writes_
  std::map<std::string, std::size_t, std::less<>> by_id_;  // past kScannedWrites writes
  static constexpr std::size_t kSpareDocuments = 2;
  bool keep_spares_ = true;  // false once this mutation parsed a large document
  std::vector<Value> spare_documents_;
  std::vector<Value> spare_old_documents_;
  static constexpr std::size_t kSpareWrites = 4;
  std::vector<RowWrite> spare_writes_;
};

}  // namespace lunora
