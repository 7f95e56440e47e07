// Driver factories for the store host. The package bundles no driver: the app imports the
// one it uses and hands it over (`postgresJsDriver(postgres)`, `mysql2Driver(mysql)`), so a
// Worker only ever bundles that driver.
import { fromMysql2, type Mysql2Like } from "../adapters/mysql2.js";
import { fromPostgresJs, type PostgresJsLike } from "../adapters/postgres-js.js";
import { StoreConfigurationError } from "../errors.js";
import { buildMysqlExec, buildPgExec, type SqlExec } from "../global/exec.js";
import type { HyperdriveConnection } from "../hyperdrive.js";
import type { SqlClient } from "../sql-client.js";

/** One open driver: the store's SqlExec, the actions' `ctx.sql`, and how to close both. */
export interface HostDriver {
  readonly exec: SqlExec;
  readonly sql: SqlClient;
  close(): Promise<void>;
}

export interface HostDriverContext<Env = unknown> {
  env: Env;
  engine: "postgres" | "mysql";
  /** The binding's connection (connectionString and password are non-enumerable). */
  connection: HyperdriveConnection;
  /** Connections this driver may open (the host keeps the rest of the 6 for rebuilds). */
  maxConnections: number;
}

/** Builds a driver; called lazily on first use and again after a dropped connection. */
export type HostDriverFactory<Env = unknown> = (context: HostDriverContext<Env>) => HostDriver | Promise<HostDriver>;

type PostgresJsPool = PostgresJsLike & {
  end(options?: { timeout?: number }): Promise<void>;
};
type PostgresFactory = (url: string, options: Record<string, unknown>) => unknown;

/**
 * postgres.js, wired as the reference page shows: a small pool (`fetch_types: false`, which
 * workerd needs) behind the `{ query: (text, params) => sql.unsafe(text, params) }` wrapper
 * for the store, and `fromPostgresJs(sql)` over the same pool for actions.
 */
export function postgresJsDriver(postgres: PostgresFactory, options: Record<string, unknown> = {}): HostDriverFactory {
  if (typeof postgres !== "function") {
    throw new StoreConfigurationError('postgresJsDriver() expects the postgres.js default export: import postgres from "postgres"');
  }
  return ({ connection, maxConnections }) => {
    const sql = postgres(connection.connectionString, { fetch_types: false, max: maxConnections, idle_timeout: 60, ...options }) as PostgresJsPool;
    return {
      // The pool itself (not a { query } wrapper): the store then prepares the texts it repeats.
      exec: buildPgExec(sql),
      sql: fromPostgresJs(sql),
      close: () => sql.end({ timeout: 1 }),
    };
  };
}

interface Mysql2Pool extends Mysql2Like {
  end(): Promise<void>;
}
interface Mysql2Module {
  createPool(config: Record<string, unknown>): unknown;
}

/**
 * mysql2/promise: a pool with `disableEval` (workerd forbids code generation), FOUND_ROWS
 * (the store's `_version` guard counts matched rows) and exact BIGINTs.
 */
export function mysql2Driver(mysql: Mysql2Module, options: Record<string, unknown> = {}): HostDriverFactory {
  if (!mysql || typeof mysql.createPool !== "function") {
    throw new StoreConfigurationError('mysql2Driver() expects mysql2/promise: import mysql from "mysql2/promise"');
  }
  return ({ connection, maxConnections }) => {
    const pool = mysql.createPool({
      uri: connection.connectionString,
      disableEval: true,
      connectionLimit: maxConnections,
      flags: ["FOUND_ROWS"],
      supportBigNumbers: true,
      bigNumberStrings: true,
      ...options,
    }) as Mysql2Pool;
    return { exec: buildMysqlExec(pool), sql: fromMysql2(pool), close: () => pool.end() };
  };
}
