// A lone mutation's commit is logged while its statement is in flight
// (js-shim/src/global/pending-commit.ts): over a scripted driver that writes statements out on
// a later turn (as postgres.js does) and answers when told to, the entry is there before the
// answer, retracted when the statement fails, appended at the answer when that comes first,
// and a mutation that begins meanwhile is checked against it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHyperdriveGlobalCtxDb } from "../../js-shim/dist/global/index.js";
import { defineSchema, defineTable, v } from "../../js-shim/dist/schema/index.js";

const WRITES_LATER = Symbol.for("@lunora/hyperdrive.cellsWriteLater");
const turn = () => new Promise((resolve) => setImmediate(resolve));
const turns = async (n) => {
  for (let i = 0; i < n; i++) await turn();
};

// Range reads answer no rows; an INSERT is answered by `answerInsert` (default: at once).
function scriptedStore(answerInsert = () => Promise.resolve({ rows: [], affectedRows: 1 })) {
  const sent = [];
  const exec = {
    query(text, params) {
      sent.push(text);
      if (/^\s*INSERT/i.test(text)) return answerInsert(text, params);
      return Promise.resolve({ rows: [], affectedRows: 0 });
    },
    [WRITES_LATER]: true,
  };
  const schema = defineSchema({ items: defineTable({ age: v.number() }).index("by_age", ["age"]).global() });
  const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema, autoMigrate: false, retryBaseDelayMs: 1, groupCommitWindowMs: 0 });
  const selects = () => sent.filter((text) => /^\s*SELECT/i.test(text)).length;
  const inserts = () => sent.filter((text) => /^\s*INSERT/i.test(text)).length;
  return { db, sent, selects, inserts };
}

const agedFive = (r) => r.query("items").withIndex("by_age", (q) => q.eq("age", 5)).collect();

describe("a lone commit logged in flight", () => {
  test("an answer that comes before the driver's turn: logged then, and the live query re-runs", async () => {
    const s = scriptedStore();
    const runs = [];
    const stop = s.db.subscribe(agedFive, (docs) => runs.push(docs.length));
    await turns(3);
    const before = s.selects();
    await s.db.mutation((w) => w.insert("items", { age: 5 }));
    await turns(3);
    stop();
    assert.equal(s.selects(), before + 1, "the live query over the written range ran again");
  });

  test("a statement that fails after its entry was logged: the error surfaces, the entry is retracted", async () => {
    // The first INSERT fails, past the driver's turn (its entry is logged by then); the others land.
    const failure = new Error("connection lost while inserting");
    let failed = false;
    const s = scriptedStore(async () => {
      if (failed) return { rows: [], affectedRows: 1 };
      failed = true;
      await turns(4);
      throw failure;
    });
    const stop = s.db.subscribe(agedFive, () => {});
    await turns(3);
    const before = s.selects();
    // A mutation that read the range before the failed commit, and commits after it.
    let reads = 0;
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const reader = s.db.mutation(async (w) => {
      reads += 1;
      await agedFive(w);
      await gate;
      await w.insert("items", { age: 7 });  // (a mutation that writes nothing is not checked)
      return "done";
    });
    await turns(2);
    await assert.rejects(s.db.mutation((w) => w.insert("items", { age: 5 })), (error) => error === failure);
    release();
    assert.equal(await reader, "done");
    await turns(3);
    stop();
    assert.equal(reads, 1, "nothing committed: the reader did not conflict and ran once");
    assert.equal(s.selects(), before + 1, "the live query did not re-run (only the reader's read)");
  });

  test("a mutation that begins while a commit is in flight is checked against it", async () => {
    // The first INSERT is answered when told to, the others at once.
    let answer;
    const s = scriptedStore(() =>
      answer === undefined
        ? new Promise((resolve) => (answer = () => resolve({ rows: [], affectedRows: 1 })))
        : Promise.resolve({ rows: [], affectedRows: 1 }),
    );
    const writer = s.db.mutation((w) => w.insert("items", { age: 5 }));
    await turns(4);  // its INSERT written out, its entry logged
    assert.equal(s.inserts(), 1);
    let runs = 0;
    const reader = s.db.mutation(async (w) => {
      runs += 1;
      const seen = await agedFive(w);
      await w.insert("items", { age: 6 });
      return seen.length;
    });
    await turns(2);
    answer();
    await writer;
    await reader;
    assert.equal(runs, 2, "the reader read the range the writer was writing: it ran again");
  });
});
