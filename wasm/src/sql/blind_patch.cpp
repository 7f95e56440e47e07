#include "lunora/sql/blind_patch.hpp"

#include <algorithm>
#include <vector>

#include "lunora/sql/column_values.hpp"
#include "lunora/sql/document_sql.hpp"

namespace lunora {
namespace {

constexpr std::string_view kNew = "n";  // the row written
constexpr std::string_view kOld = "o";  // the locked read of it

void qualified(StatementBuilder& b, std::string_view table, std::string_view column) {
  if (!table.empty()) b.identifier(table).sql(".");
  b.identifier(column);
}

// Whether column `i` counts in the size condition: not named by the patch, of variable size.
bool in_size_bound(const BlindPatch& patch, std::size_t i) {
  return !patch.named[i] && has_variable_wire_bound(patch.layout->columns[i].kind);
}

// Whether the statement has the size condition (an unnamed column of variable size).
bool has_size_condition(const BlindPatch& patch) {
  for (std::size_t i = 0; i < patch.layout->columns.size(); ++i) {
    if (in_size_bound(patch, i)) return true;
  }
  return false;
}

bool is_indexed(const TableLayout& layout, std::string_view field) {
  for (const auto& index : layout.indexes) {
    for (const auto& f : index.fields) {
      if (f == field) return true;
    }
  }
  return false;
}

// `<named fields>, <keys of indexes over them>, ` (the SET list before _version): `row` names the
// updated row in the key expressions.
void append_set_list(StatementBuilder& b, const BlindPatch& patch, std::string_view row) {
  const TableLayout& layout = *patch.layout;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) {
    if (!patch.named[i]) continue;
    const FieldColumn& c = layout.columns[i];
    b.identifier(c.field).sql(" = ");
    const Value* value = patch.values[i];
    if (value == nullptr) b.sql("NULL");      // removed: missing
    else bind_column_value(b, c, value);      // as the careful path's UPDATE binds it
    b.sql(", ");
  }
  for (std::size_t i = 0; i < layout.indexes.size(); ++i) {
    if (patch.key_prefixes.empty() || patch.key_prefixes[i].empty()) continue;
    // `"_k" = <prefix> || substring("n"."_k" from octet_length("n"."_k") - <suffix> + 1)`
    const std::string& key = layout.indexes[i].key_column;
    b.identifier(key).sql(" = ");
    bind_bytes(b, patch.key_prefixes[i]);
    if (b.params_only()) continue;
    b.sql(" || substring(");
    qualified(b, row, key);
    b.sql(" from octet_length(");
    qualified(b, row, key);
    b.sql(") - " + std::to_string(patch.key_suffix) + " + 1), ");
  }
}

// The kinds of the columns in the bound, in the order they first appear (one term each).
std::vector<ColumnKind> bound_kinds(const BlindPatch& patch) {
  const auto& columns = patch.layout->columns;
  std::vector<ColumnKind> kinds;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (in_size_bound(patch, i) && std::find(kinds.begin(), kinds.end(), columns[i].kind) == kinds.end()) {
      kinds.push_back(columns[i].kind);
    }
  }
  return kinds;
}

// MariaDB / MySQL: `6 * LENGTH(CONCAT_WS('', `o`.`a`, `o`.`b`)) + 4 * LENGTH(CONCAT_WS('', `o`.`d`)) DIV 3`,
// one term per column kind in the order the kinds first appear. The server parses every
// statement (no prepared statements through Hyperdrive), so a shorter text costs less: this
// form measured 1.060-1.062 of a bare UPDATE against 1.073-1.075 for a COALESCE term per
// column. CONCAT_WS skips NULLs (a missing field counts 0); a sum's DIV is at least the sum
// of its terms' DIVs, so the bound only grows. Should the concatenation exceed the server's
// max_allowed_packet it is NULL, the condition is not true and nothing is written: the store
// then re-runs the mutation reading first, as for any blind patch that wrote nothing.
void append_mysql_size_terms(StatementBuilder& b, const BlindPatch& patch, std::string_view row) {
  const auto& columns = patch.layout->columns;
  const std::vector<ColumnKind> kinds = bound_kinds(patch);
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const ColumnWireBound bound = column_wire_bound(kinds[k]);
    b.sql(k == 0 ? " AND " : " + ");
    b.sql(std::to_string(bound.per_octet) + " * LENGTH(CONCAT_WS(''");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (in_size_bound(patch, i) && columns[i].kind == kinds[k]) qualified(b.sql(", "), row, columns[i].field);
    }
    b.sql("))");
    if (bound.divisor != 1) b.sql(" DIV " + std::to_string(bound.divisor));
  }
}

