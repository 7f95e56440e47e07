// fromMysql2: a mysql2/promise Connection or Pool as a SqlClient.
//
// Always `query` (text protocol), never `execute`: Hyperdrive has no MySQL prepared
// statements. mysql2 escapes the bound values client-side into the statement text.
//
// Values read:  BIGINT -> bigint (exact), DECIMAL -> string, TINYINT(1) -> number (MySQL has
// no boolean type; BOOLEAN is TINYINT(1) and may hold -128..127), BLOB/BINARY/BIT ->
// Uint8Array, JSON -> parsed (checked on MariaDB 10.11), DATETIME/TIMESTAMP -> Date read as
// UTC, DATE -> string.
// Values sent: bigint as an exact integer literal, Date as a UTC DATETIME, Uint8Array as
// bytes, plain objects as JSON text, arrays as mysql2's value lists (`IN (?)`).
import { mysqlDialect } from "../core/dialects.js";
import { DriverMismatchError } from "../errors.js";
import { registerSecret } from "../secrets.js";
import { runStatement, type RowsAndCount, type SqlClient, type StatementRunner } from "../sql-client.js";
import { toSqlError } from "./driver-errors.js";
import { runTransaction, type Session, type TransactionHost } from "./transaction.js";
import { queryCells, type SqlCells } from "./cells.js";

interface Mysql2Field {
  type: string;
  string(): string | null;
}
interface Mysql2QueryOptions {
  sql: string;
  values: unknown[];
  typeCast?: (field: Mysql2Field, next: () => unknown) => unknown;
  supportBigNumbers?: boolean;
  bigNumberStrings?: boolean;
  dateStrings?: boolean;
  rowsAsArray?: boolean;
}
/** A column of a result set, as mysql2 describes it. */
interface Mysql2Column {
  name: string;
  columnType: number;
  characterSet: number;
}
type Mysql2Result = [unknown, Mysql2Column[] | undefined];
interface Mysql2Queryable {
  query(options: Mysql2QueryOptions): Promise<Mysql2Result>;
}
interface Mysql2PoolConnection extends Mysql2Queryable {
  release(): void;
  destroy?(): void;
}

/** A mysql2/promise Connection, Pool or PoolConnection (the parts the adapter uses). */
export interface Mysql2Like {
  query(...args: never[]): Promise<unknown>;
  getConnection?(): Promise<unknown>;
  readonly config?: unknown;
  readonly pool?: unknown;
  readonly connection?: unknown;
}


export function fromMysql2(connOrPool: Mysql2Like): SqlClient {
  return mysql2Client(connOrPool);
}

/** @internal the adapter with its statement runner (used by the store). */
export function mysql2Client(connOrPool: Mysql2Like): StatementRunner {
  if (connOrPool === null || typeof connOrPool !== "object" || typeof connOrPool.query !== "function") {
    throw new DriverMismatchError(
      "fromMysql2() expects a mysql2/promise Connection or Pool: import mysql from \"mysql2/promise\"; fromMysql2(mysql.createPool({ uri }))",
    );
  }
  registerSecret(mysqlPassword(connOrPool));
  const decode = hasOwnTypeCast(connOrPool) ? decodeThroughTypeCast : decodeByColumns;
  return new Mysql2Client(connOrPool as unknown as Mysql2Queryable, typeof connOrPool.getConnection === "function", 0, decode);
}

/** A mysql2 connection setting, wherever the object (Connection, Pool, PoolConnection, promise wrapper) keeps it. */
function mysqlConfigValue(target: Mysql2Like, key: "clientFlags" | "password" | "typeCast"): unknown {
  type Config = { [k: string]: unknown; connectionConfig?: { [k: string]: unknown } };
  const anyTarget = target as { pool?: { config?: Config }; connection?: { config?: Config }; config?: Config };
  return (
    anyTarget.pool?.config?.connectionConfig?.[key] ??
    anyTarget.connection?.config?.[key] ??
    anyTarget.config?.connectionConfig?.[key] ??
    anyTarget.config?.[key]
  );
}

