// Transaction scaffolding shared by the adapters whose drivers expose plain connections
// (pg, mysql2). postgres.js brings its own begin/savepoint and does not use this.
import type { SqlClient } from "../sql-client.js";

export interface Session {
  /** Runs a control statement (BEGIN, COMMIT, SAVEPOINT ...) on the session's connection. */
  run(statement: string): Promise<void>;
  /** Returns the connection to its pool; `broken` asks the pool to discard it. */
  release(broken: boolean): void;
}

export interface TransactionStatements {
  begin: string;
  commit: string;
  rollback: string;
}

/** BEGIN on a dedicated session, run fn, then COMMIT, or ROLLBACK and rethrow. */
export async function inTransaction<R>(
  session: Session,
  statements: TransactionStatements,
  client: SqlClient,
  fn: (tx: SqlClient) => Promise<R>,
): Promise<R> {
  let broken = false;
  try {
    await session.run(statements.begin);
    let result: R;
    try {
      result = await fn(client);
    } catch (error) {
      broken = !(await tryRun(session, statements.rollback));
      throw error;
    }
    try {
      await session.run(statements.commit);
    } catch (error) {
      // A failed COMMIT leaves the session in an unknown state: never reuse it.
      broken = true;
      throw error;
    }
    return result;
  } finally {
    session.release(broken);
  }
}

/** A savepoint inside an open transaction: RELEASE on success, ROLLBACK TO on failure. */
export async function inSavepoint<R>(
  session: Session,
  depth: number,
  client: SqlClient,
  fn: (tx: SqlClient) => Promise<R>,
): Promise<R> {
  const name = `lunora_sp_${depth}`;
  await session.run(`SAVEPOINT ${name}`);
  try {
    const result = await fn(client);
    await session.run(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await tryRun(session, `ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

async function tryRun(session: Session, statement: string): Promise<boolean> {
  try {
    await session.run(statement);
    return true;
  } catch {
    return false;
  }
}
