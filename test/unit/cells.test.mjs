// The store's page reads over driver cells (js-shim/src/global/cells-decode.ts) must give
// exactly the documents of the plain-row path (adapter row objects + decodeRow).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeRows } from "../../js-shim/dist/adapters/pg-values.js";
import { queryCells } from "../../js-shim/dist/adapters/cells.js";
import { cellsDocument, cellsPosition, planCells } from "../../js-shim/dist/global/cells-decode.js";
import { decodeRow } from "../../js-shim/dist/global/rows.js";

const table = {
  table: "t",
  sqlTable: "t",
  columns: [
    { field: "s", kind: "text", nullMeans: "never" },
    { field: "f", kind: "float64", nullMeans: "never" },
    { field: "i", kind: "int64", nullMeans: "missing" },
    { field: "b", kind: "boolean", nullMeans: "null" },
    { field: "y", kind: "bytes", nullMeans: "missing" },
    { field: "j", kind: "json", nullMeans: "missing" },
    { field: "__proto__", kind: "text", nullMeans: "missing" },
  ],
  indexes: [{ name: "by_s", fields: ["s"], keyColumn: "_k_by_s" }],
};
const PG_COLUMNS = [
  { name: "_id", type: 25 }, { name: "_creationTime", type: 701 }, { name: "_version", type: 20 },
  { name: "s", type: 25 }, { name: "f", type: 701 }, { name: "i", type: 20 }, { name: "b", type: 16 },
  { name: "y", type: 17 }, { name: "j", type: 25 }, { name: "__proto__", type: 25 }, { name: "_key", type: 17 },
];
// Column texts as Postgres sends them.
const PG_TEXTS = [
  ["id1", "1700000000000.5", "3", "héllo 🙂", "0.1", "9223372036854775807", "t", "\\x00ff10", '["a",{"$integer":"AQAAAAAAAAA="}]', "evil", "\\x0a0b"],
  ["id2", "NaN", "1", "", "-Infinity", null, null, null, null, null, "\\x"],
  ["id3", "Infinity", "18446744073709551", "x", "-0", "-9007199254740993", "f", "\\001\\\\a", "null", null, "\\x01"],
];

/** postgres.js-like cells: every cell a view into one shared buffer (its row message). */
function asBufferCells(rows) {
  return rows.map((row) => {
    const parts = row.map((t) => (t === null ? null : Buffer.from(t, "utf8")));
    const whole = Buffer.concat(parts.filter((p) => p !== null).flatMap((p) => [Buffer.alloc(4), p]));
    let at = 0;
    return parts.map((p) => {
      if (p === null) return null;
      at += 4;
      const view = whole.subarray(at, at + p.length);
      at += p.length;
      return view;
    });
  });
}

// decodeRow assigns fields with `=`, so a "__proto__" field (refused by validation on the way
// in) never appears there; the cells path keeps it as an own property. Compare the rest.
const rest = (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== "__proto__"));

const plainDocs = (columns, rows) =>
  decodeRows(columns.map((c) => ({ name: c.name, oid: c.type })), rows).map((row) => decodeRow(table, row));