/** mysql2's client flags (`config.clientFlags`). */
export function mysqlClientFlags(target: Mysql2Like): number | undefined {
  const flags = mysqlConfigValue(target, "clientFlags");
  return typeof flags === "number" ? flags : undefined;
}

/** Whether the connection was configured with its own `typeCast` function (mysql2 would apply it). */
function hasOwnTypeCast(target: Mysql2Like): boolean {
  return typeof mysqlConfigValue(target, "typeCast") === "function";
}

function mysqlPassword(target: Mysql2Like): unknown {
  return mysqlConfigValue(target, "password");
}

class Mysql2Client implements StatementRunner, TransactionHost<Mysql2Queryable> {
  readonly statements = STATEMENTS;

  /** The core's name for this engine (read lazily: the WASM core is created on first use). */
  get dialect(): "mysql" {
    return mysqlDialect.name as "mysql";
  }

  constructor(
    readonly target: Mysql2Queryable,
    readonly pooled: boolean,
    readonly depth: number,
    private readonly decode: RowDecoding,
  ) {}

  /** One `query` with the adapter's decoding options (plus `extra`); driver errors become SqlErrors. */
  private async send(text: string, params: readonly unknown[] | undefined, extra?: { rowsAsArray: true }): Promise<Mysql2Result> {
    const values = encodeMysqlParams(params);
    try {
      return await this.target.query({ sql: text, values, ...this.decode.options, ...extra });
    } catch (error) {
      throw toSqlError(error, "mysql");
    }
  }

  private async run(text: string, params: readonly unknown[] | undefined): Promise<unknown> {
    const [result, columns] = await this.send(text, params);
    if (Array.isArray(result) && columns !== undefined) this.decode.rows(result, columns);
    return result;
  }

  async [runStatement](text: string, params?: readonly unknown[]): Promise<RowsAndCount> {
    const result = await this.run(text, params);
    if (Array.isArray(result)) return { rows: result.map(plainRow), rowsAffected: result.length };
    return { rows: [], rowsAffected: Number((result as { affectedRows?: number }).affectedRows ?? 0) };
  }

  /**
   * @internal mysql2's values as arrays (`rowsAsArray`, no per-column conversion here) and the
   * columns, for the store's page reads, which convert each value once by its column kind.
   */
  async [queryCells](text: string, params: readonly unknown[]): Promise<SqlCells> {
    const [result, fields] = await this.send(text, params, { rowsAsArray: true });
    const rows = Array.isArray(result) ? (result as unknown[][]) : [];
    const columns = (fields ?? []).map((c) => ({ name: c.name, type: c.columnType, characterSet: c.characterSet }));
    return { engine: "mysql", columns, rows };
  }

  async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this[runStatement](text, params)).rows as T[];
  }

  async execute(text: string, params?: readonly unknown[]): Promise<{ rowsAffected: number }> {
    return { rowsAffected: (await this[runStatement](text, params)).rowsAffected };
  }

  transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
    return runTransaction(this, fn);
  }

  async acquire(): Promise<Mysql2Queryable> {
    try {
      return await (this.target as unknown as { getConnection(): Promise<Mysql2PoolConnection> }).getConnection();
    } catch (error) {
      throw toSqlError(error, "mysql");
    }
  }

  child(target: Mysql2Queryable): Mysql2Client {
    return new Mysql2Client(target, false, this.depth + 1, this.decode);
  }

  session(target: Mysql2Queryable, owned: boolean): Session {
    return {
      run: async (statement) => {
        try {
          await target.query({ sql: statement, values: [], ...this.decode.options });
        } catch (error) {
          throw toSqlError(error, "mysql");
        }
      },
      release: (broken) => {
        if (!owned) return;
        const connection = target as Mysql2PoolConnection;
        if (broken && typeof connection.destroy === "function") connection.destroy();
        else connection.release();
      },
    };
  }
}

const STATEMENTS = { begin: "START TRANSACTION", commit: "COMMIT", rollback: "ROLLBACK" };

