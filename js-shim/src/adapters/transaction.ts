// Transaction scaffolding shared by the adapters whose drivers expose plain connections
// (pg, mysql2). postgres.js brings its own begin/savepoint and does not use this.
import type { SqlClient } from "../sql-client.js";

/** What runTransaction needs from an adapter whose driver hands out plain connections. */
export interface TransactionHost<C extends object> {
  /** The client, pool or (inside a transaction) connection the SqlClient wraps. */
  readonly target: C;
  readonly pooled: boolean;
  /** 0 outside a transaction; n inside the n-th nested level. */
  readonly depth: number;
  readonly statements: TransactionStatements;
  /** Checks a connection out of the pool (pooled targets only). */
  acquire(): Promise<C>;
  session(connection: C, owned: boolean): Session;
  /** The SqlClient handed to the callback, bound to `connection`. */
  child(connection: C): SqlClient;
}

/** A serial queue: transactions on a single (non-pooled) connection must not interleave. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => Promise<R>): Promise<R> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
const queues = new WeakMap<object, SerialQueue>();

/**
 * A savepoint when already inside a transaction; otherwise a transaction on a connection
 * checked out of the pool, or on the single connection, queued behind its other transactions.
 */
export async function runTransaction<C extends object, R>(
  host: TransactionHost<C>,
  fn: (tx: SqlClient) => Promise<R>,
): Promise<R> {
  const { target } = host;
  if (host.depth > 0) return inSavepoint(host.session(target, false), host.depth, host.child(target), fn);
  if (host.pooled) {
    const connection = await host.acquire();
    return inTransaction(host.session(connection, true), host.statements, host.child(connection), fn);
  }
  let queue = queues.get(target);
  if (queue === undefined) queues.set(target, (queue = new SerialQueue()));
  return queue.run(() => inTransaction(host.session(target, false), host.statements, host.child(target), fn));
}

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
