// fromPostgresJs: a postgres.js `sql` (a pool) as a SqlClient.
import { postgresDialect } from "../core/dialects.js";
import { DriverMismatchError } from "../errors.js";
import { registerSecret } from "../secrets.js";
import { runStatement, type RowsAndCount, type StatementRunner, type SqlClient } from "../sql-client.js";
import { toSqlError } from "./driver-errors.js";
import { encodePgParams } from "./pg-params.js";
import { decodeRows, rowDecoder, type PgColumn, type RawCell, type RowDecoder } from "./pg-values.js";
import { cellsWriteLater, queryCells, type SqlCells } from "./cells.js";
import { RepeatedTexts } from "./repeated-texts.js";

type RawResult = RawCell[][] & { count?: number; columns?: { name: string; type: number }[] };

interface PostgresJsQuery extends PromiseLike<unknown> {
  raw(): PromiseLike<RawResult>;
}

/** The part of a postgres.js `sql` instance the adapter uses. */
export interface PostgresJsLike {
  unsafe(text: string, params?: unknown[], options?: { prepare?: boolean }): PostgresJsQuery;
  typed(value: unknown, oid: number): unknown;
  begin?<R>(fn: (tx: PostgresJsLike) => Promise<R>): Promise<R>;
  savepoint?<R>(fn: (tx: PostgresJsLike) => Promise<R>): Promise<R>;
  readonly options?: { readonly pass?: unknown };
}

const UNKNOWN_OID = 705;
const PREPARED = { prepare: true } as const;

export function fromPostgresJs(sql: PostgresJsLike): SqlClient {
  return postgresJsClient(sql);
}

/**
 * @internal the adapter with its statement runner. `prepareRepeated` (the store's exec): texts
 * that come back run as named prepared statements, one round trip each (repeated-texts.ts);
 * `ctx.sql` keeps postgres.js's `unsafe` as it is.
 */
export function postgresJsClient(sql: PostgresJsLike, { prepareRepeated = false } = {}): StatementRunner {
  if (sql === null || typeof sql !== "function" && typeof sql !== "object" || typeof sql.unsafe !== "function" || typeof sql.typed !== "function") {
    throw new DriverMismatchError(
      "fromPostgresJs() expects a postgres.js client: import postgres from \"postgres\"; fromPostgresJs(postgres(url))",
    );
  }
  registerSecret(sql.options?.pass);
  return new PostgresJsClient(sql, false, prepareRepeated ? new RepeatedTexts() : undefined);
}

// postgres.js hands every result of a prepared statement the same column list (the one its
// RowDescription described), so the decoder built for a list is kept with it: a repeated
// point read does not build fourteen decoders each time.
const decoderOfColumns = new WeakMap<object, RowDecoder>();

function rowsAndCount(result: RawResult): RowsAndCount {
  const columns = result.columns;
  let decoder = columns === undefined ? undefined : decoderOfColumns.get(columns);
  if (decoder === undefined) {
    decoder = rowDecoder((columns ?? []).map((c): PgColumn => ({ name: c.name, oid: c.type })));
    if (columns !== undefined) decoderOfColumns.set(columns, decoder);
  }
  return { rows: decodeRows(decoder, result), affectedRows: result.count ?? result.length };
}

function toCells(result: RawResult): SqlCells {
  const columns = (result.columns ?? []).map((c) => ({ name: c.name, type: c.type }));
  return { engine: "postgres", columns, rows: result };
}

const failed = (error: unknown): never => {
  throw toSqlError(error, "postgres");
};

class PostgresJsClient implements StatementRunner {
  /** The core's name for this engine (read lazily: the WASM core is created on first use). */
  get dialect(): "postgres" {
    return postgresDialect.name as "postgres";
  }

  constructor(
    private readonly sql: PostgresJsLike,
    private readonly inTransaction: boolean,
    private readonly repeated: RepeatedTexts | undefined,
  ) {}

  /**
   * The driver's query for `text` (postgres.js runs it once it is awaited). A parameter that
   * cannot be sent throws its TypeError as is; the driver's own errors become SqlErrors.
   */
  private start(text: string, params: readonly unknown[] | undefined): PromiseLike<RawResult> {
    const prepare = this.repeated !== undefined && this.repeated.prepare(text, params?.length ?? 0);
    // `ctx.sql`: declared `unknown`, so the server parses each text by context, as pg's untyped
    // parameters; an untyped one (type 0) postgres.js would re-serialise by the type the server
    // describes (JSON-encoding a string a second time for a jsonb column, say).
    // The store's exec (`repeated`): untyped, as the reference page's `{ query }` wrapper sends
    // them. Every parameter of the core's statements is a string or null in a text context or
    // cast from text (`$1::text::jsonb`, exec.ts), which postgres.js sends as it is; that saves
    // a typed wrapper per parameter (an insert binds fourteen). Nulls are untyped too, so a
    // prepared text keeps one name (postgres.js names a statement per text and types).
    const texts = encodePgParams(params);
    const values = this.repeated !== undefined ? texts : texts.map((text) => (text === null ? null : this.sql.typed(text, UNKNOWN_OID)));
    try {
      return (prepare ? this.sql.unsafe(text, values, PREPARED) : this.sql.unsafe(text, values)).raw();
    } catch (error) {
      throw toSqlError(error, "postgres");
    }
  }

  /**
   * `done` applied to the statement's result. One `then` on the driver's query, not an async
   * function's await plus a `then`: each promise hop is a microtask turn between the server's
   * answer and the store, on every statement.
   */
  private run<R>(text: string, params: readonly unknown[] | undefined, done: (result: RawResult) => R): Promise<R> {
    let query: PromiseLike<RawResult>;
    try {
      query = this.start(text, params);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(query.then(done, failed));
  }

  [runStatement](text: string, params?: readonly unknown[]): Promise<RowsAndCount> {
    return this.run(text, params, rowsAndCount);
  }

  /** @internal postgres.js writes queued statements out from a setImmediate callback. */
  readonly [cellsWriteLater] = true;

  /** @internal the raw cells (their UTF-8 text bytes) and columns, for the store's page reads. */
  [queryCells](text: string, params: readonly unknown[]): Promise<SqlCells> {
    return this.run(text, params, toCells);
  }

  async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this[runStatement](text, params)).rows as T[];
  }

  execute(text: string, params?: readonly unknown[]): Promise<{ rowsAffected: number }> {
    return this.run(text, params, (result) => ({ rowsAffected: result.count ?? result.length }));
  }

  transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
    // postgres.js reserves one connection for the callback and issues BEGIN/COMMIT itself.
    const open = this.inTransaction ? this.sql.savepoint : this.sql.begin;
    if (typeof open !== "function") {
      throw new DriverMismatchError("this postgres.js client cannot open transactions (no begin/savepoint)");
    }
    let userError: { error: unknown } | undefined;
    return (open as (fn: (tx: PostgresJsLike) => Promise<R>) => Promise<R>)
      .call(this.sql, async (tx: PostgresJsLike) => {
        try {
          return await fn(new PostgresJsClient(tx, true, this.repeated));
        } catch (error) {
          userError = { error };
          throw error;
        }
      })
      .catch((error: unknown) => {
        // The callback's own error is rethrown as is; BEGIN/COMMIT failures become SqlErrors.
        if (userError !== undefined && error === userError.error) throw error;
        throw toSqlError(error, "postgres");
      });
  }
}
