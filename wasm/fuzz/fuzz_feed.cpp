// Rows fed back from a driver: query_feed with arbitrary JSON (for a run that needs
// documents and one that does not), store_plan_migration with arbitrary catalog rows and
// store_backfill with arbitrary rows.
// Input: line 1 = rows JSON; line 2 = index rows JSON (migration); line 3 = backfill index.
#include "fuzz_common.hpp"
#include "lunora/api/store_api.hpp"

namespace api = lunora::api;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = lunora_fuzz::split(data, size, 3);
  const std::string& rows = parts[0];
  static int stores[2] = {0, 0};
  for (int which = 0; which < 2; ++which) {
    if (stores[which] == 0) {
      stores[which] = lunora_fuzz::envelope(api::store_open(lunora_fuzz::kSchema, which ? "mysql" : "postgres", "{}"))["value"].get<int>();
    }
    const int store = stores[which];
    for (const char* query : {R"({"table":"orders","index":"by_meta"})",
                              R"({"table":"orders","filter":{"op":"eq","args":[{"field":"customer"},{"literal":"a"}]}})",
                              R"({"table":"users","order":"desc"})"}) {
      auto begun = lunora_fuzz::envelope(api::query_begin(store, 0, query, "", 3));
      const int run = begun["value"]["run"].get<int>();
      for (int i = 0; i < 3; ++i) {
        auto fed = lunora_fuzz::envelope(api::query_feed(run, rows));
        if (!lunora_fuzz::is_ok(fed) || fed["value"]["more"] != true) break;
      }
      lunora_fuzz::envelope(api::query_end(run));
    }
    lunora_fuzz::envelope(api::store_plan_migration(store, rows, parts[1].empty() ? "[]" : parts[1]));
    lunora_fuzz::envelope(api::store_plan_migration(store, "[]", rows));
    const std::string index = parts[2].empty() ? "by_meta" : parts[2];
    lunora_fuzz::envelope(api::store_backfill(store, "orders", index, rows));
    lunora_fuzz::envelope(api::store_scan_page(store, "orders", rows, 5));
  }
  return 0;
}
