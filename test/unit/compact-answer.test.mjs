// readCompactAnswer (js-shim/src/global/compact-answer.ts) reads the core's compact answers
// without JSON.parse: whatever it returns must be what JSON.parse returns, for the answers the
// core writes and for any other text (which it hands to JSON.parse).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readCompactAnswer } from "../../js-shim/dist/global/compact-answer.js";

const same = (text) => {
  let expected;
  try {
    expected = { value: JSON.parse(text) };
  } catch (error) {
    expected = { error: error.constructor };
  }
  let got;
  try {
    got = { value: readCompactAnswer(text) };
  } catch (error) {
    got = { error: error.constructor };
  }
  assert.deepStrictEqual(got, expected, text);
};

describe("readCompactAnswer", () => {
  test("the core's answers: plans, a shape's first plan, blind patches, logged entries", () => {
    for (const text of [
      '[[[0,["2d11y4jzxwtkdjftygp33f4vd2e542f5","1795772130823","1","true","8","Lisbon","8","PT","user8@example.com","user 8","hello","4","[\\"a\\",\\"b\\",\\"1\\"]","04c0"],-1,0,0]],false,[[0,0]]]',
      '[[[{"text":"INSERT INTO \\"t\\" VALUES ($1)","textId":0},["x"],-1,0,0]],false,[[0,0]]]',
      '[1,["1.5","68x68jzacfbajn3jbx30yygn86e542f5"],"none","probe_docs"]',
      "[[],8]",
      "[[3,17,4],12]",
      "[]",
      '[null,true,false,"",[[]]]',
    ]) same(text);
  });

  test("strings: escapes, Unicode, control characters", () => {
    for (const s of ['a"b', "a\\b", "line\nbreak", "\u0000\u001f", "é€😀", "\u2028", "\ud800", "tab\there", "\\u0041", "/"]) {
      same(JSON.stringify([s, s]));
    }
    same('["raw \u0001 control"]'); // not JSON: JSON.parse refuses it
    same('["\\x"]');
    same('["unterminated');
  });

  test("numbers as JSON writes them, and text that is not a JSON number", () => {
    for (const n of [0, -0, 1, -1, 0.5, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 123456789012, -2.5e-3]) same(JSON.stringify([n]));
    for (const text of ["[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]", "[-]", "[1E5]", "[1e-5]", "[0.0e0]", "[--1]", "[1x]", "[NaN]", "[Infinity]", "[0x10]"]) same(text);
  });

  test("anything else goes to JSON.parse", () => {
    for (const text of ["[1, 2]", " [1]", "[1] ", '{"ok":true,"value":null}', "[1,]", "[,1]", "[1", "nul", "truex", "[tru]", "", "[[1],2]x", '"s"', "7"]) same(text);
  });
});

test("every escape JSON writes, and escapes it does not allow", () => {
  let all = "";
  for (let c = 0; c < 0x80; c++) all += String.fromCharCode(c);
  same(JSON.stringify([all, "\ud83d\ude00", "\udfff\ud800"]));
  for (const text of ['["\\u00e9\\u00E9"]', '["\\ud83d\\ude00"]', '["\\u12"]', '["\\u12g4"]', '["\\a"]', '["\\\'"]', '["a\\', '["\\/\\b\\f\\n\\r\\t"]']) same(text);
});
