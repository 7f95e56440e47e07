// The store over postgres.js through a Hyperdrive binding, inside workerd: repeated store
// texts run as named prepared statements, one-off texts, DDL and ctx.sql do not; documents are
// those of an unprepared pool; a migration that adds a field between two reads changes nothing
// (test/worker/prepared-statements-scenario.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

describe("prepared statements of the store on postgres.js (workerd, Hyperdrive binding)", () => {
  test("repeated texts are prepared, once each; one-offs, DDL and ctx.sql are not; results and migrations unchanged", async () => {
    const table = uniqueTable("prep");
    const r = await worker.get(`/prepared-statements/postgres?table=${table}`);
    assert.ok(r.repeated.length >= 4, `the point read, the page, the insert and the patch repeat (${r.repeated.length})`);
    assert.ok(r.once.length >= 1, "the mixed commit ran once");
    assert.deepEqual([...r.prepared].sort(), [...r.repeated].sort(), "exactly the repeated store texts are prepared, each once");
    for (const text of r.once) assert.ok(!r.prepared.includes(text), `a one-off text was prepared: ${text.slice(0, 80)}`);
    assert.ok(!r.prepared.includes(r.actionText), "ctx.sql stays unprepared");
    assert.ok(!r.prepared.some((text) => /^\s*(CREATE|ALTER)/i.test(text)), "no DDL is prepared");
    assert.deepEqual(r.unpreparedPool, [], "a pool created with prepare: false prepares nothing");
    assert.equal(r.same, true, "documents and pages equal those of the unprepared pool");
    assert.deepEqual(r.migration.addedColumns, [`${table}.extra`]);
    assert.equal(r.migration.afterOld, r.migration.before, "the first store's prepared read answers the same after the migration");
    assert.deepEqual(r.migration.extras, ["x", null, "x", null, "x", null]);
  });
});
