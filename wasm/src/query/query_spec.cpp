#include "lunora/query/query_spec.hpp"

#include <cstdint>

#include "lunora/value/index_key.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

Status query_error(const std::string& message) { return Status(ErrorCode::invalid_argument, message); }

std::string hex64(std::uint64_t x) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, x >>= 4) out[static_cast<std::size_t>(i)] = kHex[x & 0xf];
  return out;
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string string_member(const Value& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<QuerySpec> parse_query(const Store& store, const Value& json) {
  if (!json.is_object()) return query_error("a query must be an object");
  QuerySpec q;
  const std::string table = string_member(json, "table");
  q.table = store.table(table);
  if (q.table == nullptr) {
    return Status(ErrorCode::not_found, "table \"" + table.substr(0, 64) + "\" is not a .global() table of the schema");
  }
  q.layout = store.layout(table);

  std::vector<std::string> fields;
  auto index_it = json.find("index");
  if (index_it == json.end() || index_it->is_null() || *index_it == std::string(kByCreationTime)) {
    q.index_name = std::string(kByCreationTime);
    fields = {"_creationTime"};
  } else if (index_it->is_string()) {
    q.index_name = index_it->get<std::string>();
    q.index = q.layout->find_index(q.index_name);
    if (q.index == nullptr) {
      return Status(ErrorCode::not_found, "index \"" + q.index_name.substr(0, 64) + "\" is not defined on table \"" + table + "\"");
    }
    fields = q.index->fields;
    fields.push_back("_creationTime");
  } else {
    return query_error("query index must be a string");
  }

  auto range = json.find("range");
  if (range != json.end() && !range->is_null()) {
    if (!range->is_array()) return query_error("query range must be an array");
    std::size_t next_field = 0;
    std::string bounded_field;
    for (const auto& step : *range) {
      const std::string op = string_member(step, "op");
      const std::string field = string_member(step, "field");
      auto value_it = step.find("value");
      if (value_it == step.end()) return query_error("a range expression needs a value");
      auto value = from_wire_json(*value_it);
      if (!value) return value.status();
      const std::string where = "withIndex(\"" + q.index_name + "\"): ";
      if (op == "eq") {
        if (q.lower || q.upper) return query_error(where + "eq() must come before gt/gte/lt/lte");
        if (next_field >= fields.size() || fields[next_field] != field) {
          return query_error(where + "eq(\"" + field.substr(0, 64) + "\") must name the next index field" +
                             (next_field < fields.size() ? " \"" + fields[next_field] + "\"" : std::string(" (all fields are used)")));
        }
        q.equal.push_back(std::move(value).value());
        ++next_field;
      } else if (op == "gt" || op == "gte" || op == "lt" || op == "lte") {
        if (next_field >= fields.size() || fields[next_field] != field) {
          return query_error(where + op + "(\"" + field.substr(0, 64) + "\") must name the next index field" +
                             (next_field < fields.size() ? " \"" + fields[next_field] + "\"" : std::string(" (all fields are used)")));
        }
        const bool lower = op[0] == 'g';
        auto& slot = lower ? q.lower : q.upper;
        if (slot) return query_error(where + "at most one " + (lower ? "lower" : "upper") + " bound");
        slot = RangeBound{std::move(value).value(), op.size() == 3};
      } else {
        return query_error("unknown range operator \"" + op.substr(0, 16) + "\"");
      }
    }
  }

  const std::string order = string_member(json, "order");
  if (order == "desc") q.order = SortOrder::desc;
  else if (order.empty() || order == "asc") q.order = SortOrder::asc;
  else return query_error("order must be \"asc\" or \"desc\"");

  auto filter = json.find("filter");
  if (filter != json.end()) q.filter = *filter;

  Value shape = {{"table", table}, {"index", q.index_name}, {"order", order == "desc" ? "desc" : "asc"},
                 {"range", range == json.end() ? Value() : *range}, {"filter", q.filter}};
  q.fingerprint = hex64(fnv1a64(shape.dump()));
  return q;
}

KeyRange key_range(const QuerySpec& q) {
  std::string prefix;
  for (const auto& v : q.equal) append_index_key(prefix, &v);
  KeyRange range;
  if (q.lower) {
    range.lo = prefix;
    append_index_key(range.lo, &q.lower->value);
    if (!q.lower->inclusive) range.lo = prefix_successor(range.lo);
  } else {
    range.lo = prefix;
  }
  if (q.upper) {
    range.hi = prefix;
    append_index_key(range.hi, &q.upper->value);
    if (q.upper->inclusive) range.hi = prefix_successor(range.hi);
  } else {
    range.hi = prefix_successor(prefix);
  }
  return range;
}

}  // namespace lunora
