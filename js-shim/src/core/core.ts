// The one place that creates the WASM core: lazily, once per isolate, synchronously.
//
// Synchronous creation lets plain constructors (adapters, dialect objects) use the core
// without forcing `await` on users. It relies on two facts: the WebAssembly.Module is already
// compiled (imported in workerd, compiled from the shipped file in Node), and the glue is
// linked with WASM_ASYNC_COMPILATION=0, so `receiveInstance` finishes start-up before the
// factory returns (see cmake/EmscriptenFlags.cmake).
import { loadWasmModule } from "#core-wasm";
import { CoreError, errorFromCore } from "../errors.js";
import createLunoraCore, { type LunoraCoreExports, type LunoraCoreModule } from "./generated/lunora_core.mjs";

/** The core's functions: strings and numbers in, envelope text out. */
export type LunoraCore = LunoraCoreModule;

let core: LunoraCore | undefined;

/** Milliseconds spent instantiating the core, for benchmarks and diagnostics. */
export let coreInstantiateMs = 0;

/**
 * The core's API (one object per isolate). The embind functions, except the store's
 * per-operation calls, which go through the byte boundary (see byteBoundary below).
 */
export function getCore(): LunoraCore {
  if (core === undefined) core = instantiate();
  return core;
}

/** The embind functions alone, for benchmarks comparing the two ways in. */
export function getEmbindCore(): LunoraCore {
  getCore();
  return embind!;
}

let embind: LunoraCore | undefined;

function instantiate(): LunoraCore {
  const started = performance.now();
  const compiled = loadWasmModule();
  const moduleArg = {
    instantiateWasm(
      imports: WebAssembly.Imports,
      receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ): WebAssembly.Exports {
      const instance = new WebAssembly.Instance(compiled, imports);
      receiveInstance(instance, compiled);
      return instance.exports;
    },
    locateFile: (path: string) => path,
  };
  const ready = createLunoraCore(moduleArg);
  // Start-up failures surface through the check below, not as an unhandled rejection.
  ready.ready?.catch(() => undefined);
  if (typeof ready.dialectInfo !== "function") {
    throw new CoreError("INTERNAL", "the WASM core did not finish initialising synchronously");
  }
  const module = ready as LunoraCoreModule & LunoraCoreExports;
  const functions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === "function" && /^(core|dialect|quote|store|tx|sub|query|reference)[A-Z]/.test(name)) functions[name] = value;
  }
  embind = Object.freeze({ ...functions }) as unknown as LunoraCore;
  const api = Object.assign(functions, byteBoundary(module)) as LunoraCore;
  coreInstantiateMs = performance.now() - started;
  return api;
}

/**
 * The store's per-operation calls without embind's string conversion, which copies each
 * string argument in a JS loop (after another loop measuring it) and scans each answer for
 * NUL bytes in a third, and without its generic invoker: string arguments are encoded with
 * `TextEncoder.encodeInto` one after another into the core's input buffer and passed as byte
 * lengths to plain WASM exports; the answer is decoded with `TextDecoder` where the core left
 * it (bindings/embind.cpp). Same names, arguments and answers as the embind functions.
 */