// mysql2 builds rows with its own classes in some modes; hand back plain objects.
function plainRow(row: unknown): Record<string, unknown> {
  return Object.getPrototypeOf(row) === Object.prototype ? (row as Record<string, unknown>) : { ...(row as object) };
}

/**
 * How result values become the documented JS values. By default mysql2 is asked for BIGINT
 * and dates as text and the few columns that need it are converted afterwards, column by
 * column from the result's metadata (a per-field `typeCast` callback costs a call and a
 * wrapper object per value). A connection configured with its own `typeCast` would have it
 * applied to such queries, so there the adapter passes its own callback instead.
 */
interface RowDecoding {
  options: Partial<Mysql2QueryOptions>;
  rows(rows: unknown[], columns: Mysql2Column[]): void;
}

const decodeThroughTypeCast: RowDecoding = { options: { typeCast }, rows: () => {} };

const BINARY_CHARSET = 63;
const T = { TIMESTAMP: 0x07, LONGLONG: 0x08, DATETIME: 0x0c, BIT: 0x10, TINY_BLOB: 0xf9, GEOMETRY: 0xff } as const;

type Convert = (value: unknown) => unknown;
const toBigInt: Convert = (value) => (typeof value === "string" ? BigInt(value) : value);
const toDate: Convert = (value) => (typeof value === "string" ? parseUtcDateTime(value) : value);
const toPlainBytes: Convert = (value) => (value instanceof Uint8Array ? plainBytes(value) : value);

function converterFor(column: Mysql2Column): Convert | undefined {
  const type = column.columnType;
  if (type === T.LONGLONG) return toBigInt;
  if (type === T.DATETIME || type === T.TIMESTAMP) return toDate;
  if (type === T.BIT || (type >= T.TINY_BLOB && type <= T.GEOMETRY && column.characterSet === BINARY_CHARSET)) return toPlainBytes;
  return undefined;
}

const decodeByColumns: RowDecoding = {
  options: { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true },
  rows(rows, columns) {
    const names: string[] = [];
    const converters: Convert[] = [];
    for (const column of columns) {
      const convert = converterFor(column);
      if (convert === undefined) continue;
      names.push(column.name);
      converters.push(convert);
    }
    if (names.length === 0) return;
    for (const row of rows as Record<string, unknown>[]) {
      for (let i = 0; i < names.length; i++) row[names[i]!] = converters[i]!(row[names[i]!]);
    }
  },
};

function typeCast(field: Mysql2Field, next: () => unknown): unknown {
  switch (field.type) {
    case "LONGLONG": {
      const text = field.string();
      return text === null ? null : BigInt(text);
    }
    case "DATETIME":
    case "TIMESTAMP": {
      const text = field.string();
      return text === null ? null : parseUtcDateTime(text);
    }
    case "DATE":
    case "NEWDATE":
      return field.string();
    default: {
      const value = next();
      return value instanceof Uint8Array ? plainBytes(value) : value;
    }
  }
}

function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

function parseUtcDateTime(text: string): Date {
  const m = DATETIME.exec(text);
  if (m === null) return new Date(Number.NaN);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
}

// mysql2 substitutes values through `toSqlString()` when an object has one.
const rawSql = (text: string) => ({ toSqlString: () => text });

function encodeMysqlParams(params: readonly unknown[] | undefined): unknown[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL params must be an array");
  return params.map(encodeMysqlParam);
}

function encodeMysqlParam(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`MySQL cannot store ${value}; DOUBLE holds finite numbers only`);
      }
      return value;
    case "bigint":
      // An unquoted literal: a quoted '9007199254740993' would compare as DOUBLE and lose digits.
      return rawSql(value.toString());
    case "object":
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (value instanceof ArrayBuffer) return Buffer.from(value);
      if (value instanceof Date) return utcDateTime(value);
      if (Array.isArray(value)) return value.map(encodeMysqlParam);
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    default:
      throw new TypeError(`cannot send a ${typeof value} as a SQL parameter`);
  }
}

function utcDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError("cannot send an invalid Date as a SQL parameter");
  return date.toISOString().replace("T", " ").replace("Z", "");
}
