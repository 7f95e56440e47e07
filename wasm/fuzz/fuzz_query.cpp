// Query descriptions and cursors: query_begin with arbitrary query JSON, cursor and limit,
// inside and outside a mutation, then one feed of the fixture rows and query_end.
// Input: line 1 = query JSON, line 2 = cursor string, line 3 = limit (decimal text).
#include <cmath>

#include "fuzz_common.hpp"
#include "lunora/api/store_api.hpp"

namespace api = lunora::api;

namespace {
int the_store() {
  static int store = 0;
  if (store == 0) {
    auto env = lunora_fuzz::envelope(api::store_open(lunora_fuzz::kSchema, "postgres", R"({"seed":"02"})"));
    if (!lunora_fuzz::is_ok(env)) lunora_fuzz::die("fixture schema refused", env.dump());
    store = env["value"].get<int>();
  }
  return store;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = lunora_fuzz::split(data, size, 3);
  double limit = -1;
  if (!parts[2].empty()) limit = std::strtod(parts[2].c_str(), nullptr);
  const int store = the_store();
  auto tx_env = lunora_fuzz::envelope(api::tx_begin(store));
  const int tx = tx_env["value"].get<int>();
  // A pending write, so runs inside the mutation merge it in.
  lunora_fuzz::envelope(api::tx_insert(tx, "orders", R"({"customer":"m","total":1,"qty":{"$integer":"AQAAAAAAAAA="},"paid":true,"tags":[]})", 5.0));
  for (int in_tx : {0, tx}) {
    auto begun = lunora_fuzz::envelope(api::query_begin(store, in_tx, parts[0], parts[1], limit));
    if (!lunora_fuzz::is_ok(begun)) continue;
    const int run = begun["value"]["run"].get<int>();
    if (!begun["value"]["finished"].get<bool>()) {
      lunora_fuzz::envelope(api::query_feed(run, "[]"));
    }
    lunora_fuzz::envelope(api::query_end(run));
  }
  lunora_fuzz::envelope(api::sub_set(tx, 1));
  lunora_fuzz::envelope(api::tx_end(tx));
  lunora_fuzz::envelope(api::sub_remove(store, 1));
  return 0;
}