function byteBoundary(m: LunoraCoreModule & LunoraCoreExports): Partial<LunoraCore> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const answerAt = m._lunora_answer() >>> 2;
  let capacity = 4096;
  let start = m._lunora_input(capacity);
  let input = m.HEAPU8.subarray(start, start + capacity);
  let offset = 0;

  /** Starts a call whose string arguments have `units` UTF-16 code units in all. */
  const open = (units: number) => {
    // Memory growth detaches the old views (length 0); a UTF-16 unit is at most 3 UTF-8 bytes.
    if (units * 3 > capacity) {
      capacity = Math.max(units * 3, capacity * 2);
      start = m._lunora_input(capacity);
      input = m.HEAPU8.subarray(start, start + capacity);
    } else if (input.length !== capacity) {
      input = m.HEAPU8.subarray(start, start + capacity);
    }
    offset = 0;
  };
  /** Appends a string argument; returns its length in bytes. */
  const put = (s: string): number => {
    const { written } = encoder.encodeInto(s, offset === 0 ? input : input.subarray(offset));
    offset += written;
    return written;
  };
  const answer = (): string => {
    const at = m.HEAPU32[answerAt]!;
    return decoder.decode(m.HEAPU8.subarray(at, at + m.HEAPU32[answerAt + 1]!));
  };
  /**
   * The answer of a call whose one success is null, from its length: every error envelope is
   * longer than {"ok":true,"value":null}, so that one needs no decoding (~2 us after an idle
   * wait, as between round trips).
   */
  const nullOr = (length: number): string => (length === OK_NULL.length ? OK_NULL : answer());
  /** The UTF-16 length of a call's string arguments (embind too refused non-strings). */
  const text = (a: unknown, b: unknown = "", c: unknown = "", d: unknown = "", e: unknown = ""): number => {
    if (typeof a !== "string" || typeof b !== "string" || typeof c !== "string" || typeof d !== "string" || typeof e !== "string") {
      throw new TypeError("the core takes a string here");
    }
    return a.length + b.length + c.length + d.length + e.length;
  };

  return {
    storeGet(store, table, id) {
      open(text(table, id));
      m._lunora_store_get(store, put(table), put(id));
      return answer();
    },
    storeGetText(store, table, id) {
      open(text(table, id));
      return m._lunora_store_get_text(store, put(table), put(id));
    },
    txGetText(tx, table, id) {
      open(text(table, id));
      return m._lunora_tx_get_text(tx, put(table), put(id));
    },
    storeBlindPatch(store, id, setWire, unsetJson, needOldRow) {
      open(text(id, setWire, unsetJson));
      // "null" (no blind patch) needs no decoding: every other answer is longer.
      return m._lunora_store_blind_patch(store, put(id), put(setWire), put(unsetJson), needOldRow ? 1 : 0) === 4 ? "null" : answer();
    },
    storeLogPatch(store, id, creationTime, oldIndexedWire, newIndexedWire) {
      open(text(id, oldIndexedWire, newIndexedWire));
      m._lunora_store_log_patch(store, put(id), creationTime, put(oldIndexedWire), put(newIndexedWire));
      return answer();
    },
    storeLogPatchPending(store, id) {
      open(text(id));
      m._lunora_store_log_patch_pending(store, put(id));
      return answer();
    },
    storeSettlePending(store, sequence, landed) {
      // Numbers in; the usual answer (null) known by its length, nothing decoded.
      return nullOr(m._lunora_store_settle_pending(store, sequence, landed ? 1 : 0));
    },
    storeBlindDelete(store, id) {
      open(text(id));
      m._lunora_store_blind_delete(store, put(id));
      return answer();
    },
    storeLogDelete(store, id, creationTime, oldIndexedWire) {
      open(text(id, oldIndexedWire));
      m._lunora_store_log_delete(store, put(id), creationTime, put(oldIndexedWire));
      return answer();
    },
    storeNormalizeId(store, table, id) {
      open(text(table, id));
      m._lunora_store_normalize_id(store, put(table), put(id));
      return answer();
    },
    txBegin(store) {
      m._lunora_tx_begin(store);
      return answer();
    },
    txBeginHandle(store) {
      return m._lunora_tx_begin_handle(store);
    },
    txInsert(tx, table, documentWire, nowMs) {
      open(text(table, documentWire));
      m._lunora_tx_insert(tx, put(table), put(documentWire), nowMs);
      return answer();
    },
    txInsertCompact(tx, table, documentWire, nowMs) {
      open(text(table, documentWire));
      m._lunora_tx_insert_compact(tx, put(table), put(documentWire), nowMs);
      return answer();
    },
    txGet(tx, table, id) {
      open(text(table, id));
      m._lunora_tx_get(tx, put(table), put(id));
      return answer();
    },
    txUpdate(tx, id, expectedVersion, creationTime, oldWire, documentWire, setFieldsJson) {
      open(text(id, expectedVersion, oldWire, documentWire, setFieldsJson));
      return nullOr(m._lunora_tx_update(tx, put(id), put(expectedVersion), creationTime, put(oldWire), put(documentWire), put(setFieldsJson)));
    },
    txPatch(tx, id, expectedVersion, creationTime, oldWire, setWire, unsetJson, otherFieldsBound) {
      open(text(id, expectedVersion, oldWire, setWire, unsetJson));
      const length = m._lunora_tx_patch(tx, put(id), put(expectedVersion), creationTime, put(oldWire), put(setWire), put(unsetJson), otherFieldsBound);
      // "1" or "0" read as its one byte; anything longer is an error envelope.
      if (length === 1) return m.HEAPU8[m.HEAPU32[answerAt]!] === 49 ? "1" : "0";
      return answer();
    },
    txRemove(tx, id, expectedVersion, creationTime, oldWire) {
      open(text(id, expectedVersion, oldWire));
      return nullOr(m._lunora_tx_remove(tx, put(id), put(expectedVersion), creationTime, put(oldWire)));
    },
    txAccept(tx) {
      m._lunora_tx_accept(tx);
      return answer();
    },
    txAcceptCompact(tx) {
      m._lunora_tx_accept_compact(tx);
      return answer();
    },
    txAcceptPlan(tx) {
      m._lunora_tx_accept_plan(tx);
      return answer();
    },
    txAcceptPlanCompact(tx) {
      m._lunora_tx_accept_plan_compact(tx);
      return answer();
    },
    txCheckPlanCompact(tx) {
      m._lunora_tx_check_plan_compact(tx);
      return answer();
    },
    txBatchPlan(txsJson) {
      open(text(txsJson));
      m._lunora_tx_batch_plan(put(txsJson));
      return answer();
    },
    txBatchPlanCompact(txsJson) {
      open(text(txsJson));
      m._lunora_tx_batch_plan_compact(put(txsJson));
      return answer();
    },
    txRecordCommitCompact(tx) {
      m._lunora_tx_record_commit_compact(tx);
      return answer();
    },
    txFinish(tx, sequence) {
      return nullOr(m._lunora_tx_finish(tx, sequence));
    },
    txDescribe(tx, write) {
      m._lunora_tx_describe(tx, write);
      return answer();
    },
    txEnd(tx) {
      return nullOr(m._lunora_tx_end(tx));
    },
    storeConfirm(store, sequence) {
      m._lunora_store_confirm(store, sequence);
      return answer();
    },
    storeRetract(store, sequence) {
      m._lunora_store_retract(store, sequence);
      return answer();
    },
    subSet(tx, subscription) {
      m._lunora_sub_set(tx, subscription);
      return answer();
    },
    queryBegin(store, tx, queryJson, cursor, limit) {
      open(text(queryJson, cursor));
      m._lunora_query_begin(store, tx, put(queryJson), put(cursor), limit);
      return answer();
    },
    queryFeed(run, rowsJson) {
      open(text(rowsJson));
      m._lunora_query_feed(run, put(rowsJson));
      return answer();
    },
    queryFeedCount(run, count, lastRowJson) {
      open(text(lastRowJson));
      m._lunora_query_feed_count(run, count, put(lastRowJson));
      return answer();
    },
    queryEnd(run) {
      m._lunora_query_end(run);
      return answer();
    },
  };
}

interface Envelope<T> {
  ok: boolean;
  value?: T;
  code?: string;
  message?: string;
}

const OK_NULL = '{"ok":true,"value":null}';
const OK_PREFIX = '{"ok":true,"value":';

/** Unwraps a core result envelope, throwing the typed error it describes. */
export function unwrap<T>(envelopeJson: string): T {
  // The answers of most calls that only act (null) or open something (a handle) skip
  // JSON.parse, whose fixed cost is most of such a call's.
  if (envelopeJson.length <= 30) {
    if (envelopeJson === OK_NULL) return null as T;
    if (envelopeJson.startsWith(OK_PREFIX)) {
      const value = envelopeJson.slice(OK_PREFIX.length, -1);
      if (/^[1-9][0-9]{0,8}$/.test(value)) return Number(value) as T;
    }
  }
  const envelope = JSON.parse(envelopeJson) as Envelope<T>;
  if (envelope.ok) return envelope.value as T;
  throw errorFromCore(envelope.code ?? "INTERNAL", envelope.message ?? "unknown core error");
}
