// What the writes make of the objects they are given. A document or patch with an own
// "__proto__" field (as JSON.parse makes one) is refused as any field beginning with "_"
// (ValidationError, nothing sent), never silently dropped: the shim's copies of it keep the
// field (assigning it would set the copy's prototype instead). One that is not a plain object
// is refused alike by insert, replace and patch. And an inserted document's fields are read
// once: the value validated is the value kept.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHyperdriveGlobalCtxDb } from "../../js-shim/dist/global/index.js";
import { ValidationError } from "../../js-shim/dist/errors.js";
import { InvalidValueError } from "../../js-shim/dist/global/index.js";
import { defineSchema, defineTable, v } from "../../js-shim/dist/schema/index.js";

const schema = defineSchema({ t: defineTable({ s: v.string(), n: v.optional(v.number()) }).global() });

function store() {
  const writes = [];
  const rows = new Map();
  const exec = {
    query(text, params) {
      if (/^\s*SELECT/i.test(text)) {
        const row = rows.get(params[0]);
        return Promise.resolve({ rows: row ? [row] : [], affectedRows: row ? 1 : 0 });
      }
      writes.push(text);
      return Promise.resolve({ rows: [], affectedRows: 1 });
    },
  };
  const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema, autoMigrate: false, groupCommitWindowMs: 0 });
  return { db, writes, rows };
}

const withProto = (json) => JSON.parse(json);

describe('an own "__proto__" field', () => {
  test("insert: refused, nothing sent", async () => {
    const s = store();
    await assert.rejects(s.db.mutation((w) => w.insert("t", withProto('{"s":"x","__proto__":{"n":1}}'))), ValidationError);
    await assert.rejects(s.db.mutation((w) => w.insert("t", withProto('{"s":"x","__proto__":1}'))), ValidationError);
    assert.deepEqual(s.writes, []);
  });

  test("replace and patch (blind, and after a read): refused, nothing sent", async () => {
    const s = store();
    const id = await s.db.mutation((w) => w.insert("t", { s: "x" }));
    s.writes.length = 0;
    s.rows.set(id, { _id: id, _creationTime: 1, _version: "1", s: "x", n: null });
    await assert.rejects(s.db.mutation((w) => w.replace(id, withProto('{"s":"y","__proto__":1}'))), ValidationError);
    await assert.rejects(s.db.mutation((w) => w.patch(id, withProto('{"__proto__":{"s":"z"}}'))), ValidationError);
    await assert.rejects(
      s.db.mutation(async (w) => {
        await w.get(id);
        await w.patch(id, withProto('{"s":"y","__proto__":1}'));
      }),
      ValidationError,
    );
    assert.deepEqual(s.writes, []);
  });
});

describe("a document or patch that is not a plain object", () => {
  test("insert, replace and patch refuse it alike, nothing sent", async () => {
    const s = store();
    const id = await s.db.mutation((w) => w.insert("t", { s: "x" }));
    s.writes.length = 0;
    s.rows.set(id, { _id: id, _creationTime: 1, _version: "1", s: "x", n: null });
    class Doc {
      constructor() {
        this.s = "y";
      }
    }
    for (const [make, error] of [[() => new Doc(), InvalidValueError], [() => new Map([["s", "y"]]), InvalidValueError], [() => new Uint8Array([1]), ValidationError]]) {
      await assert.rejects(s.db.mutation((w) => w.insert("t", make())), error);
      await assert.rejects(s.db.mutation((w) => w.replace(id, make())), error);
      await assert.rejects(s.db.mutation((w) => w.patch(id, make())), error);
      await assert.rejects(
        s.db.mutation(async (w) => {
          await w.get(id);
          await w.patch(id, make());
        }),
        error,
      );
    }
    assert.deepEqual(s.writes, []);
  });
});

describe("an inserted document", () => {
  test("each field is read once: the value validated is the value kept", async () => {
    const s = store();
    let reads = 0;
    const doc = {};
    Object.defineProperty(doc, "s", { enumerable: true, get: () => (++reads === 1 ? "first" : 42) });
    const kept = await s.db.mutation(async (w) => {
      const id = await w.insert("t", doc);
      return w.get(id);
    });
    assert.equal(reads, 1);
    assert.equal(kept.s, "first");
  });
});
