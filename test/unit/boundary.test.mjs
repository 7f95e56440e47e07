// The byte boundary (js-shim/src/core/core.ts, bindings/embind.cpp) against embind: the same
// calls must reach the core with the same bytes and come back with the same answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { getCore, getEmbindCore } from "../../js-shim/dist/core/core.js";

const schema = defineSchema({
  notes: defineTable({ title: v.string(), body: v.string() }).index("by_title", ["title"]).global(),
});
const unwrap = (s) => {
  const e = JSON.parse(s);
  assert.equal(e.ok, true, s.slice(0, 300));
  return e.value;
};

describe("the byte boundary", () => {
  const fast = getCore();
  const embind = getEmbindCore();
  const store = unwrap(fast.storeOpen(JSON.stringify(schema.toJSON()), "postgres", JSON.stringify({ seed: "00".repeat(32) })));

  test("answers as embind does, for non-ASCII and for strings that grow the buffer and the memory", () => {
    const titles = ["plain", "é€ and an emoji 😀", "nul \u0000 inside", "x".repeat(300_000) + "é", "€".repeat(200_000)];
    for (const title of titles) {
      // (Index keys are limited to 1 KiB: the long strings go in the unindexed field.)
      const doc = JSON.stringify({ title: title.slice(-20), body: title });
      const [a, b] = [fast, embind].map((api) => {
        const tx = unwrap(api.txBegin(store));
        const answer = api.txInsert(tx, "notes", doc, 1000);
        api.txEnd(tx);
        return answer;
      });
      // Postgres cannot store U+0000: both refuse it with the same message.
      if (title.includes("\u0000")) {
        assert.equal(a, b);
        assert.match(a, /U\+0000/);
        continue;
      }
      const [ia, ib] = [unwrap(a), unwrap(b)];
      // Creation times of one store are unique: the second insert's is bumped.
      assert.ok(ib._creationTime > ia._creationTime && ib._creationTime < ia._creationTime + 1);
      const tx = unwrap(fast.txBegin(store));
      // (The point read's text is sent once per store, then only its number.)
      const [viaFast, viaEmbind] = [fast, embind].map((api) => {
        const read = unwrap(api.txGet(tx, "", ia._id));
        delete read.statement.text;
        return read;
      });
      assert.deepEqual(viaFast, viaEmbind);
      fast.txEnd(tx);
    }
  });

  test("keeps working across memory growth (the views of the old memory are detached)", () => {
    const tx = unwrap(fast.txBegin(store));
    const ids = [];
    for (let i = 0; i < 40; i++) {
      ids.push(unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: `t${i}`, body: `é${i}`.repeat(200_000) }), 1))._id);
    }
    for (const id of ids) assert.deepEqual(unwrap(fast.txGet(tx, "", id)).statement.params, [id]);
    fast.txEnd(tx);
  });

  test("refuses the same way: unknown tables with non-ASCII names, documents over the limit", () => {
    const tx = unwrap(fast.txBegin(store));
    for (const [table, doc] of [["nötes", "{}"], ["notes", JSON.stringify({ title: "t", body: "y".repeat(1_100_000) })]]) {
      assert.equal(fast.txInsert(tx, table, doc, 1), embind.txInsert(tx, table, doc, 1));
    }
    assert.throws(() => fast.txInsert(tx, 5, "{}", 1), TypeError);
    fast.txEnd(tx);
  });

  test("storeBlindPatch: one statement for a patch as positional arrays, null when it cannot be, errors as envelopes", () => {
    const tx = unwrap(fast.txBegin(store));
    const { _id: id } = unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "t", body: "b" }), 1));
    fast.txEnd(tx);
    // [text, params, returns, table]: the text inline with its number the first time.
    const [first, params, returns, table] = JSON.parse(fast.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]", true));
    assert.equal(table, "notes");
    assert.equal(returns, "old");
    assert.match(first.text, /^UPDATE "notes" AS "n" SET "body" = \$1, "_version" = "n"\."_version" \+ 1 FROM \(SELECT /);
    assert.equal(typeof first.textId, "number");
    assert.deepEqual(params.slice(0, 2), ["new", id]);
    // The same shape again (either way in): only the text's number and the params.
    const again = JSON.parse(embind.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]", true));
    assert.deepEqual(again, [first.textId, params, "old", "notes"]);
    assert.equal(fast.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]", true), embind.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]", true));
    // Without the old row: the UPDATE alone, returning the new row's keys.
    const fresh = JSON.parse(fast.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]", false));
    assert.equal(fresh[2], "new");
    assert.match(fresh[0].text, /^UPDATE "notes" SET "body" = \$1, "_version" = "_version" \+ 1 WHERE "_id" = \$2 AND .* RETURNING "_id", "_creationTime", "_version", "title"$/);
    assert.deepEqual(fresh[1], params);
    // An index whose fields it all names gets its new key (the old key's _creationTime and _id part kept).
    const keyed = JSON.parse(fast.storeBlindPatch(store, id, JSON.stringify({ title: "indexed" }), "[]", false));
    assert.equal(keyed[2], "old");
    assert.match(keyed[0].text, /"_k_by_title" = decode\(\$2::text, 'hex'\) \|\| substring\(/);
    // Null: a required field removed, an unknown field, an unknown id.
    assert.equal(fast.storeBlindPatch(store, id, "{}", '["body"]', true), "null");
    assert.equal(fast.storeBlindPatch(store, id, JSON.stringify({ nope: 1 }), "[]", true), "null");
    assert.equal(embind.storeBlindPatch(store, "nope", JSON.stringify({ body: "new" }), "[]", true), "null");
    const refused = JSON.parse(fast.storeBlindPatch(store, id, "[]", "[]", true));
    assert.deepEqual(refused, { ok: false, code: "INVALID_ARGUMENT", message: "the patch's fields must be an object" });
    assert.equal(fast.storeBlindPatch(store, id, "{}", "[1]", true), embind.storeBlindPatch(store, id, "{}", "[1]", true));
  });

  test("storeLogPatch: the affected subscriptions as a bare array, errors as envelopes", () => {
    const tx = unwrap(fast.txBegin(store));
    const { _id: id, _creationTime: creationTime } = unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "t", body: "b" }), 1));
    const accepted = unwrap(fast.txAccept(tx));
    unwrap(fast.txFinish(tx, accepted.sequence));
    const watch = unwrap(fast.txBegin(store));
    unwrap(fast.txGet(watch, "", id));
    unwrap(fast.subSet(watch, 41));
    fast.txEnd(watch);
    assert.equal(fast.storeLogPatch(store, id, creationTime, JSON.stringify({ title: "t" }), ""), "[41]");
    assert.equal(embind.storeLogPatch(store, id, creationTime, JSON.stringify({ title: "t" }), JSON.stringify({ title: "u" })), "[41]");
    unwrap(fast.subRemove(store, 41));
    assert.equal(fast.storeLogPatch(store, id, creationTime, "{}", ""), "[]");
    assert.deepEqual(JSON.parse(fast.storeLogPatch(store, "nope", 1, "{}", "")), {
      ok: false,
      code: "NOT_FOUND",
      message: '"nope" is not a document id of this store',
    });
    assert.equal(JSON.parse(fast.storeLogPatch(store, id, creationTime, "[1]", "")).code, "INVALID_ARGUMENT");
  });

  test("storeLogPatchPending / storeSettlePending: an update logged by its id alone, pending, then settled", () => {
    const tx = unwrap(fast.txBegin(store));
    const { _id: id } = unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "t", body: "b" }), 1));
    const accepted = unwrap(fast.txAccept(tx));
    unwrap(fast.txFinish(tx, accepted.sequence));
    const watch = unwrap(fast.txBegin(store));
    unwrap(fast.txGet(watch, "", id));
    unwrap(fast.subSet(watch, 43));
    fast.txEnd(watch);
    const [affected, sequence] = JSON.parse(fast.storeLogPatchPending(store, id));
    assert.deepEqual(affected, [43]);
    assert.ok(sequence > accepted.sequence);
    // Pending: only it may be settled, once.
    assert.deepEqual(JSON.parse(fast.storeSettlePending(store, accepted.sequence, true)), {
      ok: false,
      code: "INVALID_ARGUMENT",
      message: `commit ${accepted.sequence} is not the store's one pending commit`,
    });
    assert.equal(fast.storeSettlePending(store, sequence, false), '{"ok":true,"value":null}');
    assert.equal(fast.storeSettlePending(store, sequence, false), embind.storeSettlePending(store, sequence, false));
    const [again, next] = JSON.parse(embind.storeLogPatchPending(store, id));
    assert.deepEqual(again, [43]);
    assert.equal(next, sequence + 1);
    assert.equal(embind.storeSettlePending(store, next, true), '{"ok":true,"value":null}');
    assert.equal(JSON.parse(fast.storeSettlePending(store, 0.5, true)).message, "malformed sequence");
    unwrap(fast.subRemove(store, 43));
    const [none, last] = JSON.parse(fast.storeLogPatchPending(store, id));
    assert.deepEqual(none, []);
    assert.equal(fast.storeSettlePending(store, last, true), '{"ok":true,"value":null}');
    assert.deepEqual(JSON.parse(fast.storeLogPatchPending(store, "nope")), {
      ok: false,
      code: "NOT_FOUND",
      message: '"nope" is not a document id of this store',
    });
  });

  test("storeBlindDelete / storeLogDelete: one statement returning the row, the delete logged in one call", () => {
    const tx = unwrap(fast.txBegin(store));
    const { _id: id, _creationTime: creationTime } = unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "d", body: "b" }), 1));
    const accepted = unwrap(fast.txAccept(tx));
    unwrap(fast.txFinish(tx, accepted.sequence));
    const del = unwrap(fast.storeBlindDelete(store, id));
    assert.equal(del.table, "notes");
    assert.equal(del.statement.text, 'DELETE FROM "notes" WHERE "_id" = $1 RETURNING "_id", "_creationTime", "_version", "body", "title"');
    assert.equal(typeof del.statement.textId, "number");
    assert.deepEqual(del.statement.params, [id]);
    // The table's text again: only its number (either way in).
    assert.deepEqual(unwrap(embind.storeBlindDelete(store, id)).statement, { textId: del.statement.textId, params: [id] });
    assert.equal(unwrap(fast.storeBlindDelete(store, "nope")), null);
    const watch = unwrap(fast.txBegin(store));
    unwrap(fast.txGet(watch, "", id));
    unwrap(fast.subSet(watch, 42));
    fast.txEnd(watch);
    assert.equal(fast.storeLogDelete(store, id, creationTime, JSON.stringify({ title: "d" })), "[42]");
    unwrap(fast.subRemove(store, 42));
    assert.deepEqual(JSON.parse(embind.storeLogDelete(store, "nope", 1, "{}")), {
      ok: false,
      code: "NOT_FOUND",
      message: '"nope" is not a document id of this store',
    });
    assert.equal(JSON.parse(fast.storeLogDelete(store, id, creationTime, "[1]")).code, "INVALID_ARGUMENT");
    const sqlite = unwrap(fast.storeOpen(JSON.stringify(schema.toJSON()), "sqlite", JSON.stringify({ seed: "00".repeat(32) })));
    assert.equal(unwrap(fast.storeBlindDelete(sqlite, id)), null);
    unwrap(fast.storeClose(sqlite));
  });

  test("a lone commit: txAcceptPlan then txFinish", () => {
    const tx = unwrap(fast.txBegin(store));
    unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "a", body: "b" }), 1));
    const accepted = unwrap(fast.txAcceptPlan(tx));
    assert.equal(accepted.conflict, null);
    assert.equal(accepted.plan.steps.length, 1);
    assert.deepEqual(accepted.plan.origins, [[0, 0]]);
    assert.equal(unwrap(fast.txFinish(tx, accepted.sequence)), null);
    assert.match(fast.txFinish(tx, accepted.sequence), /the mutation is no longer open/);
  });
});
