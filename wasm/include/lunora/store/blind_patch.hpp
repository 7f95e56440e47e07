// Whether a patch can be ONE statement that needs no prior read (sql/blind_patch.hpp), and
// that statement.
//
// The careful path reads the document, merges the patch, validates the whole merged document
// and writes it guarded by `_version`. The blind statement must never write what that path
// would refuse, so it is offered only when every check the careful path makes can be made
// without the row, or bounded in SQL:
//   - each set field passes its own validator and every per-value check of validate_document
//     (validation/validate.hpp document_field_ok); the fields it does not name were valid when
//     stored (the store validated them; only a validator narrowed since, within the same
//     column type, could make a stored value fail now);
//   - a removed field is optional, and no field named is `_`-prefixed or unknown;
//   - an index over a field named has all its fields named: its new key is computed here
//     from them, followed in SQL by the old key's _creationTime and _id part (a key over
//     fields the patch does not name would need the row);
//   - the merged document's Lunora JSON is bounded by the limit (the SQL size bound).
// A refusal costs nothing but the read-first path; the statement itself answers zero rows when
// the document is missing or the bound in SQL refuses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/sql/blind_patch.hpp"
#include "lunora/store/store.hpp"

namespace lunora {

// A table may have more fields than this and still be patched, but not blindly.
inline constexpr std::size_t kMaxBlindPatchFields = 1024;

// The patch planned (it views `id` and the values set): sql/blind_patch.hpp writes its statement.
struct BlindPatchPlan {
  const TableSchema* table = nullptr;
  BlindPatch patch;
};

// A field a patch sets, and its value.
struct PatchField {
  std::string_view name;
  const Value* value = nullptr;
};

// The checks of one field a patch names, made without the rest of the document (a blind patch,
// and a patch after a read: WriteSet::patch). A field it sets: declared by `table`, not
// `_`-prefixed, its value passing document_field_ok, which adds the value's bound to
// `size_bound`; its member's overhead is added too. A field it removes: declared and optional.
bool patch_sets_ok(const TableSchema& table, std::string_view field, const Value& value, const ValidationOptions& options,
                   std::size_t& size_bound);
bool patch_removes_ok(const TableSchema& table, std::string_view field);

// `set`: the fields the patch sets (an object of Lunora values); `unset`: the fields it
// removes. nullopt when the patch cannot be one statement. need_old_row false: the caller
// needs only the row's index keys and new _version, so a patch changing no index key gets the
// form returning the new row (BlindPatch::returns_new), the only one on MariaDB (a MySQL store
// opened with mariadb_returning). log_by_id: the caller may log the write by its id alone
// (nothing reads the table off by_id, store_api's check); with row counts (Dialect capability
// row_count_guard), such a patch gets the bare UPDATE returning nothing
// (BlindPatch::returns_nothing).
std::optional<BlindPatchPlan> plan_blind_patch(const Store& store, std::string_view id, const Value& set,
                                               const std::vector<std::string>& unset, bool need_old_row = true,
                                               bool log_by_id = false);
// The same with the fields set as a list (the api reads them from the wire without building an
// object); a name listed twice: nullopt.
std::optional<BlindPatchPlan> plan_blind_patch(const Store& store, std::string_view id, const std::vector<PatchField>& set,
                                               const std::vector<std::string>& unset, bool need_old_row = true,
                                               bool log_by_id = false);
// The same into `plan` (false: none), which may be a previous call's: its vectors are reused.
bool plan_blind_patch(const Store& store, std::string_view id, const std::vector<PatchField>& set,
                      const std::vector<std::string>& unset, bool need_old_row, bool log_by_id, BlindPatchPlan& plan);

}  // namespace lunora
