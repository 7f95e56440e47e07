// Batched point reads inside workerd on the real servers (and D1): many concurrent
// read-modify-write mutations share a few `SELECT ... WHERE _id IN (...)` statements, each
// mutation still gets exactly its own documents (missing ones as null), every write lands
// once, and a lone read is sent alone, at once.
import { createHyperdrive } from "@lunora/hyperdrive";
import { buildD1Exec, buildMysqlExec, buildPgExec, createHyperdriveGlobalCtxDb, type SqlExec } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import mysql from "mysql2/promise";
import postgres from "postgres";

interface Env {
  HYPERDRIVE: Hyperdrive;
  HYPERDRIVE_MYSQL: Hyperdrive;
  DB: D1Database;
}

const DOCS = 40;

export async function pointReadsScenario(engine: string, env: Env, table: string): Promise<unknown> {
  let exec: SqlExec;
  let close: () => Promise<void> = async () => undefined;
  if (engine === "mysql") {
    const pool = mysql.createPool({ uri: createHyperdrive(env.HYPERDRIVE_MYSQL).connectionString, disableEval: true, connectionLimit: 6 });
    exec = buildMysqlExec(pool);
    close = () => pool.end();
  } else if (engine === "postgres") {
    const sql = postgres(createHyperdrive(env.HYPERDRIVE).connectionString, { fetch_types: false, max: 6 });
    exec = buildPgExec(sql);
    close = () => sql.end({ timeout: 1 });
  } else if (engine === "d1") {
    exec = buildD1Exec(env.DB);
  } else {
    throw new Error(`unknown engine ${engine}`);
  }
  const stats = { single: 0, batched: 0, batchedIds: 0 };
  const counting: SqlExec = {
    async query(text, params) {
      if (/^SELECT .* WHERE .*_id.* IN \(/.test(text)) {
        stats.batched += 1;
        stats.batchedIds += new Set(params).size;
      } else if (/^SELECT .* WHERE .*_id.* = (\$1|\?)$/.test(text)) {
        stats.single += 1;
      }
      return exec.query(text, params);
    },
    transaction: exec.transaction?.bind(exec),
    batch: exec.batch?.bind(exec),
  };
  const schema = defineSchema({ [table]: defineTable({ label: v.string(), n: v.number() }).index("by_label", ["label"]).global() });
  const db = createHyperdriveGlobalCtxDb({ engine: engine === "d1" ? "sqlite" : (engine as "postgres" | "mysql"), exec: counting, schema, maxRetries: 10, retryBaseDelayMs: 1 });
  try {
    const ids = await db.mutation(async (w: any) => {
      const out: string[] = [];
      for (let i = 0; i < DOCS; i++) out.push(await w.insert(table, { label: `d${i}`, n: i }));
      return out;
    });
    const gone = ids.pop()!;
    await db.mutation((w: any) => w.delete(gone));

    // Each mutation reads its own document, a neighbour's, and the deleted one.
    Object.assign(stats, { single: 0, batched: 0, batchedIds: 0 });
    const seen = await Promise.all(
      ids.map((id, i) =>
        db.mutation(async (w: any) => {
          const [mine, neighbour, missing] = await Promise.all([w.get(id), w.get(ids[(i + 1) % ids.length]), w.get(gone)]);
          await w.patch(id, { n: mine.n + 100 });
          return [mine.label, neighbour.label, missing];
        }),
      ),
    );
    const concurrent = { ...stats };

    const after = await db.query(async (r: any) => (await r.query(table).withIndex("by_label").collect()).map((d: any) => [d.label, d.n]));

    // A lone read goes alone, at once.
    Object.assign(stats, { single: 0, batched: 0, batchedIds: 0 });
    const lone = await db.query((r: any) => r.get(ids[3]));
    const loneStats = { ...stats };

    // With batching off, every read is its own statement.
    const unbatched = createHyperdriveGlobalCtxDb({ engine: engine === "d1" ? "sqlite" : (engine as "postgres" | "mysql"), exec: counting, schema, maxPointReadsInFlight: Infinity });
    Object.assign(stats, { single: 0, batched: 0, batchedIds: 0 });
    await Promise.all(ids.slice(0, 10).map((id) => unbatched.query((r: any) => r.get(id))));
    const unbatchedStats = { ...stats };

    return { seen, concurrent, after, lone: lone?.label, loneStats, unbatchedStats, docs: ids.length };
  } finally {
    await close();
  }
}
