// Patches that read nothing first (Postgres, MariaDB), under concurrency on the real servers: hundreds
// of blind patches interleaved with read-modify-write increments from two stores and a raw
// writer. No increment is lost, every write bumps `_version` exactly once (so no patch was
// applied twice, by its statement and again by a re-run), and subscriptions on the store that
// made the writes end on exactly the database's documents (no missed invalidation). Also:
// blind deletes among read-modify-writes, and a commit logged while a live query's first run
// is still running (before its read set is registered), which must re-run it.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { buildMysqlExec, createHyperdriveGlobalCtxDb, createPostgresGlobalCtxDb } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, MY_URL, PG_URL, openAdmin, prng, q, sleep, uniqueName } from "./support.mjs";

const DOCS = 4;
const JOBS = Number(process.env.LUNORA_BLIND_PATCH_JOBS ?? 240);
const PARALLEL = 8;

// A blind patch's statement: Postgres returns the row (`RETURNING "_id"` or `"o"."_id"`);
// MariaDB's is an INSERT ... SELECT ... ON DUPLICATE KEY UPDATE, or, while nothing reads the
// table off by_id, the bare UPDATE bounded by size alone (a guarded write checks `_version`).
const BLIND = /RETURNING "(o"\.")?_id"|^INSERT .* ON DUPLICATE KEY UPDATE|^DELETE .* RETURNING|^UPDATE .* WHERE `_id` = \?( AND \d+ \* LENGTH\(CONCAT_WS\(.*)?$/;

/**
 * A store over its own pool (Postgres: the reference page's `{ query }` wrapper), calling
 * `count(text)` for each statement it sends.
 */
function openStore(engine, schema, cleanup, count) {
  const options = { schema, maxRetries: 30, retryBaseDelayMs: 1 };
  if (engine === "postgres") {
    const sql = postgres(PG_URL, { max: 4, fetch_types: false, onnotice: () => {} });
    cleanup.push(() => sql.end({ timeout: 1 }));
    return createPostgresGlobalCtxDb({ query: (text, params) => (count(text), sql.unsafe(text, params)) }, options);
  }
  const pool = mysql.createPool({ uri: MY_URL, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true, charset: "utf8mb4" });
  cleanup.push(() => pool.end());
  const exec = buildMysqlExec(pool);
  return createHyperdriveGlobalCtxDb({ engine, exec: { query: (text, params) => (count(text), exec.query(text, params)), transaction: exec.transaction.bind(exec) }, ...options });
}

/** Two stores over the same table (migrated), and `docs` documents { name, n: 0 } made through the first. */
async function twoStores(engine, schema, table, cleanup, count, docs) {
  const a = openStore(engine, schema, cleanup, count);
  const b = openStore(engine, schema, cleanup, count);
  await a.migrate();
  await b.migrate();
  const ids = await a.mutation(async (w) => {
    const out = [];
    for (let i = 0; i < docs; i++) out.push(await w.insert(table, { name: `d${i}`, n: 0 }));
    return out;
  });
  return { a, b, ids };
}

/** Runs `jobs` (async functions) PARALLEL at a time. */
async function runJobs(jobs) {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

for (const engine of ENGINES) describe(`${engine}: blind patches among read-modify-writes`, () => {
  const cleanup = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
  });

  test("no lost or doubled write; subscriptions end on the database's documents", { timeout: 240_000 }, async () => {
    const table = uniqueName("rel_blind");
    const schema = defineSchema({ [table]: defineTable({ name: v.string(), n: v.number(), last: v.optional(v.string()) }).index("by_name", ["name"]).global() });
    const admin = await openAdmin(engine);
    cleanup.push(() => admin.close(), () => admin.raw(`drop table if exists ${q(engine, table)}`));
    // Two stores, counting the blind patch statements they send.
    let blindStatements = 0;
    const count = (text) => {
      if (BLIND.test(text)) blindStatements += 1;
    };
    const { a, b, ids } = await twoStores(engine, schema, table, cleanup, count, DOCS);
    const rawIncrement =
      engine === "postgres"
        ? `update ${q(engine, table)} set n = n + 1, "_version" = "_version" + 1 where "_id" = $1`
        : `update ${q(engine, table)} set n = n + 1, \`_version\` = \`_version\` + 1 where \`_id\` = ?`;

    const increments = new Map(ids.map((id) => [id, 0]));
    const writes = new Map(ids.map((id) => [id, 0]));
    const patched = new Map(ids.map((id) => [id, new Set()]));
    const random = prng(7);
    const jobsOf = (stores, withRaw) =>
      Array.from({ length: JOBS }, (_, i) => {
        const id = ids[Math.floor(random() * DOCS)];
        const kind = Math.floor(random() * (withRaw ? 3 : 2));
        const db = stores[Math.floor(random() * stores.length)];
        return async () => {
          if (kind === 0) {
            await db.mutation((w) => w.patch(id, { last: `p${i}` }));
            patched.get(id).add(`p${i}`);
          } else if (kind === 1) {
            await db.mutation(async (w) => {
              const doc = await w.get(id);
              await w.patch(id, { n: doc.n + 1 });
            });
            increments.set(id, increments.get(id) + 1);
          } else {
            await admin.raw(rawIncrement, [id]);
            increments.set(id, increments.get(id) + 1);
          }
          writes.set(id, writes.get(id) + 1);
        };
      });

    // Two stores and a raw writer.
    await runJobs(jobsOf([a, b], true));
    const rows = await admin.raw(`select ${q(engine, "_id")}, n, last, ${q(engine, "_version")} from ${q(engine, table)}`);
    for (const row of rows) {
      assert.equal(Number(row.n), increments.get(row._id), `increments of ${row._id}`);
      assert.equal(Number(row._version), 1 + writes.get(row._id), `one _version step per write of ${row._id}`);
    }

    // One store with subscriptions on every document: once quiet, each shows the database's.
    const seen = new Map();
    const stops = ids.map((id) => a.subscribe((r) => r.get(id), (doc) => seen.set(id, doc)));
    await runJobs(jobsOf([a], false));
    let settled = false;
    for (let i = 0; i < 300 && !settled; i++) {
      await sleep(20);
      const now = await a.query(async (r) => Promise.all(ids.map((id) => r.get(id))));
      settled = now.every((doc) => JSON.stringify(seen.get(doc._id)) === JSON.stringify(doc));
    }
    for (const stop of stops) stop();
    const final = await admin.raw(`select ${q(engine, "_id")}, n, last from ${q(engine, table)}`);
    for (const row of final) {
      assert.equal(Number(row.n), increments.get(row._id));
      // (Concurrent patches of one document commit in the server's order, not their callers'.)
      assert.ok(row.last === null ? patched.get(row._id).size === 0 : patched.get(row._id).has(row.last), `${row._id} holds one of its patches`);
    }
    assert.ok(settled, "every subscription ended on its document as the database holds it");
    assert.ok(blindStatements >= 20, `patches went blind (${blindStatements} statements)`);
  });

  test("blind deletes among read-modify-writes: each document deleted once, subscriptions end on null", { timeout: 240_000 }, async () => {
    const table = uniqueName("rel_blind_del");
    const schema = defineSchema({ [table]: defineTable({ name: v.string(), n: v.number() }).index("by_name", ["name"]).global() });
    const admin = await openAdmin(engine);
    cleanup.push(() => admin.close(), () => admin.raw(`drop table if exists ${q(engine, table)}`));
    let blindDeletes = 0;
    const count = (text) => {
      if (/^DELETE .* RETURNING/.test(text)) blindDeletes += 1;
    };
    const { a, b, ids } = await twoStores(engine, schema, table, cleanup, count, 40);
    const seen = new Map();
    const stops = ids.map((id) => a.subscribe((r) => r.get(id), (doc) => seen.set(id, doc)));
    // Each document: one delete (through `a`, whose subscriptions watch it) and three
    // increments through either store, which find it or not.
    const random = prng(11);
    const failures = [];
    const jobs = [];
    for (const id of ids) {
      jobs.push(() => a.mutation((w) => w.delete(id)).catch((error) => failures.push(String(error?.code))));
      for (let k = 0; k < 3; k++) {
        const db = random() < 0.5 ? a : b;
        jobs.push(() =>
          db
            .mutation(async (w) => {
              const doc = await w.get(id);
              if (doc) await w.patch(id, { n: doc.n + 1 });
            })
            .catch((error) => failures.push(String(error?.code))),
        );
      }
    }
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
    }
    await runJobs(jobs);
    let settled = false;
    for (let i = 0; i < 300 && !settled; i++) {
      await sleep(20);
      settled = ids.every((id) => seen.get(id) === null);
    }
    for (const stop of stops) stop();
    const rows = await admin.raw(`select count(*) as c from ${q(engine, table)}`);
    assert.deepEqual(failures, [], "no delete or increment failed");
    assert.equal(Number(rows[0].c), 0, "every document was deleted");
    assert.ok(settled, "every subscription ended on null");
    // (Only while no other commit of the store is in flight: a few, under this load.)
    assert.ok(blindDeletes >= 1, `deletes went blind (${blindDeletes} statements)`);
  });

  test("a commit logged while a live query's first run is still running re-runs it", { timeout: 60_000 }, async () => {
    const table = uniqueName("rel_blind_sub");
    const schema = defineSchema({ [table]: defineTable({ name: v.string(), n: v.number() }).global() });
    const admin = await openAdmin(engine);
    cleanup.push(() => admin.close(), () => admin.raw(`drop table if exists ${q(engine, table)}`));
    const db = openStore(engine, schema, cleanup, () => {});
    await db.migrate();
    const id = await db.mutation((w) => w.insert(table, { name: "x", n: 0 }));
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    let runs = 0;
    const values = [];
    const stop = db.subscribe(
      async (r) => {
        const doc = await r.get(id);
        if (++runs === 1) await gate; // the first run has read n = 0 and is not registered yet
        return doc.n;
      },
      (n) => values.push(n),
    );
    while (runs === 0) await sleep(5);
    await db.mutation((w) => w.patch(id, { n: 1 }));
    release();
    for (let i = 0; i < 300 && !values.includes(1); i++) await sleep(10);
    stop();
    assert.deepEqual(values, [0, 1], "the stale first run was delivered, then the query ran again");
  });
});
