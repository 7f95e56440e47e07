// SQL rows -> Lunora documents, following the layout the core computed.
//
// Drivers disagree on column types (int8 as string or bigint, bytea as Buffer or Uint8Array,
// JSON parsed or text, MySQL booleans as 0/1), so each kind accepts every form and yields
// the one Lunora value: int64 -> bigint, bytes -> ArrayBuffer, JSON -> decoded Lunora JSON.
import { decodeValue } from "../values/wire.js";

export interface ColumnInfo {
  field: string;
  kind: "text" | "float64" | "int64" | "boolean" | "bytes" | "json";
  nullMeans: "never" | "missing" | "null";
}

export interface TableInfo {
  table: string;
  sqlTable: string;
  columns: ColumnInfo[];
  indexes: { name: string; fields: string[]; keyColumn: string }[];
}

export type Document = Record<string, unknown> & { _id: string; _creationTime: number };

export interface DecodedRow {
  doc: Document;
  version: string;
}

export function decodeRow(table: TableInfo, row: Record<string, unknown>): DecodedRow {
  const doc = { _id: String(row._id), _creationTime: Number(row._creationTime) } as Document;
  for (const column of table.columns) {
    const raw = row[column.field];
    if (raw === null || raw === undefined) {
      if (column.nullMeans === "null") doc[column.field] = null;
      continue;
    }
    doc[column.field] = decodeColumn(column.kind, raw);
  }
  return { doc, version: String(row._version) };
}

export function decodeColumn(kind: ColumnInfo["kind"], raw: unknown): unknown {
  switch (kind) {
    case "text":
      return String(raw);
    case "float64":
      return typeof raw === "number" ? raw : Number(raw);
    case "int64":
      return typeof raw === "bigint" ? raw : BigInt(raw as string | number);
    case "boolean":
      return raw === true || raw === 1 || raw === "t" || raw === "true" || raw === "1" || raw === 1n;
    case "bytes":
      return toArrayBuffer(raw);
    case "json":
      // Selected as text (CAST ... AS text/CHAR), so every driver hands over the JSON text.
      return decodeValue(typeof raw === "string" ? JSON.parse(raw) : raw);
  }
}

function toArrayBuffer(raw: unknown): ArrayBuffer {
  if (raw instanceof Uint8Array) {
    return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
  }
  if (raw instanceof ArrayBuffer) return raw;
  if (typeof raw === "string" && raw.startsWith("\\x")) {
    const hex = raw.slice(2);
    const out = new Uint8Array(hex.length >>> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out.buffer;
  }
  throw new TypeError("unexpected bytes column value from the driver");
}
