// The driver-agnostic client an action sees as `ctx.sql`.

export type SqlDialectName = "postgres" | "mysql" | "sqlite";

export interface SqlClient {
  /**
   * Which placeholder syntax the SQL text must use: postgres -> $1, $2 ...; mysql -> ?;
   * sqlite (a store host's own Durable Object storage) -> ? or $1, $2 ...
   */
  readonly dialect: SqlDialectName;
  /** Runs one statement and returns its rows as plain objects (an empty array if none). */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one statement and reports how many rows it affected (matched, on MySQL). */
  execute(text: string, params?: readonly unknown[]): Promise<{ rowsAffected: number }>;
  /**
   * Runs `fn` inside a transaction on one connection: commits when it resolves, rolls back and
   * rethrows when it throws. Nested calls on `tx` use savepoints.
   */
  transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R>;
}

/** Rows and affected-row count of one statement (the shape of the store's SqlExecResult). */
export interface RowsAndCount {
  rows: Record<string, unknown>[];
  affectedRows: number;
}

/**
 * Internal: the adapters can report rows and the affected-row count of one statement (the
 * store needs both). A symbol keeps it off the public SqlClient surface.
 */
export const runStatement: unique symbol = Symbol("lunora.runStatement");

export interface StatementRunner extends SqlClient {
  [runStatement](text: string, params?: readonly unknown[]): Promise<RowsAndCount>;
}

export function isStatementRunner(client: unknown): client is StatementRunner {
  return typeof (client as Partial<StatementRunner> | null)?.[runStatement] === "function";
}
