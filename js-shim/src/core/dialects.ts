// The engine dialects, as the WASM core defines them. Reading a property creates the core
// on first use (synchronously), so importing this module costs nothing.
import { getCore, unwrap } from "./core.js";

export interface DialectCapabilities {
  readonly returning: boolean;
  /** One `UPDATE ... FROM (locked read) ... RETURNING` answers the row before the update. */
  readonly updateReturnsOldRow: boolean;
  readonly dataModifyingCtes: boolean;
  readonly transactionalDdl: boolean;
  readonly nativeBoolean: boolean;
  readonly floatNanInfinity: boolean;
  readonly stringsHoldNul: boolean;
  readonly preparedStatements: boolean;
  readonly maxIdentifierBytes: number;
  readonly maxParamsPerStatement: number;
  readonly maxColumnsPerTable: number;
}

export type EngineName = "postgres" | "mysql" | "sqlite";

export interface Dialect {
  readonly name: EngineName;
  readonly placeholderStyle: "dollar" | "question";
  readonly identifierQuote: string;
  readonly capabilities: DialectCapabilities;
  /** The placeholder for the 1-based parameter `index`: `$3` or `?`. */
  placeholder(index: number): string;
  /** Validates and quotes an identifier; throws CoreError("INVALID_IDENTIFIER") if invalid. */
  quoteIdentifier(name: string): string;
}

interface DialectInfo {
  name: EngineName;
  placeholderStyle: "dollar" | "question";
  identifierQuote: string;
  capabilities: DialectCapabilities;
}

class CoreDialect implements Dialect {
  private info: DialectInfo | undefined;

  constructor(private readonly engine: EngineName) {}

  private describe(): DialectInfo {
    return (this.info ??= Object.freeze(unwrap<DialectInfo>(getCore().dialectInfo(this.engine))));
  }

  get name() {
    return this.describe().name;
  }
  get placeholderStyle() {
    return this.describe().placeholderStyle;
  }
  get identifierQuote() {
    return this.describe().identifierQuote;
  }
  get capabilities() {
    return this.describe().capabilities;
  }

  placeholder(index: number): string {
    if (!Number.isInteger(index) || index < 1) throw new RangeError("placeholder index must be an integer >= 1");
    return this.placeholderStyle === "dollar" ? `$${index}` : "?";
  }

  quoteIdentifier(name: string): string {
    return unwrap<string>(getCore().quoteIdentifier(this.engine, String(name)));
  }
}

export const postgresDialect: Dialect = new CoreDialect("postgres");
export const mysqlDialect: Dialect = new CoreDialect("mysql");
/** SQLite as D1 and Durable Objects run it. */
export const sqliteDialect: Dialect = new CoreDialect("sqlite");
