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
import { queryCells, type CellsSource, type SqlCells } from "./cells.js";

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
type Mysql2Callback = (error: unknown, result?: unknown, fields?: Mysql2Column[]) => void;
/** mysql2's callback API (the Connection, Pool or PoolConnection under a promise wrapper). */
interface Mysql2Core {
  query(options: Mysql2QueryOptions, callback: Mysql2Callback): unknown;
  query(command: object): unknown;
  readonly config: { rowsAsArray?: unknown; infileStreamFactory?: unknown };
  /** Connections only (not pools): queues a command. */
  addCommand?: unknown;
}
type QueryCommandClass = new (options: object, callback: Mysql2Callback) => object;

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

/** @internal the adapter with its statement runner. */
export function mysql2Client(connOrPool: Mysql2Like): StatementRunner {
  return newClient(connOrPool, encodeMysqlParams);
}

function newClient(connOrPool: Mysql2Like, encode: ParamEncoding): Mysql2Client {
  if (connOrPool === null || typeof connOrPool !== "object" || typeof connOrPool.query !== "function") {
    throw new DriverMismatchError(
      "fromMysql2() expects a mysql2/promise Connection or Pool: import mysql from \"mysql2/promise\"; fromMysql2(mysql.createPool({ uri }))",
    );
  }
  registerSecret(mysqlPassword(connOrPool));
  const decode = hasOwnTypeCast(connOrPool) ? decodeThroughTypeCast : decodeByColumns;
  const pooled = typeof connOrPool.getConnection === "function";
  return new Mysql2Client(connOrPool as unknown as Mysql2Queryable, pooled, 0, decode, encode);
}

/** @internal The store's SqlExec over mysql2 (global/exec.ts `buildMysqlExec`). */
export interface Mysql2StoreExec extends CellsSource {
  query(text: string, params: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; affectedRows: number }>;
  transaction<R>(fn: (exec: Mysql2StoreExec) => Promise<R>): Promise<R>;
}

/**
 * @internal The store's exec: params in the core's neutral form (`encodeStoreParams`), each
 * statement one promise, settled from mysql2's callback with the store's result shape.
 */
export function mysql2StoreExec(connOrPool: Mysql2Like): Mysql2StoreExec {
  return storeExec(newClient(connOrPool, encodeStoreParams));
}

function storeExec(client: Mysql2Client): Mysql2StoreExec {
  return {
    query: (text, params) => client.request(text, params, false, client.rowsAndCount),
    [queryCells]: (text, params) => client[queryCells](text, params),
    transaction: (fn) => client.transaction((tx) => fn(storeExec(tx as Mysql2Client))),
  };
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

/**
 * The callback-API object under one of mysql2/promise's own wrappers (PromiseConnection and
 * PromisePoolConnection keep it as `connection`, PromisePool as `pool`), or undefined.
 *
 * The wrapper's `query` captures a stack trace on every call (`Error.captureStackTrace`, for
 * mysql2's `trace` option, on by default), deeper and dearer with every async frame above it:
 * it cost more than all of the adapter's own work on a point read. The adapter never shows
 * that stack (a driver error becomes the package's SqlError), so it queries the object
 * underneath, with the same options. Anything else, and a wrapper whose `query` was replaced
 * on the instance (a user's instrumentation), is driven through its promise `query`.
 */
function callbackCore(target: object): Mysql2Core | undefined {
  const wrapper = target as { Promise?: unknown; pool?: unknown; connection?: unknown };
  if (typeof wrapper.Promise !== "function" || Object.prototype.hasOwnProperty.call(target, "query")) return undefined;
  const core = (wrapper.pool ?? wrapper.connection) as { query?: unknown; config?: unknown } | null | undefined;
  if (core === null || typeof core !== "object" || typeof core.query !== "function") return undefined;
  return typeof core.config === "object" && core.config !== null ? (core as Mysql2Core) : undefined;
}

/** Turns a result (rows or an OK packet) and its columns into what the caller returns. */
type Finish<R> = (result: unknown, fields: Mysql2Column[] | undefined) => R;

/**
 * One `query` on `target` (through `core`, its callback API, when it has one): values and the
 * decoding options as given; driver errors become SqlErrors, and `finish` runs on the result.
 */
function send<R>(target: Mysql2Queryable, core: Mysql2Core | undefined, options: Mysql2QueryOptions, finish: Finish<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const done = (result: unknown, fields: Mysql2Column[] | undefined): void => {
      try {
        resolve(finish(result, fields));
      } catch (error) {
        reject(error);
      }
    };
    try {
      if (core !== undefined) {
        queryCore(core, options, (error, result, fields) => (error ? reject(toSqlError(error, "mysql")) : done(result, fields)));
      } else {
        const fail = (error: unknown): void => reject(toSqlError(error, "mysql"));
        Promise.resolve(target.query(options)).then((answer) => {
          let result: unknown, fields: Mysql2Column[] | undefined;
          try {
            [result, fields] = answer;
          } catch (error) {
            return reject(error);
          }
          done(result, fields);
        }, fail);
      }
    } catch (error) {
      reject(toSqlError(error, "mysql"));
    }
  });
}

