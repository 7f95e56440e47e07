// Cursors: decode_cursor with arbitrary strings (and a re-encode of what decodes), and
// query_begin of a fixed query with the same string as its cursor.
#include "fuzz_common.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/query/cursor.hpp"

namespace api = lunora::api;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string cursor(reinterpret_cast<const char*>(data), size);
  for (const char* fingerprint : {"", "0123456789abcdef"}) {
    auto position = lunora::decode_cursor(cursor, fingerprint);
    if (position) {
      auto again = lunora::decode_cursor(lunora::encode_cursor(fingerprint, *position), fingerprint);
      if (!again || again->end != position->end || again->last_key != position->last_key) {
        lunora_fuzz::die("cursor does not round-trip", cursor);
      }
    }
  }
  static int store = 0;
  if (store == 0) store = lunora_fuzz::envelope(api::store_open(lunora_fuzz::kSchema, "mysql", "{}"))["value"].get<int>();
  for (const char* query : {R"({"table":"orders"})", R"({"table":"orders","index":"by_meta","order":"desc"})"}) {
    auto begun = lunora_fuzz::envelope(api::query_begin(store, 0, query, cursor, 10));
    if (lunora_fuzz::is_ok(begun)) lunora_fuzz::envelope(api::query_end(begun["value"]["run"].get<int>()));
  }
  return 0;
}
