// The reference model of a query: the answer QueryRun must give, computed by brute force over
// the table's full contents in memory. The differential test (test/worker/
// differential-scenarios.ts) runs random queries against Postgres and MariaDB and requires
// the same ids, isDone and continue cursor as this model.
//
// It shares only the query parser (parse_query), the filter evaluator, the cursor codec and
// the key encoding with QueryRun. Which documents a range admits and their order are decided
// here on the values themselves with compare_values (eq prefix equal, lower/upper bound on the
// next field, then (fields..., _creationTime, _id) ascending or descending), and then checked
// against the encoded keys: a document the value rules admit but key_range does not (or an
// order the keys do not share) is reported as an internal error, since SQL scans the keys.
//
// isDone and the cursor follow QueryRun's batch protocol, which the model replays over the
// sorted documents: batches of min(500, limit + 1) documents (500 with a filter or no limit);
// the run finishes when `limit` documents have been emitted or a batch comes back short with
// every document of it scanned; the cursor names the last document scanned, or "end" when the
// range is exhausted. So a page that ends exactly at the end of the range reports isDone when
// the batch that held its last document was short, as QueryRun does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lunora/status.hpp"
#include "lunora/store/store.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

struct ReferenceAnswer {
  std::vector<std::string> ids;  // the documents returned, in order
  bool done = false;             // isDone
  std::string cursor;            // continueCursor
};

// `documents`: every document of the query's table, each with `_id` (string),
// `_creationTime` (float64) and its user fields (Lunora values, as parse_wire gives them).
// `query_json` is parse_query's JSON; limit < 0: no limit. Errors are QueryRun's (invalid
// query, invalid cursor, filter errors on a scanned document), plus internal errors when a
// document is malformed or keys and values disagree.
Result<ReferenceAnswer> reference_query(const Store& store, const Value& documents, const Value& query_json,
                                        std::string_view cursor, long long limit);

}  // namespace lunora
