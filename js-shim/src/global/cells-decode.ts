// Driver cells -> Lunora documents in one pass (the store's page reads; adapters/cells.ts).
//
// decodeRow() (rows.ts) reads a row object that an adapter already built with JS values, so a
// page cost two objects and two conversions per cell. Here the column list of the result is
// matched once against the table's layout, each column gets the one conversion its Lunora
// kind needs, and each row becomes its document directly. The values are exactly those of
// adapter + decodeRow (the unit tests compare both paths). A result column whose engine type
// is not the one the layout creates (a surprise, never the store's own tables) goes through
// the general driver decoding and decodeColumn, as before.
import type { SqlCells } from "../adapters/cells.js";
import { cellText, decodeBytea, decoderFor, int8Cell, numberCell } from "../adapters/pg-values.js";
import { decodeValue } from "../values/wire.js";
import { decodeColumn, type ColumnInfo, type Document, type TableInfo } from "./rows.js";

type Cell = unknown;
type Convert = (cell: Cell) => unknown;

interface FieldPlan {
  field: string;
  nullMeans: ColumnInfo["nullMeans"];
  at: number;
  convert: Convert;
}

/** How to read one result set into documents of a table. */
export interface CellsPlan {
  id: Convert;
  creationTime: Convert;
  version: Convert;
  /** The index key as hex text (or undefined when the statement selected none). */
  keyHex: Convert;
  idAt: number;
  creationTimeAt: number;
  versionAt: number;
  keyAt: number;
  fields: FieldPlan[];
}

/** The plan for these cells, or null when the result lacks a column the table needs. */
export function planCells(table: TableInfo, cells: SqlCells): CellsPlan | null {
  const at = new Map<string, number>();
  cells.columns.forEach((c, i) => at.set(c.name, i));
  const find = (name: string) => at.get(name) ?? -1;
  const idAt = find("_id"), creationTimeAt = find("_creationTime"), versionAt = find("_version");
  if (idAt < 0 || creationTimeAt < 0 || versionAt < 0) return null;
  const pg = cells.engine === "postgres";
  const typeOf = (i: number) => cells.columns[i]!.type;
  const fields: FieldPlan[] = [];
  for (const column of table.columns) {
    const i = find(column.field);
    if (i < 0) return null;
    fields.push({
      field: column.field,
      nullMeans: column.nullMeans,
      at: i,
      convert: pg ? pgConvert(column.kind, typeOf(i)) : mysqlConvert(column.kind),
    });
  }
  const keyAt = find("_key");
  return {
    id: pg ? pgConvert("text", typeOf(idAt)) : (cell) => String(cell),
    creationTime: pg ? pgConvert("float64", typeOf(creationTimeAt)) : (cell) => Number(cell),
    version: pg ? pgVersion(typeOf(versionAt)) : (cell) => String(cell),
    keyHex: keyAt < 0 ? () => undefined : pg ? pgKeyHex(typeOf(keyAt)) : bytesHex,
    idAt,
    creationTimeAt,
    versionAt,
    keyAt,
    fields,
  };
}

/** The document of row `r` (decodeRow's result, without the intermediate row object). */
export function cellsDocument(plan: CellsPlan, row: readonly Cell[]): Document {
  const doc = { _id: plan.id(row[plan.idAt]), _creationTime: plan.creationTime(row[plan.creationTimeAt]) } as Document;
  const fields = plan.fields;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    const cell = row[field.at];
    let value: unknown;
    if (cell === null || cell === undefined) {
      if (field.nullMeans !== "null") continue;
      value = null;
    } else {
      value = field.convert(cell);
    }
    if (field.field === "__proto__") {
      Object.defineProperty(doc, "__proto__", { value, enumerable: true, writable: true, configurable: true });
    } else {
      doc[field.field] = value;
    }
  }
  return doc;
}

/** What the core needs of the last row kept: its id, creation time and index key. */
export function cellsPosition(plan: CellsPlan, row: readonly Cell[]): { _id: string; _creationTime: number; k: string | undefined } {
  return {
    _id: plan.id(row[plan.idAt]) as string,
    _creationTime: plan.creationTime(row[plan.creationTimeAt]) as number,
    k: plan.keyAt < 0 ? undefined : (plan.keyHex(row[plan.keyAt]) as string | undefined),
  };
}

// ---- Postgres: every cell is the column's text, as a string or its UTF-8 bytes ----

type NodeBuffer = Uint8Array & { latin1Slice?(start: number, end: number): string };
const utf8 = new TextDecoder();

const text = cellText;

