// Document validation: every write is checked here before any SQL is built.
//
// Three kinds of failure, checked in this order:
//  1. the value is not a valid document (ErrorCode::validation_failed): not an object, over
//     a limit of limits.hpp, or a bad field name;
//  2. it does not match its validator (ErrorCode::validation_failed);
//  3. it is valid but the engine cannot store one of its values (ErrorCode::unsupported_value):
//     NaN/Infinity, -0 or a string containing U+0000 where ValidationOptions says the engine
//     has none.
//
// Limits (CONTRACT.md "Validation"): the document's Lunora JSON (to_wire) is at most
// limits::kMaxDocumentBytes; nesting at most limits::kMaxNestingDepth, counting the document
// object itself as depth 1 and each array or object inside it as one more; arrays at most
// limits::kMaxArrayItems items; objects (records included) at most limits::kMaxObjectFields.
//
// Field names, as in Convex: at every level non-empty, valid UTF-8, no control characters
// (U+0000..U+001F, U+007F..U+009F), not starting with `$` (reserved for wire tags); at the top
// level of a document also not starting with `_` (reserved for system fields such as `_id`).
// Nested names may start with `_`, and need not be identifiers.
//
// Messages name the table, the field path, the value and the expected validator, e.g.
//   Failed to insert or update a document in table "orders" because it does not match the
//   schema: Path: .items[2].price Value: "abc" Validator: v.float64()
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "lunora/schema/schema.hpp"
#include "lunora/schema/validator.hpp"
#include "lunora/status.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

struct ValidationOptions {
  // The engine's float64 columns can hold NaN and +-Infinity (false on MySQL).
  bool allow_nan_infinity = true;
  // The engine's float64 columns keep the sign of zero.
  bool allow_negative_zero = true;
  // The engine's text and JSON can hold U+0000 (Postgres cannot, in text or jsonb).
  bool allow_nul_in_strings = true;
  // Whether `id` is a document id of `table` (for v.id(table)). Empty: any non-empty string.
  std::function<bool(std::string_view table, std::string_view id)> is_id_of_table;
  // Skip the fast path (a yes/no walk that valid values take) and always run the detailed
  // checks that describe a problem. Both answer the same; tests compare them.
  bool detailed_only = false;
};

// `document` holds the user fields only, without `_id` and `_creationTime`.
Status validate_document(const TableSchema& table, const Value& document,
                         const ValidationOptions& options = {});

// Whether `value`, as the top-level field `field` of a document, passes every check
// validate_document applies to that one member (its name, the limits at its depth, what the
// engine can store, its validator): a yes that implies validate_document would accept it
// there, answered without a message (a no may be stricter than validate_document). Adds
// wire_size_bound(value) to `size_bound`. For a write that names only some fields (a blind
// patch) whose other fields were valid when stored.
bool document_field_ok(const ValidatorField& field, const Value& value, const ValidationOptions& options,
                       std::size_t& size_bound);

// A value on its own (no document size limit, no top-level `_` rule).
Status validate_value(const Validator& validator, const Value& value,
                      const ValidationOptions& options = {});

}  // namespace lunora
