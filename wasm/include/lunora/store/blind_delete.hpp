// Whether a delete can be ONE statement that needs no prior read (sql/blind_delete.hpp).
//
// The careful path reads the document, then deletes it guarded by the `_version` read. A delete
// checks nothing of the document, so the only conditions are the engine's, DELETE ... RETURNING
// the row deleted (Postgres; MariaDB >= 10.5, a MySQL store opened with mariadb_returning; the
// other engines keep the careful path), and an id of one of the store's tables.
#pragma once

#include <string_view>

#include "lunora/store/store.hpp"

namespace lunora {

// The table of the document `id` when its delete can be one statement, else nullptr.
const TableSchema* blind_delete_table(const Store& store, std::string_view id);

}  // namespace lunora
