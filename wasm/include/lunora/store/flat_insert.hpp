// An insert's document read and checked straight from its Lunora JSON, without a Value tree,
// when it has the usual flat shape. Building the tree (parse_wire_over), walking it to
// validate (validate_document) and again to bind its params (bind_kind) is most of an insert's
// core time, and a live insert pays it after an idle wait, at several times its warm price
// (docs/BENCHMARKS.md, "Fifteenth round", 1).
//
// This path decides only what it is sure of: a document it does not accept takes the tree path,
// which reads, validates or refuses it as it always did, with the same errors. What it accepts,
// the tree path accepts too and commits with the same statement and params (Catch2 compares
// both paths on every document of its cases).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "lunora/layout/table_layout.hpp"
#include "lunora/schema/schema.hpp"
#include "lunora/validation/validate.hpp"
#include "lunora/value/flat_value.hpp"

namespace lunora {

// `wire`, a document of `table` (layout `layout`), as one FlatValue per layout column into
// `out`, when:
// - it is `{...}` without whitespace, each member named once, each name a field the table
//   declares (so no `_` or `$` name);
// - each value is one the field's validator (inside its optional) takes: a string without
//   escapes (ASCII but quotes, backslashes and controls, or valid UTF-8) for v.string(), one
//   that `options` says is an id of the table for v.id(table), one of the strings of a
//   v.literal(string) or a v.union of them (stored as text), a JSON number for v.float64(), {"$integer": b64} for v.int64(),
//   true or false for v.boolean(), and for v.array() of strings or of booleans an array of
//   such strings or of true / false;
// - every required field is present, and validate_document's size and item limits hold;
// - `options` lets the engine store every number (-0).
// False otherwise (`out` is then unspecified): the tree path decides.
bool read_flat_insert(std::string_view wire, const TableSchema& table, const TableLayout& layout,
                      const ValidationOptions& options, std::vector<FlatValue>& out);

namespace detail {
// Tests turn the flat path off to compare it with the tree path; always on otherwise.
void set_flat_inserts(bool enabled) noexcept;
}  // namespace detail

}  // namespace lunora
