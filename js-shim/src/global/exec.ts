// SqlExec: what the store core needs from a driver, and the builders for each driver.
//
// Statements come from the core with parameters already in the engine's neutral form
// (core/sql/statement.hpp): on Postgres every parameter is a string or null, in a text
// context or cast from text by the SQL (`$1::text::int8`, `decode($1::text, 'hex')`), so
// postgres.js, pg and the reference page's `{ query }` wrapper all send the same text, and
// postgres.js may send it untyped (adapters/postgres-js.ts); on MySQL {"$int"} and {"$hex"} markers become exact integer literals and bytes.
import { mysql2StoreExec, mysqlClientFlags, type Mysql2Like } from "../adapters/mysql2.js";
import { nodePgClient, type NodePgLike } from "../adapters/node-pg.js";
import { postgresJsClient, type PostgresJsLike } from "../adapters/postgres-js.js";
import { toSqlError } from "../adapters/driver-errors.js";
import { DriverMismatchError, StoreConfigurationError } from "../errors.js";
import type { RowsAndCount, StatementRunner } from "../sql-client.js";
import { runStatement } from "../sql-client.js";
import { cellsWriteLater, hasCells, queryCells, type CellsSource } from "../adapters/cells.js";

export interface SqlExecResult {
  rows: Record<string, unknown>[];
  affectedRows: number;
}

export interface SqlStatement {
  text: string;
  params: readonly unknown[];
}

export interface SqlExec {
  query(text: string, params: readonly unknown[]): Promise<SqlExecResult>;
  /** Runs fn on one connection inside a transaction (needed for multi-statement commits). */
  transaction?<R>(fn: (exec: SqlExec) => Promise<R>): Promise<R>;
  /**
   * Runs the statements in order as one atomic unit: a failing statement undoes them all and
   * rejects. SQLite's execs have it (D1 `batch()`, a Durable Object's `transactionSync`),
   * where a callback transaction cannot span awaits.
   */
  batch?(statements: readonly SqlStatement[]): Promise<SqlExecResult[]>;
}

/**
 * Set (true) on an exec whose `affectedRows` is the count the server reported for every
 * statement (this package's postgres.js and pg execs). The store then checks a lone guarded
 * Postgres write by that count rather than by a returned row (one `RETURNING 1` less for the
 * server to run and the driver to parse). A `{ query }` wrapper may hand back rows alone, so
 * it keeps the returned row. A registered symbol, so that a wrapper can forward it.
 */
export const reportsRowCounts: unique symbol = Symbol.for("@lunora/hyperdrive.reportsRowCounts");

/** The reference page's wrapper: `{ query: (text, params) => sql.unsafe(text, params) }`. */
export interface QueryWrapper {
  query(text: string, params: readonly unknown[]): Promise<unknown>;
}

const FOUND_ROWS = 2;

/** `rowCounts`: the runner's driver reports every statement's affected-row count. */
function execFromRunner(client: StatementRunner, rowCounts: boolean): SqlExec {
  const exec: SqlExec & { [reportsRowCounts]?: boolean } = {
    // RowsAndCount is SqlExecResult's shape: no mapping, and no promise hop for one.
    query: (text, params) => client[runStatement](text, params),
    transaction<R>(fn: (exec: SqlExec) => Promise<R>): Promise<R> {
      return client.transaction((tx) => fn(execFromRunner(tx as StatementRunner, rowCounts)));
    },
  };
  if (rowCounts) exec[reportsRowCounts] = true;
  // The store's page reads take the driver's cells directly (adapters/cells.ts).
  if (hasCells(client)) {
    (exec as SqlExec & CellsSource)[queryCells] = (text, params) => client[queryCells](text, params);
    if (client[cellsWriteLater]) (exec as SqlExec & CellsSource)[cellsWriteLater] = true;
  }
  return exec;
}

/** Wraps a postgres.js `sql`, a pg Client/Pool, or a `{ query }` wrapper of either. */
export function buildPgExec(client: PostgresJsLike | NodePgLike | QueryWrapper): SqlExec {
  if (client === null || typeof client !== "object" && typeof client !== "function") {
    throw new DriverMismatchError("buildPgExec() expects a postgres.js sql, a pg Client or Pool, or { query(text, params) }");
  }
  const candidate = client as Partial<PostgresJsLike & NodePgLike>;
  if (typeof candidate.unsafe === "function" && typeof candidate.typed === "function") {
    // The store's texts come back (point reads, pages and commits per shape): prepared from
    // their second run, one round trip each (adapters/repeated-texts.ts).
    return execFromRunner(postgresJsClient(client as PostgresJsLike, { prepareRepeated: true }), true);
  }
  const looksLikePg =
    typeof (client as { connect?: unknown }).connect === "function" &&
    ("totalCount" in (client as object) || "connectionParameters" in (client as object));
  if (looksLikePg) return execFromRunner(nodePgClient(client as NodePgLike), true);
  if (typeof (client as QueryWrapper).query !== "function") {
    throw new DriverMismatchError("buildPgExec() expects a postgres.js sql, a pg Client or Pool, or { query(text, params) }");
  }
  const wrapper = client as QueryWrapper;
  return {
    async query(text, params) {
      let result: unknown;
      try {
        result = await wrapper.query(text, params);
      } catch (error) {
        throw toSqlError(error, "postgres");
      }
      return normalizeResult(result);
    },
  };
}

/** postgres.js returns an array with `.count`; pg returns { rows, rowCount }. */
function normalizeResult(result: unknown): SqlExecResult {
  if (Array.isArray(result)) {
    const count = (result as { count?: unknown }).count;
    return { rows: result as Record<string, unknown>[], affectedRows: typeof count === "number" ? count : result.length };
  }
  const r = (result ?? {}) as { rows?: Record<string, unknown>[]; rowCount?: number | null };
  return { rows: r.rows ?? [], affectedRows: r.rowCount ?? 0 };
}

/**
 * Wraps a mysql2/promise Connection or Pool. The connection must report matched rather than
 * changed rows (CLIENT_FOUND_ROWS, on by default in mysql2): the `_version` guard counts
 * matched rows, and without it an idempotent write would look like a conflict.
 */
export function buildMysqlExec(connOrPool: Mysql2Like): SqlExec {
  const flags = mysqlClientFlags(connOrPool);
  if (flags !== undefined && (flags & FOUND_ROWS) === 0) {
    throw new StoreConfigurationError(
      "this mysql2 connection was created without the FOUND_ROWS client flag; the store's `_version` guard " +
        'needs matched-row counts. Remove "-FOUND_ROWS" from `flags` (mysql2 sets FOUND_ROWS by default) or ' +
        'pass flags: ["FOUND_ROWS"].',
    );
  }
  // Params in the core's neutral form ({"$int"} / {"$hex"} markers) are encoded by the adapter.
  return mysql2StoreExec(connOrPool);
}
