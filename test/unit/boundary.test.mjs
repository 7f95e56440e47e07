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

  test("storeBlindPatch: one statement for a patch, null when it cannot be, errors as envelopes", () => {
    const tx = unwrap(fast.txBegin(store));
    const { _id: id } = unwrap(fast.txInsert(tx, "notes", JSON.stringify({ title: "t", body: "b" }), 1));
    fast.txEnd(tx);
    const patch = unwrap(fast.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]"));
    assert.equal(patch.table, "notes");
    assert.match(patch.statement.text, /^UPDATE "notes" AS "n" SET "body" = \$1, "_version" = "n"\."_version" \+ 1 FROM \(SELECT /);
    assert.deepEqual(patch.statement.params.slice(0, 2), ["new", id]);
    assert.equal(fast.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]"), embind.storeBlindPatch(store, id, JSON.stringify({ body: "new" }), "[]"));
    // An index whose fields it all names gets its new key (the old key's _creationTime and _id part kept).
    assert.match(unwrap(fast.storeBlindPatch(store, id, JSON.stringify({ title: "indexed" }), "[]")).statement.text, /"_k_by_title" = decode\(\$2::text, 'hex'\) \|\| substring\(/);
    assert.equal(unwrap(fast.storeBlindPatch(store, id, JSON.stringify({ nope: 1 }), "[]")), null);
    assert.equal(unwrap(fast.storeBlindPatch(store, "nope", JSON.stringify({ body: "new" }), "[]")), null);
    const refused = JSON.parse(fast.storeBlindPatch(store, id, "[]", "[]"));
    assert.deepEqual(refused, { ok: false, code: "INVALID_ARGUMENT", message: "the patch's fields must be an object" });
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
