// Schema JSON: parse_schema and store_open (both dialects, both MySQL collations), then the
// layout, catalog queries and a migration plan of whatever opened.
#include "fuzz_common.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/schema/schema_parser.hpp"

namespace api = lunora::api;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  (void)lunora::parse_schema(input);
  for (const char* dialect : {"postgres", "mysql"}) {
    auto opened = lunora_fuzz::envelope(api::store_open(input, dialect, R"({"seed":"0a0b"})"));
    if (!lunora_fuzz::is_ok(opened)) continue;
    const int store = opened["value"].get<int>();
    lunora_fuzz::envelope(api::store_layout(store));
    lunora_fuzz::envelope(api::store_catalog_queries(store));
    lunora_fuzz::envelope(api::store_plan_migration(store, "[]", "[]"));
    lunora_fuzz::envelope(api::store_close(store));
  }
  return 0;
}
