// Postgres text-format values -> JS values, shared by the postgres.js and pg adapters.
//
// Both adapters ask their driver for the raw text of each column and decode it here, so the
// same query returns the same JS values whichever driver runs it. The choices:
//   int8                   -> bigint (exact)
//   int2, int4, oid, float -> number (NaN and +-Infinity included)
//   numeric                -> string (exact decimal)
//   bool                   -> boolean
//   bytea                  -> Uint8Array
//   json, jsonb            -> parsed value
//   timestamptz, timestamp -> Date (timestamp without zone is read as UTC); +-infinity -> +-Infinity
//   date, time, interval, uuid, text and anything else -> string
//   arrays of the above    -> arrays (nested for multi-dimensional arrays)

export type PgColumn = { readonly name: string; readonly oid: number };

type Decoder = (text: string) => unknown;

const identity: Decoder = (text) => text;
const toNumber: Decoder = (text) => Number(text);

const SCALARS = new Map<number, Decoder>([
  [16, (text) => text === "t"], // bool
  [17, decodeBytea], // bytea
  [20, (text) => BigInt(text)], // int8
  [21, toNumber], // int2
  [23, toNumber], // int4
  [26, toNumber], // oid
  [700, toNumber], // float4
  [701, toNumber], // float8
  [114, (text) => JSON.parse(text)], // json
  [3802, (text) => JSON.parse(text)], // jsonb
  [1114, (text) => decodeTimestamp(text, false)], // timestamp
  [1184, (text) => decodeTimestamp(text, true)], // timestamptz
]);

// array oid -> element oid
const ARRAYS = new Map<number, number>([
  [1000, 16], [1001, 17], [1016, 20], [1005, 21], [1007, 23], [1028, 26], [1021, 700],
  [1022, 701], [199, 114], [3807, 3802], [1115, 1114], [1185, 1184], [1231, 1700],
  [1009, 25], [1015, 1043], [1014, 1042], [1182, 1082], [1183, 1083], [2951, 2950],
]);

export function decoderFor(oid: number): Decoder {
  const scalar = SCALARS.get(oid);
  if (scalar) return scalar;
  const element = ARRAYS.get(oid);
  if (element !== undefined) {
    const decodeElement = SCALARS.get(element) ?? identity;
    // Postgres writes box[] elements with ';' as delimiter; every type here uses ','.
    return (text) => parseArrayLiteral(text, decodeElement);
  }
  return identity;
}

/** A raw cell as a driver hands it over: its text, its UTF-8 bytes, or null. */
export type RawCell = string | Uint8Array | null | undefined;

const utf8 = new TextDecoder();
type NodeBufferLike = Uint8Array & { utf8Slice?: (start: number, end: number) => string };

/**
 * The text of a non-null raw cell: a string as is; bytes as UTF-8 (Node's Buffer slices
 * natively, far cheaper than a TextDecoder call, and a short ASCII cell cheaper still in JS).
 */
export function cellText(cell: unknown): string {
  if (typeof cell === "string") return cell;
  const buffer = cell as NodeBufferLike;
  if (buffer.length <= SHORT_TEXT) {
    const short = shortAscii(buffer);
    if (short !== undefined) return short;
  }
  return typeof buffer.utf8Slice === "function" ? buffer.utf8Slice(0, buffer.length) : utf8.decode(buffer);
}

const SHORT_TEXT = 12;
const chars = String.fromCharCode;

/**
 * A short cell of ASCII bytes as its string, built in JS: utf8Slice is a call into C++ of
 * ~60-75 ns whatever the length, String.fromCharCode of a few bytes ~25 ns (city, status and
 * country codes, short names). Undefined when a byte is not ASCII (UTF-8 decoding needed).
 */
