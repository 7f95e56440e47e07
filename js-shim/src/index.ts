// @lunora/hyperdrive: the action side. `createHyperdrive` reads the binding; the adapters
// turn the driver you chose into the driver-agnostic `ctx.sql`.
export { createHyperdrive } from "./hyperdrive.js";
export type { Engine, HyperdriveConnection, HyperdriveLike } from "./hyperdrive.js";
export { fromPostgresJs } from "./adapters/postgres-js.js";
export type { PostgresJsLike } from "./adapters/postgres-js.js";
export { fromNodePg } from "./adapters/node-pg.js";
export type { NodePgLike } from "./adapters/node-pg.js";
export { fromMysql2 } from "./adapters/mysql2.js";
export type { Mysql2Like } from "./adapters/mysql2.js";
export type { SqlClient, SqlDialectName } from "./sql-client.js";
export {
  CoreError,
  DriverMismatchError,
  HyperdriveBindingError,
  LunoraHyperdriveError,
  SqlConnectionError,
  SqlError,
} from "./errors.js";
export type { SqlErrorDetails } from "./errors.js";
