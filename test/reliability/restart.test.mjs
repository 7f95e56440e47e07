// A database server restart between two mutations: the store object keeps working without
// a restart of its own. A mutation that meets the dead connection fails with a clear, typed
// error (or succeeds on its retry); nothing is half-written; the next mutations succeed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { SqlConnectionError, SqlError } from "@lunora/hyperdrive";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, MY_PASSWORD, PG_PASSWORD, openPool, uniqueName } from "./support.mjs";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "..");
const restart = (engine) =>
  execFileSync("bash", [join(root, "scripts", "db.sh"), "restart", engine === "postgres" ? "pg" : "mysql"], { stdio: "ignore" });

for (const engine of ENGINES) {
  describe(`${engine}: server restart between two mutations`, () => {
    const cleanup = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn().catch(() => {});
    });

    test("the same store recovers; a mutation is all or nothing across the restart", async () => {
      const table = uniqueName("rel_restart");
      const pool = await openPool(engine, { max: 2 });
      cleanup.push(() => pool.close());
      const db = pool.open(defineSchema({ [table]: defineTable({ a: v.number(), b: v.number() }).global() }));
      const id = await db.mutation((w) => w.insert(table, { a: 50, b: 50 }));
      const transfer = () =>
        db.mutation(async (w) => {
          const doc = await w.get(id);
          await w.patch(id, { a: doc.a - 1, b: doc.b + 1 });
        });
      await transfer();

      restart(engine);

      // The first mutation after the restart may meet a dead pooled connection.
      let outcome = "ok";
      try {
        await transfer();
      } catch (error) {
        assert.ok(error instanceof SqlError, `a typed error, got ${error}`);
        assert.ok(error instanceof SqlConnectionError || /terminat|connection|closed|gone away|lost/i.test(error.message), error.message);
        for (const secret of [PG_PASSWORD, MY_PASSWORD]) assert.ok(!String(error.stack).includes(secret));
        outcome = "connection error";
      }
      // Then the same store object works again.
      let recovered = false;
      for (let attempt = 0; attempt < 5 && !recovered; attempt++) {
        try {
          await transfer();
          recovered = true;
        } catch (error) {
          assert.ok(error instanceof SqlError, String(error));
        }
      }
      assert.ok(recovered, "the store works again after the restart");
      const doc = await db.query((r) => r.get(id));
      assert.equal(doc.a + doc.b, 100, "the invariant holds");
      const landed = 50 - doc.a;
      assert.ok(landed === (outcome === "ok" ? 3 : 2) || landed === 3, `each transfer landed whole or not at all (${landed})`);
      console.log(`# ${engine} restart: first mutation after restart -> ${outcome}; transfers landed ${landed}`);
    });
  });
}
