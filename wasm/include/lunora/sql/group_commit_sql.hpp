// SQL for a group commit: the writes of several mutations, validated one after another in
// the store, landing together with as few statements as the engine allows.
//
// build_commit() (document_sql.hpp) writes one statement per document, which is what a single
// mutation wants: a failed guard names exactly its document. A group of 32 mutations would
// then cost 32 statements (MySQL: 32 round trips inside one transaction; Postgres: a
// 32-CTE statement that is slow to plan). Here the writes are gathered per (table, op) into
// multi-row statements instead:
//   Postgres: one statement of CTEs, one per (table, op) chunk: a multi-row INSERT, an
//     `UPDATE ... FROM (VALUES ...)` joined on (_id, expected _version), a
//     `DELETE ... USING (VALUES ...)`; the final SELECT fails with 'lunora_conflict:group'
//     when a guarded chunk matched fewer rows than it names.
//   MySQL: one statement per chunk (`INSERT ... VALUES (...), (...)`, an `UPDATE` whose
//     columns are `CASE _id WHEN ... END`, a `DELETE`), each expecting as many affected
//     (matched) rows as it names, inside one transaction.
// A failed guard cannot say which document it was, so the store retries the group's members
// one by one (each then gets its own, exact outcome). Within one group every document is
// written at most once: a member that read or wrote a document an earlier member wrote fails
// validation before it joins.
#pragma once

#include <cstddef>
#include <vector>

#include "lunora/sql/document_sql.hpp"

namespace lunora {

// The marker a Postgres group commit raises when any of its guards failed.
inline constexpr std::string_view kGroupConflictMarker = "lunora_conflict:group";

// Statements (MySQL) or CTEs (Postgres) are split so none binds more than this many parameters.
inline constexpr std::size_t kGroupMaxParams = 16000;
// What one Postgres statement may bind (the protocol counts parameters in 16 bits).
inline constexpr std::size_t kMaxStatementParams = 65535;

// Writes of an engine without a group form (SQLite) get build_commit().
CommitPlan build_group_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect);
CommitPlan build_group_commit(const std::vector<RowWrite>& writes, const Dialect& dialect);
// build_group_commit()'s params and shape, without its texts (commit_output.hpp).
CommitParams build_group_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect);

}  // namespace lunora
