#include "lunora/store/store.hpp"

#include <algorithm>
#include <cstring>

#include "lunora/schema/limits.hpp"
#include "lunora/store/blind_patch.hpp"
#include "lunora/store/flat_insert.hpp"
#include "lunora/validation/validate.hpp"
#include "lunora/value/compare.hpp"
#include "lunora/value/index_key.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {

Store::Store(Schema schema, const Dialect& dialect, EngineOptions options)
    : schema_(std::move(schema)), dialect_(&dialect), options_(std::move(options)) {
  for (const auto& table : schema_.tables) {
    layouts_.push_back(layout_table(table, dialect));
    table_hashes_.push_back(table_hash(table.name));
  }
}

Result<std::unique_ptr<Store>> Store::open(Schema schema, const Dialect& dialect, EngineOptions options,
                                           std::string_view seed) {
  std::map<std::uint32_t, std::string> hashes;
  for (const auto& table : schema.tables) {
    auto [it, inserted] = hashes.emplace(table_hash(table.name), table.name);
    if (!inserted) {
      return Status(ErrorCode::invalid_schema, "tables \"" + it->second + "\" and \"" + table.name +
                                                   "\" cannot both be used: their ids would be indistinguishable; "
                                                   "rename one of them");
    }
  }
  std::unique_ptr<Store> store(new Store(std::move(schema), dialect, std::move(options)));
  const std::size_t max_columns = dialect.capabilities().max_columns_per_table;
  for (const auto& layout : store->layouts_) {
    const std::size_t columns = 3 + layout.columns.size() + layout.indexes.size();  // _id, _creationTime, _version
    if (columns > max_columns) {
      return Status(ErrorCode::invalid_schema,
                    "table \"" + layout.table + "\" needs " + std::to_string(columns) + " columns (3 system, " +
                        std::to_string(layout.columns.size()) + " fields, " + std::to_string(layout.indexes.size()) +
                        " index keys) but " + std::string(dialect.name()) + " allows " + std::to_string(max_columns) +
                        " per table; nest some fields in an object (one JSON column)");
    }
  }
  store->ids_.seed(seed);
  return store;
}

const TableSchema* Store::table(std::string_view name) const noexcept { return schema_.find_table(name); }

const TableLayout* Store::layout(std::string_view name) const noexcept {
  const TableSchema* t = table(name);
  return t == nullptr ? nullptr : &layout_of(*t);
}

const TableSchema* Store::table_of_id(std::string_view id) const noexcept {
  if (last_id_size_ != 0 && id == std::string_view(last_id_, last_id_size_)) return last_id_table_;
  const TableSchema* table = nullptr;
  if (auto hash = id_table_hash(id)) {
    for (std::size_t i = 0; i < table_hashes_.size(); ++i) {
      if (table_hashes_[i] == *hash) {
        table = &schema_.tables[i];
        break;
      }
    }
  }
  if (!id.empty() && id.size() <= sizeof last_id_) {
    std::memcpy(last_id_, id.data(), id.size());
    last_id_size_ = id.size();
    last_id_table_ = table;
  }
  return table;
}

Status Store::validate(const TableSchema& table, const Value& document) const {
  return validate_document(table, document, validation_options());
}

ValidationOptions Store::validation_options() const {
  ValidationOptions options;
  options.allow_nan_infinity = dialect_->capabilities().float_nan_infinity;
  options.allow_negative_zero = dialect_->capabilities().float_nan_infinity;  // Postgres keeps -0; MySQL does not
  options.allow_nul_in_strings = dialect_->capabilities().strings_hold_nul;
  options.is_id_of_table = [](std::string_view table_name, std::string_view id) { return is_id_of_table(id, table_name); };
  return options;
}

namespace {

// The values of the fields of `index` in `document` (nullptr: missing), over `values`.
void index_field_values(const IndexLayout& index, const Value& document, std::vector<const Value*>& values) {
  values.clear();
  for (const auto& field : index.fields) {
    auto it = document.find(field);
    values.push_back(it == document.end() ? nullptr : &*it);
  }
}

}  // namespace

