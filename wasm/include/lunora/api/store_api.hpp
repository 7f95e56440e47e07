// The store's boundary (see core_api.hpp for the envelope convention). Stores and their
// open mutations (write sets) are referred to by integer handles.
//
// Statements come back as {"text", "params"}; values cross as Lunora JSON text. Point reads
// (store_get, tx_get) and commit plans (tx_commit_plan, tx_batch_plan) may answer
// {"text", "textId", "params"} (keep the text under that number) or {"textId", "params"} (the
// text sent earlier under it): see statement_texts.hpp.
#pragma once

#include <string>

namespace lunora::api {

// options: {"seed": "<hex, from the host's CSPRNG>", "textCollation": "utf8mb4_nopad_bin",
// "mariadbReturning": true (MySQL family: the server is MariaDB >= 10.5; see store_blind_patch),
// "rowCounts": true (Postgres: the driver reports every statement's affected-row count, so a
// lone guarded write returns nothing; DialectCapabilities::row_count_guard)}
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
// {"statement"} reading the documents `ids_json` (a JSON array of 1..64 ids of `table`) in one
// statement. It records nothing: a mutation's reads are recorded by tx_get.
std::string store_get_many(int store, const std::string& table, const std::string& ids_json);
// A patch of `id` as ONE statement that needs no prior read (Postgres; MariaDB with
// "mariadbReturning", only the "new" and "none" forms), or null when it cannot be done that way
// (store/blind_patch.hpp says when). set_wire: a Lunora JSON object of the
// fields the patch sets (as tx_update's document_wire); unset_json: a JSON array of the field
// names it removes. -> null, or {"table": "<schema table name>", "returns": "old" | "new" | "none",
// "statement": {"text", "textId", "params"} | {"textId", "params"}} (the text by number once the
// shim holds it, statement_texts.hpp). The statement returns one row, or none: the document is
// missing or may be too large once patched (then patch it reading first, which reports either).
// "old": the document as it was (the columns and names of a point read). "new" (only when
// need_old_row is false and the patch changes no index key): _id, _creationTime, the new
// _version and the indexed fields (as a point read selects them; unchanged by the patch).
// "none" (as "new", and when no subscription nor open write set of the store read the table
// off by_id, and the execs report row counts): no row; it wrote when it affected one row, and
// is logged by store_log_patch_pending / store_settle_pending.
std::string store_blind_patch(int store, const std::string& id, const std::string& set_wire,
                              const std::string& unset_json, bool need_old_row = true);
// store_blind_patch answered without an envelope, as the shim takes it: `null` (no blind
// patch), its error envelope (which starts with '{'), or [text, [params], "old" | "new" |
// "none", "<table>"], text the number of a text the shim holds or, the first time, {"text", "textId"}
// or {"text"} (as a step of tx_accept_plan_compact).
std::string store_blind_patch_compact(int store, const std::string& id, const std::string& set_wire,
                                      const std::string& unset_json, bool need_old_row = true);
// Records in the store's commit log an update of document `id` (its table from the id) whose SQL
// already committed, as tx_begin / tx_update / tx_accept / tx_finish would record it, confirmed
// at once. old_indexed_wire / new_indexed_wire: Lunora JSON objects of which only the indexed
// fields are read (the keys before and after); new_indexed_wire "": the same as old. Nothing is
// validated. -> the affected subscription ids as a bare JSON array `[1,5]`, or an error
// envelope (which starts with '{').
std::string store_log_patch(int store, const std::string& id, double creation_time, const std::string& old_indexed_wire,
                            const std::string& new_indexed_wire);
// An update of `id` that moves no index key, logged by the id alone (WriteRecord::by_id_only),
// PENDING: what a blind patch answered with "none" logs while its statement is in flight, off
// the path after the answer. -> [[affected subscription ids], sequence] (as tx_accept_compact),
// or an error envelope (which starts with '{'). Then store_settle_pending.
std::string store_log_patch_pending(int store, const std::string& id);
// Settles the store's one pending entry `sequence` (store_log_patch_pending's): `landed`, the
// statement affected the row: confirmed (store_confirm); else retracted (store_retract). Refused
// when another entry is pending before or after it (nothing else may commit meanwhile). -> null.
std::string store_settle_pending(int store, double sequence, bool landed);
// A delete of `id` as ONE statement that needs no prior read (Postgres; MariaDB with
// "mariadbReturning"), or null when it cannot be done that way (another engine, or `id` is not
// a document id of the store; store/blind_delete.hpp). -> null, or {"table": "<schema table
// name>", "statement": {"text", "textId", "params"} | {"textId", "params"}} (the text by number
// once the shim holds it, one text per table). The statement deletes the row and returns it as
// it was, with the columns and names of a point read; no row: no such document.
std::string store_blind_delete(int store, const std::string& id);
// Records in the store's commit log a delete of document `id` whose SQL already committed, as
// tx_begin / tx_remove / tx_accept / tx_finish would record it, confirmed at once, as
// store_log_patch. old_indexed_wire: a Lunora JSON object of which only the indexed fields are
// read (the keys the document leaves). -> the affected subscription ids as a bare JSON array,
// or an error envelope (which starts with '{').
std::string store_log_delete(int store, const std::string& id, double creation_time, const std::string& old_indexed_wire);
// The id if it is an id of `table`, else null.
std::string store_normalize_id(int store, const std::string& table, const std::string& id);

std::string tx_begin(int store);
// tx_begin answered by a number: the new mutation's handle (> 0), or 0 when the store is
// closed (tx_begin then answers the error).
int tx_begin_handle(int store);
// -> {"_creationTime", "_id"}.
std::string tx_insert(int tx, const std::string& table, const std::string& document_wire, double now_ms);
// tx_insert answered without JSON: `<_id> <_creationTime>` (the id, a space, the time as JS
// prints it), or its error envelope (which starts with '{', as no id does).
std::string tx_insert_compact(int tx, const std::string& table, const std::string& document_wire, double now_ms);
// Point read inside a mutation: like store_get, and recorded in the mutation's read set.
std::string tx_get(int tx, const std::string& table, const std::string& id);
// store_get / tx_get answered by a number, with no envelope to write or parse: the number of
// the table's point-read text (the statement is that text with the id as its only param; the
// shim got both with the first envelope answer for the table), -1 when `id` is not a document
// of the store (or of `table`): no document; -2 when only the envelope can answer (the text has
// not crossed yet, the store or mutation is gone): call store_get / tx_get. tx_get_text
// records the read exactly when it answers with a text number.
int store_get_text(int handle, const std::string& table, const std::string& id);
int tx_get_text(int tx, const std::string& table, const std::string& id);
// old_document_wire: the version read, of which only the indexed fields are used (its old
// index keys, for the commit log); the shim sends just those. set_fields_json: a JSON array of
// the field names the write changes (a patch's), whose columns alone its UPDATE sets, with the
// index keys that changed; "" (replace): every field.
std::string tx_update(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire, const std::string& document_wire,
                      const std::string& set_fields_json = "");
// A patch of a document the mutation read and has not written yet, by what it names
// (WriteSet::patch): set_wire a Lunora JSON object of the fields it sets, unset_json a JSON
// array of the names it removes ("": none), other_fields_bound an upper bound of the Lunora
// JSON bytes of the document's other fields. -> "1" recorded; "0" refused (nothing recorded:
// the shim sends the whole merged document with tx_update, which says what is wrong); or an
// error envelope (no such mutation, unreadable arguments).
std::string tx_patch(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                     const std::string& old_document_wire, const std::string& set_wire, const std::string& unset_json,
                     double other_fields_bound);
std::string tx_remove(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire);
// null when no commit through the store since the mutation began touched its reads, else
// {"table", "id"} of the first write that did.
std::string tx_validate(int tx);
// Appends the mutation's writes to the commit log (pending) for later validations:
// -> {"affected": [subscription ids whose read sets the writes touched], "sequence": n}.
// Then store_confirm(sequence) once its SQL committed, or store_retract(sequence) if it failed.
std::string tx_record_commit(int tx);
// tx_record_commit answered as `sequence[,affected...]` (decimal, comma-separated); an error
// is answered with its envelope (which starts with '{').
std::string tx_record_commit_compact(int tx);
// tx_validate then, when there is no conflict, tx_record_commit, in one crossing:
// -> {"conflict": {"table", "id"}} or {"conflict": null, "affected": [...], "sequence": n}.
std::string tx_accept(int tx);
// tx_accept with its acceptance as [[affected...], sequence]; a conflict or an error is
// answered with tx_accept's envelope (which starts with '{').
std::string tx_accept_compact(int tx);
std::string store_confirm(int store, double sequence);
std::string store_retract(int store, double sequence);
// One commit plan for several validated mutations (group commit): steps carry "tx" (the
// position in the list) and "write"; "origins"[n] = [tx, write] of combined write n.
std::string tx_batch_plan(const std::string& txs_json);
// tx_batch_plan with its plan as positional arrays: [[steps...], needsTransaction,
// [origins...]], the steps as tx_accept_plan_compact writes them; an error is the envelope.
std::string tx_batch_plan_compact(const std::string& txs_json);
// The commit of a lone mutation in one crossing: tx_accept, then (no conflict) its plan as
// tx_batch_plan("[tx]") answers it: -> {"conflict": {"table", "id"}} or
// {"conflict": null, "affected": [...], "sequence": n, "plan": {"steps", "needsTransaction",
// "origins"}}. When no plan can be made, the commit is retracted and the error returned.
std::string tx_accept_plan(int tx);
// tx_accept_plan with its success answered as positional arrays, not an envelope of objects:
// [[affected...], sequence, [[steps...], needsTransaction, [origins...]]], each step
// [text, [params], expectRows, tx, write] where text is the number of a text the shim holds,
// or, in the first plan of a commit shape, {"text"}, {"text", "textId"} or {"textId"}
// (statement_texts.hpp). A conflict or an error is answered with tx_accept_plan's envelope
// (which starts with '{').
std::string tx_accept_plan_compact(int tx);
// The commit of a lone mutation with its logging left for later: tx_validate, then (no
// conflict) its plan as tx_accept_plan_compact writes it, [[steps...], needsTransaction,
// [origins...]], and nothing logged. The shim sends the plan's statement, logs the commit with
// tx_record_commit while the statement is in flight (no other commit may be validated or
// logged in between: the shim commits one at a time), then tx_finish, or store_retract of
// the logged entry when the statement failed. A conflict is answered as by tx_accept_plan
// ({"conflict": {"table", "id"}} in the envelope, which starts with '{'), and so is an error.
std::string tx_check_plan_compact(int tx);
// After the mutation's SQL committed: store_confirm(its store, sequence), then tx_end(tx).
std::string tx_finish(int tx, double sequence);

// Subscriptions: a query run inside a tx that never commits; its read set is registered
// under `subscription` (replacing the previous run's) and matched against every commit.
std::string sub_set(int tx, int subscription);
std::string sub_remove(int store, int subscription);
// {"steps": [{"text", "params", "expectRows", "write"}], "needsTransaction": bool}
std::string tx_commit_plan(int tx);
std::string tx_describe(int tx, int write);
std::string tx_end(int tx);

// Queries. tx = 0 outside a mutation. limit < 0: no limit. Returns {"run", "statement",
// "needsDocuments", "countsOnly", "remaining", "finished", "cursor"} ("cursor" is "" unless
// "finished": the next step's answer carries it otherwise). The query JSON is parsed once per
// text and store (query/prepared_query.hpp). The statement's text goes by number once the
// store's shim holds it ({"textId"}, statement_texts.hpp).
std::string query_begin(int store, int tx, const std::string& query_json, const std::string& cursor, double limit);
// Rows of the last statement (see query_run.hpp) -> {"emit", "more", "done", "cursor", "statement"?}.
std::string query_feed(int run, const std::string& rows_wire);
// Runs whose begin answered "countsOnly": the number of rows and the last one kept
// (see QueryRun::feed_count) -> {"emitCount", "more", "done", "cursor", "remaining", "statement"?}.
// A run it finishes ("more": false) is closed with it: query_end is then not needed.
std::string query_feed_count(int run, double count, const std::string& last_row_json);
std::string query_end(int run);

// Testing: the reference model's answer (query/reference_model.hpp) over `docs_wire`, a
// Lunora JSON array of the table's full documents. -> {"ids": [...], "done", "cursor"}.
std::string reference_query(int store, const std::string& docs_wire, const std::string& query_json,
                            const std::string& cursor, double limit);

}  // namespace lunora::api
