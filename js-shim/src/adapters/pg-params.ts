// JS values -> Postgres parameters, identical for postgres.js and pg.
//
// Each value becomes text the server parses in the statement's context (or bytes for
// bytea), so both drivers send the same thing: bigint as its decimal text, Date as ISO 8601,
// arrays as Postgres array literals, plain objects as JSON.

export type BytesFactory = (bytes: Uint8Array) => unknown;

export function encodePgParams(
  params: readonly unknown[] | undefined,
  bytes: BytesFactory,
): unknown[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL params must be an array");
  return params.map((value) => encodePgParam(value, bytes));
}

function encodePgParam(value: unknown, bytes: BytesFactory): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      if (value instanceof Uint8Array) return bytes(value);
      if (value instanceof ArrayBuffer) return bytes(new Uint8Array(value));
      if (value instanceof Date) return value.toISOString();
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
    let text: string;
    if (value instanceof Uint8Array) text = `\\x${hex(value)}`;
    else if (value instanceof Date) text = value.toISOString();
    else if (typeof value === "object") text = JSON.stringify(value, jsonReplacer);
    else text = String(value);
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${parts.join(",")}}`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
