// The store's boundary (see core_api.hpp for the envelope convention). Stores and their
// open mutations (write sets) are referred to by integer handles.
//
// Statements come back as {"text", "params"}; values cross as Lunora JSON text.
#pragma once

#include <string>

namespace lunora::api {

// options: {"seed": "<hex, from the host's CSPRNG>", "textCollation": "utf8mb4_nopad_bin"}
std::string store_open(const std::string& schema_json, const std::string& dialect, const std::string& options_json);
std::string store_close(int store);

// {"tables": [{"table", "sqlTable", "columns": [{"field", "kind", "nullMeans"}], "indexes": [...]}]}
std::string store_layout(int store);
std::string store_catalog_queries(int store);
std::string store_plan_migration(int store, const std::string& column_rows_json, const std::string& index_rows_json);
std::string store_backfill(int store, const std::string& table, const std::string& index, const std::string& rows_json);
// A page of a full scan in creation order: after = {"_creationTime", "_id"} or null.
std::string store_scan_page(int store, const std::string& table, const std::string& after_json, int limit);

// {"table", "statement"} for the document `id` (table may be "" to infer it from the id).
std::string store_get(int store, const std::string& table, const std::string& id);
// The id if it is an id of `table`, else null.
std::string store_normalize_id(int store, const std::string& table, const std::string& id);

std::string tx_begin(int store);
std::string tx_insert(int tx, const std::string& table, const std::string& document_wire, double now_ms);
std::string tx_update(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& document_wire);
std::string tx_remove(int tx, const std::string& id, const std::string& expected_version);
// {"steps": [{"text", "params", "expectRows", "write"}], "needsTransaction": bool}
std::string tx_commit_plan(int tx);
std::string tx_describe(int tx, int write);
std::string tx_end(int tx);

}  // namespace lunora::api
