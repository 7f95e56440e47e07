// A query as the shim describes it, checked against the schema, and its index key range.
//
// JSON form (from js-shim/src/global/query.ts):
//   {"table": "orders", "index": "by_customer" | null (creation order),
//    "range": [{"op": "eq"|"gt"|"gte"|"lt"|"lte", "field": "customer", "value": <Lunora JSON>}],
//    "order": "asc" | "desc", "filter": <filter JSON> | null}
// Range rules are Convex's: `eq` on a prefix of the index fields, in order, then at most one
// lower (gt/gte) and one upper (lt/lte) bound, both on the next field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lunora/occ/read_set.hpp"
#include "lunora/status.hpp"
#include "lunora/store/store.hpp"

namespace lunora {

enum class SortOrder { asc, desc };

struct RangeBound {
  Value value;
  bool inclusive = false;
};

struct QuerySpec {
  const TableSchema* table = nullptr;
  const TableLayout* layout = nullptr;
  const IndexLayout* index = nullptr;  // nullptr: by_creation_time (native columns)
  std::string index_name;              // schema index name or "by_creation_time"
  std::vector<Value> equal;            // eq values on the first index fields
  std::optional<RangeBound> lower;
  std::optional<RangeBound> upper;
  SortOrder order = SortOrder::asc;
  Value filter;                        // filter JSON or null
  std::string fingerprint;             // 16 hex digits identifying the query's shape and bounds
};

Result<QuerySpec> parse_query(const Store& store, const Value& json);

// The keys the range admits, in the index's key space (field values, then _creationTime, _id).
KeyRange key_range(const QuerySpec& query);

}  // namespace lunora
