// The last row a counts-only batch keeps, as the shim sends it to query_feed_count:
// JSON.stringify({_id, _creationTime, k}) (k, the hex index key, only for schema indexes),
// or "null" when no row is kept.
//
// read_last_row reads exactly that shape without building a JSON tree (one call per page);
// anything else (whitespace, escapes, non-ASCII, other value types, duplicate names) is left to
// the general path, last_row_of(Value::parse(text)), which gives the same LastRow.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lunora/value/value.hpp"

namespace lunora {

struct LastRow {
  bool present = false;  // an object with a string _id and a numeric _creationTime
  std::string id;
  double creation_time = 0;
  std::optional<std::string> key_hex;  // "k" when it is a string
};

// nullopt: not the plain shape; use the general path.
std::optional<LastRow> read_last_row(std::string_view json);
// Any JSON value: present only for an object with a string _id and a numeric _creationTime.
LastRow last_row_of(const Value& json);

}  // namespace lunora
