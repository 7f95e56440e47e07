#include "lunora/sql/blind_patch.hpp"

#include "lunora/sql/column_values.hpp"
#include "lunora/sql/document_sql.hpp"

namespace lunora {
namespace {

constexpr std::string_view kNew = "n";  // the row written
constexpr std::string_view kOld = "o";  // the locked read of it

// A field, or a member, of a document's Lunora JSON, by column kind (value/wire.cpp's
// to_wire; wire_size_bound gives the same constants):
//   text: a JSON string, each byte at most a 6-byte escape, and its quotes: 6 L + 2.
//   float64: at most 24 characters, or {"$float":"<12>"} (25); int64 {"$integer":"<12>"} (27).
//   boolean: `false` (5). bytes: {"$bytes":"<base64>"}, 13 + 4 ceil(L / 3) <= 4 L / 3 + 17.
//   json: the point read selects jsonb as its text t, which Postgres writes token by token
//     from what the store wrote (to_wire, parsed): strings and keys with the same escapes as
//     to_wire, true/false/null alike, structure with extra spaces (`, ` and `: `, tags
//     included). Only numbers differ: jsonb writes numeric as a plain decimal D of at least
//     one character, to_wire the double's shortest form. D parses to that double, so the
//     shortest form has no more significant digits than D: in fixed notation it is at most
//     one character longer (a carry: 99999999999999999 -> 100000000000000000) and only at
//     16+ digits; in exponent notation (below 1e-7 or from 1e21) D has at least 9 characters
//     and the form at most its digits plus 6. Every token is at most twice its text: 2 L.
//   SQL NULL: `null` (4) or nothing: every constant is at least 5.
constexpr ColumnWireBound kText{6, 1, 5};
constexpr ColumnWireBound kNumber{0, 1, 27};
constexpr ColumnWireBound kBoolean{0, 1, 5};
constexpr ColumnWireBound kBytes{4, 3, 17};
constexpr ColumnWireBound kJson{2, 1, 5};

void qualified(StatementBuilder& b, std::string_view table, std::string_view column) {
  b.identifier(table).sql(".").identifier(column);
}

// `COALESCE(6 * octet_length("o"."c")::int8, 0)`: the variable part of a column's bound, in
// int8 (octet_length is int4; a sum of many columns could overflow it).
void append_bound_term(StatementBuilder& b, const FieldColumn& c) {
  const ColumnWireBound bound = column_wire_bound(c.kind);
  b.sql("COALESCE(" + std::to_string(bound.per_octet) + " * octet_length(");
  qualified(b, kOld, c.field);
  b.sql(")::int8");
  if (bound.divisor != 1) b.sql(" / " + std::to_string(bound.divisor));
  b.sql(", 0)");
}

}  // namespace

ColumnWireBound column_wire_bound(ColumnKind kind) noexcept {
  switch (kind) {
    case ColumnKind::text: return kText;
    case ColumnKind::float64:
    case ColumnKind::int64: return kNumber;
    case ColumnKind::boolean: return kBoolean;
    case ColumnKind::bytes: return kBytes;
    case ColumnKind::json: return kJson;
  }
  return kJson;
}

std::size_t column_wire_bound(ColumnKind kind, std::size_t octets) noexcept {
  const ColumnWireBound bound = column_wire_bound(kind);
  return bound.per_octet * octets / bound.divisor + bound.constant;
}

std::size_t member_wire_overhead(std::string_view name) noexcept { return 6 * name.size() + 2 + 2; }

Statement blind_patch_statement(const BlindPatch& patch, const Dialect& dialect) {
  const TableLayout& layout = *patch.layout;
  StatementBuilder b(dialect);
  b.sql("UPDATE ").identifier(layout.sql_table).sql(" AS ").identifier(kNew).sql(" SET ");
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (!patch.named[i]) continue;
    const FieldColumn& c = layout.columns[i];
    b.identifier(c.field).sql(" = ");
    auto it = patch.set->find(c.field);
    if (it == patch.set->end()) b.sql("NULL");  // removed: missing
    else bind_column_value(b, c, &*it);          // as the careful path's UPDATE binds it
    b.sql(", ");
  }
  for (std::size_t i = 0; i < layout.indexes.size(); ++i) {
    if (patch.key_prefixes.empty() || patch.key_prefixes[i].empty()) continue;
    // `"_k" = <prefix> || substring("n"."_k" from octet_length("n"."_k") - <suffix> + 1)`
    const std::string& key = layout.indexes[i].key_column;
    b.identifier(key).sql(" = ");
    bind_bytes(b, patch.key_prefixes[i]);
    b.sql(" || substring(");
    qualified(b, kNew, key);
    b.sql(" from octet_length(");
    qualified(b, kNew, key);
    b.sql(") - " + std::to_string(patch.key_suffix) + " + 1), ");
  }
  b.identifier(kVersionColumn).sql(" = ");
  qualified(b, kNew, kVersionColumn);
  b.sql(" + 1 FROM (SELECT ");
  append_select_columns(b, layout);
  b.sql(" FROM ").identifier(layout.sql_table).sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(patch.id);
  b.sql(" FOR UPDATE) AS ").identifier(kOld).sql(" WHERE ");
  qualified(b, kNew, kIdColumn);
  b.sql(" = ");
  qualified(b, kOld, kIdColumn);
  bool first_term = true;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    const FieldColumn& c = layout.columns[i];
    if (patch.named[i] || !has_variable_wire_bound(c.kind)) continue;
    b.sql(first_term ? " AND " : " + ");
    first_term = false;
    append_bound_term(b, c);
  }
  if (!first_term) {
    b.sql(" <= ").text_param(std::to_string(patch.budget), ParamWrap::int8);
  }
  b.sql(" RETURNING ");
  qualified(b, kOld, kIdColumn);
  b.sql(", ");
  qualified(b, kOld, kCreationTimeColumn);
  b.sql(", ");
  qualified(b, kOld, kVersionColumn);
  for (const auto& c : layout.columns) {
    b.sql(", ");
    qualified(b, kOld, c.field);
  }
  return std::move(b).build();
}

}  // namespace lunora
