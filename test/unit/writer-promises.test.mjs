// The store's reader and writer methods are plain functions returning promises (not async
// functions, to save promise turns: js-shim/src/global/store.ts). Whatever goes wrong inside
// them, a value whose getter throws included, must still come back as a rejected promise,
// never as an exception thrown at the call, and nothing may be written.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHyperdriveGlobalCtxDb } from "../../js-shim/dist/global/index.js";
import { defineSchema, defineTable, v } from "../../js-shim/dist/schema/index.js";

function scriptedStore() {
  const sent = [];
  const exec = {
    query(text) {
      sent.push(text);
      return Promise.resolve({ rows: [], affectedRows: 0 });
    },
  };
  const schema = defineSchema({ items: defineTable({ name: v.string(), age: v.number() }).index("by_age", ["age"]).global() });
  const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema, autoMigrate: false, groupCommitWindowMs: 0 });
  return { db, writes: () => sent.filter((text) => !/^\s*SELECT/i.test(text)) };
}

const boom = new Error("getter says no");
const throwing = (fields) => Object.defineProperty({ ...fields }, "name", { enumerable: true, get: () => { throw boom; } });

/** Calls `call` and returns what it threw synchronously (or undefined) and its promise. */
function callOf(call) {
  try {
    return { thrown: undefined, promise: call() };
  } catch (error) {
    return { thrown: error, promise: undefined };
  }
}

/**
 * Runs `op(w)` in a mutation (after `before(w)`), checks that it returned a promise rather
 * than throwing at the call, and that the mutation rejects as `expected` says.
 */
async function rejectsAtCall(db, op, expected, before = async () => {}) {
  await assert.rejects(db.mutation(async (w) => {
    await before(w);
    const { thrown, promise } = callOf(() => op(w));
    assert.equal(thrown, undefined, "the method threw at the call");
    return promise;
  }), expected);
}

describe("reader and writer methods reject, they do not throw", () => {
  test("insert of a document whose getter throws", async () => {
    const s = scriptedStore();
    await rejectsAtCall(s.db, (w) => w.insert("items", throwing({ age: 1 })), (error) => error === boom);
    assert.deepEqual(s.writes(), []);
  });

  test("patch with a field whose getter throws, as the mutation's first operation (the blind path)", async () => {
    const s = scriptedStore();
    await rejectsAtCall(s.db, (w) => w.patch("items|abc", throwing({ age: 2 })), (error) => error === boom);
    assert.deepEqual(s.writes(), []);
  });

  test("patch and delete of a missing document after a read", async () => {
    const s = scriptedStore();
    const read = (w) => w.get("items", "no-such-id");
    await rejectsAtCall(s.db, (w) => w.patch("items|abc", { age: 2 }), { code: "NOT_FOUND" }, read);
    await rejectsAtCall(s.db, (w) => w.delete("items|abc"), { code: "NOT_FOUND" }, read);
    assert.deepEqual(s.writes(), []);
  });

  test("an unknown table, a bad id: rejected promises", async () => {
    const s = scriptedStore();
    await rejectsAtCall(s.db, (w) => w.insert("nope", { name: "a", age: 1 }), { code: "NOT_FOUND" });
    assert.equal(await s.db.query((r) => r.get(42)), null);
    assert.equal(await s.db.query((r) => r.get("items", "not an id")), null);
    assert.deepEqual(s.writes(), []);
  });
});
