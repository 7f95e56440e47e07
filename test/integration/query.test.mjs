// Queries, pagination, serializable mutations and live queries inside workerd, on real
// PostgreSQL and MariaDB and on SQLite (D1 and a Durable Object's storage, in Miniflare); the
// same expectations on every engine.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

const run = (driver, scenario) => worker.get(`/store/${driver}/${scenario}?table=${uniqueTable("query")}`);

for (const driver of ["postgres-js-wrapper", "pg-pool", "mysql2-pool", "d1", "do-sqlite"]) {
  describe(`queries via ${driver}`, () => {
    test("index ranges, order, take/first/unique, filters, iteration, pagination, cross-type order", async () => {
      const r = await run(driver, "queries");
      assert.deepEqual(r.byCat, ["a1:3", "a2:4", "a2:6", "a3:1"], "fields, then _creationTime");
      assert.deepEqual(r.byCatDesc, ["a3:1", "a2:6", "a2:4", "a1:3"]);
      assert.deepEqual(r.range, ["a2:4", "a2:6", "a3:1"]);
      assert.deepEqual(r.whole, ["a1:3", "a2:4", "a2:6", "a3:1", "b1:2", "c5:5"]);
      assert.deepEqual(r.creation, ["a3:1", "b1:2", "a1:3", "a2:4", "c5:5", "a2:6"]);
      assert.deepEqual(r.creationDesc, ["a2:6", "c5:5"]);
      assert.deepEqual(r.take, ["a1:3", "a2:4"]);
      assert.deepEqual(r.first, ["c5:5"]);
      assert.equal(r.none, null);
      assert.equal(r.unique.code, "NOT_UNIQUE");
      assert.equal(r.badRange.message, 'withIndex("by_cat"): eq("price") must name the next index field "cat"');
      assert.equal(r.badIndex.code, "NOT_FOUND");
      assert.deepEqual(r.filtered, ["a3:1", "a2:4", "a2:6"]);
      assert.deepEqual(r.filterInt, ["b1:2", "a2:4", "a2:6"], "int64 arithmetic in filters is exact");
      assert.deepEqual(r.iterated, r.byCat);

      assert.deepEqual(r.firstPage, ["a1:3", "a2:4"]);
      assert.equal(r.firstIsDone, false);
      assert.equal(r.same, true, "reusing a cursor returns the same page");
      assert.deepEqual(r.pages, [["a1:3", "a2:4"], ["a2:6", "a3:1"], ["b1:2", "b9:101"], ["c5:5"]],
        "keyset pages: a row inserted before the cursor is not seen, one after it is, none is repeated");
      assert.deepEqual(r.afterDone.page, []);
      assert.equal(r.afterDone.isDone, true, "a finished cursor stays finished");
      for (const e of [r.otherQuery, r.forged, r.garbage]) assert.equal(e.code, "INVALID_CURSOR");
      assert.match(r.otherQuery.message, /belongs to a different query/);

      // missing < null < int64 < float64 < boolean < string < bytes < array < object
      assert.deepEqual(r.anyOrder, ["v8", "v7", "v6", "v9", "v5", "v11", "v4", "v10", "v3", "v2", "v1", "v0"]);
      assert.deepEqual(r.anyRange, ["v6", "v9", "v5", "v11", "v4", "v10", "v3"]);
      assert.deepEqual(r.own, ["a1:3", "a1.5:200", "a2:4", "a2:6", "a3:1"], "a mutation's queries see its own inserts and deletes in index order");
    });

    test("serializable mutations: no lost update, phantoms retried, unrelated inserts not", async () => {
      const r = await run(driver, "occ");
      assert.equal(r.counter, 20, "20 concurrent read-modify-write mutations");
      assert.equal(r.runs, 2, "an insert into a range the mutation read forces a re-run");
      assert.equal(r.phantom, 1, "the re-run saw the inserted document");
      assert.equal(r.outsideRuns, 1, "an insert outside the range read does not");
    });

    test("live queries re-run when, and only when, a commit touches what they read", async () => {
      const r = await run(driver, "subscriptions");
      assert.deepEqual(r.log, [
        "insert into range: 1 re-run(s)",
        "insert outside range: 0 re-run(s)",
        "update outside range: 0 re-run(s)",
        "move into range: 1 re-run(s)",
        "move out of range: 1 re-run(s)",
        "read-only mutation: 0 re-run(s)",
        "after unsubscribe: 0 re-run(s)",
      ]);
      assert.deepEqual(r.seen, [[], [1], [1, 3], [1]]);
      assert.deepEqual(r.pointSeen, [3, 4], "a get() subscription re-runs on a write to that document only");
      assert.deepEqual(r.batches.map((b) => b.commitTs), [1, 2, 3, 4, 5, 6], "onChange delivers every batch in commit order");
      assert.deepEqual(r.batches[2].writes, [["update", 2, 3]]);
      assert.deepEqual(r.batches[0].writes, [["insert", null, 1]]);
    });
  });
}
