// The store over postgres.js through a Hyperdrive binding, inside workerd: the texts it repeats
// run as named prepared statements (pg_prepared_statements of a one-connection pool), one-off
// texts, DDL and ctx.sql do not; the documents are those of a pool that never prepares
// (`prepare: false`); and a migration that adds a field between two reads changes nothing.
import { createHyperdrive, fromPostgresJs } from "@lunora/hyperdrive";
import { buildPgExec, createHyperdriveGlobalCtxDb, createPostgresGlobalCtxDb, type SqlExec } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import postgres from "postgres";

interface Env {
  HYPERDRIVE: Hyperdrive;
}

const CELLS = Symbol.for("@lunora/hyperdrive.queryCells");
const WRITE_LATER = Symbol.for("@lunora/hyperdrive.cellsWriteLater");

function schemaOf(table: string, extra: Record<string, any> = {}) {
  return defineSchema({
    [table]: defineTable({ name: v.string(), n: v.int64(), score: v.nullable(v.number()), note: v.optional(v.string()), ...extra })
      .index("by_name", ["name"])
      .global(),
  });
}

const json = (x: unknown) => JSON.stringify(x, (_k, val) => (typeof val === "bigint" ? `${val}n` : val));

export async function preparedStatementsScenario(env: Env, table: string): Promise<unknown> {
  const url = createHyperdrive(env.HYPERDRIVE).connectionString;
  const sql = postgres(url, { fetch_types: false, max: 1 });
  const unprepared = postgres(url, { fetch_types: false, max: 1, prepare: false });
  const preparedTexts = async (pool: typeof sql) =>
    (await pool.unsafe("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")).map((r: any) => String(r.statement));
  try {
    // The store's statements, counted per text (both read paths).
    const exec = buildPgExec(sql) as SqlExec & Record<symbol, any>;
    const runs = new Map<string, number>();
    const count = (text: string, params: readonly unknown[]) => {
      if (params.length > 0) runs.set(text, (runs.get(text) ?? 0) + 1);
    };
    const counting = {
      query: (text: string, params: readonly unknown[]) => (count(text, params), exec.query(text, params)),
      [CELLS]: (text: string, params: readonly unknown[]) => (count(text, params), exec[CELLS](text, params)),
      [WRITE_LATER]: exec[WRITE_LATER],
      transaction: exec.transaction!.bind(exec),
    };
    const schema = schemaOf(table);
    const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec: counting as SqlExec, schema, autoMigrate: false });
    await db.migrate();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await db.mutation((w: any) => w.insert(table, { name: `d${i}`, n: BigInt(i), score: i % 2 ? null : i / 4 })));
    for (let i = 0; i < 6; i++) {
      await db.query((r: any) => r.get(ids[i]));
      await db.query((r: any) => r.query(table).withIndex("by_name", (q: any) => q.gte("name", "d")).take(4));
      await db.mutation((w: any) => w.patch(ids[i], i % 2 ? { note: `p${i}`, score: i + 0.5 } : { note: undefined, score: null }));
    }
    await db.mutation(async (w: any) => {
      await w.insert(table, { name: "odd", n: 99n, score: 1, note: "x" });
      await w.delete(ids[5]);
    });
    const actionText = `SELECT count(*)::int AS n FROM "${table}" WHERE "n" >= $1`;
    const ctxSql = fromPostgresJs(sql);
    for (let i = 0; i < 3; i++) await ctxSql.query(actionText, ["0"]);
    const prepared = await preparedTexts(sql);
    const repeated = [...runs].filter(([, n]) => n >= 2).map(([text]) => text);
    const once = [...runs].filter(([, n]) => n === 1).map(([text]) => text);

    // The same reads through a pool that never prepares.
    const dbU = createPostgresGlobalCtxDb(unprepared, { schema });
    const all = (d: any) => d.query((r: any) => r.query(table).withIndex("by_name", (q: any) => q.gte("name", "")).collect());
    let same = true;
    for (let round = 0; round < 3; round++) {
      for (const id of ids) same &&= json(await db.query((r: any) => r.get(id))) === json(await dbU.query((r: any) => r.get(id)));
      same &&= json(await all(db)) === json(await all(dbU));
    }

    // A new optional field, migrated by another store between two reads of the first.
    const before = json(await db.query((r: any) => r.get(ids[0])));
    const db2 = createPostgresGlobalCtxDb(sql, { schema: schemaOf(table, { extra: v.optional(v.string()) }) });
    const report = await db2.migrate();
    const afterOld = json(await db.query((r: any) => r.get(ids[0])));
    const id2 = await db2.mutation((w: any) => w.insert(table, { name: "e", n: 1n, score: null, extra: "x" }));
    const extras: unknown[] = [];
    for (let i = 0; i < 3; i++) extras.push((await db2.query((r: any) => r.get(id2))).extra, (await db2.query((r: any) => r.get(ids[0]))).extra ?? null);

    return {
      prepared,
      repeated,
      once,
      actionText,
      unpreparedPool: await preparedTexts(unprepared),
      same,
      migration: { addedColumns: report.addedColumns, before, afterOld, extras },
    };
  } finally {
    await sql.unsafe(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await sql.end({ timeout: 1 });
    await unprepared.end({ timeout: 1 });
  }
}
