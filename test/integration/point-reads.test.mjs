// Batched point reads on the real servers and D1, inside workerd: concurrent mutations share
// `SELECT ... WHERE _id IN (...)` statements and each still sees exactly its documents.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

const DOCS = 39; // 40 inserted, one deleted
const label = (i) => `d${i}`;

for (const engine of ["postgres", "mysql", "d1"]) {
  describe(`batched point reads on ${engine}`, () => {
    test("concurrent mutations share read statements; each gets its own documents; writes land once", async () => {
      const r = await worker.get(`/point-reads/${engine}?table=${uniqueTable("reads")}`);
      assert.equal(r.docs, DOCS);
      assert.deepEqual(
        r.seen,
        Array.from({ length: DOCS }, (_, i) => [label(i), label((i + 1) % DOCS), null]),
        "every mutation read its own document, its neighbour's, and null for the deleted one",
      );
      const expected = Array.from({ length: DOCS }, (_, i) => [label(i), i + 100]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      assert.deepEqual(r.after, expected, "every read-modify-write landed exactly once");
      const c = r.concurrent;
      assert.ok(c.batched >= 1, `reads were batched (${JSON.stringify(c)})`);
      assert.ok(c.single + c.batched < DOCS * 3, `fewer read statements than reads (${JSON.stringify(c)})`);
      assert.deepEqual(r.loneStats, { single: 1, batched: 0, batchedIds: 0 }, "a lone read is one single-id statement");
      assert.equal(r.lone, label(3));
      assert.deepEqual(r.unbatchedStats, { single: 10, batched: 0, batchedIds: 0 }, "maxPointReadsInFlight: Infinity never batches");
    });
  });
}
