// Which store texts the postgres.js adapter prepares (js-shim/src/adapters/repeated-texts.ts):
// from their second run on, never without params or when long, and within fixed bounds.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RepeatedTexts } from "../../js-shim/dist/adapters/repeated-texts.js";

describe("RepeatedTexts", () => {
  test("a text is prepared from its second run on", () => {
    const texts = new RepeatedTexts();
    assert.deepEqual([1, 2, 3].map(() => texts.prepare("SELECT $1", 1)), [false, true, true]);
    assert.equal(texts.prepare("SELECT $1 + 1", 1), false, "another text starts over");
    assert.equal(texts.preparedCount, 1);
  });

  test("texts without params (DDL, simple queries) and long texts are never prepared", () => {
    const texts = new RepeatedTexts({ maxTextChars: 20 });
    for (let i = 0; i < 3; i++) {
      assert.equal(texts.prepare("CREATE TABLE t (x int)", 0), false);
      assert.equal(texts.prepare(`SELECT $1 /* ${"x".repeat(20)} */`, 1), false);
    }
    assert.equal(texts.preparedCount, 0);
  });

  test("at most maxPrepared texts are ever prepared", () => {
    const texts = new RepeatedTexts({ maxPrepared: 2 });
    for (const text of ["a $1", "b $1", "c $1"]) texts.prepare(text, 1);
    assert.deepEqual(["a $1", "b $1", "c $1"].map((text) => texts.prepare(text, 1)), [true, true, false]);
    assert.equal(texts.prepare("c $1", 1), false);
    assert.equal(texts.preparedCount, 2);
  });

  test("the memory of texts seen once is bounded: cleared when full", () => {
    const texts = new RepeatedTexts({ maxSeen: 3 });
    texts.prepare("a $1", 1);
    for (const text of ["b $1", "c $1", "d $1"]) texts.prepare(text, 1); // the fourth clears a, b, c
    assert.equal(texts.prepare("a $1", 1), false, "forgotten: a counts as seen once again");
    assert.equal(texts.prepare("d $1", 1), true, "kept after the clear");
    const byChars = new RepeatedTexts({ maxSeenChars: 10 });
    byChars.prepare("abcdef $1", 1);
    byChars.prepare("ghijkl $1", 1); // over 10 characters: clears the first
    assert.equal(byChars.prepare("abcdef $1", 1), false);
  });
});
