#include "lunora/layout/table_layout.hpp"

#include <optional>

#include "lunora/layout/naming.hpp"

namespace lunora {
namespace {

// The scalar column kind that holds every value `v` admits, if there is one.
std::optional<ColumnKind> scalar_kind(const Validator& v) {
  switch (v.kind) {
    case ValidatorKind::string:
    case ValidatorKind::id:
      return ColumnKind::text;
    case ValidatorKind::float64: return ColumnKind::float64;
    case ValidatorKind::int64: return ColumnKind::int64;
    case ValidatorKind::boolean: return ColumnKind::boolean;
    case ValidatorKind::bytes: return ColumnKind::bytes;
    case ValidatorKind::literal:
      switch (value_type(v.literal)) {
        case ValueType::string: return ColumnKind::text;
        case ValueType::float64: return ColumnKind::float64;
        case ValueType::int64: return ColumnKind::int64;
        case ValueType::boolean: return ColumnKind::boolean;
        default: return std::nullopt;
      }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view column_kind_name(ColumnKind kind) noexcept {
  switch (kind) {
    case ColumnKind::text: return "text";
    case ColumnKind::float64: return "float64";
    case ColumnKind::int64: return "int64";
    case ColumnKind::boolean: return "boolean";
    case ColumnKind::bytes: return "bytes";
    case ColumnKind::json: return "json";
  }
  return "json";
}

FieldColumn field_column(const ValidatorField& field) {
  const bool optional = field.validator.kind == ValidatorKind::optional;
  const Validator& v = optional ? field.validator.children.front() : field.validator;

  std::optional<ColumnKind> kind = scalar_kind(v);
  bool admits_null = false;
  if (!kind && v.kind == ValidatorKind::union_of) {
    // A union of members that share one scalar kind, plus at most a null member.
    std::optional<ColumnKind> shared;
    bool uniform = true;
    for (const auto& member : v.children) {
      if (member.kind == ValidatorKind::null) {
        admits_null = true;
        continue;
      }
      auto member_kind = scalar_kind(member);
      if (!member_kind || (shared && *shared != *member_kind)) {
        uniform = false;
        break;
      }
      shared = member_kind;
    }
    if (uniform && shared) kind = shared;
  }
  if (!kind || (optional && admits_null)) {
    return FieldColumn{field.name, ColumnKind::json, optional ? NullMeaning::missing : NullMeaning::never};
  }
  NullMeaning null_means = NullMeaning::never;
  if (optional) null_means = NullMeaning::missing;
  else if (admits_null) null_means = NullMeaning::null_value;
  return FieldColumn{field.name, *kind, null_means};
}

const FieldColumn* TableLayout::find_column(std::string_view field) const noexcept {
  for (const auto& c : columns) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

const IndexLayout* TableLayout::find_index(std::string_view name) const noexcept {
  for (const auto& i : indexes) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

TableLayout layout_table(const TableSchema& table, const Dialect& dialect) {
  const std::size_t max = dialect.capabilities().max_identifier_bytes;
  TableLayout layout;
  layout.table = table.name;
  layout.sql_table = fit_identifier(table.name, max);
  for (const auto& field : table.document.fields) layout.columns.push_back(field_column(field));
  for (const auto& index : table.indexes) {
    layout.indexes.push_back(IndexLayout{
        index.name,
        index.fields,
        fit_identifier("_k_" + index.name, max),
        fit_identifier(table.name + "__" + index.name, max),
    });
  }
  layout.creation_index = fit_identifier(table.name + "__by_creation_time", max);
  return layout;
}

}  // namespace lunora
