// fromNodePg: a node-postgres Client or Pool as a SqlClient.
import { postgresDialect } from "../core/dialects.js";
import { DriverMismatchError } from "../errors.js";
import { registerSecret } from "../secrets.js";
import { runStatement, type RowsAndCount, type SqlClient, type StatementRunner } from "../sql-client.js";
import { toSqlError } from "./driver-errors.js";
import { encodePgParams } from "./pg-params.js";
import { decodeRows } from "./pg-values.js";
import { queryCells, type SqlCells } from "./cells.js";
import { runTransaction, type Session, type TransactionHost } from "./transaction.js";

interface PgQueryConfig {
  text: string;
  values: unknown[];
  rowMode: "array";
  types: { getTypeParser(oid: number, format?: string): (text: string) => unknown };
}
interface PgResult {
  rows: (string | null)[][];
  fields: { name: string; dataTypeID: number }[];
  rowCount: number | null;
}
interface PgQueryable {
  query(config: PgQueryConfig): Promise<PgResult | PgResult[]>;
}
interface PgPoolClient extends PgQueryable {
  release(destroy?: boolean | Error): void;
}

/** A pg `Client` or `Pool` (the parts the adapter uses). */
export interface NodePgLike {
  query(...args: never[]): Promise<unknown>;
  connect?(): Promise<unknown>;
  readonly options?: { readonly password?: unknown; readonly connectionString?: unknown };
  readonly connectionParameters?: { readonly password?: unknown };
}

// Every column arrives as its text form; pg-values.ts decodes it.
const RAW_TEXT = { getTypeParser: () => (text: string) => text };

const isPool = (x: object) =>
  typeof (x as { totalCount?: unknown }).totalCount === "number" &&
  typeof (x as { idleCount?: unknown }).idleCount === "number";

export function fromNodePg(clientOrPool: NodePgLike): SqlClient {
  return nodePgClient(clientOrPool);
}

/** @internal the adapter with its statement runner (used by the store). */
export function nodePgClient(clientOrPool: NodePgLike): StatementRunner {
  if (clientOrPool === null || typeof clientOrPool !== "object" || typeof clientOrPool.query !== "function") {
    throw new DriverMismatchError(
      "fromNodePg() expects a pg Client or Pool: import pg from \"pg\"; fromNodePg(new pg.Pool({ connectionString }))",
    );
  }
  registerSecret(clientOrPool.options?.password);
  registerSecret(clientOrPool.connectionParameters?.password);
  registerUrlPassword(clientOrPool.options?.connectionString);
  return new NodePgClient(clientOrPool as unknown as PgQueryable, isPool(clientOrPool), 0);
}

function registerUrlPassword(connectionString: unknown): void {
  if (typeof connectionString !== "string") return;
  try {
    registerSecret(decodeURIComponent(new URL(connectionString).password));
  } catch {
    /* not a URL: nothing to register */
  }
}

class NodePgClient implements StatementRunner, TransactionHost<PgQueryable> {
  readonly statements = STATEMENTS;

  /** The core's name for this engine (read lazily: the WASM core is created on first use). */
  get dialect(): "postgres" {
    return postgresDialect.name as "postgres";
  }

  constructor(
    readonly target: PgQueryable,
    readonly pooled: boolean,
    readonly depth: number,
  ) {}

  private async run(text: string, params: readonly unknown[] | undefined): Promise<PgResult> {
    const values = encodePgParams(params);
    let result: PgResult | PgResult[];
    try {
      result = await this.target.query({ text, values, rowMode: "array", types: RAW_TEXT });
    } catch (error) {
      throw toSqlError(error, "postgres");
    }
    // A multi-statement text (simple protocol) yields one result per statement.
    return Array.isArray(result) ? result[result.length - 1]! : result;
  }

  async [runStatement](text: string, params?: readonly unknown[]): Promise<RowsAndCount> {
    const result = await this.run(text, params);
    const columns = (result.fields ?? []).map((f) => ({ name: f.name, oid: f.dataTypeID }));
    return { rows: decodeRows(columns, result.rows ?? []), affectedRows: result.rowCount ?? 0 };
  }

  /** @internal the raw column texts and columns, for the store's page reads. */
  async [queryCells](text: string, params: readonly unknown[]): Promise<SqlCells> {
    const result = await this.run(text, params);
    const columns = (result.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID }));
    return { engine: "postgres", columns, rows: result.rows ?? [] };
  }

  async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this[runStatement](text, params)).rows as T[];
  }

  async execute(text: string, params?: readonly unknown[]): Promise<{ rowsAffected: number }> {
    const result = await this.run(text, params);
    return { rowsAffected: result.rowCount ?? 0 };
  }

  transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
    return runTransaction(this, fn);
  }

  async acquire(): Promise<PgQueryable> {
    try {
      return await (this.target as unknown as { connect(): Promise<PgPoolClient> }).connect();
    } catch (error) {
      throw toSqlError(error, "postgres");
    }
  }

  child(target: PgQueryable): NodePgClient {
    return new NodePgClient(target, false, this.depth + 1);
  }

  session(target: PgQueryable, owned: boolean): Session {
    return {
      run: async (statement) => {
        await this.runOn(target, statement);
      },
      release: (broken) => {
        if (owned) (target as PgPoolClient).release(broken ? true : undefined);
      },
    };
  }

  private async runOn(target: PgQueryable, statement: string): Promise<void> {
    try {
      await target.query({ text: statement, values: [], rowMode: "array", types: RAW_TEXT });
    } catch (error) {
      throw toSqlError(error, "postgres");
    }
  }
}

const STATEMENTS = { begin: "BEGIN", commit: "COMMIT", rollback: "ROLLBACK" };
