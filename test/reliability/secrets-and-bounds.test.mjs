// Secrets: the .global() store's failure paths (bad host, bad password, dropped connection)
// never show the connection string's password in an error, its stack, its JSON, or anything
// logged. Bounds: collect() refuses results over MAX_COLLECT_DOCUMENTS; unsubscribing frees a
// subscription (no further runs, nothing left registered).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { createMysqlGlobalCtxDb, createPostgresGlobalCtxDb } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, MY_URL, PG_URL, figure, openAdmin, openPool, q, sleep, uniqueName } from "./support.mjs";

const CANARY = "Canary-Secret-7b1e";
const schema = defineSchema({ rel_secret_never_created: defineTable({ s: v.string() }).global() });

function leaks(error, logged) {
  const texts = [String(error?.message), String(error?.stack), String(error), logged.join("\n")];
  try {
    texts.push(JSON.stringify(error));
  } catch {
    /* cyclic: covered by the own values below */
  }
  for (const key of Object.getOwnPropertyNames(error ?? {})) texts.push(String(error[key]));
  if (error?.cause) texts.push(String(error.cause?.message), String(error.cause?.stack));
  return texts.filter((t) => t.includes(CANARY) || t.includes(encodeURIComponent(CANARY)));
}

async function failure(fn) {
  const logged = [];
  const saved = {};
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    saved[level] = console[level];
    console[level] = (...args) => logged.push(args.map(String).join(" "));
  }
  try {
    await fn();
  } catch (error) {
    return { error, logged };
  } finally {
    Object.assign(console, saved);
  }
  return { error: null, logged };
}

describe("secrets on the store's failure paths", () => {
  const cases = {
    "postgres bad password": () => postgres(PG_URL.replace(/:[^:@/]+@/, `:${CANARY}@`), { max: 1, fetch_types: false, connect_timeout: 5 }),
    "postgres bad host": () => postgres(`postgres://lunora:${CANARY}@nonexistent.invalid:5432/lunora`, { max: 1, fetch_types: false, connect_timeout: 5 }),
    "postgres refused port": () => postgres(`postgres://lunora:${CANARY}@127.0.0.1:1/lunora`, { max: 1, fetch_types: false, connect_timeout: 5 }),
  };
  for (const [name, make] of Object.entries(cases)) {
    test(name, async () => {
      const sql = make();
      const db = createPostgresGlobalCtxDb({ query: (text, params) => sql.unsafe(text, params) }, { schema });
      const { error, logged } = await failure(() => db.mutation((w) => w.insert("rel_secret_never_created", { s: "x" })));
      await sql.end({ timeout: 1 }).catch(() => {});
      assert.ok(error, "the store worked with a broken connection");
      assert.deepEqual(leaks(error, logged), []);
    });
  }
  for (const [name, uri] of Object.entries({
    "mysql bad password": MY_URL.replace(/:[^:@/]+@/, `:${CANARY}@`),
    "mysql bad host": `mysql://lunora:${CANARY}@nonexistent.invalid:3306/lunora`,
    "mysql refused port": `mysql://lunora:${CANARY}@127.0.0.1:1/lunora`,
  })) {
    test(name, async () => {
      const pool = mysql.createPool({ uri, connectionLimit: 1, connectTimeout: 5000 });
      const db = createMysqlGlobalCtxDb(pool, { schema });
      const { error, logged } = await failure(() => db.query((r) => r.query("rel_secret_never_created").first()));
      await pool.end().catch(() => {});
      assert.ok(error);
      assert.deepEqual(leaks(error, logged), []);
    });
  }
  for (const engine of ENGINES) {
    test(`${engine} dropped connection`, async () => {
      // The real password is the secret here.
      const secret = engine === "postgres" ? "lunora_pg_pw" : "lunora_my_pw";
      const pool = await openPool(engine, { max: 1 });
      const admin = await openAdmin(engine);
      const table = uniqueName("rel_secret");
      const db = pool.open(defineSchema({ [table]: defineTable({ s: v.string() }).global() }));
      try {
        await db.migrate();
        const { error, logged } = await failure(() =>
          db.mutation(async (w) => {
            await w.insert(table, { s: "x" });
            await admin.kill(pool);
            await sleep(20);
            await w.query(table).collect();
          }),
        );
        if (error) {
          const texts = [String(error.message), String(error.stack), String(error), logged.join("\n")];
          for (const k of Object.getOwnPropertyNames(error)) texts.push(String(error[k]));
          assert.deepEqual(texts.filter((t) => t.includes(secret)), []);
        }
      } finally {
        await admin.raw(`drop table if exists ${q(engine, table)}`).catch(() => {});
        await admin.close();
        await pool.close();
      }
    });
  }
});

