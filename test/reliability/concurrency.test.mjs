// Concurrency: two store instances (separate pools, so neither sees the other's commit log)
// on the same tables, plus a raw SQL writer that bumps `_version` as the contract asks of
// outside writers. Hundreds of concurrent read-modify-write increments; the final counters
// equal exactly the number of increments reported successful (no lost update), no increment
// fails after its bounded retries, nothing hangs (node:test's own timeout would fail a
// deadlock).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ConflictError } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, figure, openAdmin, openPool, prng, q, sleep, uniqueName } from "./support.mjs";

const COUNTERS = 3;
const PER_STORE = Number(process.env.LUNORA_CONCURRENCY_INCREMENTS ?? 150);
const RAW = 60;
const PARALLEL = 8;
const MAX_ATTEMPTS = 30;

for (const engine of ENGINES) {
  describe(`${engine}: two stores and a raw writer`, () => {
    const cleanup = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn().catch(() => {});
    });

    test("no lost update, exact final state, bounded retries", { timeout: 240_000 }, async () => {
      const table = uniqueName("rel_counter");
      const schema = defineSchema({ [table]: defineTable({ name: v.string(), n: v.number(), touches: v.array(v.string()) }).global() });
      const poolA = await openPool(engine, { max: 4 });
      const poolB = await openPool(engine, { max: 4 });
      const admin = await openAdmin(engine);
      cleanup.push(() => poolA.close(), () => poolB.close(), () => admin.close());
      cleanup.push(() => admin.raw(`drop table if exists ${q(engine, table)}`));
      const a = poolA.open(schema, { maxRetries: 8, retryBaseDelayMs: 2 });
      const b = poolB.open(schema, { maxRetries: 8, retryBaseDelayMs: 2 });
      await a.migrate();
      await b.migrate();
      const ids = await a.mutation(async (w) => {
        const out = [];
        for (let i = 0; i < COUNTERS; i++) out.push(await w.insert(table, { name: `c${i}`, n: 0, touches: [] }));
        return out;
      });

      const stats = { increments: 2 * PER_STORE, raw: RAW, conflictsSeenByCallers: 0, failed: 0, maxAttempts: 0 };
      const random = prng(3);
      const jobs = [];
      for (let i = 0; i < PER_STORE; i++) {
        for (const [name, db] of [["a", a], ["b", b]]) jobs.push({ name: `${name}${i}`, db, id: ids[Math.floor(random() * COUNTERS)] });
      }
      for (let i = 0; i < RAW; i++) jobs.push({ name: `raw${i}`, raw: true, id: ids[Math.floor(random() * COUNTERS)] });
      // Shuffle so the three writers interleave.
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
      }
      const done = new Map(ids.map((id) => [id, 0]));
      const rawSql =
        engine === "postgres"
          ? `update ${q(engine, table)} set n = n + 1, "_version" = "_version" + 1 where "_id" = $1`
          : `update ${q(engine, table)} set n = n + 1, \`_version\` = \`_version\` + 1 where \`_id\` = ?`;
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < jobs.length) {
            const job = jobs[next++];
            if (job.raw) {
              await admin.raw(rawSql, [job.id]);
              done.set(job.id, done.get(job.id) + 1);
              continue;
            }
            for (let attempt = 1; ; attempt++) {
              try {
                await job.db.mutation(async (w) => {
                  const doc = await w.get(job.id);
                  await w.patch(job.id, { n: doc.n + 1, touches: [...doc.touches.slice(-20), job.name] });
                });
                done.set(job.id, done.get(job.id) + 1);
                stats.maxAttempts = Math.max(stats.maxAttempts, attempt);
                break;
              } catch (error) {
                assert.ok(error instanceof ConflictError, `unexpected error: ${error?.stack ?? error}`);
                stats.conflictsSeenByCallers += 1;
                if (attempt >= MAX_ATTEMPTS) {
                  stats.failed += 1;
                  break;
                }
                await sleep(attempt);
              }
            }
          }
        }),
      );
      const rows = await admin.raw(`select ${q(engine, "_id")} as id, n from ${q(engine, table)}`);
      let total = 0;
      for (const row of rows) {
        assert.equal(Number(row.n), done.get(row.id), `counter ${row.id}: an update was lost or applied twice`);
        total += Number(row.n);
      }
      assert.equal(stats.failed, 0);
      assert.equal(total, 2 * PER_STORE + RAW);
      // Both stores read the same final state.
      for (const db of [a, b]) {
        const docs = await db.query((r) => r.query(table).collect());
        assert.equal(docs.reduce((s, d) => s + d.n, 0), total);
      }
      figure(`concurrency.${engine}`, { ...stats, final: total, lost: 0 });
    });
  });
}