// Postgres: ` AND 6 * (octet_length("o"."a")::int8 + COALESCE(octet_length("o"."b"), 0)) + 4 *
// (...) / 3`, one term per column kind as MySQL's, each a sum in int8 from its first column on
// (octet_length is int4; a sum of many columns could overflow it). The UPDATE's own row (`row`
// ""): JSON by the text the point read selects, `octet_length(CAST("c" AS text))`. Only a
// column that may be NULL (a missing field) is wrapped in COALESCE; were another NULL anyway,
// the condition would not be true and nothing written, and the store re-runs the mutation
// reading first. One sum per kind measured ~3 us less server time per patch than a COALESCE
// term per column, a product, a cast and a COALESCE each (scripts/bench/size-bound-probe.mjs).
void append_postgres_size_terms(StatementBuilder& b, const BlindPatch& patch, std::string_view row) {
  const auto& columns = patch.layout->columns;
  const std::vector<ColumnKind> kinds = bound_kinds(patch);
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const ColumnWireBound bound = column_wire_bound(kinds[k]);
    const bool cast = row.empty() && kinds[k] == ColumnKind::json;
    b.sql(k == 0 ? " AND " : " + ");
    b.sql(std::to_string(bound.per_octet) + " * (");
    bool first = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!in_size_bound(patch, i) || columns[i].kind != kinds[k]) continue;
      const bool nullable = columns[i].null_means != NullMeaning::never;
      if (!first) b.sql(" + ");
      if (nullable) b.sql("COALESCE(");
      b.sql("octet_length(");
      if (cast) b.sql("CAST(");
      qualified(b, row, columns[i].field);
      if (cast) b.sql(" AS text)");
      b.sql(nullable ? "), 0)" : ")");
      if (first) b.sql("::int8");
      first = false;
    }
    b.sql(")");
    if (bound.divisor != 1) b.sql(" / " + std::to_string(bound.divisor));
  }
}

// ` AND <terms> <= <budget_in_text>` over `row`'s unnamed columns of variable size, when there is one.
void append_size_condition(StatementBuilder& b, const BlindPatch& patch, std::string_view row, bool sized) {
  if (!sized || b.params_only()) return;
  if (b.is_postgres()) append_postgres_size_terms(b, patch, row);
  else append_mysql_size_terms(b, patch, row);
  b.sql(" <= " + std::to_string(budget_in_text(patch.budget)));
}

// `_id, _creationTime, _version, <fields>, <index keys>`: every column of the layout, of `row`
// ("": unqualified).
void append_layout_columns(StatementBuilder& b, const TableLayout& layout, std::string_view row) {
  qualified(b, row, kIdColumn);
  b.sql(", ");
  qualified(b, row, kCreationTimeColumn);
  b.sql(", ");
  qualified(b, row, kVersionColumn);
  for (const auto& c : layout.columns) qualified(b.sql(", "), row, c.field);
  for (const auto& index : layout.indexes) qualified(b.sql(", "), row, index.key_column);
}

// ` RETURNING _id, _creationTime, _version, <indexed fields as the point read selects them>`.
void append_returning_keys(StatementBuilder& b, const TableLayout& layout) {
  b.sql(" RETURNING ").identifier(kIdColumn).sql(", ").identifier(kCreationTimeColumn).sql(", ").identifier(kVersionColumn);
  for (const auto& c : layout.columns) {
    if (!is_indexed(layout, c.field)) continue;
    b.sql(", ");
    append_select_column(b, c);
  }
}

