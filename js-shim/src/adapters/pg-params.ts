// JS values -> Postgres parameters, identical for postgres.js and pg.
//
// Every value is sent as its Postgres text form (or NULL), and the server parses it in the
// statement's context, exactly as it would an untyped literal. pg sends text parameters as
// "unspecified" type; the postgres.js adapter of `ctx.sql` declares them as `unknown` (oid 705),
// because postgres.js otherwise re-serialises each value by the type the server describes (it
// would JSON-encode a string a second time for a jsonb column); the store's statements need
// no such declaration (postgres-js.ts). Encodings:
//   string as is; number as its decimal text (-0, NaN, +-Infinity included); boolean as
//   true/false; bigint as its exact decimal text; Uint8Array/ArrayBuffer as bytea hex (\x..);
//   Date as ISO 8601; arrays as Postgres array literals; plain objects as JSON text.

export function encodePgParams(params: readonly unknown[] | undefined): (string | null)[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL params must be an array");
  return params.map((value) => (value === null || value === undefined ? null : pgText(value)));
}

function pgText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object":
      if (value instanceof Uint8Array) return `\\x${hex(value)}`;
      if (value instanceof ArrayBuffer) return `\\x${hex(new Uint8Array(value))}`;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError("cannot send an invalid Date as a SQL parameter");
        return value.toISOString();
      }
      if (Array.isArray(value)) return arrayLiteral(value);
      return JSON.stringify(value, jsonReplacer);
    default:
      throw new TypeError(`cannot send a ${typeof value} as a SQL parameter`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function arrayLiteral(values: readonly unknown[]): string {
  const parts = values.map((value): string => {
    if (value === null || value === undefined) return "NULL";
    if (Array.isArray(value)) return arrayLiteral(value);
    return `"${pgText(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${parts.join(",")}}`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? "0" : "") + bytes[i]!.toString(16);
  return out;
}