describe("page reads over driver cells", () => {
  for (const [label, rows] of [["strings (pg)", PG_TEXTS], ["buffer views (postgres.js)", asBufferCells(PG_TEXTS)]]) {
    test(`Postgres ${label}: the same documents as adapter rows + decodeRow`, () => {
      const cells = { engine: "postgres", columns: PG_COLUMNS, rows };
      const plan = planCells(table, cells);
      assert.ok(plan);
      const expected = plainDocs(PG_COLUMNS, rows);
      rows.forEach((row, r) => {
        const doc = cellsDocument(plan, row);
        assert.deepEqual(rest(doc), rest(expected[r].doc));
        assert.equal(plan.version(row[plan.versionAt]), expected[r].version);
        assert.deepEqual(Object.keys(rest(doc)), Object.keys(rest(expected[r].doc)));
      });
      const [d1, d2, d3] = rows.map((row) => cellsDocument(plan, row));
      assert.equal(d1.s, "héllo 🙂");
      assert.equal(d1.i, 9223372036854775807n);
      assert.equal(d3.i, -9007199254740993n);
      assert.equal(d1.b, true);
      assert.equal(d3.b, false);
      assert.ok(d1.y instanceof ArrayBuffer);
      assert.deepEqual([...new Uint8Array(d1.y)], [0, 255, 16]);
      assert.deepEqual([...new Uint8Array(d3.y)], [1, 92, 97]); // escape format
      assert.deepEqual(d1.j, ["a", 1n]);
      assert.equal(d3.j, null);
      assert.ok(Number.isNaN(d2._creationTime));
      assert.equal(d2.f, -Infinity);
      assert.ok(Object.is(d3.f, -0));
      // null vs missing: "null" columns keep null, "missing" ones are left out.
      assert.equal(d2.b, null);
      assert.ok(!("i" in d2) && !("y" in d2) && !("j" in d2));
      // A field named __proto__ is an own property, never the prototype.
      assert.equal(Object.getPrototypeOf(d1), Object.prototype);
      assert.ok(Object.hasOwn(d1, "__proto__"));
      assert.equal(Object.getOwnPropertyDescriptor(d1, "__proto__").value, "evil");
      assert.ok(!Object.hasOwn(d2, "__proto__"));
      assert.deepEqual(cellsPosition(plan, rows[0]), { _id: "id1", _creationTime: 1700000000000.5, k: "0a0b" });
      assert.deepEqual(cellsPosition(plan, rows[1]).k, "");
    });
  }

  test("Postgres columns of another type than the layout's go through the general decoding", () => {
    const columns = PG_COLUMNS.map((c) => (c.name === "i" ? { name: "i", type: 1700 } : c.name === "f" ? { name: "f", type: 23 } : c));
    const rows = [["id1", "1.5", "2", "a", "42", "12345678901234567890", "t", "\\x01", "1", "p", "\\x02"]];
    const plan = planCells(table, { engine: "postgres", columns, rows });
    const doc = cellsDocument(plan, rows[0]);
    assert.deepEqual(rest(doc), rest(plainDocs(columns, rows)[0].doc));
    assert.equal(doc.i, 12345678901234567890n);
    assert.equal(doc.f, 42);
  });

  test("MySQL: mysql2's values give the documents of adapter rows + decodeRow", () => {
    const columns = ["_id", "_creationTime", "_version", "s", "f", "i", "b", "y", "j", "__proto__", "_key"].map((name) => ({ name, type: 0 }));
    const rows = [
      ["id1", 1700000000000.5, "3", "héllo", 0.1, "-9223372036854775808", 1, Buffer.from([0, 255]), '{"a":{"$integer":"AgAAAAAAAAA="}}', "evil", Buffer.from([10, 11])],
      ["id2", 1, "1", "", 2, null, null, null, null, null, Buffer.from([])],
      ["id3", 2, "7", "x", 3, 5n, 0, Buffer.from([7]), "[]", null, Buffer.from([1])],
    ];
    const plan = planCells(table, { engine: "mysql", columns, rows });
    rows.forEach((row) => {
      // The plain path: mysql2 row objects with BIGINT already converted to bigint.
      const object = Object.create(null);
      columns.forEach((c, i) => (object[c.name] = c.name === "_version" || c.name === "i" ? (row[i] === null ? null : BigInt(row[i])) : row[i]));
      const expected = decodeRow(table, object);
      assert.deepEqual(rest(cellsDocument(plan, row)), rest(expected.doc));
      assert.equal(plan.version(row[plan.versionAt]), expected.version);
    });
    const d1 = cellsDocument(plan, rows[0]);
    assert.equal(d1.i, -9223372036854775808n);
    assert.equal(d1.b, true);
    assert.deepEqual([...new Uint8Array(d1.y)], [0, 255]);
    assert.deepEqual(d1.j, { a: 2n });
    assert.equal(Object.getPrototypeOf(d1), Object.prototype);
    assert.equal(cellsDocument(plan, rows[2]).b, false);
    assert.deepEqual(cellsPosition(plan, rows[0]), { _id: "id1", _creationTime: 1700000000000.5, k: "0a0b" });
    assert.equal(cellsPosition(plan, rows[1]).k, "");
  });

  test("a result without a layout column has no plan; without _key the position has no key", () => {
    assert.equal(planCells(table, { engine: "postgres", columns: PG_COLUMNS.filter((c) => c.name !== "j"), rows: [] }), null);
    assert.equal(planCells(table, { engine: "mysql", columns: PG_COLUMNS.filter((c) => c.name !== "_version"), rows: [] }), null);
    const columns = PG_COLUMNS.filter((c) => c.name !== "_key");
    const plan = planCells(table, { engine: "postgres", columns, rows: [] });
    assert.equal(cellsPosition(plan, PG_TEXTS[0].slice(0, -1)).k, undefined);
  });

  test("Postgres numbers read from the cells' bytes equal Number(text) / BigInt(text)", () => {
    // float8 texts as Postgres writes them (shortest round trip), and the edges of the exact
    // fast path: 16 digits, 2^53 and past it, signs, lone dots, exponents, specials.
    const floats = [
      "0", "-0", "1", "-1", "0.1", "0.30000000000000004", "1795690403894.001", "1700000000000.5", "500.5", "-12.25",
      "9007199254740991", "9007199254740992", "9007199254740993", "1234567890123456", "12345678901234567", "0.0000000000000001",
      "4503599627370496.5", "1.", ".5", "-.5", "007", "1e+20", "5e-324", "1.7976931348623157e+308", "NaN", "Infinity", "-Infinity",
      "", "-", ".", "1.2.3", "+1", " 1", "1-",
    ];
    for (let i = 0; i < 3000; i++) {
      const x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 20 - 6);
      floats.push(String(x), String(Math.round(x)), x.toFixed(i % 7));
    }
    const ints = ["0", "1", "-1", "9007199254740991", "-9007199254740991", "9007199254740992", "-9007199254740993", "123456789012345678", "9223372036854775807", "-9223372036854775808", "007"];
    const columns = [{ name: "_id", type: 25 }, { name: "_creationTime", type: 701 }, { name: "_version", type: 20 }, { name: "f", type: 701 }, { name: "i", type: 20 }];
    const numbers = { ...table, columns: [{ field: "f", kind: "float64", nullMeans: "never" }, { field: "i", kind: "int64", nullMeans: "never" }] };
    const texts = floats.map((f, r) => ["id", f, "1", f, ints[r % ints.length]]);
    const rows = asBufferCells(texts);
    const plan = planCells(numbers, { engine: "postgres", columns, rows });
    rows.forEach((row, r) => {
      const doc = cellsDocument(plan, row);
      assert.ok(Object.is(doc.f, Number(texts[r][3])), `float8 ${JSON.stringify(texts[r][3])}: ${doc.f}`);
      assert.ok(Object.is(doc._creationTime, Number(texts[r][1])));
      assert.equal(doc.i, BigInt(texts[r][4]), `int8 ${texts[r][4]}`);
    });
    // The adapters' row decoding reads them the same way (float8, and int4 / float4 / int8).
    const decoded = decodeRows(columns.map((c) => ({ name: c.name, oid: c.name === "_version" ? 23 : c.name === "_creationTime" ? 700 : c.type })), rows);
    decoded.forEach((row, r) => {
      assert.ok(Object.is(row.f, Number(texts[r][3])));
      assert.ok(Object.is(row._creationTime, Number(texts[r][1])));
      assert.equal(row._version, 1);
      assert.equal(row.i, BigInt(texts[r][4]));
    });
    // A text that is no integer fails as BigInt(text) does.
    const bad = asBufferCells([["id", "1", "1", "1", "1.5"]]);
    assert.throws(() => cellsDocument(plan, bad[0]), SyntaxError);
  });

  test("Postgres text cells of every short length, ASCII or not, read as their UTF-8 text", () => {
    const texts = [];
    for (let n = 0; n <= 16; n++) {
      const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(0x20 + ((i * 7 + n) % 95))).join("");
      texts.push(ascii, ascii.slice(0, -1) + "é", "é" + ascii.slice(1), ascii.slice(0, Math.max(0, n - 4)) + "🙂", "\u007f".repeat(n), "\u0080".repeat(n));
    }
    const columns = [{ name: "_id", type: 25 }, { name: "_creationTime", type: 701 }, { name: "_version", type: 20 }, { name: "s", type: 25 }, { name: "j", type: 25 }];
    const strings = { ...table, columns: [{ field: "s", kind: "text", nullMeans: "never" }, { field: "j", kind: "json", nullMeans: "never" }] };
    const head = (t) => [...t].slice(0, 6).join(""); // whole code points
    const rowTexts = texts.map((t) => [t, "1", "1", t, JSON.stringify(head(t))]);
    const rows = asBufferCells(rowTexts);
    const plan = planCells(strings, { engine: "postgres", columns, rows });
    rows.forEach((row, r) => {
      const doc = cellsDocument(plan, row);
      assert.equal(doc._id, rowTexts[r][0]);
      assert.equal(doc.s, rowTexts[r][3]);
      assert.equal(doc.j, head(rowTexts[r][0]));
    });
  });

  test("queryCells is a registered symbol (an exec wrapper can forward it)", () => {
    assert.equal(queryCells, Symbol.for("@lunora/hyperdrive.queryCells"));
  });
});

