// embind registrations only: every function here forwards to lunora::api (core_api.hpp,
// store_api.hpp), which holds the logic and is tested natively.
#include <emscripten/bind.h>

#include <string>

#include "lunora/api/core_api.hpp"
#include "lunora/api/store_api.hpp"

namespace {

std::string dialect_info_js(const std::string& name) { return lunora::api::dialect_info(name); }

std::string quote_identifier_js(const std::string& dialect, const std::string& identifier) {
  return lunora::api::quote_identifier(dialect, identifier);
}

}  // namespace

EMSCRIPTEN_BINDINGS(lunora_core) {
  using namespace emscripten;
  using namespace lunora::api;
  function("coreVersion", &core_version);
  function("dialectInfo", &dialect_info_js);
  function("quoteIdentifier", &quote_identifier_js);

  function("storeOpen", &store_open);
  function("storeClose", &store_close);
  function("storeLayout", &store_layout);
  function("storeCatalogQueries", &store_catalog_queries);
  function("storePlanMigration", &store_plan_migration);
  function("storeBackfill", &store_backfill);
  function("storeScanPage", &store_scan_page);
  function("storeGet", &store_get);
  function("storeGetMany", &store_get_many);
  function("storeNormalizeId", &store_normalize_id);
  function("txBegin", &tx_begin);
  function("txInsert", &tx_insert);
  function("txGet", &tx_get);
  function("txUpdate", &tx_update);
  function("txRemove", &tx_remove);
  function("txCommitPlan", &tx_commit_plan);
  function("txDescribe", &tx_describe);
  function("txValidate", &tx_validate);
  function("txRecordCommit", &tx_record_commit);
  function("txAccept", &tx_accept);
  function("txEnd", &tx_end);
  function("txBatchPlan", &tx_batch_plan);
  function("storeConfirm", &store_confirm);
  function("storeRetract", &store_retract);
  function("subSet", &sub_set);
  function("subRemove", &sub_remove);
  function("queryBegin", &query_begin);
  function("queryFeed", &query_feed);
  function("queryFeedCount", &query_feed_count);
  function("queryEnd", &query_end);
  function("referenceQuery", &reference_query);
}
