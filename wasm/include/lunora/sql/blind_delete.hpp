// A delete as ONE statement that needs no prior read: it deletes the row and returns it as it
// was, so the shim decodes it like a point read and logs the delete from it.
//
//   Postgres: DELETE FROM t WHERE _id = $1 RETURNING <the point read's columns>
//   MariaDB >= 10.5 (EngineOptions::mariadb_returning): DELETE FROM t WHERE _id = ? RETURNING <...>
//
// "The point read's columns": append_select_columns (document_sql.hpp), the same expressions
// and names (JSON as its text, `CAST("meta" AS text) AS "meta"`). Zero rows: no such document.
// The careful path (read, then a DELETE guarded by the `_version` read) deletes what it read;
// this one deletes whatever version is there, which is that path with its read done by the
// DELETE itself (the row lock it takes orders it after any concurrent commit).
#pragma once

#include <string>
#include <string_view>

#include "lunora/layout/table_layout.hpp"
#include "lunora/sql/statement.hpp"

namespace lunora {

Statement blind_delete_statement(const TableLayout& layout, std::string_view id, const Dialect& dialect);
// Only the statement's params (the members of the array, into `params_json`) and its shape
// (the table: the text is the same for every id of it), as blind_patch_params.
void blind_delete_params(const TableLayout& layout, std::string_view id, const Dialect& dialect, std::string& params_json,
                         std::string& shape);

}  // namespace lunora
