// Patches that read nothing first, inside workerd on the real servers through Hyperdrive
// bindings: a mutation whose only operation is a patch sends one statement (Postgres over
// postgres.js, a pg Pool and the reference page's `{ query }` wrapper; MariaDB while no
// onChange listener needs the old row) and behaves exactly like a patch that reads first: the
// same documents, `_version` bumps, change feed, subscription re-runs, errors (missing
// documents, bad values, documents grown past 1 MiB) and a conflict with a concurrent
// read-modify-write that is re-run, never lost. The error and conflict checks run twice:
// without an onChange listener and with one.
import { createHyperdrive } from "@lunora/hyperdrive";
import {
  buildMysqlExec,
  buildPgExec,
  createHyperdriveGlobalCtxDb,
  type ChangeBatch,
  type SqlExec,
} from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import { errorOf, until } from "./scenario-helpers";

interface Env {
  HYPERDRIVE: Hyperdrive;
  HYPERDRIVE_MYSQL: Hyperdrive;
}

export type BlindPatchDriver = "postgres-js" | "pg-pool" | "query-wrapper" | "mysql2-pool";

async function openExec(driver: BlindPatchDriver, env: Env): Promise<{ exec: SqlExec; engine: "postgres" | "mysql"; close: () => Promise<void> }> {
  if (driver === "mysql2-pool") {
    const pool = mysql.createPool({ uri: createHyperdrive(env.HYPERDRIVE_MYSQL).connectionString, disableEval: true, connectionLimit: 4 });
    return { exec: buildMysqlExec(pool), engine: "mysql", close: () => pool.end() };
  }
  const url = createHyperdrive(env.HYPERDRIVE).connectionString;
  if (driver === "pg-pool") {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    return { exec: buildPgExec(pool), engine: "postgres", close: () => pool.end() };
  }
  const sql = postgres(url, { fetch_types: false, max: 4 });
  const exec = driver === "query-wrapper" ? buildPgExec({ query: (text: string, params: unknown[]) => sql.unsafe(text, params as never[]) }) : buildPgExec(sql);
  return { exec, engine: "postgres", close: () => sql.end({ timeout: 1 }) };
}

