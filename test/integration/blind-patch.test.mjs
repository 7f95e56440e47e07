// Patches that read nothing first, inside workerd through Hyperdrive bindings
// (test/worker/blind-patch-scenario.ts): one statement instead of a read and a write, on
// Postgres with each driver and on MariaDB while no onChange listener needs the old row, and
// otherwise the same observable behaviour as a patch that reads first.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

for (const driver of ["postgres-js", "pg-pool", "query-wrapper", "mysql2-pool"]) {
  // Postgres: every lone patch of these goes blind. MariaDB (no UPDATE ... RETURNING): only
  // while no onChange listener needs the old row, and when no index key moves.
  const postgres = driver !== "mysql2-pool";
  describe(`patch without a prior read over ${driver}`, () => {
    test("same documents, versions, change feed, subscriptions, errors and conflicts as a read-first patch", async () => {
      const r = await worker.get(`/blind-patch/${driver}?table=${uniqueTable("blind")}`);

      assert.equal(r.lone.statements, 1, `a lone patch is one statement: ${r.lone.statements}`);
      // Nothing reads the table then: the bare UPDATE where the driver reports row counts, else
      // the UPDATE returning the keys (the MariaDB one, an INSERT ... ON DUPLICATE KEY UPDATE,
      // only while something reads the table over an index).
      assert.equal(r.lone.writes, 1, "an UPDATE");
      const rowCounts = driver !== "query-wrapper";
      assert.deepEqual(r.byId, { bare: rowCounts, seen: [1, 1.5] }, "a live query by id sees a patch logged by id");
      // (Without row counts there is no bare UPDATE to fail: that patch lands.)
      assert.deepEqual(r.pendingById, {
        missing: "NOT_FOUND",
        missingBare: rowCounts,
        alongsideRuns: 1,
        failed: rowCounts,
        failedBare: rowCounts,
        afterFailure: rowCounts ? 2 : 3,
        seen: rowCounts ? [1, 2, 4] : [1, 2, 3, 4],
      }, "a bare patch that writes nothing or fails disturbs no live query and no queued mutation");
      assert.equal(r.lone.indexedStatements, postgres ? 1 : 2, "a patch naming all of an index's fields sets its key in the same statement (Postgres)");
      assert.deepEqual(r.lone.doc, { name: "a", n: "1", score: 2.5, note: "patched", tags: ["x", "y"] });
      assert.equal(r.lone.versionStep, 1, "the patch bumps _version by one");
      assert.deepEqual(r.lone.change, [
        [{ op: "update", id: true, before: 1, beforeNote: "first", after: 2.5, afterTags: ["x", "y"], afterName: "a" }],
      ]);
      assert.deepEqual(r.lone.subscription, [1, 2.5], "the subscription on the document re-ran once with the patched value");

      assert.deepEqual(r.keysOnly.seen, [[5.5], [6.5]], "a live query over an index range holding the patched document re-ran");
      assert.equal(r.keysOnly.bare, false, "the keyed form while a live query reads the table over an index");
      assert.deepEqual(r.unsetAndIndexed, { note: "missing", hasNote: false, byName: [true] });

      for (const [mode, o] of [["no listener", r.quiet], ["an onChange listener", r.listening]]) {
        const say = (what, value) => `${what} (${mode}): ${JSON.stringify(value)}`;
        assert.equal(o.missing?.code, "NOT_FOUND", say("missing document", o.missing));
        assert.match(o.missing.message, /patch: document "[^"]+" does not exist/);
        assert.deepEqual(o.fallback, { result: "NOT_FOUND", fallbacks: 1, rowsAdded: 1, runsAtMost: true }, say("fallback", o.fallback));
        // Without a listener the missing document's and the too-large patch's first statement is
        // the bare UPDATE, which affected no row: then they read first, as above and below.
        const bareNow = rowCounts && mode === "no listener";
        assert.equal(o.missingBare, bareNow, say("the bare UPDATE of a missing document", o.missingBare));
        assert.equal(o.bigGrowBare, bareNow, say("the bare UPDATE of a patch past 1 MiB", o.bigGrowBare));

        assert.deepEqual(o.readsOwnPatch, [7, 7, "20"], say("get, query and a later patch in the same mutation see the patch", o.readsOwnPatch));
        assert.deepEqual(o.afterOwn, [7, "20"]);

        assert.equal(o.badValue?.code, "VALIDATION_FAILED", say("bad value", o.badValue));
        assert.match(o.badValue.message, /score/);
        assert.equal(o.badField?.code, "VALIDATION_FAILED", say("a field outside the schema", o.badField));
        assert.equal(o.requiredRemoved?.code, "VALIDATION_FAILED", say("a required field removed", o.requiredRemoved));
        assert.equal(o.systemField?.code, "VALIDATION_FAILED", say("a system field", o.systemField));
        assert.equal(o.badUnchanged, true, say("refused patches wrote nothing", o.badUnchanged));

        assert.equal(o.bigSmallPatch, null, say("a patch that keeps a large document under 1 MiB lands", o.bigSmallPatch));
        assert.equal(o.bigGrow?.code, "VALIDATION_FAILED", say("a patch past 1 MiB", o.bigGrow));
        assert.match(o.bigGrow.message, /too large/);
        assert.deepEqual(o.big, { score: 5, noteLength: 900_000, tags: "missing" });

        const blindNow = postgres || mode === "no listener";
        assert.equal(o.concurrent.blindStatements, blindNow ? 1 : 2, say("statements of the patch", o.concurrent));
        assert.equal(o.concurrent.rmwRuns, 2, say("the read-modify-write that lost its guard was re-run once", o.concurrent));
        assert.deepEqual([o.concurrent.score, o.concurrent.n], [100, "21"], say("both writes survive", o.concurrent));

        assert.equal(o.deleteStatements, 1, say("a lone delete is one statement", o.deleteStatements));
        assert.equal(o.deleteGone?.code, "NOT_FOUND", say("deleting a missing document", o.deleteGone));
        assert.match(o.deleteGone.message, /delete: document "[^"]+" does not exist/);
        assert.equal(o.deleteCaught, "NOT_FOUND", say("code that catches a delete's error", o.deleteCaught));
        assert.equal(o.deleteThenGet, null, say("a get after a delete in the same mutation", o.deleteThenGet));
        assert.deepEqual(o.afterDeletes, [null, null, `del-${mode === "no listener" ? "quiet" : "listening"}-3`]);
        if (mode !== "no listener") {
          assert.deepEqual(o.deleteChange, [
            { op: "insert", before: null, after: "del-listening-1" },
            { op: "delete", before: "del-listening-1", after: null },
          ], say("the change feed of a blind delete", o.deleteChange));
        }
      }
    });
  });
}
