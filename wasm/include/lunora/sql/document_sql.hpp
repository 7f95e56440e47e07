// SQL for reading and writing documents of a table layout.
//
// A mutation commits in one atomic step guarded by `_version`:
//   Postgres: ONE statement of data-modifying CTEs, one per written document, whose final
//     SELECT fails (a cast of 'lunora_conflict:<n>' to integer) when a guarded UPDATE or
//     DELETE matched no row. A failing statement leaves none of its CTEs' writes, so this is
//     atomic even over a pooled client where separate BEGIN/COMMIT calls may land on
//     different connections. A commit of a single write is that one statement alone (an
//     UPDATE/DELETE with `RETURNING 1`, which must return one row).
//   MySQL: statements run by the shim inside one transaction on one connection; each guarded
//     statement must report exactly one affected (matched: FOUND_ROWS) row, or the shim rolls
//     back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lunora/layout/table_layout.hpp"
#include "lunora/sql/statement.hpp"
#include "lunora/value/flat_value.hpp"

namespace lunora {

// The marker a Postgres commit raises for write n (0-based) whose guard failed.
inline constexpr std::string_view kConflictMarker = "lunora_conflict:";

enum class WriteOp { insert, update, remove };

struct RowWrite {
  WriteOp op = WriteOp::insert;
  const TableLayout* layout = nullptr;
  std::string id;
  double creation_time = 0;
  std::int64_t expected_version = 0;  // update/remove: the version read
  // insert/update: the user fields (an object). An insert read flat (store/flat_insert.hpp)
  // has none until document_of() builds it from `flat_wire`: its params come from `flat`.
  mutable Value document;
  std::vector<FlatValue> flat;  // insert read flat: one value per layout column; else empty
  std::string flat_wire;        // the flat insert's Lunora JSON, which `flat` refers to
  std::vector<std::string> keys;      // insert/update: one encoded key per layout index
  // update: the columns its UPDATE sets, in layout order (the field columns, then the index
  // keys); empty: all. A patch sets the fields it names and the keys that changed, so the row's
  // other columns are left alone: less for the server to parse, check and log, and Postgres
  // can keep the update HOT when no indexed column changes.
  std::vector<bool> sets;
};

// The user fields of `w`: its document, built first from its wire text for an insert read flat.
const Value& document_of(const RowWrite& w);

// Calls on_field(column) for each field column write `w` sets, then on_key(n) for each index
// key n it sets, in layout order (RowWrite::sets; all of them when it is empty).
template <class OnField, class OnKey>
void for_each_set_column(const RowWrite& w, OnField&& on_field, OnKey&& on_key) {
  const TableLayout& layout = *w.layout;
  const std::size_t columns = layout.columns.size();
  for (std::size_t i = 0; i < columns; ++i) {
    if (w.sets.empty() || w.sets[i]) on_field(layout.columns[i]);
  }
  for (std::size_t i = 0; i < layout.indexes.size(); ++i) {
    if (w.sets.empty() || w.sets[columns + i]) on_key(i);
  }
}

struct CommitStep {
  Statement statement;
  int expect_rows = -1;  // rows it must affect (MySQL) or return (Postgres); -1: no check
  int write = -1;        // the write it belongs to
};

struct CommitPlan {
  std::vector<CommitStep> steps;
  bool needs_transaction = false;  // MySQL: run the steps in one transaction
};

// `INSERT INTO t (_id, _creationTime, _version, fields..., index keys...) VALUES `, then one
// `(...)` per row (a new document starts at _version 1).
void append_insert_head(StatementBuilder& b, const TableLayout& layout);
void append_insert_row(StatementBuilder& b, const RowWrite& w);
// `, <field values...>, <index keys...>` of a write, in the layout's column order.
void append_document_values(StatementBuilder& b, const RowWrite& w);
// The same, for only the columns the write sets (for_each_set_column).
void append_set_values(StatementBuilder& b, const RowWrite& w);

// SELECT of the system columns then every field column.
void append_select_columns(StatementBuilder& b, const TableLayout& layout);
// One field column as append_select_columns selects it (JSON as its text, named as the column).
void append_select_column(StatementBuilder& b, const FieldColumn& column);
// Opens the WHERE clause of a store read with the dialect's fresh-read condition
// (Dialect::fresh_read_condition): " WHERE NOW() IS NOT NULL AND " when `more` conditions
// follow, " WHERE NOW() IS NOT NULL" when none do; " WHERE " / nothing on SQLite.
void append_read_where(StatementBuilder& b, bool more = true);
Statement select_by_id(const TableLayout& layout, const Dialect& dialect, std::string_view id);
// One page of a full scan in (_creationTime, _id) order, after (creation_time, id) if given.
Statement select_page_by_creation(const TableLayout& layout, const Dialect& dialect, const Value* after_creation_time,
                                  std::string_view after_id, std::size_t limit);

// Pointers to `writes`, for the planners that work over pointers (no document copies).
std::vector<const RowWrite*> write_pointers(const std::vector<RowWrite>& writes);
CommitPlan build_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect);
CommitPlan build_commit(const std::vector<RowWrite>& writes, const Dialect& dialect);
// build_commit()'s params and shape, without its texts (commit_output.hpp).
struct CommitParams;
CommitParams build_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect);
// The same into `params`, whose strings' and vectors' capacity is reused (a scratch kept
// between commits): the same contents as a fresh build_commit_params.
void build_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect, CommitParams& params);

namespace detail {
class PlanOut;
void plan_commit(PlanOut& out, const std::vector<const RowWrite*>& writes);
}  // namespace detail

}  // namespace lunora
