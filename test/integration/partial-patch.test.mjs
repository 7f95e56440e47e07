// A patch after a read, recorded by the fields it names, inside workerd through Hyperdrive
// bindings on real Postgres (postgres.js, the reference page's `{ query }` wrapper, pg) and MariaDB (mysql2)
// (test/worker/partial-patch-scenario.ts): the same documents, versions, index order, queries
// in the mutation, live queries, errors and conflicts as sending the whole merged document.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

for (const driver of ["postgres-js", "postgres-js-wrapper", "pg-pool", "mysql2-pool"]) {
  describe(`read-modify-write patches over ${driver}`, () => {
    test("write only the named columns and behave as a whole-document write", async () => {
      const r = await worker.get(`/partial-patch/${driver}?table=${uniqueTable("partial")}`);

      assert.deepEqual(r.rmw, { doc: { name: "a", n: "2", score: 1, note: "first", tags: ["x"] }, versionStep: 1 });
      assert.deepEqual(r.sameMutation, {
        read: 1,
        byFilter: [[10, false]],
        byIndex: [true],
        own: ["a2", 10, false, "2"],
      }, "a query in the mutation sees the patched document, by a filter and by the moved index key");
      assert.deepEqual(r.stored, ["a2", 10, false, "2", ["x"]]);
      assert.deepEqual(r.orderByScore, ["b", "a2"], "the index key moved with the patch");
      assert.deepEqual(r.subscription, [[], ["b"]], "a live query over the index range re-ran when the document moved into it");

      assert.equal(r.badValue?.code, "VALIDATION_FAILED", JSON.stringify(r.badValue));
      assert.match(r.badValue.message, /Path: \.score Value: "high" Validator: v\.float64\(\)/);
      assert.equal(r.unknownField?.code, "VALIDATION_FAILED", JSON.stringify(r.unknownField));
      assert.match(r.unknownField.message, /nope/);
      assert.equal(r.requiredRemoved?.code, "VALIDATION_FAILED", JSON.stringify(r.requiredRemoved));
      assert.match(r.requiredRemoved.message, /name/);
      assert.equal(r.tooLarge?.code, "VALIDATION_FAILED", JSON.stringify(r.tooLarge));
      assert.match(r.tooLarge.message, /1048576|1 MiB|too large/i);
      assert.equal(r.largeButFits, null, "a document whose bound is over the limit but whose size is not can be patched");
      assert.equal(r.unchangedByErrors, true, "the refused patches wrote nothing");

      assert.deepEqual(r.conflict, { runs: 2, n: "103" }, "the outside write was seen and no increment lost");
    });
  });
}
