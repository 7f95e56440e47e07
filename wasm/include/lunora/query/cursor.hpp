// Pagination cursors: opaque strings that name the query they belong to and the last key
// scanned. "c1." + base64url(JSON {"f": fingerprint, "k": hex key} or {"f", "end": true}).
// A cursor whose fingerprint is not the query's is refused (ErrorCode::invalid_cursor).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lunora/status.hpp"

namespace lunora {

struct CursorPosition {
  bool end = false;         // the previous page finished the range
  std::string last_key;     // key of the last document scanned (empty at the start)
};

std::string encode_cursor(std::string_view fingerprint, const CursorPosition& position);
// An empty cursor is the start of the range.
Result<CursorPosition> decode_cursor(std::string_view cursor, std::string_view fingerprint);

}  // namespace lunora
