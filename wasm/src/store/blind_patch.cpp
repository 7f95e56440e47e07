#include "lunora/store/blind_patch.hpp"

#include "lunora/schema/limits.hpp"
#include "lunora/sql/blind_patch.hpp"
#include "lunora/validation/validate.hpp"
#include "lunora/value/index_key.hpp"

namespace lunora {
namespace {

// `{`, `}` and, generously, the system fields as if they counted: `"_creationTime":<number>,`
// and `"_id":"<id>",` (the limit applies to the user fields alone).
std::size_t document_overhead(std::string_view id) {
  return 2 + member_wire_overhead(kCreationTimeColumn) + 27 + member_wire_overhead(kIdColumn) + 6 * id.size() + 2;
}

// The layout column of a field the patch may name, or -1.
int patchable_column(const TableLayout& layout, std::string_view field) {
  if (field.empty() || field[0] == '_') return -1;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (layout.columns[i].field == field) return static_cast<int>(i);
  }
  return -1;
}

bool is_named(const TableLayout& layout, const BlindPatch& patch, std::string_view field) {
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (layout.columns[i].field == field) return patch.named[i];
  }
  return false;
}

// The value the patch sets `field` to; nullptr: removed.
const Value* value_set(const TableLayout& layout, const BlindPatch& patch, std::string_view field) {
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (layout.columns[i].field == field) return patch.values[i];
  }
  return nullptr;
}

// The new key prefix of each index whose fields the patch names (BlindPatch::key_prefixes).
// False when it names only some of an index's fields (the key needs the others), or a key
// would be longer than the careful path allows.
// key_prefixes stays empty when no key changes (BlindPatch allows it: no allocation).
bool plan_index_keys(const TableLayout& layout, BlindPatch& patch) {
  // The key of no fields: exactly the suffix of every key of this document (the encodings of
  // _creationTime, of fixed size, and of _id), as document_index_key({}, 0.0, id) writes it.
  thread_local std::string suffix;  // scratch, kept between calls
  suffix.clear();
  append_index_key_float64(suffix, 0.0);
  append_index_key_string(suffix, patch.id);
  if (suffix.size() > limits::kMaxIndexKeyBytes) return false;
  patch.key_suffix = suffix.size();
  std::vector<const Value*> values;
  for (std::size_t i = 0; i < layout.indexes.size(); ++i) {
    const IndexLayout& index = layout.indexes[i];
    std::size_t named = 0;
    for (const auto& field : index.fields) named += is_named(layout, patch, field) ? 1 : 0;
    if (named == 0) continue;
    if (named != index.fields.size()) return false;
    if (patch.key_prefixes.empty()) patch.key_prefixes.assign(layout.indexes.size(), std::string());
    values.clear();
    for (const auto& field : index.fields) values.push_back(value_set(layout, patch, field));  // removed: missing
    // The whole key, for its length check; any _creationTime encodes to the same length.
    auto key = document_index_key(values, 0.0, patch.id);
    if (!key) return false;
    std::string prefix = std::move(key).value();
    prefix.resize(prefix.size() - patch.key_suffix);
    patch.key_prefixes[i] = std::move(prefix);
  }
  return true;
}

// The declared field a patch may name (not a system or `_` field), or nullptr.
const ValidatorField* patchable_field(const TableSchema& table, std::string_view field) {
  return field.empty() || field[0] == '_' ? nullptr : table.find_field(field);
}

}  // namespace

bool patch_sets_ok(const TableSchema& table, std::string_view field, const Value& value, const ValidationOptions& options,
                   std::size_t& size_bound) {
  const ValidatorField* declared = patchable_field(table, field);
  if (declared == nullptr || !document_field_ok(*declared, value, options, size_bound)) return false;
  size_bound += member_wire_overhead(field);
  return true;
}

bool patch_removes_ok(const TableSchema& table, std::string_view field) {
  const ValidatorField* declared = patchable_field(table, field);
  return declared != nullptr && declared->validator.kind == ValidatorKind::optional;
}

std::optional<BlindPatchPlan> plan_blind_patch(const Store& store, std::string_view id, const Value& set,
                                               const std::vector<std::string>& unset, bool need_old_row, bool log_by_id) {
  if (!set.is_object()) return std::nullopt;
  std::vector<PatchField> fields;
  fields.reserve(set.size());
  for (const auto& [field, value] : set.get_ref<const Value::object_t&>()) fields.push_back(PatchField{field, &value});
  return plan_blind_patch(store, id, fields, unset, need_old_row, log_by_id);
}

bool plan_blind_patch(const Store& store, std::string_view id, const std::vector<PatchField>& set,
                      const std::vector<std::string>& unset, bool need_old_row, bool log_by_id, BlindPatchPlan& plan) {
  // Postgres; MariaDB only for the form returning the new row (sql/blind_patch.hpp).
  const bool mariadb = store.dialect().engine() == Engine::mysql && store.engine_options().mariadb_returning;
  if (!(store.dialect().capabilities().update_returns_old_row || (mariadb && !need_old_row))) return false;
  // (table_of_id answers the table whose hash the id carries: is_id_of_table holds.)
  const TableSchema* table = store.table_of_id(id);
  if (table == nullptr) return false;
  const TableLayout& layout = store.layout_of(*table);
  if (layout.columns.size() > kMaxBlindPatchFields || (set.empty() && unset.empty())) return false;

  BlindPatch& patch = plan.patch;  // reset, its vectors' capacity kept
  patch.layout = &layout;
  patch.id = id;
  patch.named.assign(layout.columns.size(), false);
  patch.values.assign(layout.columns.size(), nullptr);
  patch.key_prefixes.clear();
  std::size_t known = document_overhead(id);  // bytes of the merged document known here
  const ValidationOptions options = store.validation_options();
  for (const auto& [field, value] : set) {
    const int column = patchable_column(layout, field);
    if (column < 0 || patch.named[static_cast<std::size_t>(column)]) return false;  // also named twice
    if (!patch_sets_ok(*table, field, *value, options, known)) return false;
    patch.named[static_cast<std::size_t>(column)] = true;
    patch.values[static_cast<std::size_t>(column)] = value;
  }
  for (const auto& field : unset) {
    const int column = patchable_column(layout, field);
    if (column < 0 || patch.named[static_cast<std::size_t>(column)]) return false;  // also named twice
    if (!patch_removes_ok(*table, field)) return false;
    patch.named[static_cast<std::size_t>(column)] = true;
  }
  if (!plan_index_keys(layout, patch)) return false;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (patch.named[i]) continue;
    known += member_wire_overhead(layout.columns[i].field) + column_wire_bound(layout.columns[i].kind).constant;
  }
  if (known > limits::kMaxDocumentBytes) return false;
  patch.budget = limits::kMaxDocumentBytes - known;
  bool keys_change = false;
  for (const auto& prefix : patch.key_prefixes) keys_change = keys_change || !prefix.empty();
  if (mariadb && keys_change) return false;
  patch.returns_new = !need_old_row && !keys_change;
  // Nothing returned: success is read from the affected-row count, which the execs must report.
  patch.returns_nothing = patch.returns_new && log_by_id && store.dialect().capabilities().row_count_guard;
  plan.table = table;
  return true;
}

std::optional<BlindPatchPlan> plan_blind_patch(const Store& store, std::string_view id, const std::vector<PatchField>& set,
                                               const std::vector<std::string>& unset, bool need_old_row, bool log_by_id) {
  BlindPatchPlan plan;
  if (!plan_blind_patch(store, id, set, unset, need_old_row, log_by_id, plan)) return std::nullopt;
  return plan;
}

}  // namespace lunora