describe("the store's take / paginate over an exec with queryCells", () => {
  test("returns the documents of the plain-row path, in and outside a mutation", async () => {
    const { createHyperdriveGlobalCtxDb } = await import("@lunora/hyperdrive/global");
    const { defineSchema, defineTable, v } = await import("@lunora/hyperdrive/schema");
    const schema = defineSchema({
      items: defineTable({ s: v.string(), n: v.number(), c: v.int64(), o: v.optional(v.object({ x: v.bytes() })) }).index("by_n", ["n"]).global(),
    });
    const columns = [
      { name: "_id", type: 25 }, { name: "_creationTime", type: 701 }, { name: "_version", type: 20 },
      { name: "s", type: 25 }, { name: "n", type: 701 }, { name: "c", type: 20 }, { name: "o", type: 25 }, { name: "_key", type: 17 },
    ];
    const texts = Array.from({ length: 7 }, (_, i) => [
      `id${i}`, String(1000 + i), String(i + 1), `s${i}`, String(i / 2), String(2n ** 60n + BigInt(i)),
      i % 2 ? null : '{"x":{"$bytes":"AQI="}}', `\\x${(0x10 + i).toString(16)}`,
    ]);
    const bufferRows = asBufferCells(texts);
    const plainRows = decodeRows(columns.map((c) => ({ name: c.name, oid: c.type })), texts);
    const make = (withCells) => {
      const cellsCalls = [];
      const exec = {
        async query(text) {
          if (/^\s*SELECT/i.test(text)) return { rows: plainRows, affectedRows: 0 };
          return { rows: [], affectedRows: 0 };
        },
        transaction: (fn) => fn(exec),
      };
      if (withCells) exec[queryCells] = async (text) => (cellsCalls.push(text), { engine: "postgres", columns, rows: bufferRows });
      return { db: createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema, autoMigrate: false }), cellsCalls };
    };
    const plain = make(false);
    const cells = make(true);
    const read = (db) => db.query(async (r) => ({
      take: await r.query("items").withIndex("by_n").take(5),
      page: await r.query("items").withIndex("by_n").paginate({ numItems: 3, cursor: null }),
    }));
    const a = await read(plain.db);
    const b = await read(cells.db);
    assert.deepEqual(b, a);
    assert.equal(b.take.length, 5);
    assert.equal(b.take[0].c, 2n ** 60n);
    assert.deepEqual([...new Uint8Array(b.take[0].o.x)], [1, 2]);
    assert.ok(!("o" in b.take[1]));
    assert.ok(cells.cellsCalls.length >= 2);
    // A page read again outside a mutation is sent before the core plans it (one statement per
    // read, the core's own); paginate keeps its cursor.
    const before = cells.cellsCalls.length;
    const again = await read(cells.db);
    assert.deepEqual(again, a);
    assert.equal(cells.cellsCalls.length - before, 2);
    assert.equal(new Set(cells.cellsCalls).size, 2);
    // Inside a mutation the documents read are remembered (their versions guard a later patch).
    const inMutation = (db) => db.mutation(async (w) => (await w.query("items").withIndex("by_n").take(2)).map((d) => d._id));
    assert.deepEqual(await inMutation(cells.db), await inMutation(plain.db));
  });
});
