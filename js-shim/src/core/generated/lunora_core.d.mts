// Types of the Emscripten/embind glue (lunora_core.mjs), built from bindings/embind.cpp.
export interface LunoraCoreModule {
  coreVersion(): string;
  dialectInfo(dialect: string): string;
  quoteIdentifier(dialect: string, identifier: string): string;

  storeOpen(schemaJson: string, dialect: string, optionsJson: string): string;
  storeClose(store: number): string;
  storeLayout(store: number): string;
  storeCatalogQueries(store: number): string;
  storePlanMigration(store: number, columnRowsJson: string, indexRowsJson: string): string;
  storeBackfill(store: number, table: string, index: string, rowsWire: string): string;
  storeScanPage(store: number, table: string, afterJson: string, limit: number): string;
  storeGet(store: number, table: string, id: string): string;
  /** The point-read text's number; -1: no such document; -2: ask storeGet. */
  storeGetText(store: number, table: string, id: string): number;
  storeGetMany(store: number, table: string, idsJson: string): string;
  /** A patch as one statement needing no prior read, or null (store_api.hpp store_blind_patch_compact). */
  storeBlindPatch(store: number, id: string, setWire: string, unsetJson: string, needOldRow: boolean): string;
  /** Logs an update that already committed, confirmed: the affected subscription ids as "[1,5]", or an error envelope (store_api.hpp store_log_patch). */
  storeLogPatch(store: number, id: string, creationTime: number, oldIndexedWire: string, newIndexedWire: string): string;
  /** Logs by its id alone, pending, an update that moves no index key: "[[affected], sequence]", or an error envelope (store_api.hpp store_log_patch_pending). */
  storeLogPatchPending(store: number, id: string): string;
  /** Confirms (landed) or retracts the store's one pending entry (store_api.hpp store_settle_pending). */
  storeSettlePending(store: number, sequence: number, landed: boolean): string;
  /** A delete as one statement needing no prior read (it returns the row deleted), or null (store_api.hpp store_blind_delete). */
  storeBlindDelete(store: number, id: string): string;
  /** Logs a delete that already committed, confirmed: the affected subscription ids as "[1,5]", or an error envelope (store_api.hpp store_log_delete). */
  storeLogDelete(store: number, id: string, creationTime: number, oldIndexedWire: string): string;
  storeNormalizeId(store: number, table: string, id: string): string;
  txBegin(store: number): string;
  /** The new mutation's handle; 0: the store is closed (ask txBegin for the error). */
  txBeginHandle(store: number): number;
  txInsert(tx: number, table: string, documentWire: string, nowMs: number): string;
  /** txInsert without JSON: "<_id> <_creationTime>", or the error envelope (store_api.hpp). */
  txInsertCompact(tx: number, table: string, documentWire: string, nowMs: number): string;
  txGet(tx: number, table: string, id: string): string;
  /** As storeGetText, recording the read when it answers with a text number. */
  txGetText(tx: number, table: string, id: string): number;
  txUpdate(tx: number, id: string, expectedVersion: string, creationTime: number, oldWire: string, documentWire: string, setFieldsJson: string): string;
  txPatch(tx: number, id: string, expectedVersion: string, creationTime: number, oldWire: string, setWire: string, unsetJson: string, otherFieldsBound: number): string;
  txRemove(tx: number, id: string, expectedVersion: string, creationTime: number, oldWire: string): string;
  txValidate(tx: number): string;
  txRecordCommit(tx: number): string;
  txRecordCommitCompact(tx: number): string;
  txAccept(tx: number): string;
  /** txAccept with its acceptance as [affected, sequence] (store_api.hpp); else its envelope. */
  txAcceptCompact(tx: number): string;
  txCommitPlan(tx: number): string;
  txDescribe(tx: number, write: number): string;
  txEnd(tx: number): string;
  txBatchPlan(txsJson: string): string;
  /** txBatchPlan with its plan as positional arrays (store_api.hpp); an error is the envelope. */
  txBatchPlanCompact(txsJson: string): string;
  txAcceptPlan(tx: number): string;
  /** txAcceptPlan with its success as positional arrays (store_api.hpp); else its envelope. */
  txAcceptPlanCompact(tx: number): string;
  txCheckPlanCompact(tx: number): string;
  txFinish(tx: number, sequence: number): string;
  storeConfirm(store: number, sequence: number): string;
  storeRetract(store: number, sequence: number): string;
  subSet(tx: number, subscription: number): string;
  subRemove(store: number, subscription: number): string;
  queryBegin(store: number, tx: number, queryJson: string, cursor: string, limit: number): string;
  queryFeed(run: number, rowsJson: string): string;
  queryFeedCount(run: number, count: number, lastRowJson: string): string;
  queryEnd(run: number): string;
  /** Testing: the core's brute-force reference model of a query (store_api.hpp). */
  referenceQuery(store: number, docsWire: string, queryJson: string, cursor: string, limit: number): string;
}

