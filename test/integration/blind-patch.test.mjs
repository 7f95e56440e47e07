// Patches that read nothing first (Postgres) against the read-first patch (MySQL), inside
// workerd through Hyperdrive bindings (test/worker/blind-patch-scenario.ts): one statement
// instead of two on Postgres with each driver, and otherwise the same observable behaviour.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

for (const driver of ["postgres-js", "pg-pool", "query-wrapper", "mysql2-pool"]) {
  const blind = driver !== "mysql2-pool";
  describe(`patch without a prior read over ${driver}`, () => {
    test("same documents, versions, change feed, subscriptions, errors and conflicts as a read-first patch", async () => {
      const r = await worker.get(`/blind-patch/${driver}?table=${uniqueTable("blind")}`);

      // One statement on Postgres (the UPDATE that returns the old row), a read and an UPDATE on MySQL.
      assert.equal(r.lone.statements, blind ? 1 : 2, `statements of a lone patch: ${r.lone.statements}`);
      assert.equal(r.lone.writes, 1);
      assert.equal(r.lone.indexedStatements, blind ? 1 : 2, "a patch naming all of an index's fields sets its key in the same statement");
      assert.deepEqual(r.lone.doc, { name: "a", n: "1", score: 2.5, note: "patched", tags: ["x", "y"] });
      assert.equal(r.lone.versionStep, 1, "the patch bumps _version by one");
      assert.deepEqual(r.lone.change, [
        [{ op: "update", id: true, before: 1, beforeNote: "first", after: 2.5, afterTags: ["x", "y"], afterName: "a" }],
      ]);
      assert.deepEqual(r.lone.subscription, [1, 2.5], "the subscription on the document re-ran once with the patched value");

      assert.deepEqual(r.unsetAndIndexed, { note: "missing", hasNote: false, byName: [true] });

      assert.equal(r.missing?.code, "NOT_FOUND", JSON.stringify(r.missing));
      assert.match(r.missing.message, /patch: document "[^"]+" does not exist/);
      assert.deepEqual(r.fallback, { result: "NOT_FOUND", fallbacks: 1, rowsAdded: 1, runsAtMost: true });

      assert.deepEqual(r.readsOwnPatch, [7, 7, "20"], "get, query and a later patch in the same mutation see the patch");
      assert.deepEqual(r.afterOwn, [7, "20"]);

      assert.equal(r.badValue?.code, "VALIDATION_FAILED", JSON.stringify(r.badValue));
      assert.match(r.badValue.message, /score/);
      assert.ok(r.badField, "a field outside the schema is refused");
      assert.equal(r.badField.code, "VALIDATION_FAILED", JSON.stringify(r.badField));
      assert.equal(r.requiredRemoved?.code, "VALIDATION_FAILED", JSON.stringify(r.requiredRemoved));
      assert.equal(r.systemField?.code, "VALIDATION_FAILED", JSON.stringify(r.systemField));
      assert.equal(r.badUnchanged, true, "refused patches wrote nothing");

      assert.equal(r.bigSmallPatch, null, `a patch that keeps a large document under 1 MiB lands: ${JSON.stringify(r.bigSmallPatch)}`);
      assert.equal(r.bigGrow?.code, "VALIDATION_FAILED", JSON.stringify(r.bigGrow));
      assert.match(r.bigGrow.message, /too large/);
      assert.deepEqual(r.big, { score: 5, noteLength: 900_000, tags: "missing" });

      assert.equal(r.concurrent.blindStatements, blind ? 1 : 2);
      assert.equal(r.concurrent.rmwRuns, 2, "the read-modify-write that lost its guard was re-run once");
      assert.deepEqual([r.concurrent.score, r.concurrent.n], [100, "21"], "both writes survive");
    });
  });
}
