// Turns whatever a driver threw into SqlError / SqlConnectionError with the SQL state kept,
// the password removed, and no reference to the driver's objects (which may hold config).
import { SqlConnectionError, SqlError, type SqlErrorDetails } from "../errors.js";

interface DriverErrorShape {
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  detail?: unknown;
  hint?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  table?: unknown;
  table_name?: unknown;
  column?: unknown;
  column_name?: unknown;
}

// SQLSTATE classes that mean the session is gone or was never established:
// 08 connection exception, 28 invalid authorization, 57P0x operator intervention/shutdown.
const CONNECTION_STATES = /^(08|28|57P0[1-3])/;
const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH",
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT",
  "PROTOCOL_CONNECTION_LOST", "ER_ACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR",
  "ER_CON_COUNT_ERROR", "PROTOCOL_SEQUENCE_TIMEOUT", "ERR_SOCKET_CLOSED",
]);
const CONNECTION_MESSAGE = /connect|connection|socket|network|terminated|closed|timed? ?out/i;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function toSqlError(error: unknown, engine: "postgres" | "mysql"): SqlError {
  if (error instanceof SqlError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as DriverErrorShape;
  const message = str(e.sqlMessage) ?? str(e.message) ?? String(error);
  const code = str(e.code);
  const details: SqlErrorDetails = {
    detail: str(e.detail),
    hint: str(e.hint),
    constraint: str(e.constraint) ?? str(e.constraint_name),
    table: str(e.table) ?? str(e.table_name),
    column: str(e.column) ?? str(e.column_name),
  };
  if (engine === "postgres") {
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) details.sqlState = code;
    else if (code !== undefined) details.driverCode = code;
  } else {
    details.driverCode = code;
    details.sqlState = str(e.sqlState);
    if (typeof e.errno === "number") details.errno = e.errno;
  }
  const isConnection =
    (details.sqlState !== undefined && CONNECTION_STATES.test(details.sqlState)) ||
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    (details.sqlState === undefined && CONNECTION_MESSAGE.test(message));
  return isConnection ? new SqlConnectionError(message, details) : new SqlError(message, details);
}