/**
 * The byte boundary (bindings/embind.cpp): plain WASM exports whose string arguments are
 * byte lengths of strings written one after another at lunora_input(); each returns the
 * length of its envelope, whose address and length are the two u32 at lunora_answer().
 */
export interface LunoraCoreExports {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _lunora_input(capacity: number): number;
  _lunora_answer(): number;
  _lunora_store_get(store: number, table: number, id: number): number;
  _lunora_store_get_text(store: number, table: number, id: number): number;
  _lunora_tx_get_text(tx: number, table: number, id: number): number;
  _lunora_store_normalize_id(store: number, table: number, id: number): number;
  _lunora_store_blind_patch(store: number, id: number, setWire: number, unsetJson: number, needOldRow: number): number;
  _lunora_store_log_patch(store: number, id: number, creationTime: number, oldIndexedWire: number, newIndexedWire: number): number;
  _lunora_store_log_patch_pending(store: number, id: number): number;
  _lunora_store_settle_pending(store: number, sequence: number, landed: number): number;
  _lunora_store_blind_delete(store: number, id: number): number;
  _lunora_store_log_delete(store: number, id: number, creationTime: number, oldIndexedWire: number): number;
  _lunora_tx_begin(store: number): number;
  _lunora_tx_begin_handle(store: number): number;
  _lunora_tx_insert(tx: number, table: number, documentWire: number, nowMs: number): number;
  _lunora_tx_insert_compact(tx: number, table: number, documentWire: number, nowMs: number): number;
  _lunora_tx_get(tx: number, table: number, id: number): number;
  _lunora_tx_update(tx: number, id: number, expectedVersion: number, creationTime: number, oldWire: number, documentWire: number, setFieldsJson: number): number;
  _lunora_tx_patch(tx: number, id: number, expectedVersion: number, creationTime: number, oldWire: number, setWire: number, unsetJson: number, otherFieldsBound: number): number;
  _lunora_tx_remove(tx: number, id: number, expectedVersion: number, creationTime: number, oldWire: number): number;
  _lunora_tx_accept(tx: number): number;
  _lunora_tx_accept_compact(tx: number): number;
  _lunora_tx_accept_plan(tx: number): number;
  _lunora_tx_accept_plan_compact(tx: number): number;
  _lunora_tx_check_plan_compact(tx: number): number;
  _lunora_tx_batch_plan(txsJson: number): number;
  _lunora_tx_batch_plan_compact(txsJson: number): number;
  _lunora_tx_record_commit_compact(tx: number): number;
  _lunora_tx_finish(tx: number, sequence: number): number;
  _lunora_tx_describe(tx: number, write: number): number;
  _lunora_tx_end(tx: number): number;
  _lunora_store_confirm(store: number, sequence: number): number;
  _lunora_store_retract(store: number, sequence: number): number;
  _lunora_sub_set(tx: number, subscription: number): number;
  _lunora_query_begin(store: number, tx: number, queryJson: number, cursor: number, limit: number): number;
  _lunora_query_feed(run: number, rowsJson: number): number;
  _lunora_query_feed_count(run: number, count: number, lastRowJson: number): number;
  _lunora_query_end(run: number): number;
}

export interface LunoraCoreModuleArg {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): WebAssembly.Exports;
  locateFile(path: string): string;
}

// Emscripten 3.1.6 returns the module object it was given (with a `ready` promise), with
// the embind exports attached once start-up has run.
declare function createLunoraCore(
  moduleArg: LunoraCoreModuleArg,
): Partial<LunoraCoreModule & LunoraCoreExports> & { ready?: Promise<unknown> };
export default createLunoraCore;
