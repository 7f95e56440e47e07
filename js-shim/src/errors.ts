// Every error the package throws is a LunoraHyperdriveError with a stable `code` string.
import { redact } from "./secrets.js";

export class LunoraHyperdriveError extends Error {
  readonly code: string;

  /** `message` is redacted; `guidance` is the package's own fixed text and is appended as is. */
  constructor(code: string, message: string, guidance?: string) {
    super(guidance === undefined ? redact(message) : `${redact(message)}\n${guidance}`);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The Hyperdrive binding is missing or unusable; the message says how to add it. */
export class HyperdriveBindingError extends LunoraHyperdriveError {
  constructor(message: string, guidance?: string) {
    super("HYPERDRIVE_BINDING", message, guidance);
  }
}

export interface SqlErrorDetails {
  /** SQLSTATE, e.g. "23505" (Postgres) or "23000" (MySQL); absent for connection failures. */
  sqlState?: string;
  /** MySQL's numeric error, e.g. 1062. */
  errno?: number;
  /** The driver's own code: MySQL's "ER_DUP_ENTRY", Node's "ECONNREFUSED", ... */
  driverCode?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/** The database (or the driver on its behalf) refused a statement. */
export class SqlError extends LunoraHyperdriveError implements SqlErrorDetails {
  readonly sqlState?: string;
  readonly errno?: number;
  readonly driverCode?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;

  constructor(message: string, details: SqlErrorDetails = {}, code = "SQL_ERROR") {
    super(code, message);
    for (const [key, value] of Object.entries(details)) {
      if (value === undefined) continue;
      Object.defineProperty(this, key, {
        value: typeof value === "string" ? redact(value) : value,
        enumerable: true,
      });
    }
  }
}

/** The connection could not be opened or was lost; the statement may not have run. */
export class SqlConnectionError extends SqlError {
  constructor(message: string, details: SqlErrorDetails = {}) {
    super(message, details, "SQL_CONNECTION_ERROR");
  }
}

/** An adapter was handed something that is not the driver object it expects. */
export class DriverMismatchError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("DRIVER_MISMATCH", message);
  }
}

/** A failure reported by the WASM core, with the core's code (e.g. INVALID_IDENTIFIER). */
export class CoreError extends LunoraHyperdriveError {}

/** A document does not match its table's validator (or a limit); nothing was written. */
export class ValidationError extends LunoraHyperdriveError {
  constructor(message: string, code = "VALIDATION_FAILED") {
    super(code, message);
  }
}

/** A valid value the engine cannot hold unchanged (NaN, Infinity or -0 on MySQL). */
export class UnsupportedValueError extends ValidationError {
  constructor(message: string) {
    super(message, "UNSUPPORTED_VALUE");
  }
}

/** The schema passed to the store is invalid. */
export class InvalidSchemaError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("INVALID_SCHEMA", message);
  }
}

/** An unknown table, or patch/replace/delete of a document that does not exist. */
export class DocumentNotFoundError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** A mutation kept conflicting with other writers and gave up after its retries. */
export class ConflictError extends LunoraHyperdriveError {
  readonly table: string | undefined;
  readonly id: string | undefined;
  constructor(message: string, table?: string, id?: string) {
    super("CONFLICT", message);
    this.table = table;
    this.id = id;
  }
}

/** A pagination cursor that is malformed or belongs to another query. */
export class InvalidCursorError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("INVALID_CURSOR", message);
  }
}

/** migrate() found differences it will not apply; `differences` lists every one. */
export class SchemaMigrationError extends LunoraHyperdriveError {
  readonly differences: readonly string[];
  constructor(message: string, differences: readonly string[]) {
    super("MIGRATION_REFUSED", message);
    this.differences = differences;
  }
}

/** The driver is configured in a way the store cannot work with (e.g. no FOUND_ROWS). */
export class StoreConfigurationError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("STORE_CONFIGURATION", message);
  }
}

export function errorFromCore(code: string, message: string): LunoraHyperdriveError {
  switch (code) {
    case "VALIDATION_FAILED":
      return new ValidationError(message);
    case "UNSUPPORTED_VALUE":
      return new UnsupportedValueError(message);
    case "INVALID_SCHEMA":
      return new InvalidSchemaError(message);
    case "NOT_FOUND":
      return new DocumentNotFoundError(message);
    case "INVALID_CURSOR":
      return new InvalidCursorError(message);
    case "CONFLICT":
      return new ConflictError(message);
    default:
      return new CoreError(code, message);
  }
}