/**
 * mysql2's Query command class, per connection class, learned from what a connection's
 * `query(options, callback)` returns.
 *
 * That call first copies the options object onto mysql2's defaults with two object spreads
 * (`{ ...defaults, ...options }`), which V8 (Node 20) runs on a slow path: ~1 us per
 * property, ~5 us per statement for the adapter's five. A connection also takes a ready
 * Query command (`query(command)`; the pool's `query` does not), built here with the same
 * options over the same defaults (mysql2's `createQuery`: the connection's `rowsAsArray` and
 * `infileStreamFactory`) by one `Object.assign`.
 */
const queryCommands = new WeakMap<object, QueryCommandClass>();

function queryCore(core: Mysql2Core, options: Mysql2QueryOptions, callback: Mysql2Callback): void {
  const kind = Object.getPrototypeOf(core) as object;
  const Command = queryCommands.get(kind);
  if (Command !== undefined) {
    const config = core.config;
    core.query(new Command(Object.assign({ rowsAsArray: config.rowsAsArray, infileStreamFactory: config.infileStreamFactory }, options), callback));
    return;
  }
  const command = core.query(options, callback);
  if (typeof core.addCommand === "function" && isQueryCommand(command)) queryCommands.set(kind, command.constructor);
}

function isQueryCommand(command: unknown): command is { constructor: QueryCommandClass } {
  if (command === null || typeof command !== "object") return false;
  const Class = (command as { constructor?: unknown }).constructor;
  if (typeof Class !== "function" || Class === Object) return false;
  const proto = (Class as { prototype?: { start?: unknown; row?: unknown } }).prototype;
  return typeof proto?.start === "function" && typeof proto.row === "function" && typeof (command as { sql?: unknown }).sql === "string";
}

class Mysql2Client implements StatementRunner, TransactionHost<Mysql2Queryable> {
  readonly statements = STATEMENTS;
  private readonly core: Mysql2Core | undefined;

  /** The core's name for this engine (read lazily: the WASM core is created on first use). */
  get dialect(): "mysql" {
    return mysqlDialect.name as "mysql";
  }

  constructor(
    readonly target: Mysql2Queryable,
    readonly pooled: boolean,
    readonly depth: number,
    private readonly decode: RowDecoding,
    readonly encode: ParamEncoding,
  ) {
    this.core = callbackCore(target);
  }

  /** One statement with the adapter's decoding options; `finish` gets the decoded rows or OK packet. */
  request<R>(text: string, params: readonly unknown[] | undefined, asArrays: boolean, finish: Finish<R>): Promise<R> {
    let values: unknown[];
    try {
      values = this.encode(params);
    } catch (error) {
      return Promise.reject(error);
    }
    return send(this.target, this.core, this.decode.options(text, values, asArrays), finish);
  }

  [runStatement](text: string, params?: readonly unknown[]): Promise<RowsAndCount> {
    return this.request(text, params, false, this.rowsAndCount);
  }

  /** Rows (decoded) and the affected-row count of a result. */
  readonly rowsAndCount: Finish<RowsAndCount> = (result, columns) => {
    const rows = this.rows(result, columns);
    return rows !== undefined ? { rows, affectedRows: rows.length } : { rows: [], affectedRows: affectedRows(result) };
  };

  /** The decoded plain rows of a result set, or undefined for an OK packet. */
  rows(result: unknown, columns: Mysql2Column[] | undefined): Record<string, unknown>[] | undefined {
    if (!Array.isArray(result)) return undefined;
    if (columns !== undefined) this.decode.rows(result, columns);
    return plainRows(result);
  }

