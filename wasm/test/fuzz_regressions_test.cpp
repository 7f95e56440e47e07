// Inputs the fuzzers of wasm/fuzz found crashing the core (their corpus files are replayed by
// scripts/fuzz.sh too).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"

namespace api = lunora::api;

TEST_CASE("fuzz regression: query_begin with a limit no long long holds (fuzz_query)") {
  const char* schema = R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"}}},"indexes":[]}}})";
  auto opened = nlohmann::json::parse(api::store_open(schema, "postgres", "{}"));
  REQUIRE(opened["ok"] == true);
  const int store = opened["value"].get<int>();
  for (double limit : {1e300, std::numeric_limits<double>::infinity(), 9.3e18}) {
    auto begun = nlohmann::json::parse(api::query_begin(store, 0, R"({"table":"t"})", "", limit));
    REQUIRE(begun["ok"] == true);  // no limit
    api::query_end(begun["value"]["run"].get<int>());
  }
  auto nan = nlohmann::json::parse(api::query_begin(store, 0, R"({"table":"t"})", "", std::nan("")));
  CHECK(nan["ok"] == false);
  CHECK(nan["code"] == "INVALID_ARGUMENT");
  api::store_close(store);
}
