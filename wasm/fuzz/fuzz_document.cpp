// Documents: parse_wire (+ the to_wire round trip), validation and SQL building through
// tx_insert / tx_update / tx_remove / tx_patch and the commit plans, on both dialects.
//
// Input: line 1 = table name, line 2 = document (Lunora JSON), line 3 = the old document for
// the update (Lunora JSON; empty: the new one).
#include "fuzz_common.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/value/wire.hpp"

namespace api = lunora::api;

namespace {
int store_for(int which) {
  static int stores[2] = {0, 0};
  if (stores[which] == 0) {
    auto env = lunora_fuzz::envelope(api::store_open(lunora_fuzz::kSchema, which == 0 ? "postgres" : "mysql", R"({"seed":"01"})"));
    if (!lunora_fuzz::is_ok(env)) lunora_fuzz::die("fixture schema refused", env.dump());
    stores[which] = env["value"].get<int>();
  }
  return stores[which];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = lunora_fuzz::split(data, size, 3);
  const std::string& table = parts[0];
  const std::string& document = parts[1];
  const std::string& old_document = parts[2].empty() ? parts[1] : parts[2];

  // The wire codec alone: what parses must round-trip canonically.
  if (auto value = lunora::parse_wire(document)) {
    const std::string wire = lunora::to_wire(*value);
    auto again = lunora::parse_wire(wire);
    if (!again) lunora_fuzz::die("to_wire output does not parse back", wire);
    if (lunora::to_wire(*again) != wire) lunora_fuzz::die("to_wire is not canonical", wire);
  }

  for (int which = 0; which < 2; ++which) {
    const int store = store_for(which);
    auto begin = lunora_fuzz::envelope(api::tx_begin(store));
    const int tx = begin["value"].get<int>();
    auto inserted = lunora_fuzz::envelope(api::tx_insert(tx, table, document, 1700000000000.0));
    if (lunora_fuzz::is_ok(inserted)) {
      const std::string id = inserted["value"]["_id"].get<std::string>();
      lunora_fuzz::envelope(api::store_get(store, "", id));
      lunora_fuzz::envelope(api::tx_get(tx, "", id));
    }
    // An update/remove of an existing document (id of "orders", made up).
    auto fake = lunora_fuzz::envelope(api::tx_insert(tx, "users", R"({"name":"x"})", 1.0));
    const std::string fake_id = fake["value"]["_id"].get<std::string>();
    lunora_fuzz::envelope(api::tx_update(tx, fake_id, "7", 1.0, old_document, document));
    lunora_fuzz::envelope(api::tx_update(tx, table, document, 2.0, old_document, document));
    lunora_fuzz::envelope(api::tx_remove(tx, fake_id, table, 3.0, old_document));
    lunora_fuzz::envelope(api::tx_commit_plan(tx));
    lunora_fuzz::envelope(api::tx_validate(tx));
    lunora_fuzz::envelope(api::tx_describe(tx, 0));
    lunora_fuzz::envelope(api::tx_describe(tx, 1000));
    lunora_fuzz::envelope(api::tx_describe(tx, -1));
    lunora_fuzz::envelope(api::tx_end(tx));

    // The same document as a patch by what it names (tx_patch), in a mutation that has not
    // written the document yet, then planned without logging and queried over (the query
    // refuses to run over the incomplete write).
    const int patcher = lunora_fuzz::envelope(api::tx_begin(store))["value"].get<int>();
    const std::string recorded = api::tx_patch(patcher, fake_id, "7", 1.0, old_document, document, "", 200);
    if (recorded != "1" && recorded != "0") lunora_fuzz::envelope(recorded);  // else an envelope
    api::tx_patch(patcher, fake_id, "7", 1.0, old_document, document, R"(["name"])", 1048000);
    auto query = lunora_fuzz::envelope(api::query_begin(store, patcher, R"({"table":"users"})", "", 5));
    if (lunora_fuzz::is_ok(query) && query["value"].contains("run")) api::query_end(query["value"]["run"].get<int>());
    const std::string planned = api::tx_check_plan_compact(patcher);
    if (planned.empty() || (planned[0] != '[' && planned[0] != '{')) lunora_fuzz::die("tx_check_plan_compact answered neither a plan nor an envelope", planned);
    if (planned[0] == '{') lunora_fuzz::envelope(planned);
    lunora_fuzz::envelope(api::tx_end(patcher));
  }
  return 0;
}
