// Fault injection against the real servers: while many transfer mutations run (each moves an
// amount between two accounts and writes a ledger entry, so the sum of balances is constant),
// a separate admin connection drops the store's connections at random moments
// (pg_terminate_backend / MariaDB KILL). Afterwards the sum is unchanged, every account's
// balance equals what the ledger says (each mutation landed whole or not at all), every
// transfer either succeeded (possibly after retries) or failed with a clear error, and the same
// store object keeps working without a restart.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ConflictError } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, MY_PASSWORD, PG_PASSWORD, figure, openAdmin, openPool, prng, q, sleep, uniqueName } from "./support.mjs";

const ACCOUNTS = 8;
const START = 1000;
const WORKERS = 4;
const TRANSFERS = Number(process.env.LUNORA_FAULT_TRANSFERS ?? 160);
const MAX_ATTEMPTS = 40;
const STARVING_AFTER = 8;
const SEED = Number(process.env.LUNORA_FAULT_SEED ?? 8);

function bankSchema(accounts, ledger) {
  return defineSchema({
    [accounts]: defineTable({ name: v.string(), balance: v.number() }).global(),
    [ledger]: defineTable({ tid: v.string(), from: v.string(), to: v.string(), amount: v.number() }).index("by_tid", ["tid"]).global(),
  });
}

