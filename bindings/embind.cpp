// Glue only: every function here forwards to lunora::api (core_api.hpp, store_api.hpp),
// which holds the logic and is tested natively. Two ways in: embind registrations (every
// function), and the byte boundary below (the store's per-operation calls).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lunora/api/core_api.hpp"
#include "lunora/api/store_api.hpp"

namespace {

std::string dialect_info_js(const std::string& name) { return lunora::api::dialect_info(name); }

std::string quote_identifier_js(const std::string& dialect, const std::string& identifier) {
  return lunora::api::quote_identifier(dialect, identifier);
}

// ---- the byte boundary ----------------------------------------------------------------------
// embind converts a std::string argument in a JS loop (one pass for its UTF-8 length, one
// copying it byte by byte) and scans an answer for NUL bytes in another, and its generic
// invoker costs ~10x a plain WASM export call. The store's hot calls therefore are plain
// exports: the shim writes their string arguments one after another into `input`
// (TextEncoder.encodeInto) and passes their byte lengths; the envelope is kept in `answer`,
// whose address and length the shim reads at lunora_answer() and decodes with TextDecoder.
// js-shim/src/core/core.ts is the other half.

std::vector<char> input;
std::string answer;
std::uint32_t answer_at[2];  // address, length

// The call's string arguments, in the order the shim wrote them.
class Args {
 public:
  std::string next(int length) {
    std::string s(at_, static_cast<std::size_t>(length));
    at_ += length;
    return s;
  }

 private:
  const char* at_ = input.data();
};

int reply(std::string envelope) {
  answer = std::move(envelope);
  answer_at[0] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(answer.data()));
  answer_at[1] = static_cast<std::uint32_t>(answer.size());
  return static_cast<int>(answer.size());
}

}  // namespace

