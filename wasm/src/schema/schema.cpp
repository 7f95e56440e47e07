#include "lunora/schema/schema.hpp"

#include <algorithm>

namespace lunora {

const ValidatorField* TableSchema::find_field(std::string_view field) const noexcept {
  for (const auto& f : document.fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

const IndexDef* TableSchema::find_index(std::string_view index) const noexcept {
  for (const auto& i : indexes) {
    if (i.name == index) return &i;
  }
  return nullptr;
}

const TableSchema* Schema::find_table(std::string_view table) const noexcept {
  auto it = std::lower_bound(tables.begin(), tables.end(), table,
                             [](const TableSchema& t, std::string_view name) { return t.name < name; });
  return it != tables.end() && it->name == table ? &*it : nullptr;
}

}  // namespace lunora