  /**
   * @internal mysql2's values as arrays (`rowsAsArray`, no per-column conversion here) and the
   * columns, for the store's page reads, which convert each value once by its column kind.
   */
  [queryCells](text: string, params: readonly unknown[]): Promise<SqlCells> {
    return this.request(text, params, true, toCells);
  }

  async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this[runStatement](text, params)).rows as T[];
  }

  async execute(text: string, params?: readonly unknown[]): Promise<{ rowsAffected: number }> {
    return { rowsAffected: (await this[runStatement](text, params)).affectedRows };
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
    return new Mysql2Client(target, false, this.depth + 1, this.decode, this.encode);
  }

  session(target: Mysql2Queryable, owned: boolean): Session {
    const core = target === this.target ? this.core : callbackCore(target);
    return {
      run: (statement) => send(target, core, this.decode.options(statement, [], false), ignoreResult),
      release: (broken) => {
        if (!owned) return;
        const connection = target as Mysql2PoolConnection;
        if (broken && typeof connection.destroy === "function") connection.destroy();
        else connection.release();
      },
    };
  }
}

const ignoreResult: Finish<void> = () => {};

const affectedRows = (result: unknown): number => Number((result as { affectedRows?: number }).affectedRows ?? 0);

const toCells: Finish<SqlCells> = (result, fields) => {
  const rows = Array.isArray(result) ? (result as unknown[][]) : [];
  const columns = (fields ?? []).map((c) => ({ name: c.name, type: c.columnType, characterSet: c.characterSet }));
  return { engine: "mysql", columns, rows };
};

const STATEMENTS = { begin: "START TRANSACTION", commit: "COMMIT", rollback: "ROLLBACK" };

// mysql2 builds rows with its own classes in some modes; hand back plain objects (in place).
function plainRows(rows: unknown[]): Record<string, unknown>[] {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (Object.getPrototypeOf(row) !== Object.prototype) rows[i] = { ...(row as object) };
  }
  return rows as Record<string, unknown>[];
}

/**
 * How result values become the documented JS values. By default mysql2 is asked for BIGINT
 * and dates as text and the few columns that need it are converted afterwards, column by
 * column from the result's metadata (a per-field `typeCast` callback costs a call and a
 * wrapper object per value). A connection configured with its own `typeCast` would have it
 * applied to such queries, so there the adapter passes its own callback instead.
 */
interface RowDecoding {
  /**
   * The options of one query. A fresh literal of one fixed shape per call (mysql2 copies it
   * into its own options; its row parsers are cached by what these options say, not by identity).
   */
  options(sql: string, values: unknown[], rowsAsArray: boolean): Mysql2QueryOptions;
  rows(rows: unknown[], columns: Mysql2Column[]): void;
}

const decodeThroughTypeCast: RowDecoding = {
  options: (sql, values, rowsAsArray) => (rowsAsArray ? { sql, values, typeCast, rowsAsArray } : { sql, values, typeCast }),
  rows: () => {},
};

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
  options: (sql, values, rowsAsArray) =>
    rowsAsArray
      ? { sql, values, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, rowsAsArray }
      : { sql, values, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true },
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

/** How a client turns the caller's params into mysql2's values. */
type ParamEncoding = (params: readonly unknown[] | undefined) => unknown[];

const encodeMysqlParams: ParamEncoding = (params) => {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL params must be an array");
  return params.map(encodeMysqlParam);
};

/**
 * The store's params: the core's neutral form, where {"$int": "..."} is an exact integer
 * (sent as a literal, like a bigint) and {"$hex": "..."} bytes; anything else as above.
 */
const encodeStoreParams: ParamEncoding = (params) => {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL params must be an array");
  const values = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) values[i] = encodeStoreParam(params[i]);
  return values;
};

function encodeStoreParam(param: unknown): unknown {
  if (param !== null && typeof param === "object") {
    const marker = param as { $int?: unknown; $hex?: unknown };
    if (typeof marker.$int === "string") return rawSql(BigInt(marker.$int).toString());
    if (typeof marker.$hex === "string") return Buffer.from(marker.$hex, "hex");
  }
  return encodeMysqlParam(param);
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