export async function blindPatchScenario(driver: BlindPatchDriver, env: Env, table: string): Promise<unknown> {
  const { exec, engine, close } = await openExec(driver, env);
  const texts: string[] = [];
  // (It forwards the exec's row-count mark and its mark of a driver writing a statement out on
  // a later turn, registered symbols: exec.ts reportsRowCounts, adapters/cells.ts.)
  const rowCounts = Symbol.for("@lunora/hyperdrive.reportsRowCounts");
  const writesLater = Symbol.for("@lunora/hyperdrive.cellsWriteLater");
  // Set: the next bare UPDATE is sent naming a column that does not exist, so that the server
  // refuses it and the driver rejects, nothing written.
  let failBare = false;
  const counting: SqlExec = {
    query: (text, params) => {
      texts.push(text);
      if (!failBare || !bare([text])) return exec.query(text, params);
      failBare = false;
      return exec.query(`${text} AND lunora_no_such_column = 1`, params);
    },
    transaction: exec.transaction?.bind(exec),
    ...(rowCounts in exec ? { [rowCounts]: (exec as never)[rowCounts] } : {}),
    ...(writesLater in exec ? { [writesLater]: (exec as never)[writesLater] } : {}),
  };
  const statementsOf = async (run: () => Promise<unknown>) => {
    const from = texts.length;
    await run();
    return texts.slice(from);
  };
  // Whether a mutation's first statement was the bare UPDATE returning nothing (a blind patch
  // moving no index key, logged by its id alone).
  const bare = (statements: string[]) => /^\s*UPDATE/i.test(statements[0] ?? "") && !/RETURNING/i.test(statements[0]!);
  const schema = defineSchema({
    [table]: defineTable({
      name: v.string(),
      n: v.int64(),
      score: v.number(),
      note: v.optional(v.string()),
      tags: v.optional(v.array(v.string())),
    })
      .index("by_name", ["name"])
      .global(),
  });
  const db = createHyperdriveGlobalCtxDb({ engine, exec: counting, schema, maxRetries: 8, retryBaseDelayMs: 1 });
  const q = (name: string) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);
  const versionOf = async (id: string) =>
    Number((await exec.query(`SELECT ${q("_version")} AS v FROM ${q(table)} WHERE ${q("_id")} = ${engine === "postgres" ? "$1" : "?"}`, [id])).rows[0]?.v);
  const out: Record<string, unknown> = {};
  try {
    await db.migrate();
    const [a, gone, counted] = await db.mutation(async (w: any) => [
      await w.insert(table, { name: "a", n: 1n, score: 1, note: "first" }),
      await w.insert(table, { name: "gone", n: 3n, score: 3 }),
      await w.insert(table, { name: "counted", n: 5n, score: 5 }),
    ]);
    await db.mutation((w: any) => w.delete(gone));
    // The statements of a lone patch (counted while no subscription re-runs on the same exec).
    const lone = await statementsOf(() => db.mutation((w: any) => w.patch(counted, { score: 5.5, note: "counted" })));
    const indexed = await statementsOf(() => db.mutation((w: any) => w.patch(counted, { name: "counted2" })));
    // A live query by id and no onChange listener: the patch is the bare UPDATE (where the
    // driver reports row counts), logged by id, and the live query sees it.
    const byIdDoc = await db.mutation((w: any) => w.insert(table, { name: "by-id", n: 6n, score: 1 }));
    const seenById: unknown[] = [];
    const stopById = db.subscribe((r: any) => r.get(byIdDoc), (doc: any) => seenById.push(doc?.score));
    await until(() => seenById.length >= 1);
    const byId = await statementsOf(() => db.mutation((w: any) => w.patch(byIdDoc, { score: 1.5 })));
    await until(() => seenById.length >= 2);
    stopById();
    out.byId = { bare: bare(byId), seen: seenById };
    // The bare UPDATE's log entry is pending while it is in flight. Of a missing document it
    // writes nothing: the entry is retracted and the patch runs again reading first, while a
    // live query by id of another document and a mutation queued behind it go on undisturbed.
    // A driver error retracts it too, and surfaces.
    const watched = await db.mutation((w: any) => w.insert(table, { name: "watched", n: 7n, score: 1 }));
    const seenWatched: unknown[] = [];
    const stopWatched = db.subscribe((r: any) => r.get(watched), (doc: any) => seenWatched.push(doc?.score));
    await until(() => seenWatched.length >= 1);
    let alongsideRuns = 0;
    const fromMissing = texts.length;
    const [missingPatch] = await Promise.all([
      errorOf(() => db.mutation((w: any) => w.patch(gone, { score: 9 }))),
      db.mutation(async (w: any) => {
        alongsideRuns += 1;
        await w.patch(watched, { score: 2 });
      }),
    ]);
    await until(() => seenWatched.includes(2));
    const missingBare = texts.slice(fromMissing).some((t) => bare([t]));
    failBare = true;
    const failed = await errorOf(() => db.mutation((w: any) => w.patch(watched, { score: 3 })));
    const failedBare = !failBare;
    failBare = false;
    const afterFailure = await db.query((r: any) => r.get(watched));
    // (Where that patch landed, its value is awaited: a live query may skip a value that a
    // later commit replaces before its re-run delivers.)
    if (afterFailure?.score === 3) await until(() => seenWatched.includes(3));
    await db.mutation((w: any) => w.patch(watched, { score: 4 }));
    await until(() => seenWatched.includes(4));
    stopWatched();
    out.pendingById = {
      missing: missingPatch?.code,
      missingBare,
      alongsideRuns,
      failed: /lunora_no_such_column/.test(failed?.message ?? ""),
      failedBare,
      afterFailure: afterFailure?.score,
      seen: seenWatched,
    };
    // Subscriptions and no onChange listener: the patch returns only the row's keys ("new"
    // form), and a live query over an index range holding the document still re-runs.
    const seenRange: unknown[] = [];
    const stopRange = db.subscribe(
      (r: any) => r.query(table).withIndex("by_name", (x: any) => x.eq("name", "counted2")).collect(),
      (docs: any[]) => seenRange.push(docs.map((d) => d.score)),
    );
    await until(() => seenRange.length >= 1);
    const keysOnly = await statementsOf(() => db.mutation((w: any) => w.patch(counted, { score: 6.5 })));
    await until(() => seenRange.length >= 2);
    stopRange();
    out.keysOnly = {
      statements: keysOnly.filter((t) => !/^\s*SELECT/i.test(t) || /FOR UPDATE/i.test(t)).length,
      seen: seenRange,
      bare: bare(keysOnly),  // never while a live query reads the table over an index
    };
    // Errors, reads of a kept patch, bad input, size limits and a conflict: once with no
    // onChange listener (the "new" form where the engine has one) and once with one.
    const behaviour = async (label: string, batches?: ChangeBatch[]) => {
      const o: Record<string, unknown> = {};
      const bName = `b-${label}`;
      const fallbackName = `fallback-${label}`;
      const b = await db.mutation((w: any) => w.insert(table, { name: bName, n: 2n, score: 2 }));
      // A missing document: the patch's own error, and nothing written.
      const countRows = async () => (await db.query((r: any) => r.query(table).fullTableScan().collect())).length;
      const rowsBefore = await countRows();
      o.missingBare = bare(await statementsOf(async () => (o.missing = await errorOf(() => db.mutation((w: any) => w.patch(gone, { score: 9 }))))));
      // Code that catches the patch's error sees it where it patched (the mutation re-runs
      // reading first), so its fallback runs exactly once.
      let runs = 0;
      const fallback = await db.mutation(async (w: any) => {
        runs += 1;
        try {
          await w.patch(gone, { score: 9 });
          return "patched";
        } catch (error: any) {
          await w.insert(table, { name: fallbackName, n: 0n, score: 0 });
          return error?.code;
        }
      });
      const fallbacks = await db.query((r: any) => r.query(table).withIndex("by_name", (x: any) => x.eq("name", fallbackName)).collect());
      o.fallback = { result: fallback, fallbacks: fallbacks.length, rowsAdded: (await countRows()) - rowsBefore, runsAtMost: runs <= 2 };

      // Later operations of the same mutation see the patch.
      o.readsOwnPatch = await db.mutation(async (w: any) => {
        await w.patch(b, { score: 7 });
        const got = (await w.get(b)).score;
        const queried = (await w.query(table).withIndex("by_name", (x: any) => x.eq("name", bName)).first()).score;
        await w.patch(b, { n: 20n });
        return [got, queried, String((await w.get(b)).n)];
      });
      o.afterOwn = await db.query(async (r: any) => {
        const d = await r.get(b);
        return [d.score, String(d.n)];
      });

      // Bad values and fields: the error comes from patch() itself, nothing is written.
      const vb = await versionOf(b);
      o.badValue = await errorOf(() => db.mutation((w: any) => w.patch(b, { score: "nine" })));
      o.badField = await errorOf(() => db.mutation((w: any) => w.patch(b, { 'x"; DROP TABLE t; --': 1 })));
      o.requiredRemoved = await errorOf(() => db.mutation((w: any) => w.patch(b, { score: undefined })));
      o.systemField = await errorOf(() => db.mutation((w: any) => w.patch(b, { _creationTime: 5 })));
      o.badUnchanged = (await versionOf(b)) === vb;

      // Near the 1 MiB limit: a patch that keeps the document under it lands (even when the
      // statement's size bound is too cautious to write it blind); one that grows it past it
      // is refused whole.
      const big = await db.mutation((w: any) => w.insert(table, { name: "big", n: 4n, score: 4, note: "n".repeat(900_000) }));
      o.bigSmallPatch = await errorOf(() => db.mutation((w: any) => w.patch(big, { score: 5 })));
      // (Values small enough for a blind patch, whose statement's size bound then refuses it.)
      const grow = { tags: ["t".repeat(80_000), "u".repeat(80_000)] };
      o.bigGrowBare = bare(await statementsOf(async () => (o.bigGrow = await errorOf(() => db.mutation((w: any) => w.patch(big, grow))))));
      const bigDoc = await db.query((r: any) => r.get(big));
      o.big = { score: bigDoc.score, noteLength: bigDoc.note.length, tags: bigDoc.tags ?? "missing" };

      // A read-modify-write that read `b` before a blind patch of it landed loses its `_version`
      // guard, is re-run, and both writes survive.
      let rmwRuns = 0;
      let release!: () => void;
      const readDone = new Promise<void>((resolve) => (release = resolve));
      let gate!: () => void;
      const gateOpen = new Promise<void>((resolve) => (gate = resolve));
      const rmw = db.mutation(async (w: any) => {
        rmwRuns += 1;
        const d = await w.get(b);
        if (rmwRuns === 1) {
          release();
          await gateOpen;
        }
        await w.patch(b, { n: d.n + 1n });
      });
      await readDone;
      const blindDuring = await statementsOf(() => db.mutation((w: any) => w.patch(b, { score: 100 })));
      gate();
      await rmw;
      const final = await db.query((r: any) => r.get(b));
      o.concurrent = { rmwRuns, blindStatements: blindDuring.length, score: final.score, n: String(final.n) };

      // Deletes: one statement too; a missing document's error where it deleted; a delete
      // seen by later reads of its mutation; the change feed's `before`.
      const names = [1, 2, 3].map((i) => `del-${label}-${i}`);
      const [d1, d2, d3] = await db.mutation(async (w: any) => {
        const out: string[] = [];
        for (const name of names) out.push(await w.insert(table, { name, n: 9n, score: 9 }));
        return out;
      });
      o.deleteStatements = (await statementsOf(() => db.mutation((w: any) => w.delete(d1)))).length;
      o.deleteGone = await errorOf(() => db.mutation((w: any) => w.delete(d1)));
      o.deleteCaught = await db.mutation(async (w: any) => {
        try {
          await w.delete(d1);
          return "deleted";
        } catch (error: any) {
          return error?.code;
        }
      });
      o.deleteThenGet = await db.mutation(async (w: any) => {
        await w.delete(d2);
        return await w.get(d2);
      });
      o.afterDeletes = await db.query(async (r: any) => (await Promise.all([d1, d2, d3].map((id) => r.get(id)))).map((d: any) => d?.name ?? null));
      if (batches) {
        o.deleteChange = batches
          .flatMap((batch) => batch.writes)
          .filter((w) => w.id === d1)
          .map((w) => ({ op: w.op, before: (w.before as any)?.name ?? null, after: (w.after as any)?.name ?? null }));
      }
      return o;
    };
    out.quiet = await behaviour("quiet");
    const batches: ChangeBatch[] = [];
    db.onChange((batch) => batches.push(batch));
    const seen: unknown[] = [];
    const stop = db.subscribe((r: any) => r.get(a), (doc: any) => seen.push(doc?.score));
    await until(() => seen.length >= 1);

    // A lone patch: its statements, the document, the version, the change feed, the subscription.
    const v0 = await versionOf(a);
    await db.mutation((w: any) => w.patch(a, { score: 2.5, note: "patched", tags: ["x", "y"] }));
    const doc = await db.query((r: any) => r.get(a));
    await until(() => seen.includes(2.5));
    out.lone = {
      statements: lone.length,
      writes: lone.filter((t) => /^\s*UPDATE/i.test(t)).length,
      indexedStatements: indexed.length,
      doc: { name: doc.name, n: String(doc.n), score: doc.score, note: doc.note, tags: doc.tags },
      versionStep: (await versionOf(a)) - v0,
      change: batches.map((batch) =>
        batch.writes.map((w) => ({ op: w.op, id: w.id === a, before: w.before?.score, beforeNote: w.before?.note, after: w.after?.score, afterTags: w.after?.tags, afterName: w.after?.name })),
      ),
      subscription: [...seen],
    };
    // Removing a field, and a patch that names every field of an index (its key moves).
    await db.mutation((w: any) => w.patch(a, { note: undefined }));
    await db.mutation((w: any) => w.patch(a, { name: "a2" }));
    const byName = await db.query((r: any) => r.query(table).withIndex("by_name", (x: any) => x.eq("name", "a2")).collect());
    const afterUnset = await db.query((r: any) => r.get(a));
    out.unsetAndIndexed = { note: afterUnset.note ?? "missing", hasNote: "note" in afterUnset, byName: byName.map((d: any) => d._id === a) };
    out.listening = await behaviour("listening", batches);
    stop();
  } finally {
    await close();
  }
  return out;
}