function assertClearError(error) {
  assert.ok(error instanceof Error, `a thrown value that is not an Error: ${String(error)}`);
  assert.ok(String(error.message).length > 0, "an error without a message");
  for (const secret of [PG_PASSWORD, MY_PASSWORD]) {
    for (const text of [error.message, String(error.stack), String(error)]) assert.ok(!text.includes(secret), `password in error: ${text}`);
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: connections dropped during transfers`, () => {
    const cleanup = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn().catch(() => {});
    });

    test("the sum is constant, each transfer is all or nothing, the store recovers", async () => {
      const accounts = uniqueName("rel_acct");
      const ledger = uniqueName("rel_ledger");
      const pool = await openPool(engine, { max: 4 });
      cleanup.push(() => pool.close());
      const admin = await openAdmin(engine);
      cleanup.push(() => admin.close());
      cleanup.push(() => admin.raw(`drop table if exists ${q(engine, accounts)}`));
      cleanup.push(() => admin.raw(`drop table if exists ${q(engine, ledger)}`));
      const db = pool.open(bankSchema(accounts, ledger), { maxRetries: 6, retryBaseDelayMs: 2 });
      await db.migrate();
      const ids = await db.mutation(async (w) => {
        const out = [];
        for (let i = 0; i < ACCOUNTS; i++) out.push(await w.insert(accounts, { name: `acct${i}`, balance: START }));
        return out;
      });

      const random = prng(SEED);
      const stats = { transfers: TRANSFERS, kills: 0, killedConnections: 0, errors: 0, retried: 0, applied: 0, alreadyApplied: 0, failed: 0, pausedRounds: 0 };
      const messages = new Map();
      const plan = Array.from({ length: TRANSFERS }, (_, n) => {
        const from = Math.floor(random() * ACCOUNTS);
        const to = (from + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS;
        return { tid: `t${n}`, from: ids[from], to: ids[to], amount: 1 + Math.floor(random() * 50) };
      });

      const transfer = (t) => (w) =>
        (async () => {
          // Idempotent: a retry after an ambiguous failure (the commit may have landed before
          // the connection died) finds its ledger entry and does nothing.
          const seen = await w.query(ledger).withIndex("by_tid", (r) => r.eq("tid", t.tid)).first();
          if (seen) return "already";
          const a = await w.get(t.from);
          const b = await w.get(t.to);
          await w.patch(a._id, { balance: a.balance - t.amount });
          await w.patch(b._id, { balance: b.balance + t.amount });
          await w.insert(ledger, { tid: t.tid, from: t.from, to: t.to, amount: t.amount });
          return "applied";
        })();

      let running = true;
      let starving = 0;
      const killer = (async () => {
        const r = prng(SEED + 1);
        while (running) {
          await sleep(15 + Math.floor(r() * 60));
          if (!running) break;
          // Progress guarantee independent of timing: while a transfer has failed
          // STARVING_AFTER times, no new faults, so it succeeds within its bounded retries
          // however slow reconnecting is on a loaded machine.
          if (starving > 0) {
            stats.pausedRounds += 1;
            continue;
          }
          stats.kills += 1;
          stats.killedConnections += await admin.kill(pool);
        }
      })();

      let next = 0;
      const workers = Array.from({ length: WORKERS }, async () => {
        while (next < plan.length) {
          const t = plan[next++];
          let counted = false;
          for (let attempt = 1; ; attempt++) {
            if (attempt === STARVING_AFTER + 1 && !counted) {
              counted = true;
              starving += 1;
            }
            try {
              const outcome = await db.mutation(transfer(t));
              if (outcome === "applied") stats.applied += 1;
              else stats.alreadyApplied += 1;
              t.ok = true;
              if (counted) starving -= 1;
              break;
            } catch (error) {
              assertClearError(error);
              stats.errors += 1;
              const key = error instanceof ConflictError ? "ConflictError" : `${error.name}: ${String(error.message).slice(0, 80)}`;
              messages.set(key, (messages.get(key) ?? 0) + 1);
              if (attempt >= MAX_ATTEMPTS) {
                stats.failed += 1;
                if (counted) starving -= 1;
                break;
              }
              stats.retried += 1;
              await sleep(2 + Math.min(attempt, 10) * 2);
            }
          }
        }
      });
      await Promise.all(workers);
      running = false;
      await killer;

      // Recovery without a restart: the same store object keeps working.
      await sleep(50);
      const extra = { tid: "after-faults", from: ids[0], to: ids[1], amount: 7 };
      let recovered = false;
      for (let attempt = 0; attempt < 5 && !recovered; attempt++) {
        try {
          await db.mutation(transfer(extra));
          recovered = true;
        } catch (error) {
          assertClearError(error); // each of the 4 pooled connections killed last may fail once
        }
      }
      assert.ok(recovered, "the store did not recover after the faults stopped");

      // Ground truth from a separate connection.
      const balances = await admin.raw(`select ${q(engine, "_id")} as id, balance from ${q(engine, accounts)}`);
      const entries = await admin.raw(`select tid, ${q(engine, "from")} as f, ${q(engine, "to")} as t, amount from ${q(engine, ledger)}`);
      const expected = new Map(ids.map((id) => [id, START]));
      const tids = new Set();
      for (const e of entries) {
        assert.ok(!tids.has(e.tid), `transfer ${e.tid} applied twice`);
        tids.add(e.tid);
        expected.set(e.f, expected.get(e.f) - Number(e.amount));
        expected.set(e.t, expected.get(e.t) + Number(e.amount));
      }
      let sum = 0;
      for (const row of balances) {
        sum += Number(row.balance);
        assert.equal(Number(row.balance), expected.get(row.id), `account ${row.id}: balance and ledger disagree (a half-applied mutation)`);
      }
      assert.equal(balances.length, ACCOUNTS);
      assert.equal(sum, ACCOUNTS * START, "the sum of balances changed");
      for (const t of plan) if (t.ok) assert.ok(tids.has(t.tid), `transfer ${t.tid} reported success but is not in the ledger`);
      assert.equal(stats.failed, 0, `transfers that failed ${MAX_ATTEMPTS} times: ${JSON.stringify([...messages])}`);
      assert.equal(tids.size, TRANSFERS + 1);
      assert.ok(stats.killedConnections > 0, "the fault injector never killed a connection");
      figure(`faults.${engine}`, { ...stats, ledger: tids.size, lost: 0, errorKinds: Object.fromEntries(messages) });
    });
  });
}
