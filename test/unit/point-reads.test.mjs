// How the store's point reads leave (js-shim/src/global/point-reads.ts): a lone read at once,
// the reads made while one is in flight at the end of their turn as one batch per table, a
// full pipe queues.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PointReads } from "../../js-shim/dist/global/point-reads.js";

// A driver that answers when told to, recording each statement ("one:<id>" or "many:<ids>").
function fakeDriver() {
  const sent = [];
  const pending = [];
  const run = (statement) =>
    new Promise((resolve) => {
      sent.push(statement.text);
      pending.push(() => resolve({ rows: statement.params.map((id) => ({ _id: id, n: id.length })) }));
    });
  const statementFor = (table, ids) => ({ text: `many:${table}:${ids.join(",")}`, params: ids });
  const one = (id) => ({ text: `one:${id}`, params: [id] });
  const answerAll = () => pending.splice(0).forEach((answer) => answer());
  return { sent, run, statementFor, one, answerAll };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("PointReads", () => {
  test("a lone read goes at once, before any microtask", () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, 4);
    void reads.read("t", "a", d.one("a"));
    assert.deepEqual(d.sent, ["one:a"]);
  });

  test("reads that follow the first in the same turn leave as one statement per table", async () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, 4);
    const got = ["a", "b", "c", "d"].map((id) => reads.read("t", id, d.one(id)));
    got.push(reads.read("u", "x", d.one("x")));
    await turn();
    assert.deepEqual(d.sent, ["one:a", "many:t:b,c,d", "one:x"]);
    d.answerAll();
    const rows = await Promise.all(got);
    assert.deepEqual(rows.map((row) => row._id), ["a", "b", "c", "d", "x"], "each read gets its own row");
  });

  test("a read made while another is in flight leaves at the end of its turn, with that turn's others", async () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, 4);
    void reads.read("t", "a", d.one("a"));
    await turn();
    void reads.read("t", "b", d.one("b"));
    assert.deepEqual(d.sent, ["one:a"], "not before the turn ends");
    void reads.read("t", "c", d.one("c"));
    await Promise.resolve();
    assert.deepEqual(d.sent, ["one:a", "many:t:b,c"], "at the end of the turn, before the next");
  });

  test("once the others are answered, a read goes at once again", async () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, 4);
    const first = reads.read("t", "a", d.one("a"));
    d.answerAll();
    await first;
    void reads.read("t", "b", d.one("b"));
    assert.deepEqual(d.sent, ["one:a", "one:b"]);
  });

  test("with the pipe full, reads queue until a statement returns", async () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, 1);
    const got = ["a", "b", "c"].map((id) => reads.read("t", id, d.one(id)));
    await turn();
    assert.deepEqual(d.sent, ["one:a"], "one statement in flight at most");
    d.answerAll();
    await turn();
    assert.deepEqual(d.sent, ["one:a", "many:t:b,c"]);
    d.answerAll();
    assert.deepEqual((await Promise.all(got)).map((row) => row._id), ["a", "b", "c"]);
  });

  test("maxInFlight Infinity: every read alone, at once", () => {
    const d = fakeDriver();
    const reads = new PointReads(d.run, d.statementFor, Infinity);
    for (const id of ["a", "b", "c"]) void reads.read("t", id, d.one(id));
    assert.deepEqual(d.sent, ["one:a", "one:b", "one:c"]);
  });
});