function shortAscii(b: Uint8Array): string | undefined {
  let high = 0;
  for (let i = 0; i < b.length; i++) high |= b[i]!;
  if (high > 0x7f) return undefined;
  switch (b.length) {
    case 0: return "";
    case 1: return chars(b[0]!);
    case 2: return chars(b[0]!, b[1]!);
    case 3: return chars(b[0]!, b[1]!, b[2]!);
    case 4: return chars(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12: return chars(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    default: return undefined;
  }
}

// 10^0 .. 10^16, each exactly a double (every power of ten up to 10^22 is).
const POW10 = Array.from({ length: 17 }, (_, k) => 10 ** k);
const MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30;

/**
 * The number a Postgres numeric text spells ("-12", "1795690403894.001"), straight from its
 * bytes without a string, or undefined when it needs the full parser (an exponent, NaN,
 * Infinity, more than 16 digits or a digit string above 2^53). Exact: the digits form an
 * integer m < 2^53 and the fraction is m / 10^k with 10^k exact, so the one IEEE division
 * rounds the decimal's exact value correctly, as Number(text) does (Clinger's fast path).
 * `fraction` false: integer texts only (int8).
 */
export function bytesNumber(bytes: Uint8Array, fraction: boolean): number | undefined {
  const length = bytes.length;
  let i = 0;
  const negative = length > 0 && bytes[0] === MINUS;
  if (negative) i = 1;
  if (i === length || length - i > 17) return undefined;
  let m = 0, digits = 0, scale = -1;
  for (; i < length; i++) {
    const d = bytes[i]! - ZERO;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (scale >= 0) scale++;
    } else if (bytes[i] === DOT && fraction && scale < 0) {
      scale = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 16 || m > Number.MAX_SAFE_INTEGER) return undefined;
  const value = scale > 0 ? m / POW10[scale]! : m;
  return negative ? -value : value;
}

/** A decoder of non-null raw cells (texts or their bytes) of one column type. */
type CellDecoder = (cell: unknown) => unknown;

/** A number column's cell (int2, int4, oid, float4, float8): from its bytes when exact that way. */
export const numberCell: CellDecoder = (cell) =>
  typeof cell === "string" ? Number(cell) : (bytesNumber(cell as Uint8Array, true) ?? Number(cellText(cell)));

/** An int8 cell as a bigint: from its bytes when it is below 2^53. */
export const int8Cell: CellDecoder = (cell) => {
  const small = typeof cell === "string" ? undefined : bytesNumber(cell as Uint8Array, false);
  return small === undefined ? BigInt(cellText(cell)) : BigInt(small);
};

function cellDecoderFor(oid: number): CellDecoder {
  const decode = decoderFor(oid);
  if (decode === toNumber) return numberCell;
  if (oid === 20) return int8Cell;
  return (cell) => decode(cellText(cell));
}

/** How the rows of one column list decode: each column's name and its cell decoder. */
export interface RowDecoder {
  readonly names: readonly string[];
  readonly decoders: readonly CellDecoder[];
}

export function rowDecoder(columns: readonly PgColumn[]): RowDecoder {
  return { names: columns.map((column) => column.name), decoders: columns.map((column) => cellDecoderFor(column.oid)) };
}

/** Turns rows of raw column texts (or their UTF-8 bytes) into row objects. */
export function decodeRows(columns: readonly PgColumn[] | RowDecoder, rows: readonly (readonly RawCell[])[]): Record<string, unknown>[] {
  const { names, decoders } = "decoders" in columns ? columns : rowDecoder(columns);
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const raw = rows[r]!;
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) {
      const cell = raw[c];
      // defineProperty-free assignment is safe: names come from the server, and a column
      // named "__proto__" must become an own property, not the prototype.
      const value = cell === null || cell === undefined ? null : decoders[c]!(cell);
      const name = names[c]!;
      if (name === "__proto__") {
        Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
      } else {
        row[name] = value;
      }
    }
    out[r] = row;
  }
  return out;
}

// char code -> value of a hex digit (Postgres writes lower case; upper case accepted too).
const HEX_NIBBLE = new Uint8Array(128);
for (let d = 0; d < 16; d++) {
  HEX_NIBBLE["0123456789abcdef".charCodeAt(d)] = d;
  HEX_NIBBLE["0123456789ABCDEF".charCodeAt(d)] = d;
}

export function decodeBytea(text: string): Uint8Array {
  if (text.startsWith("\\x")) {
    const out = new Uint8Array((text.length - 2) >>> 1);
    for (let i = 0, j = 2; i < out.length; i++, j += 2) {
      out[i] = (HEX_NIBBLE[text.charCodeAt(j)]! << 4) | HEX_NIBBLE[text.charCodeAt(j + 1)]!;
    }
    return out;
  }
  // bytea_output = 'escape': printable bytes as is, '\\' for a backslash, '\ooo' octal.
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") {
      if (text[i + 1] === "\\") {
        bytes.push(0x5c);
        i += 1;
      } else {
        bytes.push(parseInt(text.substr(i + 1, 3), 8));
        i += 3;
      }
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Uint8Array.from(bytes);
}

const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

export function decodeTimestamp(text: string, withZone: boolean): Date | number {
  if (text === "infinity") return Infinity;
  if (text === "-infinity") return -Infinity;
  const m = TIMESTAMP.exec(text);
  if (m === null) return new Date(Number.NaN);
  let year = Number(m[1]);
  if (m[12] !== undefined) year = 1 - year; // 1 BC is year 0
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (withZone && m[8] !== undefined) {
    const sign = m[8] === "-" ? -1 : 1;
    const offsetSeconds = Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0);
    date.setTime(date.getTime() - sign * offsetSeconds * 1000);
  }
  return date;
}

/** Parses a Postgres array literal such as {1,NULL,"a,b",{2,3}}. */
export function parseArrayLiteral(text: string, decode: Decoder): unknown[] {
  let i = 0;
  // Optional dimension decoration: [0:2]={...}
  if (text[0] === "[") {
    const eq = text.indexOf("=");
    i = eq + 1;
  }
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    if (text[i] !== "{") throw new SyntaxError("malformed array literal");
    i++;
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === "{") {
        out.push(parse());
      } else if (text[i] === '"') {
        i++;
        let value = "";
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\") i++;
          value += text[i];
          i++;
        }
        i++; // closing quote
        out.push(decode(value));
      } else {
        let end = i;
        while (end < text.length && text[end] !== "," && text[end] !== "}") end++;
        const token = text.slice(i, end);
        i = end;
        out.push(token === "NULL" ? null : decode(token));
      }
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return out;
      }
      throw new SyntaxError("malformed array literal");
    }
  };
  return parse();
}