Status Store::index_keys_into(const TableLayout& layout, const Value& document, double creation_time,
                              std::string_view id, std::vector<std::string>& keys) const {
  keys.resize(layout.indexes.size());
  thread_local std::vector<const Value*> values;  // scratch, kept between calls
  for (std::size_t k = 0; k < layout.indexes.size(); ++k) {
    index_field_values(layout.indexes[k], document, values);
    if (!document_index_key_into(keys[k], values, creation_time, id)) {
      // Over the limit: index_keys says why.
      auto refused = index_keys(layout, document, creation_time, id);
      return refused ? Status(ErrorCode::internal, "index key over the limit") : refused.status();
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Store::index_keys(const TableLayout& layout, const Value& document,
                                                   double creation_time, std::string_view id) const {
  std::vector<std::string> keys;
  keys.reserve(layout.indexes.size());
  thread_local std::vector<const Value*> values;  // scratch, kept between calls
  for (const auto& index : layout.indexes) {
    index_field_values(index, document, values);
    auto key = document_index_key(values, creation_time, id);
    if (!key) {
      return Status(key.status().code(), "index \"" + index.name + "\" of table \"" + layout.table +
                                             "\": " + key.status().message());
    }
    keys.push_back(std::move(key).value());
  }
  return keys;
}

namespace {

// The columns an update sets (RowWrite::sets): the named fields, and each index whose fields
// differ from the version read (its key column). Empty: all.
void columns_set(const TableLayout& layout, const std::vector<std::string>* set_fields, const Value& old_document,
                 const Value& document, std::vector<bool>& sets) {
  sets.clear();
  if (set_fields == nullptr) return;
  const std::size_t columns = layout.columns.size();
  sets.assign(columns + layout.indexes.size(), false);
  for (const auto& field : *set_fields) {
    for (std::size_t i = 0; i < columns; ++i) {
      if (layout.columns[i].field == field) {
        sets[i] = true;
        break;
      }
    }
  }
  auto field_of = [](const Value& doc, const std::string& name) -> const Value* {
    auto it = doc.find(name);
    return it == doc.end() ? nullptr : &*it;
  };
  for (std::size_t i = 0; i < layout.indexes.size(); ++i) {
    // A key is (fields..., _creationTime, _id); the last two never change, and equal values
    // (Lunora's equality: 1n is not 1.0) encode to equal keys.
    for (const auto& field : layout.indexes[i].fields) {
      if (!values_equal(field_of(old_document, field), field_of(document, field))) {
        sets[columns + i] = true;
        break;
      }
    }
  }
}

// `into` |= `more`, where an empty mask means every column.
void add_columns(std::vector<bool>& into, const std::vector<bool>& more) {
  if (into.empty()) return;
  if (more.empty()) {
    into.clear();
    return;
  }
  for (std::size_t i = 0; i < into.size(); ++i) into[i] = into[i] || more[i];
}

}  // namespace

WriteSet::~WriteSet() {
  // The documents' trees are freed bottom-up (value.hpp, release).
  for (auto& w : writes_) release(w.document);
  for (auto& state : states_) release(state.old_document);
  for (auto& document : spare_documents_) release(document);
  for (auto& document : spare_old_documents_) release(document);
}

void WriteSet::restart() {
  // After a large document, nothing is kept: a spare's strings keep their buffers' capacity.
  const bool keep = keep_spares_;
  keep_spares_ = true;
  for (auto& w : writes_) {
    if (keep && spare_documents_.size() < kSpareDocuments && w.document.is_object()) spare_documents_.push_back(std::move(w.document));
    else release(w.document);
    if (spare_writes_.size() < kSpareWrites) spare_writes_.push_back(std::move(w));
  }
  for (auto& state : states_) {
    if (keep && spare_old_documents_.size() < kSpareDocuments && state.old_document.is_object()) {
      spare_old_documents_.push_back(std::move(state.old_document));
    } else {
      release(state.old_document);
    }
  }
  writes_.clear();
  states_.clear();
  by_id_.clear();
  reads_.clear();
  sequence_ = 0;
  begin_sequence_ = store_.commits().durable_sequence();
}

RowWrite WriteSet::spare_write() {
  if (spare_writes_.empty()) return RowWrite();
  RowWrite w = std::move(spare_writes_.back());
  spare_writes_.pop_back();
  w.flat.clear();  // (capacity kept, as the wire's)
  w.flat_wire.clear();
  return w;
}

namespace {

// The last of `spares`, taken out (null if none).
Value take_spare(std::vector<Value>& spares) {
  if (spares.empty()) return nullptr;
  Value document = std::move(spares.back());
  spares.pop_back();
  return document;
}

}  // namespace

Value WriteSet::spare_document(std::size_t wire_bytes) {
  if (wire_bytes > kSpareDocumentBytes) {
    keep_spares_ = false;
    return nullptr;
  }
  return take_spare(spare_documents_);
}

Value WriteSet::spare_old_document(std::size_t wire_bytes) {
  if (wire_bytes > kSpareDocumentBytes) {
    keep_spares_ = false;
    return nullptr;
  }
  return take_spare(spare_old_documents_);
}

const std::vector<std::string_view>& WriteSet::indexed_fields(std::string_view id) const {
  return store_.indexed_fields(id);
}

const std::vector<std::string_view>& Store::indexed_fields(std::string_view id) const {
  thread_local std::vector<std::string_view> fields;  // scratch, kept between calls
  fields.clear();
  const TableSchema* table = table_of_id(id);
  if (table == nullptr) return fields;
  for (const auto& index : layout_of(*table).indexes) {
    for (const auto& field : index.fields) fields.push_back(field);
  }
  return fields;
}

Result<std::size_t> WriteSet::existing_slot(std::string_view id) const {
  if (writes_.size() <= kScannedWrites) {
    for (std::size_t i = 0; i < writes_.size(); ++i) {
      if (writes_[i].id == id) return i;
    }
    return Status(ErrorCode::not_found, "");
  }
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return Status(ErrorCode::not_found, "");
  return it->second;
}

void WriteSet::add_write(RowWrite w, Value old_document) {
  writes_.push_back(std::move(w));
  states_.push_back(WriteState{std::move(old_document), false});
  if (writes_.size() <= kScannedWrites) return;
  if (by_id_.empty()) {
    for (std::size_t i = 0; i < writes_.size(); ++i) by_id_.emplace(writes_[i].id, i);
  } else {
    by_id_.emplace(writes_.back().id, writes_.size() - 1);
  }
}

Result<WriteSet::Inserted> WriteSet::insert(std::string_view table_name, Value document, double now_ms) {
  const TableSchema* table = store_.table(table_name);
  if (table == nullptr) {
    return Status(ErrorCode::not_found, "table \"" + std::string(table_name.substr(0, 64)) +
                                            "\" is not a .global() table of the schema");
  }
  if (auto status = store_.validate(*table, document); !status.ok()) {
    return status;
  }
  RowWrite w = spare_write();
  w.op = WriteOp::insert;
  w.layout = &store_.layout_of(*table);
  store_.ids().next_into(table->name, w.id);
  w.creation_time = store_.clock().next(now_ms);
  w.expected_version = 0;
  w.sets.clear();
  if (auto status = store_.index_keys_into(*w.layout, document, w.creation_time, w.id, w.keys); !status.ok()) return status;
  w.document = std::move(document);
  add_write(std::move(w), Value());
  const RowWrite& stored = writes_.back();
  return Inserted{stored.id, stored.creation_time};
}

std::optional<Result<WriteSet::Inserted>> WriteSet::insert_flat(std::string_view table_name, std::string_view wire,
                                                                double now_ms) {
  const TableSchema* table = store_.table(table_name);
  if (table == nullptr) return std::nullopt;
  const TableLayout& layout = store_.layout_of(*table);
  thread_local std::vector<FlatValue> flat;  // scratch, kept between calls
  if (!read_flat_insert(wire, *table, layout, store_.validation_options(), flat)) return std::nullopt;
  // The index keys read the indexed fields only: those as Values (usually one or two scalars).
  thread_local Value indexed = Value::object();
  indexed.get_ref<Value::object_t&>().clear();
  for (const auto& index : layout.indexes) {
    for (const auto& field : index.fields) {
      std::size_t i = 0;
      while (i < layout.columns.size() && layout.columns[i].field != field) ++i;
      if (i == layout.columns.size()) return std::nullopt;
      const FlatValue& v = flat[i];
      switch (v.kind) {
        case FlatKind::missing: break;
        case FlatKind::string: indexed[field] = std::string(wire.substr(v.at, v.size)); break;
        case FlatKind::float64: indexed[field] = v.number; break;
        case FlatKind::int64: indexed[field] = v.integer; break;
        case FlatKind::boolean: indexed[field] = v.boolean; break;
        case FlatKind::json: {
          auto array = parse_wire(wire.substr(v.at, v.size));
          if (!array) return std::nullopt;
          indexed[field] = std::move(array).value();
          break;
        }
      }
    }
  }
  RowWrite w = spare_write();
  w.op = WriteOp::insert;
  w.layout = &layout;
  store_.ids().next_into(table->name, w.id);
  w.creation_time = store_.clock().next(now_ms);
  w.expected_version = 0;
  w.sets.clear();
  if (auto status = store_.index_keys_into(layout, indexed, w.creation_time, w.id, w.keys); !status.ok()) {
    return Result<Inserted>(status);
  }
  release(w.document);
  w.document = nullptr;
  w.flat.swap(flat);
  w.flat_wire.assign(wire);
  add_write(std::move(w), Value());
  const RowWrite& stored = writes_.back();
  return Result<Inserted>(Inserted{stored.id, stored.creation_time});
}

Status WriteSet::update(std::string_view id, std::int64_t expected_version, double creation_time,
                        Value old_document, Value document, const std::vector<std::string>* set_fields) {
  const TableSchema* table = store_.table_of_id(id);
  if (table == nullptr) return Status(ErrorCode::not_found, "\"" + std::string(id.substr(0, 64)) + "\" is not a document id of this store");
  if (auto status = store_.validate(*table, document); !status.ok()) {
    return status;
  }
  const TableLayout* layout = &store_.layout_of(*table);
  // Into scratch, swapped into the write: the strings swapped out are reused next time.
  thread_local std::vector<std::string> keys;
  if (auto status = store_.index_keys_into(*layout, document, creation_time, id, keys); !status.ok()) return status;
  auto slot = existing_slot(id);
  if (slot) {
    RowWrite& w = writes_[*slot];
    if (states_[*slot].dropped || w.op == WriteOp::remove) {
      return Status(ErrorCode::not_found, "document \"" + std::string(id) + "\" was deleted earlier in this mutation");
    }
    // Stays an insert, or an update guarded by the first version read, which the columns it
    // sets are compared against.
    if (w.op == WriteOp::update) {
      std::vector<bool> more;
      columns_set(*layout, set_fields, states_[*slot].old_document, document, more);
      add_columns(w.sets, more);
    }
    w.document = std::move(document);
    w.flat.clear();  // an insert read flat: its fields are this document's now
    w.keys.swap(keys);
    states_[*slot].partial = false;  // the whole document now
    return Status::Ok();
  }
  RowWrite w = spare_write();
  w.op = WriteOp::update;
  w.layout = layout;
  w.id.assign(id);
  w.creation_time = creation_time;
  w.expected_version = expected_version;
  columns_set(*layout, set_fields, old_document, document, w.sets);
  w.document = std::move(document);
  w.keys.swap(keys);
  add_write(std::move(w), std::move(old_document));
  return Status::Ok();
}

bool WriteSet::patch(std::string_view id, std::int64_t expected_version, double creation_time, Value old_document,
                     Value set, const std::vector<std::string>& unset, std::size_t other_fields_bound) {
  // SQLite writes whole rows (sql/sqlite_commit.hpp); an earlier write holds more than this.
  if (store_.dialect().engine() == Engine::sqlite || !set.is_object() || existing_slot(id)) return false;
  const TableSchema* table = store_.table_of_id(id);
  if (table == nullptr) return false;
  const TableLayout& layout = store_.layout_of(*table);
  thread_local std::vector<std::string> named;  // scratch, kept between calls
  named.clear();
  // `{}` and the fields not named, then each named one as the full validation would count it.
  std::size_t size_bound = 2 + other_fields_bound;
  if (size_bound < other_fields_bound) return false;  // (a bound that wrapped around)
  const ValidationOptions options = store_.validation_options();
  for (const auto& [field, value] : set.get_ref<const Value::object_t&>()) {
    if (!patch_sets_ok(*table, field, value, options, size_bound)) return false;
    named.push_back(field);
  }
  for (const auto& field : unset) {
    if (!patch_removes_ok(*table, field) || set.contains(field)) return false;
    named.push_back(field);
  }
  if (named.empty() || size_bound > limits::kMaxDocumentBytes) return false;
  // The new index keys: the named fields over the old document's indexed fields.
  for (const auto& index : layout.indexes) {
    for (const auto& field : index.fields) {
      if (set.contains(field) || std::find(unset.begin(), unset.end(), field) != unset.end()) continue;
      auto old = old_document.find(field);
      if (old != old_document.end()) set[field] = *old;
    }
  }
  thread_local std::vector<std::string> keys;  // swapped into the write, as update()'s
  if (!store_.index_keys_into(layout, set, creation_time, id, keys).ok()) return false;
  RowWrite w = spare_write();
  w.op = WriteOp::update;
  w.layout = &layout;
  w.id.assign(id);
  w.creation_time = creation_time;
  w.expected_version = expected_version;
  columns_set(layout, &named, old_document, set, w.sets);
  w.document = std::move(set);
  w.keys.swap(keys);
  add_write(std::move(w), std::move(old_document));
  states_.back().partial = true;
  return true;
}

bool WriteSet::has_partial_write(std::string_view table) const {
  for (std::size_t i = 0; i < writes_.size(); ++i) {
    if (states_[i].partial && writes_[i].layout->table == table) return true;
  }
  return false;
}

Status WriteSet::remove(std::string_view id, std::int64_t expected_version, double creation_time,
                        Value old_document) {
  const TableSchema* table = store_.table_of_id(id);
  if (table == nullptr) return Status(ErrorCode::not_found, "\"" + std::string(id.substr(0, 64)) + "\" is not a document id of this store");
  auto slot = existing_slot(id);
  if (slot) {
    RowWrite& w = writes_[*slot];
    if (states_[*slot].dropped || w.op == WriteOp::remove) {
      return Status(ErrorCode::not_found, "document \"" + std::string(id) + "\" was deleted earlier in this mutation");
    }
    if (w.op == WriteOp::insert) {
      states_[*slot].dropped = true;
    } else {
      w.op = WriteOp::remove;
    }
    states_[*slot].partial = false;  // a delete needs no document
    return Status::Ok();
  }
  RowWrite w = spare_write();
  w.op = WriteOp::remove;
  w.layout = &store_.layout_of(*table);
  w.id.assign(id);
  w.creation_time = creation_time;
  w.expected_version = expected_version;
  w.document = nullptr;
  w.keys.clear();
  w.sets.clear();
  add_write(std::move(w), std::move(old_document));
  return Status::Ok();
}

void WriteSet::live_writes(std::vector<const RowWrite*>& out, std::vector<int>& origin) const {
  for (std::size_t i = 0; i < writes_.size(); ++i) {
    if (states_[i].dropped) continue;
    out.push_back(&writes_[i]);
    origin.push_back(static_cast<int>(i));
  }
}

CommitPlan WriteSet::commit_plan() const {
  std::vector<const RowWrite*> live;
  std::vector<int> origin;
  live_writes(live, origin);
  CommitPlan plan = build_commit(live, store_.dialect());
  for (auto& step : plan.steps) {
    if (step.write >= 0) step.write = origin[static_cast<std::size_t>(step.write)];
  }
  return plan;
}

Value WriteSet::first_conflict() const {
  const WriteRecord* hit = store_.commits().first_conflict(reads_, begin_sequence_);
  if (hit == nullptr) return nullptr;
  return {{"table", hit->table}, {"id", hit->id}};
}

namespace {

// The refusal of a write logged under an id of no table of the store.
Status not_an_id(std::string_view id) {
  return Status(ErrorCode::not_found, "\"" + std::string(id.substr(0, 64)) + "\" is not a document id of this store");
}

// The commit log's record of a write of document `id`, written over `record` (a fresh one or
// a recycled one, CommitLog::recycled: its strings' capacity is reused): its keys in every
// index of `layout` before (`old_document`, its indexed fields; nullptr: an insert) and after
// (`new_keys`, in layout order; nullptr: a delete), then in the implicit indexes.
void fill_write_record(WriteRecord& record, const TableLayout& layout, std::string_view id, double creation_time,
                       const Value* old_document, const std::vector<std::string>* new_keys) {
  const bool before = old_document != nullptr;
  const bool after = new_keys != nullptr;
  // `side` holding a copy of `key`, or nothing.
  const auto set = [](std::optional<std::string>& side, bool present, std::string_view key) {
    if (!present) side.reset();
    else if (side) side->assign(key);
    else side.emplace(key);
  };
  const auto slot = [](std::optional<std::string>& side) -> std::string& { return side ? *side : side.emplace(); };
  record.table.assign(layout.table);
  record.id.assign(id);
  record.by_id_only = false;
  const std::size_t indexes = layout.indexes.size();
  record.keys.resize(indexes + 2);
  thread_local std::vector<const Value*> values;  // scratch, kept between calls
  bool befores = before;
  for (std::size_t k = 0; k < indexes; ++k) {
    IndexKeys& keys = record.keys[k];
    keys.index.assign(layout.indexes[k].name);
    if (befores) {
      index_field_values(layout.indexes[k], *old_document, values);
      befores = document_index_key_into(slot(keys.before), values, creation_time, id);
    }
    set(keys.after, after, after ? std::string_view((*new_keys)[k]) : std::string_view());
  }
  // An old document over a key limit cannot be in a range read: no keys before.
  if (!befores) {
    for (std::size_t k = 0; k < indexes; ++k) record.keys[k].before.reset();
  }
  // The implicit indexes: (_creationTime, _id) and _id, encoded directly into one side and
  // copied to the other.
  IndexKeys& creation = record.keys[indexes];
  creation.index.assign(kByCreationTime);
  std::string& creation_key = slot(after ? creation.after : creation.before);
  creation_key.clear();
  append_index_key_float64(creation_key, creation_time);
  append_index_key_string(creation_key, id);
  IndexKeys& by_id = record.keys[indexes + 1];
  by_id.index.assign(kById);
  std::string& id_key = slot(after ? by_id.after : by_id.before);
  id_key.clear();
  append_index_key_string(id_key, id);
  if (after) {
    set(creation.before, before, creation_key);
    set(by_id.before, before, id_key);
  } else {
    creation.after.reset();
    by_id.after.reset();
  }
}

}  // namespace

Result<std::vector<int>> WriteSet::record_commit() {
  std::vector<WriteRecord> records = store_.commits().recycled();
  std::size_t count = 0;
  for (std::size_t i = 0; i < writes_.size(); ++i) {
    if (states_[i].dropped) continue;
    const RowWrite& w = writes_[i];
    if (count == records.size()) records.emplace_back();
    fill_write_record(records[count++], *w.layout, w.id, w.creation_time,
                      w.op != WriteOp::insert ? &states_[i].old_document : nullptr,
                      w.op != WriteOp::remove ? &w.keys : nullptr);
  }
  records.erase(records.begin() + static_cast<std::ptrdiff_t>(count), records.end());
  std::vector<int> affected = store_.subscriptions().affected(records);
  sequence_ = store_.commits().append(std::move(records));
  return affected;
}

Result<std::vector<int>> Store::log_committed_write(const TableSchema* table, std::string_view id, double creation_time,
                                                    const std::vector<const Value*>& old_fields,
                                                    const std::vector<const Value*>* new_fields) {
  if (table == nullptr) return not_an_id(id);
  const TableLayout& layout = layout_of(*table);
  // The record fill_write_record makes, its keys written here directly: a key is its fields'
  // encodings followed by those of _creationTime and _id (value/index_key.hpp), i.e. by the
  // key of (_creationTime, _id), whose tail is the key of _id.
  std::string creation;
  creation.reserve(16 + id.size());
  append_index_key_float64(creation, creation_time);
  const std::size_t time_size = creation.size();
  append_index_key_string(creation, id);
  const auto key_of = [&](const std::vector<const Value*>& fields, std::size_t first, std::size_t count) {
    std::string key;
    key.reserve(16 + creation.size());
    for (std::size_t j = first; j < first + count; ++j) append_index_key(key, fields[j]);
    key += creation;
    return key;
  };
  WriteRecord record{layout.table, std::string(id), {}};
  record.keys.reserve(layout.indexes.size() + 2);
  bool before_fits = true;  // as index_keys: an old key over the limit drops every old key
  std::size_t first = 0;    // the index's first field in the lists (Store::indexed_fields order)
  for (const auto& index : layout.indexes) {
    const std::size_t count = index.fields.size();
    IndexKeys& keys = record.keys.emplace_back();
    keys.index = index.name;
    if (new_fields != nullptr) {
      keys.after = key_of(*new_fields, first, count);
      if (keys.after->size() > limits::kMaxIndexKeyBytes) {
        // index_keys' refusal, word for word.
        std::vector<const Value*> values(new_fields->begin() + first, new_fields->begin() + first + count);
        auto refused = document_index_key(values, creation_time, id);
        return Status(refused.status().code(), "index \"" + index.name + "\" of table \"" + layout.table +
                                                   "\": " + refused.status().message());
      }
    }
    keys.before = new_fields == &old_fields ? *keys.after : key_of(old_fields, first, count);
    before_fits = before_fits && keys.before->size() <= limits::kMaxIndexKeyBytes;
    first += count;
  }
  if (!before_fits) {
    for (auto& keys : record.keys) keys.before.reset();  // such a document cannot be in a range read
  }
  // The implicit indexes: (_creationTime, _id) and _id.
  IndexKeys& by_creation = record.keys.emplace_back();
  by_creation.index = kByCreationTime;
  IndexKeys& by_id = record.keys.emplace_back();  // (reserved: by_creation stays valid)
  by_id.index = kById;
  by_id.before.emplace(creation, time_size);
  if (new_fields != nullptr) {
    by_id.after = by_id.before;
    by_creation.before = creation;
    by_creation.after = std::move(creation);
  } else {
    by_creation.before = std::move(creation);
  }
  std::vector<WriteRecord> records;
  records.push_back(std::move(record));
  std::vector<int> affected = subscriptions_.affected(records);
  commits_.confirm(commits_.append(std::move(records)));
  return affected;
}

Result<std::vector<int>> Store::log_pending_by_id(const TableSchema* table, std::string_view id) {
  if (table == nullptr) return not_an_id(id);
  // Written over a recycled record's strings when there is one (a patch then allocates nothing).
  std::vector<WriteRecord> records = commits_.recycled();
  records.resize(1);
  WriteRecord& record = records.front();
  record.table.assign(layout_of(*table).table);
  record.id.assign(id);
  record.by_id_only = true;
  record.keys.resize(1);
  IndexKeys& by_id = record.keys.front();
  by_id.index.assign(kById);
  std::string& key = by_id.before ? *by_id.before : by_id.before.emplace();
  key.clear();
  append_index_key_string(key, id);
  if (by_id.after) by_id.after->assign(key);
  else by_id.after.emplace(key);
  std::vector<int> affected = subscriptions_.affected(records);
  commits_.append(std::move(records));  // pending: confirmed or retracted by the caller
  return affected;
}

Value WriteSet::describe(int write) const {
  if (write < 0 || static_cast<std::size_t>(write) >= writes_.size()) return nullptr;
  const RowWrite& w = writes_[static_cast<std::size_t>(write)];
  const char* op = w.op == WriteOp::insert ? "insert" : w.op == WriteOp::update ? "update" : "delete";
  return {{"table", w.layout->table}, {"id", w.id}, {"op", op}};
}

}  // namespace lunora