/** ASCII-only texts (numbers, hex): one byte per character. */
function ascii(cell: Cell): string {
  if (typeof cell === "string") return cell;
  const buffer = cell as NodeBuffer;
  return typeof buffer.latin1Slice === "function" ? buffer.latin1Slice(0, buffer.length) : utf8.decode(buffer);
}

const OID = { bool: 16, bytea: 17, int8: 20, text: 25, varchar: 1043, float8: 701 } as const;

/** The engine type the layout creates for each kind (JSON is selected as text). */
const PG_TYPES: Record<ColumnInfo["kind"], readonly number[]> = {
  text: [OID.text, OID.varchar],
  float64: [OID.float8],
  int64: [OID.int8],
  boolean: [OID.bool],
  bytes: [OID.bytea],
  json: [OID.text, OID.varchar],
};

const T_CHAR = 0x74; // "t"

const PG_CONVERT: Record<ColumnInfo["kind"], Convert> = {
  text,
  float64: numberCell,
  int64: int8Cell,
  boolean: (cell) => (typeof cell === "string" ? cell === "t" : (cell as Uint8Array)[0] === T_CHAR),
  bytes: (cell) => byteaBuffer(cell),
  json: (cell) => decodeValue(JSON.parse(text(cell))),
};

function pgConvert(kind: ColumnInfo["kind"], oid: number): Convert {
  if (PG_TYPES[kind].includes(oid)) return PG_CONVERT[kind];
  const decode = decoderFor(oid);
  return (cell) => decodeColumn(kind, decode(text(cell)));
}

function pgVersion(oid: number): Convert {
  if (oid === OID.int8) return ascii;
  const decode = decoderFor(oid);
  return (cell) => String(decode(text(cell)));
}

function pgKeyHex(oid: number): Convert {
  if (oid !== OID.bytea) {
    const decode = decoderFor(oid);
    return (cell) => (cell === null || cell === undefined ? "" : bytesHex(decode(text(cell))));
  }
  return (cell) => {
    if (cell === null || cell === undefined) return "";
    const hexText = ascii(cell);
    return hexText.startsWith("\\x") ? hexText.slice(2) : bytesHex(decodeBytea(hexText));
  };
}

// char code -> value of a hex digit (Postgres writes lower case; upper case accepted too).
const NIBBLE = new Uint8Array(256);
for (let d = 0; d < 16; d++) {
  NIBBLE["0123456789abcdef".charCodeAt(d)] = d;
  NIBBLE["0123456789ABCDEF".charCodeAt(d)] = d;
}
const BACKSLASH = 0x5c, X_CHAR = 0x78;

/** bytea text (hex or escape format) -> an ArrayBuffer of exactly its bytes. */
function byteaBuffer(cell: Cell): ArrayBuffer {
  if (typeof cell !== "string") {
    const bytes = cell as Uint8Array;
    if (bytes.length >= 2 && bytes[0] === BACKSLASH && bytes[1] === X_CHAR) {
      // Straight from the hex digits' bytes: no intermediate string.
      const out = new Uint8Array((bytes.length - 2) >>> 1);
      for (let i = 0, j = 2; i < out.length; i++, j += 2) out[i] = (NIBBLE[bytes[j]!]! << 4) | NIBBLE[bytes[j + 1]!]!;
      return out.buffer;
    }
  }
  return exactBuffer(decodeBytea(text(cell)));
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

// ---- MySQL: mysql2's values ----

// One converter per kind, each taking the form mysql2 gives first (decodeColumn's cases).
const MYSQL_CONVERT: Record<ColumnInfo["kind"], Convert> = {
  text: (cell) => (typeof cell === "string" ? cell : String(cell)),
  float64: (cell) => (typeof cell === "number" ? cell : Number(cell)),
  int64: (cell) => (typeof cell === "string" ? BigInt(cell) : decodeColumn("int64", cell)),
  boolean: (cell) => cell === 1 || decodeColumn("boolean", cell),
  bytes: (cell) => decodeColumn("bytes", cell),
  json: (cell) => (typeof cell === "string" ? decodeValue(JSON.parse(cell)) : decodeColumn("json", cell)),
};

function mysqlConvert(kind: ColumnInfo["kind"]): Convert {
  return MYSQL_CONVERT[kind];
}

// "00".."ff"
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

/** As the plain-row path's hex(): bytes to hex, anything else (null included) to "". */
function bytesHex(cell: Cell): string {
  if (!(cell instanceof Uint8Array)) return "";
  let out = "";
  for (let i = 0; i < cell.length; i++) out += HEX_BYTE[cell[i]!]!;
  return out;
}
