// Several point reads of one table as one statement.
//
// Mutations running concurrently in one store each read documents by id; the shim sends the
// reads that queue up while others are in flight as one `SELECT ... WHERE _id IN (...)`
// (js-shim/src/global/point-reads.ts), so 32 concurrent read-modify-writes cost two read
// round trips instead of 32. Which mutation read what is still recorded per mutation
// (tx_get); this statement only fetches the rows.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lunora/layout/table_layout.hpp"
#include "lunora/sql/statement.hpp"

namespace lunora {

// At most this many ids per statement (SQLite binds at most 100 params).
inline constexpr std::size_t kMaxIdsPerPointRead = 64;

// The number of placeholders a read of `count` ids is given: the next power of two (unused
// ones repeat the last id, which IN ignores), so a table has a handful of texts at most.
std::size_t point_read_slots(std::size_t count);

// `SELECT <columns> FROM t WHERE _id IN (...)` over 1..kMaxIdsPerPointRead ids, rows in no
// particular order.
Statement select_by_ids(const TableLayout& layout, const Dialect& dialect, const std::vector<std::string>& ids);

}  // namespace lunora
