#include "lunora/store/blind_patch.hpp"

#include <algorithm>

#include "lunora/schema/limits.hpp"
#include "lunora/sql/blind_patch.hpp"
#include "lunora/validation/validate.hpp"

namespace lunora {
namespace {

// `{`, `}` and, generously, the system fields as if they counted: `"_creationTime":<number>,`
// and `"_id":"<id>",` (the limit applies to the user fields alone).
std::size_t document_overhead(std::string_view id) {
  return 2 + member_wire_overhead(kCreationTimeColumn) + 27 + member_wire_overhead(kIdColumn) + 6 * id.size() + 2;
}

bool indexed(const TableLayout& layout, std::string_view field) {
  for (const auto& index : layout.indexes) {
    if (std::find(index.fields.begin(), index.fields.end(), field) != index.fields.end()) return true;
  }
  return false;
}

// The layout column of a field the patch may name, or -1.
int patchable_column(const TableLayout& layout, std::string_view field) {
  if (field.empty() || field[0] == '_' || indexed(layout, field)) return -1;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (layout.columns[i].field == field) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::optional<BlindPatchStatement> plan_blind_patch(const Store& store, std::string_view id, const Value& set,
                                                    const std::vector<std::string>& unset) {
  if (!store.dialect().capabilities().update_returns_old_row || !set.is_object()) return std::nullopt;
  const TableSchema* table = store.table_of_id(id);
  if (table == nullptr || !is_id_of_table(id, table->name)) return std::nullopt;
  const TableLayout& layout = store.layout_of(*table);
  if (layout.columns.size() > kMaxBlindPatchFields || (set.empty() && unset.empty())) return std::nullopt;

  BlindPatch patch;
  patch.layout = &layout;
  patch.id = id;
  patch.set = &set;
  patch.named.assign(layout.columns.size(), false);
  std::size_t known = document_overhead(id);  // bytes of the merged document known here
  const ValidationOptions options = store.validation_options();
  for (const auto& [field, value] : set.get_ref<const Value::object_t&>()) {
    const int column = patchable_column(layout, field);
    if (column < 0) return std::nullopt;
    const ValidatorField* declared = table->find_field(field);
    if (declared == nullptr || !document_field_ok(*declared, value, options, known)) return std::nullopt;
    patch.named[static_cast<std::size_t>(column)] = true;
    known += member_wire_overhead(field);
  }
  for (const auto& field : unset) {
    const int column = patchable_column(layout, field);
    if (column < 0 || patch.named[static_cast<std::size_t>(column)]) return std::nullopt;  // also named twice
    const ValidatorField* declared = table->find_field(field);
    if (declared == nullptr || declared->validator.kind != ValidatorKind::optional) return std::nullopt;
    patch.named[static_cast<std::size_t>(column)] = true;
  }
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (patch.named[i]) continue;
    known += member_wire_overhead(layout.columns[i].field) + column_wire_bound(layout.columns[i].kind).constant;
  }
  if (known > limits::kMaxDocumentBytes) return std::nullopt;
  patch.budget = limits::kMaxDocumentBytes - known;
  return BlindPatchStatement{table, blind_patch_statement(patch, store.dialect())};
}

}  // namespace lunora
