// @lunora/hyperdrive/global: Postgres/MySQL/SQLite as a reactive `.global()` document store.
import type { Mysql2Like } from "../adapters/mysql2.js";
import type { NodePgLike } from "../adapters/node-pg.js";
import type { PostgresJsLike } from "../adapters/postgres-js.js";
import type { GenericSchema, SchemaJSON } from "../schema/schema.js";
import { buildMysqlExec, buildPgExec, type QueryWrapper, type SqlExec } from "./exec.js";
import { buildSqliteExec, type D1DatabaseLike, type DurableObjectStorageLike } from "./sqlite-exec.js";
import { createHyperdriveGlobalCtxDb, type GlobalCtxDb, type StoreOptions } from "./store.js";

export { mysqlDialect, postgresDialect, sqliteDialect } from "../core/dialects.js";
export type { Dialect, DialectCapabilities, EngineName } from "../core/dialects.js";
export { coreVersion } from "./version.js";
export { buildMysqlExec, buildPgExec } from "./exec.js";
export type { QueryWrapper, SqlExec, SqlExecResult, SqlStatement } from "./exec.js";
export { buildD1Exec, buildDurableObjectSqlExec } from "./sqlite-exec.js";
export type { D1DatabaseLike, D1PreparedStatementLike, D1ResultLike, DurableObjectStorageLike } from "./sqlite-exec.js";
export { createHyperdriveGlobalCtxDb } from "./store.js";
export type {
  ChangeBatch,
  ChangeWrite,
  DatabaseReader,
  DatabaseWriter,
  GlobalCtxDb,
  HyperdriveGlobalCtxDbOptions,
  MigrationReport,
  Query,
  QueryInitializer,
  StoreOptions,
} from "./store.js";
export {
  ConflictError,
  DocumentNotFoundError,
  InvalidCursorError,
  InvalidSchemaError,
  LunoraHyperdriveError,
  SchemaMigrationError,
  StoreConfigurationError,
  UnsupportedValueError,
  ValidationError,
} from "../errors.js";
export { InvalidValueError } from "../values/errors.js";
export { InvalidFilterError } from "./filter-builder.js";
export type { FilterBuilder, FilterExpression } from "./filter-builder.js";
export type { IndexRangeBuilder, PaginationOptions, PaginationResult } from "./query.js";

export interface GlobalCtxDbOptions<S extends GenericSchema> extends StoreOptions {
  schema: S | SchemaJSON;
}

/** Postgres through postgres.js (its `sql`, or the `{ query }` wrapper) or pg (Client/Pool). */
export function createPostgresGlobalCtxDb<S extends GenericSchema>(
  client: PostgresJsLike | NodePgLike | QueryWrapper,
  options: GlobalCtxDbOptions<S>,
): GlobalCtxDb<S> {
  return createHyperdriveGlobalCtxDb({ ...options, engine: "postgres", exec: buildPgExec(client) });
}

/** MySQL / MariaDB through mysql2/promise (needs the FOUND_ROWS client flag, mysql2's default). */
export function createMysqlGlobalCtxDb<S extends GenericSchema>(connOrPool: Mysql2Like, options: GlobalCtxDbOptions<S>): GlobalCtxDb<S> {
  return createHyperdriveGlobalCtxDb({ ...options, engine: "mysql", exec: buildMysqlExec(connOrPool) });
}

/**
 * SQLite on Cloudflare: a D1 binding (`env.DB`) or a SQLite-backed Durable Object's own
 * storage (`ctx.storage`), or a SqlExec built for either. Same layout rules, validation,
 * ordering, OCC and reactivity as on Postgres and MySQL.
 */
export function createSqliteGlobalCtxDb<S extends GenericSchema>(
  dbOrStorage: D1DatabaseLike | DurableObjectStorageLike | SqlExec,
  options: GlobalCtxDbOptions<S>,
): GlobalCtxDb<S> {
  return createHyperdriveGlobalCtxDb({ ...options, engine: "sqlite", exec: buildSqliteExec(dbOrStorage) });
}
