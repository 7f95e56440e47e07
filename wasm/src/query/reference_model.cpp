#include "lunora/query/reference_model.hpp"

#include <algorithm>
#include <optional>

#include "lunora/query/cursor.hpp"
#include "lunora/query/filter.hpp"
#include "lunora/query/query_spec.hpp"
#include "lunora/value/compare.hpp"
#include "lunora/value/index_key.hpp"

namespace lunora {
namespace {

// QueryRun's largest SQL batch (query_run.cpp).
constexpr long long kBatch = 500;

struct Candidate {
  std::vector<const Value*> tuple;  // index field values (nullptr = missing), _creationTime, _id
  std::string key;                  // the encoded key SQL would scan
  const Value* document;
  std::string id;
};

Status internal(const std::string& message) { return Status(ErrorCode::internal, "reference model: " + message); }

int compare_tuples(const Candidate& a, const Candidate& b) {
  for (std::size_t i = 0; i < a.tuple.size(); ++i) {
    if (int c = compare_values(a.tuple[i], b.tuple[i]); c != 0) return c;
  }
  return 0;
}

// Whether the value rules of the range (Convex's: eq on a prefix, then one lower and one
// upper bound on the next field) admit the tuple.
bool in_range(const QuerySpec& q, const std::vector<const Value*>& tuple) {
  for (std::size_t i = 0; i < q.equal.size(); ++i) {
    if (compare_values(tuple[i], &q.equal[i]) != 0) return false;
  }
  const Value* next = tuple[q.equal.size()];
  if (q.lower) {
    const int c = compare_values(next, &q.lower->value);
    if (c < 0 || (c == 0 && !q.lower->inclusive)) return false;
  }
  if (q.upper) {
    const int c = compare_values(next, &q.upper->value);
    if (c > 0 || (c == 0 && !q.upper->inclusive)) return false;
  }
  return true;
}

}  // namespace

Result<ReferenceAnswer> reference_query(const Store& store, const Value& documents, const Value& query_json,
                                        std::string_view cursor, long long limit) {
  auto parsed = parse_query(store, query_json);
  if (!parsed) return parsed.status();
  const QuerySpec& q = *parsed;
  if (q.index == nullptr) {
    for (const Value* v : {q.lower ? &q.lower->value : nullptr, q.upper ? &q.upper->value : nullptr}) {
      if (v != nullptr && !v->is_number_float()) {
        return Status(ErrorCode::invalid_argument, "by_creation_time bounds must be numbers (float64)");
      }
    }
    for (const auto& v : q.equal) {
      if (!v.is_number_float()) return Status(ErrorCode::invalid_argument, "by_creation_time bounds must be numbers (float64)");
    }
  }
  std::optional<Filter> filter;
  if (!q.filter.is_null()) {
    auto f = Filter::parse(q.filter);
    if (!f) return f.status();
    filter = std::move(f).value();
  }
  auto position = decode_cursor(cursor, q.fingerprint);
  if (!position) return position.status();
  ReferenceAnswer answer;
  if (position->end) {
    answer.done = true;
    answer.cursor = encode_cursor(q.fingerprint, *position);
    return answer;
  }
  if (!documents.is_array()) return internal("documents must be an array");

  const bool asc = q.order == SortOrder::asc;
  const bool started = !position->last_key.empty();
  const KeyRange range = key_range(q);
  const std::size_t index_pos =
      q.index == nullptr ? 0 : static_cast<std::size_t>(q.index - q.layout->indexes.data());

  // Every document the range admits after the cursor position.
  std::vector<Candidate> candidates;
  for (const Value& doc : documents) {
    auto id_it = doc.find("_id");
    auto time_it = doc.find("_creationTime");
    if (!doc.is_object() || id_it == doc.end() || !id_it->is_string() || time_it == doc.end() ||
        !time_it->is_number_float()) {
      return internal("each document needs _id and a float64 _creationTime");
    }
    Candidate c{{}, {}, &doc, id_it->get<std::string>()};
    if (q.index != nullptr) {
      for (const auto& field : q.index->fields) {
        auto it = doc.find(field);
        c.tuple.push_back(it == doc.end() ? nullptr : &*it);
      }
      auto keys = store.index_keys(*q.layout, doc, time_it->get<double>(), c.id);
      if (!keys) return keys.status();
      c.key = std::move(keys.value()[index_pos]);
    } else {
      c.key = index_key(&*time_it) + index_key(&*id_it);
    }
    c.tuple.push_back(&*time_it);
    c.tuple.push_back(&*id_it);
    const bool admitted = in_range(q, c.tuple);
    if (admitted != range.contains(c.key)) {
      return internal("document " + c.id + (admitted ? " is in the range by value but its key is not"
                                                     : " is outside the range by value but its key is inside"));
    }
    if (!admitted) continue;
    if (started && (asc ? c.key <= position->last_key : c.key >= position->last_key)) continue;
    candidates.push_back(std::move(c));
  }
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const int c = compare_tuples(a, b);
    return asc ? c < 0 : c > 0;
  });
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    const std::string& a = candidates[i - 1].key;
    const std::string& b = candidates[i].key;
    if (asc ? !(a < b) : !(a > b)) {
      return internal("documents " + candidates[i - 1].id + " and " + candidates[i].id + " sort differently by value and by key");
    }
  }

  // Replay QueryRun's batches over the sorted documents.
  std::string last_key = position->last_key;
  long long remaining = limit < 0 ? -1 : limit;
  bool exhausted = false;
  std::size_t next = 0;
  for (;;) {
    const long long batch = filter || remaining < 0 ? kBatch : std::min(kBatch, remaining + 1);
    const std::size_t end = std::min(candidates.size(), next + static_cast<std::size_t>(batch));
    std::size_t i = next;
    for (; i < end && remaining != 0; ++i) {
      const Candidate& c = candidates[i];
      last_key = c.key;
      if (filter) {
        auto ok = filter->matches(*c.document);
        if (!ok) return ok.status();
        if (!*ok) continue;
      }
      answer.ids.push_back(c.id);
      if (remaining > 0) --remaining;
    }
    const std::size_t fetched = end - next;
    exhausted = fetched < static_cast<std::size_t>(batch) && i == end;
    if (exhausted || remaining == 0) break;
    next = end;
  }
  answer.done = exhausted;
  answer.cursor = encode_cursor(q.fingerprint, CursorPosition{exhausted, last_key});
  return answer;
}

}  // namespace lunora
