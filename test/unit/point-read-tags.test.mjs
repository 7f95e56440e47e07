// A query's point reads skip the core once it has answered for an id's table tag
// (js-shim/src/global/core-store.ts, idTableTag). The answers must stay the core's: the same
// statement for every id of a table, none for ids that are malformed or of another table.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHyperdriveGlobalCtxDb } from "../../js-shim/dist/global/index.js";
import { defineSchema, defineTable, v } from "../../js-shim/dist/schema/index.js";

function scriptedStore() {
  const sent = [];
  const exec = {
    query(text, params) {
      sent.push({ text, params });
      return Promise.resolve({ rows: [], affectedRows: 1 });
    },
  };
  const schema = defineSchema({
    items: defineTable({ name: v.string() }).global(),
    orders: defineTable({ total: v.number() }).global(),
  });
  const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema, autoMigrate: false, groupCommitWindowMs: 0 });
  return { db, sent };
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** `id` with its character `at` replaced by another digit (`step` places on). */
const changed = (id, at, step = 1) => id.slice(0, at) + ALPHABET[(ALPHABET.indexOf(id[at]) + step) % 32] + id.slice(at + 1);

async function idsOf(db) {
  const item = await db.mutation((w) => w.insert("items", { name: "a" }));
  const order = await db.mutation((w) => w.insert("orders", { total: 1 }));
  return { item, order };
}

describe("a query's point reads by table tag", () => {
  test("ids of a table read with the table's statement, before and after the tag is known", async () => {
    const { db, sent } = scriptedStore();
    const { item, order } = await idsOf(db);
    const reads = [];
    for (const id of [item, item, changed(item, 0), changed(item, 24, 5), order, changed(order, 3)]) {
      sent.length = 0;
      assert.equal(await db.query((r) => r.get(id)), null);
      assert.equal(sent.length, 1, id);
      assert.deepEqual(sent[0].params, [id]);
      reads.push(sent[0].text);
    }
    assert.equal(new Set(reads.slice(0, 4)).size, 1);
    assert.match(reads[0], /FROM "items"/);
    assert.equal(reads[4], reads[5]);
    assert.match(reads[4], /FROM "orders"/);
    // The explicit-table form: its own tags, the same statements.
    sent.length = 0;
    await db.query((r) => r.get("items", changed(item, 2)));
    await db.query((r) => r.get("items", changed(item, 2)));
    assert.deepEqual(sent.map((s) => s.text), [reads[0], reads[0]]);
  });

  test("ids that are malformed or of another table read nothing, also once the tag is known", async () => {
    const { db, sent } = scriptedStore();
    const { item } = await idsOf(db);
    // The first read of a table learns its statement; the tags are kept from the second on.
    for (let i = 0; i < 2; i++) {
      await db.query((r) => r.get(item));
      await db.query((r) => r.get("items", item));
    }
    sent.length = 0;
    const wrong = [
      ["", item.toUpperCase()],
      ["", `${item.slice(0, 10)}i${item.slice(11)}`],
      ["", `${item.slice(0, 10)}-${item.slice(11)}`],
      ["", item.slice(1)],
      ["", `${item}0`],
      ["", changed(item, 25)], // the table hash's low bits: no table of this schema
      ["", changed(item, 31)],
      ["orders", item],
      ["orders", changed(item, 0)],
      ["nope", item],
    ];
    for (const [table, id] of wrong) {
      for (let i = 0; i < 2; i++) {
        assert.equal(await db.query((r) => (table === "" ? r.get(id) : r.get(table, id))), null, `${table} ${id}`);
      }
    }
    assert.deepEqual(sent, []);
  });
});
