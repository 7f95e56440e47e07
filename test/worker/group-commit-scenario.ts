// Group commit inside workerd on the real servers: concurrent mutations that queue behind a
// running commit land as multi-row statements, and a guard that fails inside such a group
// (an outside writer moved a document's _version) sends every member back to commit alone,
// each with its own exact outcome.
import { createHyperdrive } from "@lunora/hyperdrive";
import { buildMysqlExec, buildPgExec, createHyperdriveGlobalCtxDb, type SqlExec } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import mysql from "mysql2/promise";
import postgres from "postgres";

interface Env {
  HYPERDRIVE: Hyperdrive;
  HYPERDRIVE_MYSQL: Hyperdrive;
}

const MEMBERS = 12;

export async function groupCommitScenario(engine: string, env: Env, table: string): Promise<unknown> {
  const isMysql = engine === "mysql";
  let exec: SqlExec;
  let close: () => Promise<void>;
  if (isMysql) {
    const pool = mysql.createPool({ uri: createHyperdrive(env.HYPERDRIVE_MYSQL).connectionString, disableEval: true, connectionLimit: 4 });
    exec = buildMysqlExec(pool);
    close = () => pool.end();
  } else {
    const sql = postgres(createHyperdrive(env.HYPERDRIVE).connectionString, { fetch_types: false, max: 4 });
    exec = buildPgExec(sql);
    close = () => sql.end({ timeout: 1 });
  }
  const q = (name: string) => (isMysql ? `\`${name}\`` : `"${name}"`);
  const tableA = table;
  const tableB = `${table}_b`;
  const stats = { groupStatements: 0, groupFailures: 0, bumped: "" };
  let armed = false;
  let holdFirst = true;
  const isGroupStatement = (text: string) => (isMysql ? /CASE `_id` WHEN|\), \(/.test(text) : text.includes("lunora_conflict:group"));
  // The outside writer: just before the first group statement runs, it moves the _version of
  // the first document that statement updates (its first parameter).
  const interpose = async (text: string, params: readonly unknown[]) => {
    if (!armed) return;
    if (holdFirst && /^\s*(WITH|UPDATE|INSERT|DELETE)/.test(text)) {
      // Hold the first commit a moment so the other members queue up behind it.
      holdFirst = false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!isGroupStatement(text)) return;
    stats.groupStatements += 1;
    if (stats.bumped) return;
    stats.bumped = String(params[0]);
    await exec.query(`UPDATE ${q(tableA)} SET ${q("_version")} = ${q("_version")} + 1 WHERE ${q("_id")} = ${isMysql ? "?" : "$1"}`, [params[0]]);
  };
  const spy = (inner: SqlExec): SqlExec => ({
    async query(text, params) {
      await interpose(text, params);
      try {
        return await inner.query(text, params);
      } catch (error) {
        if (isGroupStatement(text)) stats.groupFailures += 1;
        throw error;
      }
    },
    transaction: inner.transaction ? (fn) => inner.transaction!((tx) => fn(spy(tx))) : undefined,
  });

  const schema = defineSchema({
    [tableA]: defineTable({ label: v.string(), n: v.number() }).index("by_label", ["label"]).global(),
    [tableB]: defineTable({ label: v.string(), n: v.number() }).index("by_label", ["label"]).global(),
  });
  const db = createHyperdriveGlobalCtxDb({ engine: isMysql ? "mysql" : "postgres", exec: spy(exec), schema, maxRetries: 10, retryBaseDelayMs: 1 });
  try {
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      a.push(await db.mutation((w: any) => w.insert(tableA, { label: `a${i}`, n: i })));
      b.push(await db.mutation((w: any) => w.insert(tableB, { label: `b${i}`, n: i })));
    }
    const feed: string[] = [];
    db.onChange((batch) => feed.push(batch.writes.map((w) => w.op).join("+")));
    armed = true;
    const attempts = new Array<number>(MEMBERS).fill(0);
    // Member i: read-modify-write of A[i], an insert into B and a delete from B.
    const results = await Promise.all(
      a.map((id, i) =>
        db.mutation(async (w: any) => {
          attempts[i] += 1;
          const doc = await w.get(id);
          await w.patch(id, { n: doc.n + 100 });
          await w.insert(tableB, { label: `new${i}`, n: 1000 + i });
          await w.delete(b[i]);
          return doc.n;
        }),
      ),
    );
    armed = false;
    const after = await db.query(async (r: any) => ({
      a: (await r.query(tableA).withIndex("by_label").collect()).map((d: any) => [d.label, d.n]),
      b: (await r.query(tableB).withIndex("by_label").collect()).map((d: any) => [d.label, d.n]),
    }));
    const versions = await exec.query(`SELECT ${q("label")} AS label, ${q("_version")} AS v FROM ${q(tableA)} ORDER BY ${q("label")}`, []);
    const bumpedMember = a.indexOf(stats.bumped);

    // With a commit window longer than the mutations take, a commit waits for every running
    // mutation to arrive: 12 concurrent mutations land in exactly one statement (one step).
    let commitStatements = 0;
    const counting = (inner: SqlExec): SqlExec => ({
      async query(text, params) {
        if (/^\s*(WITH|UPDATE|INSERT|DELETE)/.test(text)) commitStatements += 1;
        return inner.query(text, params);
      },
      transaction: inner.transaction ? (fn) => inner.transaction!((tx) => fn(counting(tx))) : undefined,
    });
    const windowed = createHyperdriveGlobalCtxDb({ engine: isMysql ? "mysql" : "postgres", exec: counting(exec), schema, groupCommitWindowMs: 60_000 });
    await windowed.migrate();
    commitStatements = 0;
    await Promise.all(a.map((id) => windowed.mutation(async (w: any) => w.patch(id, { n: (await w.get(id)).n + 1 }))));
    const gathered = { commitStatements };

    // A lone guarded write (one statement, no CTE) whose document an outside writer moved
    // between the read and the commit: ConflictError names it, and nothing is written.
    const strict = createHyperdriveGlobalCtxDb({ engine: isMysql ? "mysql" : "postgres", exec, schema, maxRetries: 0 });
    let lone: unknown = null;
    try {
      await strict.mutation(async (w: any) => {
        const doc = await w.get(a[1]);
        await exec.query(`UPDATE ${q(tableA)} SET ${q("_version")} = ${q("_version")} + 1 WHERE ${q("_id")} = ${isMysql ? "?" : "$1"}`, [a[1]]);
        await w.patch(a[1], { n: doc.n + 1000 });
      });
    } catch (error: any) {
      lone = { name: error?.name, table: error?.table, id: error?.id === a[1] ? "a[1]" : error?.id };
    }
    const loneAfter = (await strict.query((r: any) => r.get(a[1]))).n;
    return {
      table: tableA,
      lone,
      loneAfter,
      gathered,
      bumpedMember,
      results,
      after,
      feed: feed.sort(),
      attempts,
      stats,
      versions: versions.rows.map((row) => [row.label, Number(row.v)]),
    };
  } finally {
    await close();
  }
}
