// migrate() on SQLite as one atomic step: the plan's DDL and the index backfills go to the
// exec's batch() (D1 `db.batch()`: one implicit transaction; a Durable Object's
// `transactionSync`), so a statement that fails (a conflicting object, a constraint) leaves
// the schema exactly as it was, and a backfill the core cannot compute (a key over 1 KiB, a
// stored value that does not decode) fails before anything is sent.
//
// The backfills need the existing rows before any DDL has run. They are read with the core's
// page scan; a column this same plan adds (a new optional field) does not exist yet and holds
// NULL in every existing row, so the scan selects `NULL AS "field"` for it instead.
import { encodeValueText } from "../values/wire.js";
import type { CoreStore, Statement } from "./core-store.js";
import type { SqlExec, SqlStatement } from "./exec.js";
import { decodeRow, type Document, type TableInfo } from "./rows.js";

export type MigrationStepJson = { kind: "ddl"; sql: string } | { kind: "backfill"; table: string; index: string };

const SCAN_PAGE = 500;

export async function migrateSqliteAtomically(
  exec: SqlExec,
  core: CoreStore,
  tables: ReadonlyMap<string, TableInfo>,
  steps: readonly MigrationStepJson[],
  catalogColumns: readonly Record<string, unknown>[],
  extra: readonly SqlStatement[] = [],
): Promise<void> {
  const live = new Map<string, Set<string>>();
  for (const row of catalogColumns) {
    const table = String(row.table_name);
    if (!live.has(table)) live.set(table, new Set());
    live.get(table)!.add(String(row.column_name));
  }
  const docsOf = new Map<string, Document[]>();
  const statements: SqlStatement[] = [];
  for (const step of steps) {
    if (step.kind === "ddl") {
      statements.push({ text: step.sql, params: [] });
      continue;
    }
    const info = tables.get(step.table)!;
    let docs = docsOf.get(step.table);
    if (docs === undefined) {
      docs = await readAll(exec, core, info, live.get(info.sqlTable) ?? new Set());
      docsOf.set(step.table, docs);
    }
    if (docs.length === 0) continue;
    const wire = encodeValueText(docs.map(({ _id, _creationTime, ...fields }) => ({ _id, _creationTime, doc: fields })));
    statements.push(...core.backfill(step.table, step.index, wire));
  }
  statements.push(...extra);
  if (statements.length === 1) await exec.query(statements[0]!.text, statements[0]!.params);
  else if (statements.length > 1) await exec.batch!(statements);
}

/** Every row of an existing table, as documents, read before this migration's DDL. */
async function readAll(exec: SqlExec, core: CoreStore, info: TableInfo, present: ReadonlySet<string>): Promise<Document[]> {
  const missing = info.columns.map((c) => c.field).filter((field) => !present.has(field));
  const docs: Document[] = [];
  let after: { _creationTime: number; _id: string } | null = null;
  for (;;) {
    const page = nullColumns(core.scanPage(info.table, after, SCAN_PAGE), missing);
    const { rows } = await exec.query(page.text, page.params);
    for (const row of rows) docs.push(decodeRow(info, row).doc);
    if (rows.length < SCAN_PAGE) return docs;
    const last = docs[docs.length - 1]!;
    after = { _creationTime: last._creationTime, _id: last._id };
  }
}

/** The scan's select list with `NULL AS "field"` for columns that do not exist yet. Field
 * names are `[A-Za-z][A-Za-z0-9_]*`, so the quoted identifier is the name itself. */
function nullColumns(statement: Statement, missing: readonly string[]): Statement {
  if (missing.length === 0) return statement;
  const from = statement.text.indexOf(" FROM ");
  let list = statement.text.slice(0, from);
  for (const field of missing) {
    const id = `"${field}"`;
    list = list.split(`CAST(${id} AS TEXT) AS ${id}`).join(`NULL AS ${id}`);
    list = list.replace(new RegExp(`(, )${id}(?=, |$)`), `$1NULL AS ${id}`);
  }
  return { text: list + statement.text.slice(from), params: statement.params };
}

// SQLite's catalog cannot tell a text column from a JSON one (both TEXT) nor an int64 column
// from a boolean one (both INTEGER), so migrate() records each field column's kind in a hidden
// table, written in the same batch as the DDL, and refuses a schema whose kind differs from
// the recorded one. Columns created before this table existed are recorded as the schema has
// them on the first migrate() that sees them (their earlier kind is unknown). INSERT OR IGNORE:
// two instances migrating at once must not fail on each other's rows.
export const KINDS_TABLE = "_lunora_columns";
const STORAGE: Record<string, string> = { text: "TEXT", json: "TEXT", int64: "INTEGER", boolean: "INTEGER", float64: "REAL", bytes: "BLOB" };

export interface ColumnKindCheck {
  /** Differences to refuse, in the words of the core's own refusals. */
  refused: string[];
  /** Statements recording the kinds not recorded yet (empty when up to date). */
  writes: SqlStatement[];
}

export async function checkSqliteColumnKinds(exec: SqlExec, tables: Iterable<TableInfo>): Promise<ColumnKindCheck> {
  const known = new Map<string, string>();
  const exists = await exec.query(`SELECT count(*) AS n FROM pragma_table_info('${KINDS_TABLE}')`, []);
  if (Number(exists.rows[0]?.n ?? 0) > 0) {
    const { rows } = await exec.query(`SELECT "table", "column", "kind" FROM "${KINDS_TABLE}"`, []);
    for (const row of rows) known.set(`${String(row.table)}.${String(row.column)}`, String(row.kind));
  }
  const refused: string[] = [];
  const writes: SqlStatement[] = [];
  for (const info of tables) {
    for (const column of info.columns) {
      const recorded = known.get(`${info.sqlTable}.${column.field}`);
      if (recorded === undefined) {
        writes.push({ text: `INSERT OR IGNORE INTO "${KINDS_TABLE}" ("table", "column", "kind") VALUES (?, ?, ?)`, params: [info.sqlTable, column.field, column.kind] });
      } else if (recorded !== column.kind && STORAGE[recorded] === STORAGE[column.kind]) {
        // (Different column types are the core's catalog check's to refuse.)
        refused.push(
          `table "${info.table}": field "${column.field}" holds ${recorded} values (recorded in ${KINDS_TABLE}); ` +
            `the schema needs ${column.kind}, which SQLite stores in the same column type but encodes differently`,
        );
      }
    }
  }
  if (writes.length > 0) {
    writes.unshift({
      text: `CREATE TABLE IF NOT EXISTS "${KINDS_TABLE}" ("table" TEXT NOT NULL, "column" TEXT NOT NULL, "kind" TEXT NOT NULL, PRIMARY KEY ("table", "column")) STRICT, WITHOUT ROWID`,
      params: [],
    });
  }
  return { refused, writes };
}
