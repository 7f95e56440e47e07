// SqlExec builders for SQLite on Cloudflare: a D1 binding and a Durable Object's own storage.
//
// The core's SQLite statements bind strings, numbers, null and {"$hex"} markers (bytes); int64
// travels as decimal text under `CAST(? AS INTEGER)` because neither D1 nor Durable Object SQL
// accepts BigInt. Rows are normalised to what the other drivers give: BLOBs as Uint8Array
// (D1 returns number arrays, Durable Objects ArrayBuffers).
//
// A commit runs through `batch()`: D1's `batch()` is one implicit transaction and a Durable
// Object's `transactionSync` is one real one; a failing statement (the core's in-SQL
// `_version` guards) undoes every statement of the batch.
import { DriverMismatchError, SqlError } from "../errors.js";
import type { SqlExec, SqlExecResult } from "./exec.js";

/** The parts of a D1 binding (`env.DB`) the store uses. */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike;
  batch(statements: D1PreparedStatementLike[]): Promise<D1ResultLike[]>;
}
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  all(): Promise<D1ResultLike>;
}
export interface D1ResultLike {
  results?: Record<string, unknown>[];
  meta?: { changes?: number };
}

/** The parts of a Durable Object's `ctx.storage` (SQLite-backed) the store uses. */
export interface DurableObjectStorageLike {
  sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } };
  transactionSync<T>(fn: () => T): T;
}

/** A SqlExec over a D1 database binding (`env.DB`). */
export function buildD1Exec(db: D1DatabaseLike): SqlExec {
  if (!isD1(db)) throw new DriverMismatchError("buildD1Exec() expects a D1 database binding (env.DB: prepare() and batch())");
  const prepare = (text: string, params: readonly unknown[]) => db.prepare(text).bind(...params.map(sqliteParam));
  const result = (r: D1ResultLike): SqlExecResult => ({ rows: (r.results ?? []).map(normalizeRow), affectedRows: r.meta?.changes ?? 0 });
  return {
    async query(text, params) {
      try {
        return result(await prepare(text, params).all());
      } catch (error) {
        throw sqliteError(error);
      }
    },
    async batch(statements) {
      if (statements.length === 0) return [];
      try {
        return (await db.batch(statements.map((s) => prepare(s.text, s.params)))).map(result);
      } catch (error) {
        throw sqliteError(error);
      }
    },
  };
}

/** A SqlExec over a Durable Object's own SQLite storage (`ctx.storage`). */
export function buildDurableObjectSqlExec(storage: DurableObjectStorageLike): SqlExec {
  if (!isDurableObjectStorage(storage)) {
    throw new DriverMismatchError("buildDurableObjectSqlExec() expects a SQLite-backed Durable Object's ctx.storage (sql.exec() and transactionSync())");
  }
  const run = (text: string, params: readonly unknown[]): SqlExecResult => {
    const rows = storage.sql.exec(text, ...params.map(sqliteParam)).toArray().map(normalizeRow);
    // rowsWritten counts index rows too; changes() is the statement's own row count.
    const affectedRows = WRITE.test(text) ? Number(storage.sql.exec("SELECT changes() AS n").toArray()[0]?.n ?? 0) : 0;
    return { rows, affectedRows };
  };
  return {
    async query(text, params) {
      try {
        return run(text, params);
      } catch (error) {
        throw sqliteError(error);
      }
    },
    async batch(statements) {
      try {
        return storage.transactionSync(() => statements.map((s) => run(s.text, s.params)));
      } catch (error) {
        throw sqliteError(error);
      }
    },
  };
}

/** A D1 binding, a Durable Object's storage, or a SqlExec already: the SqlExec for it. */
export function buildSqliteExec(target: D1DatabaseLike | DurableObjectStorageLike | SqlExec): SqlExec {
  if (isD1(target)) return buildD1Exec(target);
  if (isDurableObjectStorage(target)) return buildDurableObjectSqlExec(target);
  if (target !== null && typeof target === "object" && typeof (target as SqlExec).query === "function") return target as SqlExec;
  throw new DriverMismatchError(
    "createSqliteGlobalCtxDb() expects a D1 binding (env.DB), a SQLite-backed Durable Object's ctx.storage, or a SqlExec",
  );
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

function isD1(value: unknown): value is D1DatabaseLike {
  const v = value as Partial<D1DatabaseLike> | null;
  return v !== null && typeof v === "object" && typeof v.prepare === "function" && typeof v.batch === "function";
}

function isDurableObjectStorage(value: unknown): value is DurableObjectStorageLike {
  const v = value as Partial<DurableObjectStorageLike> | null;
  return v !== null && typeof v === "object" && typeof v.transactionSync === "function" && typeof v.sql?.exec === "function";
}

function sqliteParam(param: unknown): unknown {
  if (param !== null && typeof param === "object") {
    const hex = (param as { $hex?: unknown }).$hex;
    if (typeof hex === "string") {
      const out = new Uint8Array(hex.length >>> 1);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
      return out;
    }
  }
  return param;
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof ArrayBuffer) row[key] = new Uint8Array(value);
    else if (Array.isArray(value)) row[key] = Uint8Array.from(value as number[]); // D1's BLOB
  }
  return row;
}

/** SQLite reports errors as plain Errors; keep the message (the conflict marker is in it). */
function sqliteError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = /\b(SQLITE_[A-Z_]+)\b/.exec(message)?.[1];
  return new SqlError(message, code ? { driverCode: code } : {});
}
