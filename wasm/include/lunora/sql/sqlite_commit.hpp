// The commit plan on SQLite (D1 and Durable Object storage).
//
// The shim runs every step atomically: D1 as one `batch()` (one implicit transaction),
// a Durable Object inside `transactionSync`. Neither can check affected rows between
// statements, so each guarded UPDATE/DELETE is followed by a guard statement that fails
// from inside SQL when the previous statement changed no row:
//   SELECT json_extract('{}', CASE WHEN changes() = 1 THEN '$' ELSE 'lunora_conflict:<n>' END)
// (an invalid JSON path raises "bad JSON path: 'lunora_conflict:<n>'", naming the write;
// RAISE() only works in triggers). A failing statement aborts the batch or transaction, so
// none of the writes remain.
//
// SQLite there allows 100 bound parameters per statement: a write needing more is split
// into an INSERT (or the guarded UPDATE) carrying the system and required columns first,
// then UPDATEs by `_id` carrying the rest, all in the same atomic step.
#pragma once

#include <vector>

#include "lunora/sql/document_sql.hpp"

namespace lunora {

CommitPlan build_sqlite_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect);

namespace detail {
class PlanOut;
void plan_sqlite_commit(PlanOut& out, const std::vector<const RowWrite*>& writes);
}  // namespace detail

}  // namespace lunora
