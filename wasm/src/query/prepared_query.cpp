#include "lunora/query/prepared_query.hpp"

namespace lunora {

Result<std::shared_ptr<const PreparedQuery>> prepare_query(const Store& store, const Value& query_json) {
  auto spec = parse_query(store, query_json);
  if (!spec) return spec.status();
  if (spec->index == nullptr) {
    for (const RangeBound* b : {spec->lower ? &*spec->lower : nullptr, spec->upper ? &*spec->upper : nullptr}) {
      if (b != nullptr && !b->value.is_number_float()) {
        return Status(ErrorCode::invalid_argument, "by_creation_time bounds must be numbers (float64)");
      }
    }
    for (const auto& v : spec->equal) {
      if (!v.is_number_float()) return Status(ErrorCode::invalid_argument, "by_creation_time bounds must be numbers (float64)");
    }
  }
  auto prepared = std::make_shared<PreparedQuery>();
  prepared->spec = std::move(spec).value();
  prepared->range = key_range(prepared->spec);
  if (!prepared->spec.filter.is_null()) {
    auto filter = Filter::parse(prepared->spec.filter);
    if (!filter) return filter.status();
    prepared->filter = std::move(filter).value();
  }
  return std::shared_ptr<const PreparedQuery>(std::move(prepared));
}

Result<std::shared_ptr<const PreparedQuery>> QueryCache::get(const Store& store, std::string_view query_json) {
  const std::string key(query_json);
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  // Plain JSON: range values and filter literals are Lunora JSON, converted where they are read.
  auto json = Value::parse(key, nullptr, false);
  if (json.is_discarded()) return Status(ErrorCode::invalid_argument, "the query is not valid JSON");
  auto prepared = prepare_query(store, json);
  if (!prepared) return prepared.status();
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(key, *prepared);
  return prepared;
}

}  // namespace lunora