extern "C" {

// The input buffer, at least `capacity` bytes; growing it may move it.
EMSCRIPTEN_KEEPALIVE char* lunora_input(int capacity) {
  if (capacity > 0 && input.size() < static_cast<std::size_t>(capacity)) input.resize(static_cast<std::size_t>(capacity));
  return input.data();
}
EMSCRIPTEN_KEEPALIVE std::uint32_t* lunora_answer() { return answer_at; }

EMSCRIPTEN_KEEPALIVE int lunora_store_get(int store, int table, int id) {
  Args a;
  auto t = a.next(table);
  return reply(lunora::api::store_get(store, t, a.next(id)));
}
// A number, not an envelope (store_api.hpp): nothing to write or decode.
EMSCRIPTEN_KEEPALIVE int lunora_store_get_text(int store, int table, int id) {
  Args a;
  auto t = a.next(table);
  return lunora::api::store_get_text(store, t, a.next(id));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_get_text(int tx, int table, int id) {
  Args a;
  auto t = a.next(table);
  return lunora::api::tx_get_text(tx, t, a.next(id));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_normalize_id(int store, int table, int id) {
  Args a;
  auto t = a.next(table);
  return reply(lunora::api::store_normalize_id(store, t, a.next(id)));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_blind_patch(int store, int id, int set_wire, int unset_json, int need_old_row) {
  Args a;
  auto i = a.next(id);
  auto s = a.next(set_wire);
  return reply(lunora::api::store_blind_patch_compact(store, i, s, a.next(unset_json), need_old_row != 0));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_log_patch(int store, int id, double creation_time, int old_indexed, int new_indexed) {
  Args a;
  auto i = a.next(id);
  auto o = a.next(old_indexed);
  return reply(lunora::api::store_log_patch(store, i, creation_time, o, a.next(new_indexed)));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_log_patch_pending(int store, int id) {
  return reply(lunora::api::store_log_patch_pending(store, Args().next(id)));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_settle_pending(int store, double sequence, int landed) {
  return reply(lunora::api::store_settle_pending(store, sequence, landed != 0));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_blind_delete(int store, int id) {
  return reply(lunora::api::store_blind_delete(store, Args().next(id)));
}
EMSCRIPTEN_KEEPALIVE int lunora_store_log_delete(int store, int id, double creation_time, int old_indexed) {
  Args a;
  auto i = a.next(id);
  return reply(lunora::api::store_log_delete(store, i, creation_time, a.next(old_indexed)));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_begin(int store) { return reply(lunora::api::tx_begin(store)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_begin_handle(int store) { return lunora::api::tx_begin_handle(store); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_insert(int tx, int table, int document, double now_ms) {
  Args a;
  auto t = a.next(table);
  return reply(lunora::api::tx_insert(tx, t, a.next(document), now_ms));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_insert_compact(int tx, int table, int document, double now_ms) {
  Args a;
  auto t = a.next(table);
  return reply(lunora::api::tx_insert_compact(tx, t, a.next(document), now_ms));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_get(int tx, int table, int id) {
  Args a;
  auto t = a.next(table);
  return reply(lunora::api::tx_get(tx, t, a.next(id)));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_update(int tx, int id, int version, double creation_time, int old_document, int document,
                                          int set_fields) {
  Args a;
  auto i = a.next(id);
  auto v = a.next(version);
  auto o = a.next(old_document);
  auto d = a.next(document);
  return reply(lunora::api::tx_update(tx, i, v, creation_time, o, d, a.next(set_fields)));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_patch(int tx, int id, int version, double creation_time, int old_document, int set_wire,
                                         int unset_json, double other_fields_bound) {
  Args a;
  auto i = a.next(id);
  auto v = a.next(version);
  auto o = a.next(old_document);
  auto s = a.next(set_wire);
  return reply(lunora::api::tx_patch(tx, i, v, creation_time, o, s, a.next(unset_json), other_fields_bound));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_remove(int tx, int id, int version, double creation_time, int old_document) {
  Args a;
  auto i = a.next(id);
  auto v = a.next(version);
  return reply(lunora::api::tx_remove(tx, i, v, creation_time, a.next(old_document)));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_accept(int tx) { return reply(lunora::api::tx_accept(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_accept_compact(int tx) { return reply(lunora::api::tx_accept_compact(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_accept_plan(int tx) { return reply(lunora::api::tx_accept_plan(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_accept_plan_compact(int tx) { return reply(lunora::api::tx_accept_plan_compact(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_check_plan_compact(int tx) { return reply(lunora::api::tx_check_plan_compact(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_batch_plan(int txs) { return reply(lunora::api::tx_batch_plan(Args().next(txs))); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_batch_plan_compact(int txs) {
  return reply(lunora::api::tx_batch_plan_compact(Args().next(txs)));
}
EMSCRIPTEN_KEEPALIVE int lunora_tx_record_commit_compact(int tx) { return reply(lunora::api::tx_record_commit_compact(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_finish(int tx, double sequence) { return reply(lunora::api::tx_finish(tx, sequence)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_describe(int tx, int write) { return reply(lunora::api::tx_describe(tx, write)); }
EMSCRIPTEN_KEEPALIVE int lunora_tx_end(int tx) { return reply(lunora::api::tx_end(tx)); }
EMSCRIPTEN_KEEPALIVE int lunora_store_confirm(int store, double sequence) { return reply(lunora::api::store_confirm(store, sequence)); }
EMSCRIPTEN_KEEPALIVE int lunora_store_retract(int store, double sequence) { return reply(lunora::api::store_retract(store, sequence)); }
EMSCRIPTEN_KEEPALIVE int lunora_sub_set(int tx, int subscription) { return reply(lunora::api::sub_set(tx, subscription)); }
EMSCRIPTEN_KEEPALIVE int lunora_query_begin(int store, int tx, int query, int cursor, double limit) {
  Args a;
  auto q = a.next(query);
  return reply(lunora::api::query_begin(store, tx, q, a.next(cursor), limit));
}
EMSCRIPTEN_KEEPALIVE int lunora_query_feed(int run, int rows) { return reply(lunora::api::query_feed(run, Args().next(rows))); }
EMSCRIPTEN_KEEPALIVE int lunora_query_feed_count(int run, double count, int last_row) {
  return reply(lunora::api::query_feed_count(run, count, Args().next(last_row)));
}
EMSCRIPTEN_KEEPALIVE int lunora_query_end(int run) { return reply(lunora::api::query_end(run)); }

}  // extern "C"

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
  function("storeGetText", &store_get_text);
  function("storeGetMany", &store_get_many);
  function("storeBlindPatch", &store_blind_patch_compact);  // the byte boundary's answer
  function("storeLogPatch", &store_log_patch);
  function("storeLogPatchPending", &store_log_patch_pending);
  function("storeSettlePending", &store_settle_pending);
  function("storeBlindDelete", &store_blind_delete);
  function("storeLogDelete", &store_log_delete);
  function("storeNormalizeId", &store_normalize_id);
  function("txBegin", &tx_begin);
  function("txBeginHandle", &tx_begin_handle);
  function("txInsert", &tx_insert);
  function("txInsertCompact", &tx_insert_compact);
  function("txGet", &tx_get);
  function("txGetText", &tx_get_text);
  function("txUpdate", &tx_update);
  function("txPatch", &tx_patch);
  function("txRemove", &tx_remove);
  function("txCommitPlan", &tx_commit_plan);
  function("txDescribe", &tx_describe);
  function("txValidate", &tx_validate);
  function("txRecordCommit", &tx_record_commit);
  function("txAccept", &tx_accept);
  function("txAcceptCompact", &tx_accept_compact);
  function("txEnd", &tx_end);
  function("txBatchPlan", &tx_batch_plan);
  function("txBatchPlanCompact", &tx_batch_plan_compact);
  function("txAcceptPlan", &tx_accept_plan);
  function("txAcceptPlanCompact", &tx_accept_plan_compact);
  function("txCheckPlanCompact", &tx_check_plan_compact);
  function("txRecordCommitCompact", &tx_record_commit_compact);
  function("txFinish", &tx_finish);
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
