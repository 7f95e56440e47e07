// One execution of a query: SQL batches over the index range, the mutation's own pending
// writes merged in index order, the filter applied, and the scanned extent recorded in the
// read set when the run ends.
//
// The shim drives it: next_statement() -> run SQL -> feed(rows) -> emit / fetch more / stop.
// Rows are fed as [{"_id", "_creationTime", "k": <hex key, schema indexes only>, "doc":
// <Lunora JSON, only when needs_documents()>}] in the order SQL returned them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lunora/occ/read_set.hpp"
#include "lunora/query/cursor.hpp"
#include "lunora/query/filter.hpp"
#include "lunora/query/last_row.hpp"
#include "lunora/query/prepared_query.hpp"
#include "lunora/query/query_spec.hpp"
#include "lunora/sql/statement.hpp"

namespace lunora {

class QueryRun {
 public:
  // limit < 0: no limit. `writes` (may be null) is the mutation whose pending writes the run
  // sees and whose read set receives the scanned extent.
  static Result<QueryRun> begin(const Store& store, WriteSet* writes, const Value& query_json, std::string_view cursor,
                                long long limit);
  // The same from a query prepared before (QueryCache): only the cursor is decoded.
  static Result<QueryRun> begin(const Store& store, WriteSet* writes, std::shared_ptr<const PreparedQuery> query,
                                std::string_view cursor, long long limit);

  // What feed_count answers (written straight into the boundary's envelope).
  struct CountStep {
    std::size_t emit_count = 0;
    bool more = false;
    bool done = false;
    std::string cursor;
    long long remaining = -1;
  };

  bool needs_documents() const noexcept { return filter_ != nullptr || !pending_.empty(); }
  // No filter and no pending writes of the mutation in this table: every row SQL returns is
  // a result, so the shim reports only how many rows came back and the last one it keeps
  // (feed_count), instead of every row's key (a page of 100 is ~200 bytes, not ~20 KB).
  bool counts_only() const noexcept { return filter_ == nullptr && pending_.empty() && skip_ids_.empty(); }
  long long remaining() const noexcept { return remaining_; }
  // counts_only() runs: `count` rows came back; `last` is {"_id", "_creationTime", "k"?} of
  // the last one kept (the row at min(count, remaining()) - 1), or null when none is kept.
  // -> {"emitCount", "more", "done", "cursor", "remaining"}
  Result<Value> feed_count(std::size_t count, const Value& last);
  Result<CountStep> feed_count(std::size_t count, const LastRow& last);
  bool finished() const noexcept { return finished_; }
  // The SQL for the next batch (remembers its size: a shorter answer means the range is done).
  // `text_json`, when given, receives the statement's text as a JSON string literal when the
  // query keeps it escaped (PreparedQuery::texts), else nullptr.
  Statement next_statement(const std::string** text_json = nullptr);
  // {"emit": [{"row": i} | {"pending": "<id>"}], "more": bool, "done": bool, "cursor": "..."}
  Result<Value> feed(const Value& rows);
  // Records the extent scanned so far in the mutation's read set (once).
  void end();
  std::string cursor() const;
  const QuerySpec& spec() const noexcept { return query_->spec; }

 private:
  struct Pending {
    std::string key;
    std::string id;
    Value document;  // with _id and _creationTime
  };

  QueryRun(const Store& store, WriteSet* writes, std::shared_ptr<const PreparedQuery> query)
      : store_(&store), writes_(writes), query_(std::move(query)), spec_(query_->spec), range_(query_->range),
        filter_(query_->filter ? &*query_->filter : nullptr) {}
  bool before_in_scan_order(std::string_view a, std::string_view b) const noexcept;
  bool after_position(std::string_view key) const noexcept;
  Result<bool> accept(const Value& document) const;

  const Store* store_;
  WriteSet* writes_;
  std::shared_ptr<const PreparedQuery> query_;  // shared with the store's QueryCache
  const QuerySpec& spec_;
  const KeyRange& range_;
  const Filter* filter_;  // nullptr: no filter
  std::vector<Pending> pending_;       // in scan order, not yet emitted
  std::vector<std::string> skip_ids_;  // sorted: documents this mutation wrote
  std::string position_;               // last key scanned
  bool started_ = false;               // position_ is meaningful
  long long remaining_ = -1;
  std::size_t batch_size_ = 0;
  bool finished_ = false;
  bool exhausted_ = false;
  bool recorded_ = false;
};

}  // namespace lunora
