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
  storeGetMany(store: number, table: string, idsJson: string): string;
  storeNormalizeId(store: number, table: string, id: string): string;
  txBegin(store: number): string;
  txInsert(tx: number, table: string, documentWire: string, nowMs: number): string;
  txGet(tx: number, table: string, id: string): string;
  txUpdate(tx: number, id: string, expectedVersion: string, creationTime: number, oldWire: string, documentWire: string): string;
  txRemove(tx: number, id: string, expectedVersion: string, creationTime: number, oldWire: string): string;
  txValidate(tx: number): string;
  txRecordCommit(tx: number): string;
  txAccept(tx: number): string;
  txCommitPlan(tx: number): string;
  txDescribe(tx: number, write: number): string;
  txEnd(tx: number): string;
  txBatchPlan(txsJson: string): string;
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
): Partial<LunoraCoreModule> & { ready?: Promise<unknown> };
export default createLunoraCore;
