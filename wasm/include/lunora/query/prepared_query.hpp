// A query checked once: its spec, index key range and filter, shared by every run of it.
//
// A page read again (the next page, the same page re-run by a subscription or a poll) sends
// the same query JSON, so the store keeps what parse_query and Filter::parse made of it,
// keyed by the JSON text (QueryCache): a run then starts from the cursor alone.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lunora/query/filter.hpp"
#include "lunora/query/query_spec.hpp"

namespace lunora {

struct PreparedQuery {
  QuerySpec spec;
  KeyRange range;
  std::optional<Filter> filter;

  // The SELECT texts QueryRun::next_statement built for this query (schema indexes only):
  // a text depends on the batch size and on which position is bound, not on the key values,
  // so each is built and JSON-escaped once. Filled lazily, hence mutable (the core is
  // single-threaded); a handful at most.
  struct Text {
    long long batch = 0;
    int shape = 0;          // 0: no position, 1: a position, 2: an empty position
    std::string text;
    std::string text_json;  // `text` as a JSON string literal
  };
  mutable std::vector<Text> texts;
};

// parse_query + the by_creation_time bound check + key_range + Filter::parse.
Result<std::shared_ptr<const PreparedQuery>> prepare_query(const Store& store, const Value& query_json);

// The prepared queries of one store by their JSON text. A query that fails to prepare is not
// kept (it fails the same way every time). Bounded: when full it starts over, so a stream of
// distinct queries (say, eq() on a different id each time) costs one parse each, as before.
class QueryCache {
 public:
  static constexpr std::size_t kMaxEntries = 256;

  // Errors: "the query is not valid JSON" and prepare_query's.
  Result<std::shared_ptr<const PreparedQuery>> get(const Store& store, std::string_view query_json);
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::unordered_map<std::string, std::shared_ptr<const PreparedQuery>> entries_;
};

}  // namespace lunora
