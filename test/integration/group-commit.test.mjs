// Group commit on the real servers, inside workerd: concurrent mutations land as multi-row
// statements; a guard failing inside a group sends its members back to commit alone.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

const MEMBERS = 12;
const byLabel = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

for (const engine of ["postgres", "mysql"]) {
  describe(`group commit on ${engine}`, () => {
    test("members land together; an outside write inside the group is caught and retried exactly", async () => {
      const r = await worker.get(`/group-commit/${engine}?table=${uniqueTable("grp")}`);
      assert.ok(r.stats.groupStatements >= 1, `a multi-row group statement ran (${JSON.stringify(r.stats)})`);
      assert.ok(r.bumpedMember >= 0, "the outside writer moved the _version of a group member's document");
      assert.ok(r.attempts[r.bumpedMember] >= 2, "the member whose document was moved re-ran");
      assert.deepEqual(
        r.after.a,
        Array.from({ length: MEMBERS }, (_, i) => [`a${i}`, i + 100]).sort(byLabel),
        "every read-modify-write landed exactly once",
      );
      assert.deepEqual(
        r.after.b,
        Array.from({ length: MEMBERS }, (_, i) => [`new${i}`, 1000 + i]).sort(byLabel),
        "every insert landed and every delete removed its document",
      );
      assert.deepEqual(r.feed, Array(MEMBERS).fill("update+insert+delete"), "one change batch per mutation");
      assert.deepEqual(
        r.versions,
        Array.from({ length: MEMBERS }, (_, i) => [`a${i}`, i === r.bumpedMember ? 3 : 2]).sort(byLabel),
        "_version: insert, (outside bump,) one patch",
      );
      assert.equal(r.results.length, MEMBERS);
      assert.deepEqual(r.gathered, { commitStatements: 1 }, "a commit waits for the running mutations to join it");
      assert.deepEqual(r.lone, { name: "ConflictError", table: r.table, id: "a[1]" }, "a lone guarded write names its document");
      assert.equal(r.loneAfter, 1 + 100 + 1, "and wrote nothing");
    });
  });
}
