// A patch as ONE statement that needs no prior read (Postgres: Dialect capability
// update_returns_old_row).
//
//   UPDATE t AS n SET <named fields>, <keys of indexes over them>, _version = n._version + 1
//   FROM (SELECT <the point read's columns> FROM t WHERE _id = $id FOR UPDATE) AS o
//   WHERE n._id = o._id [AND <size bound of o's other columns> <= $budget]
//   RETURNING o.<the point read's columns>
//
// It returns the row as it was before (the locked read: after any concurrent commit), so the
// shim decodes it like a point read and logs the write from it; zero rows (no such document,
// or the size bound refused) and the shim re-runs the mutation reading first.
//
// When the caller needs no more of the old row than its index keys and the patch changes no
// key (BlindPatch::returns_new), the cheaper form, with no join and no lock of its own:
//
//   UPDATE t SET <named fields>, _version = _version + 1
//   WHERE _id = $id [AND <size bound of t's other columns> <= $budget]
//   RETURNING _id, _creationTime, _version, <indexed fields as the point read selects them>
//
// It returns the row after (its new _version); the indexed fields are the same before and after.
//
// MariaDB >= 10.5 (EngineOptions::mariadb_returning) has no UPDATE ... RETURNING but returns
// the row an INSERT ... ON DUPLICATE KEY UPDATE leaves, so there only that form is offered,
// the row re-inserted from its locked read with the patch as the duplicate key's update:
//
//   INSERT INTO t (<every column>) SELECT o.<every column> FROM t AS o
//   WHERE o._id = ? [AND <size bound of o's other columns, by LENGTH()> <= ?] FOR UPDATE
//   ON DUPLICATE KEY UPDATE <named fields>, _version = t._version + 1
//   RETURNING _id, _creationTime, _version, <indexed fields as the point read selects them>
//
// No row when the document is missing (nothing selected) or the bound refused.
//
// When moreover the write may be logged by its id alone (WriteRecord::by_id_only: no reader of
// the table off by_id, store_api's check) and the execs report affected-row counts (Dialect
// capability row_count_guard), the bare form on both engines (BlindPatch::returns_nothing):
//
//   UPDATE t SET <named fields>, _version = _version + 1
//   WHERE _id = $id [AND <size bound of t's other columns> <= $budget]
//
// Success: one row affected (_version always changes, so MySQL's changed rows are its matched
// rows); none: as no row returned above.
//
// The size bound: the store refuses a document whose Lunora JSON exceeds
// limits::kMaxDocumentBytes, and this statement must never write one. The columns the patch
// does not name are bounded in SQL from their octet length (column_wire_bound); the rest
// (the named fields' values, every key, the system fields) is known here and taken off the
// limit: the budget.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/layout/table_layout.hpp"
#include "lunora/sql/statement.hpp"

namespace lunora {

// An upper bound of the Lunora JSON size of a stored value of a column, from the octet length
// L of the column as the point read selects it (JSON as its text):
//   per_octet * L / divisor + constant   (integer division; per_octet 0: a constant bound).
// The constant also covers SQL NULL (`null`, or the field missing).
struct ColumnWireBound {
  std::size_t per_octet;
  std::size_t divisor;
  std::size_t constant;
};
namespace detail {
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
inline constexpr ColumnWireBound kTextWireBound{6, 1, 5};
inline constexpr ColumnWireBound kNumberWireBound{0, 1, 27};
inline constexpr ColumnWireBound kBooleanWireBound{0, 1, 5};
inline constexpr ColumnWireBound kBytesWireBound{4, 3, 17};
inline constexpr ColumnWireBound kJsonWireBound{2, 1, 5};
}  // namespace detail

// (Inline: the planner sums them over every column of the table on each blind patch.)
inline ColumnWireBound column_wire_bound(ColumnKind kind) noexcept {
  switch (kind) {
    case ColumnKind::text: return detail::kTextWireBound;
    case ColumnKind::float64:
    case ColumnKind::int64: return detail::kNumberWireBound;
    case ColumnKind::boolean: return detail::kBooleanWireBound;
    case ColumnKind::bytes: return detail::kBytesWireBound;
    case ColumnKind::json: return detail::kJsonWireBound;
  }
  return detail::kJsonWireBound;
}
// The bound for a value of `octets` (the C++ mirror of the SQL term, for tests and callers).
std::size_t column_wire_bound(ColumnKind kind, std::size_t octets) noexcept;
// At most the bytes around a member's value in a document's Lunora JSON: `"name":` and a comma.
inline std::size_t member_wire_overhead(std::string_view name) noexcept { return 6 * name.size() + 2 + 2; }

// The size condition's right side, written into the statement's text rather than bound: the
// budget rounded down to a multiple of kBudgetStep, so a table's texts stay few (at most 16 per
// shape; every small patch has the same one) and the statement has no extra parameter (each
// costs the server ~1% of a patch, measured against a literal). Rounding down only refuses a
// patch the exact budget would take (a document within 64 KiB of the limit's bound): that one
// is re-run reading first, as any blind patch that writes nothing.
inline constexpr std::size_t kBudgetStep = 64 * 1024;
inline std::size_t budget_in_text(std::size_t budget) noexcept { return budget / kBudgetStep * kBudgetStep; }

struct BlindPatch {
  const TableLayout* layout = nullptr;
  std::string_view id;
  std::vector<bool> named;           // per layout column: set or removed (SQL NULL) by the patch
  std::vector<const Value*> values;  // per layout column: the value it sets (validated), or nullptr
  // Per layout index: empty when the patch leaves its key alone, else the encoding of the
  // index's new field values (a patch that names any of an index's fields names all of them).
  // A key is the plain concatenation (value/index_key.hpp) of its fields' encodings and
  // of _creationTime's and _id's, which a patch never changes: the new key is this prefix
  // followed by the last `key_suffix` bytes of the old one.
  std::vector<std::string> key_prefixes;
  std::size_t key_suffix = 0;
  // The statement writes only when the bound of the unnamed columns of variable size is at
  // most this (no condition when every unnamed column has a constant bound).
  std::size_t budget = 0;
  // The form returning the new row's keys (no index key may change), not the old row.
  bool returns_new = false;
  // The bare UPDATE returning nothing, logged by id (only with returns_new).
  bool returns_nothing = false;
};

// Whether an unnamed column of `kind` needs a term in the SQL size bound.
inline bool has_variable_wire_bound(ColumnKind kind) noexcept { return column_wire_bound(kind).per_octet != 0; }

Statement blind_patch_statement(const BlindPatch& patch, const Dialect& dialect);
// Only the statement's params (their JSON, the members of the array, into `params_json`) and its
// shape: everything its text depends on (form, table, the columns named and how, the keys set,
// the size condition, each param's ParamWrap), so equal shapes have byte-identical texts. False
// when a param could not be written that way (then build the statement).
bool blind_patch_params(const BlindPatch& patch, const Dialect& dialect, std::string& params_json, std::string& shape);

}  // namespace lunora
