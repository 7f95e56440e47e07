// `ctx.sql` over a Durable Object's own SQLite storage, for a store host whose `.global()`
// tables live there (engine "sqlite"): actions then need no external database at all.
// Placeholders are `?` (or `$1`, `$2`, ..., which SQLite binds by position too).
import { buildDurableObjectSqlExec, type DurableObjectStorageLike } from "../global/sqlite-exec.js";
import type { SqlClient } from "../sql-client.js";

/** The transaction API of a SQLite-backed Durable Object's storage (savepoints; async fn). */
interface TransactionalStorage extends DurableObjectStorageLike {
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

export function fromDurableObjectSql(storage: DurableObjectStorageLike): SqlClient {
  const exec = buildDurableObjectSqlExec(storage);
  const client: SqlClient = Object.freeze({
    dialect: "sqlite" as const,
    async query<T = Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      return (await exec.query(text, params)).rows as T[];
    },
    async execute(text: string, params: readonly unknown[] = []) {
      return { rowsAffected: (await exec.query(text, params)).affectedRows };
    },
    transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
      return (storage as TransactionalStorage).transaction(() => fn(client));
    },
  });
  return client;
}