for (const engine of ENGINES) {
  describe(`${engine}: resource bounds`, () => {
    const cleanup = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn().catch(() => {});
    });

    test("collect() over more than 8192 documents throws; take/paginate/iteration still read them", { timeout: 300_000 }, async () => {
      const { MAX_COLLECT_DOCUMENTS } = await import("../../js-shim/dist/global/query.js");
      assert.equal(MAX_COLLECT_DOCUMENTS, 8192);
      const table = uniqueName("rel_bound");
      const pool = await openPool(engine, { max: 2 });
      cleanup.push(() => pool.close(), () => pool.raw(`drop table if exists ${q(engine, table)}`));
      const db = pool.open(defineSchema({ [table]: defineTable({ n: v.number() }).global() }));
      await db.migrate();
      for (let batch = 0; batch < 9; batch++) {
        await db.mutation(async (w) => {
          for (let i = 0; i < 1000; i++) await w.insert(table, { n: batch * 1000 + i });
        });
      }
      await assert.rejects(db.query((r) => r.query(table).collect()), (e) => e.code === "QUERY_TOO_LARGE" && /paginate/.test(e.message));
      assert.equal((await db.query((r) => r.query(table).take(8192))).length, 8192);
      let seen = 0;
      await db.query(async (r) => {
        for await (const _ of r.query(table)) seen += 1;
      });
      assert.equal(seen, 9000);
      const filtered = await db.query((r) => r.query(table).filter((f) => f.lt(f.field("n"), 100)).collect());
      assert.equal(filtered.length, 100);
      figure(`bounds.${engine}`, { documents: 9000, collectLimit: MAX_COLLECT_DOCUMENTS });
    });

    test("unsubscribe frees the subscription", async () => {
      const table = uniqueName("rel_sub");
      const pool = await openPool(engine, { max: 2 });
      cleanup.push(() => pool.close(), () => pool.raw(`drop table if exists ${q(engine, table)}`));
      const db = pool.open(defineSchema({ [table]: defineTable({ n: v.number() }).global() }));
      await db.migrate();
      let runs = 0;
      const values = [];
      let firstValue;
      const first = new Promise((resolve) => (firstValue = resolve));
      const unsubscribe = db.subscribe(
        async (r) => {
          runs += 1;
          return (await r.query(table).collect()).length;
        },
        (value) => {
          values.push(value);
          firstValue();
        },
      );
      await first;
      await db.mutation((w) => w.insert(table, { n: 1 }));
      // Wait for the re-run the commit triggered (it is queued synchronously on commit).
      for (let i = 0; i < 200 && values.length < 2; i++) await sleep(5);
      assert.deepEqual(values, [0, 1]);
      unsubscribe();
      assert.equal(db.subscriptions?.size ?? 0, 0, "the subscription is still registered");
      const runsAtUnsubscribe = runs;
      for (let i = 0; i < 5; i++) await db.mutation((w) => w.insert(table, { n: i }));
      await sleep(50);
      assert.equal(runs, runsAtUnsubscribe, "an unsubscribed query ran again");
    });
  });
}