// MariaDB (no UPDATE ... RETURNING): the row re-inserted from its locked read, the patch as the
// duplicate key's update, which RETURNING then answers (the row after):
//   INSERT INTO t (<every column>) SELECT o.<every column> FROM t AS o WHERE o._id = ?
//   [AND <size bound of o's other columns> <= ?] FOR UPDATE
//   ON DUPLICATE KEY UPDATE <named fields>, _version = t._version + 1 RETURNING <keys>
// (without FOR UPDATE, concurrent runs deadlock: the read's shared lock, then the update's).
void write_mariadb_blind_patch(StatementBuilder& b, const BlindPatch& patch, bool sized) {
  const TableLayout& layout = *patch.layout;
  b.sql("INSERT INTO ").identifier(layout.sql_table).sql(" (");
  if (!b.params_only()) append_layout_columns(b, layout, "");
  b.sql(") SELECT ");
  if (!b.params_only()) append_layout_columns(b, layout, kOld);
  b.sql(" FROM ").identifier(layout.sql_table).sql(" AS ").identifier(kOld).sql(" WHERE ");
  qualified(b, kOld, kIdColumn);
  b.sql(" = ").text_param(patch.id);
  append_size_condition(b, patch, kOld, sized);
  b.sql(" FOR UPDATE ON DUPLICATE KEY UPDATE ");
  append_set_list(b, patch, "");
  b.identifier(kVersionColumn).sql(" = ");
  qualified(b, layout.sql_table, kVersionColumn);
  b.sql(" + 1");
  if (!b.params_only()) append_returning_keys(b, layout);
}

// The statement into `b` (either mode of StatementBuilder).
void write_blind_patch(StatementBuilder& b, const BlindPatch& patch, bool sized) {
  const TableLayout& layout = *patch.layout;
  if (patch.returns_nothing || (patch.returns_new && b.is_postgres())) {
    // UPDATE t SET ..., _version = _version + 1 WHERE _id = $id [AND bound] [RETURNING <keys>]
    b.sql("UPDATE ").identifier(layout.sql_table).sql(" SET ");
    append_set_list(b, patch, "");
    b.identifier(kVersionColumn).sql(" = ").identifier(kVersionColumn).sql(" + 1 WHERE ").identifier(kIdColumn).sql(" = ");
    b.text_param(patch.id);
    append_size_condition(b, patch, "", sized);
    if (!patch.returns_nothing && !b.params_only()) append_returning_keys(b, layout);
    return;
  }
  if (!b.is_postgres()) {
    write_mariadb_blind_patch(b, patch, sized);
    return;
  }
  b.sql("UPDATE ").identifier(layout.sql_table).sql(" AS ").identifier(kNew).sql(" SET ");
  append_set_list(b, patch, kNew);
  b.identifier(kVersionColumn).sql(" = ");
  qualified(b, kNew, kVersionColumn);
  b.sql(" + 1 FROM (SELECT ");
  if (!b.params_only()) append_select_columns(b, layout);
  b.sql(" FROM ").identifier(layout.sql_table).sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(patch.id);
  b.sql(" FOR UPDATE) AS ").identifier(kOld).sql(" WHERE ");
  qualified(b, kNew, kIdColumn);
  b.sql(" = ");
  qualified(b, kOld, kIdColumn);
  append_size_condition(b, patch, kOld, sized);
  if (b.params_only()) return;
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
}

}  // namespace

std::size_t column_wire_bound(ColumnKind kind, std::size_t octets) noexcept {
  const ColumnWireBound bound = column_wire_bound(kind);
  return bound.per_octet * octets / bound.divisor + bound.constant;
}

Statement blind_patch_statement(const BlindPatch& patch, const Dialect& dialect) {
  StatementBuilder b(dialect);
  write_blind_patch(b, patch, has_size_condition(patch));
  return std::move(b).build();
}

bool blind_patch_params(const BlindPatch& patch, const Dialect& dialect, std::string& params_json, std::string& shape) {
  const bool sized = has_size_condition(patch);
  // The text's structure: the form, the table, each column named (set or removed), each key
  // set and its suffix length, the size condition; then each param's wrap.
  shape.push_back(patch.returns_nothing ? '-' : patch.returns_new ? 'N' : 'O');
  shape += patch.layout->sql_table;
  shape.push_back('\0');
  for (std::size_t i = 0; i < patch.layout->columns.size(); ++i) {
    shape.push_back(!patch.named[i] ? '.' : patch.values[i] != nullptr ? 's' : 'u');
  }
  for (std::size_t i = 0; i < patch.layout->indexes.size(); ++i) {
    shape.push_back(patch.key_prefixes.empty() || patch.key_prefixes[i].empty() ? '.' : 'k');
  }
  shape += std::to_string(patch.key_suffix);
  shape.push_back(sized ? '<' : '-');
  if (sized) shape += std::to_string(budget_in_text(patch.budget));
  StatementBuilder b(dialect, &params_json, &shape);
  write_blind_patch(b, patch, sized);
  return !b.generic_param_used();
}

}  // namespace lunora
