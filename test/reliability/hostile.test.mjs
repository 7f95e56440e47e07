// Hostile input on both engines: every value is either refused with a typed error (nothing
// written: the mutation it was part of leaves no row) or stored and read back identical, both
// through the store and through a raw SELECT; SQL metacharacters are never executed.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { LunoraHyperdriveError } from "@lunora/hyperdrive";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { ENGINES, figure, openAdmin, openPool, q, uniqueName } from "./support.mjs";

const NASTY = [
  "'", "''", "\"", "`", "\\", "';--", "'; DROP TABLE x; --", "/* c */", "*/", "-- c", "#c", ";", "$1", "?", "%s",
  "\u0000", "a\u0000b", "\uD800", "a\uDC00b", "\uFFFF", "\u{1F600}", "é", "x ", " ", "",
  "__proto__", "constructor", "prototype", "${x}", "\r\n\t\b\f", "\u2028\u2029",
];
const LONG = ["x".repeat(100_000), "'".repeat(200_000), "\u{1F600}".repeat(50_000)];
const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];

const clone = (value) => structuredClone(value);

function deepNest(depth) {
  let value = 1;
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
}

for (const engine of ENGINES) {
  describe(`${engine}: hostile input`, () => {
    const cleanup = [];
    after(async () => {
      for (const fn of cleanup.reverse()) await fn().catch(() => {});
    });
    let db, admin, table;
    const counts = { stored: 0, refused: 0 };

    async function rowCount() {
      const [row] = await admin.raw(`select count(*) as c from ${q(engine, table)}`);
      return Number(row.c);
    }

    /** Stores `doc` next to a marker document in one mutation: both land or neither does. */
    async function storeOrRefuse(doc, label) {
      const before = await rowCount();
      let id;
      try {
        id = await db.mutation(async (w) => {
          await w.insert(table, { s: "marker", n: 0, i: 0n, any: null });
          return w.insert(table, doc);
        });
      } catch (error) {
        assert.ok(error instanceof LunoraHyperdriveError, `${label}: untyped error ${error?.stack ?? error}`);
        assert.equal(typeof error.code, "string");
        assert.equal(await rowCount(), before, `${label}: a refused mutation left rows behind`);
        counts.refused += 1;
        return { refused: error };
      }
      assert.equal(await rowCount(), before + 2, label);
      const back = await db.query((r) => r.get(id));
      for (const [k, value] of Object.entries(doc)) assert.deepStrictEqual(back[k], value, `${label}: field ${k} changed`);
      counts.stored += 1;
      return { id, back };
    }

    test("setup", async () => {
      table = uniqueName("rel_hostile");
      const pool = await openPool(engine, { max: 2 });
      admin = await openAdmin(engine);
      cleanup.push(() => pool.close(), () => admin.close(), () => admin.raw(`drop table if exists ${q(engine, table)}`));
      db = pool.open(
        defineSchema({
          [table]: defineTable({ s: v.string(), n: v.number(), i: v.int64(), any: v.any(), t: v.optional(v.string()), big: v.optional(v.any()), b: v.optional(v.bytes()) })
            .index("by_s", ["s"])
            .index("by_any", ["any"])
            .global(),
        }),
      );
      await db.migrate();
    });

    test("strings with SQL metacharacters, NUL, lone surrogates, long strings", async () => {
      for (const s of NASTY) {
        const label = `string ${JSON.stringify(s.slice(0, 20))}`;
        const result = await storeOrRefuse({ s, n: 1, i: 1n, any: { k: s, list: [s, { [`k${s.slice(0, 100)}`]: s }] } }, label);
        if (result.refused) {
          // Only what the engine cannot hold may be refused: lone surrogates everywhere, NUL
          // in Postgres text.
          // in Postgres text; control characters in field names (Convex's rule).
          const allowed =
            /[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "")) || s.includes("\u0000") || /[\u0000-\u001f\u007f-\u009f]/.test(s.slice(0, 100));
          assert.ok(allowed, `${label} refused: ${result.refused.message}`);
          continue;
        }
        // Found again through an index range on exactly that value (never interpreted).
        const found = await db.query((r) => r.query(table).withIndex("by_s", (x) => x.eq("s", s)).collect());
        assert.equal(found.length, 1, label);
        const filtered = await db.query((r) => r.query(table).filter((f) => f.eq(f.field("s"), s)).collect());
        assert.equal(filtered.length, 1, label);
        const [raw] = await admin.raw(`select s from ${q(engine, table)} where ${q(engine, "_id")} = ${engine === "postgres" ? "$1" : "?"}`, [result.id]);
        assert.equal(raw.s, s, `${label}: the SQL column differs from what was written`);
      }
      // Long strings (past the 1024-byte index key bound, so in an unindexed field).
      for (const t of LONG) {
        const result = await storeOrRefuse({ s: "long", n: 0, i: 0n, any: null, t }, `long string ${t.length}`);
        assert.ok(!result.refused, result.refused?.message);
        const [raw] = await admin.raw(`select t from ${q(engine, table)} where ${q(engine, "_id")} = ${engine === "postgres" ? "$1" : "?"}`, [result.id]);
        assert.equal(raw.t, t);
      }
      // An indexed value past the index key bound is a typed refusal, nothing written.
      assert.match((await storeOrRefuse({ s: "x".repeat(2000), n: 0, i: 0n, any: null }, "long indexed")).refused?.message ?? "", /index key/);
      assert.equal(await rowCount(), 2 * counts.stored);
    });

    test("int64 extremes and float specials round-trip exactly", async () => {
      for (const i of [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n]) {
        const result = await storeOrRefuse({ s: "i", n: 0, i, any: [i, -i === 2n ** 63n ? 0n : -i] }, `int64 ${i}`);
        assert.ok(!result.refused, `int64 ${i} refused`);
      }
      for (const n of [Number.MAX_VALUE, Number.MIN_VALUE, -0, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity]) {
        const result = await storeOrRefuse({ s: "f", n, i: 0n, any: null }, `float ${n}`);
        if (result.refused) assert.ok(engine === "mysql" && !Number.isFinite(n) || Object.is(n, -0), `float ${n} refused: ${result.refused.message}`);
      }
      for (const i of [2n ** 63n, -(2n ** 63n) - 1n]) {
        const result = await storeOrRefuse({ s: "i", n: 0, i, any: null }, `out-of-range ${i}`);
        assert.ok(result.refused, `int64 out of range ${i} was stored`);
      }
    });

    test("prototype-polluting keys are plain data", async () => {
      const any = JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"nested":{"__proto__":[1]}}');
      const result = await storeOrRefuse({ s: "proto", n: 0, i: 0n, any }, "proto keys");
      assert.ok(!result.refused, "proto keys refused");
      assert.ok(Object.prototype.hasOwnProperty.call(result.back.any, "__proto__"));
      assert.deepStrictEqual(Object.keys(result.back.any).sort(), ["__proto__", "constructor", "nested"]);
      assert.equal({}.polluted, undefined, "Object.prototype was polluted");
      for (const key of PROTO_KEYS) {
        await assert.rejects(db.mutation((w) => w.insert(table, { s: "x", n: 0, i: 0n, any: null, [key]: 1 })), LunoraHyperdriveError, key);
      }
      assert.equal({}.polluted, undefined);
    });

    test("identifiers and field names with SQL metacharacters are refused before any SQL", async () => {
      for (const name of ["a'b", "a`b", 'a"b', "a;b", "a--b", "a/*b", "a b", "a\u0000b", "_x", "$x", "x".repeat(65)]) {
        assert.throws(
          () => {
            const store = db; // any store: the schema is refused while being built
            void store;
            defineSchema({ [name]: defineTable({ s: v.string() }).global() });
            defineTable({ s: v.string() }).index(name, ["s"]);
          },
          (e) => e instanceof LunoraHyperdriveError || e instanceof Error,
          name,
        );
        const before = await rowCount();
        await assert.rejects(db.mutation((w) => w.insert(table, { s: "x", n: 0, i: 0n, any: null, [name]: 1 })), LunoraHyperdriveError, name);
        assert.equal(await rowCount(), before);
      }
      const tables = await admin.raw(
        engine === "postgres" ? "select count(*) as c from pg_tables where schemaname = current_schema()" : "select count(*) as c from information_schema.tables where table_schema = database()",
      );
      assert.ok(Number(tables[0].c) > 0);
    });

    test("deep nesting, huge arrays, huge documents are refused whole", async () => {
      const shallow = await storeOrRefuse({ s: "d", n: 0, i: 0n, any: null, big: deepNest(14) }, "depth 15");
      assert.ok(!shallow.refused, shallow.refused?.message);
      assert.ok((await storeOrRefuse({ s: "d", n: 0, i: 0n, any: null, big: deepNest(16) }, "depth 17")).refused, "depth 17");
      assert.ok((await storeOrRefuse({ s: "d", n: 0, i: 0n, any: null, big: deepNest(5000) }, "depth 5001")).refused, "depth 5001");
      assert.ok(!(await storeOrRefuse({ s: "a", n: 0, i: 0n, any: null, big: Array(8192).fill(0) }, "8192 items")).refused);
      assert.ok((await storeOrRefuse({ s: "a", n: 0, i: 0n, any: null, big: Array(8193).fill(0) }, "8193 items")).refused, "8193 items");
      assert.ok((await storeOrRefuse({ s: "big", t: "x".repeat(1100 * 1024), n: 0, i: 0n, any: null }, "1.1 MiB")).refused, "1.1 MiB");
      const fields = Object.fromEntries(Array.from({ length: 1025 }, (_, k) => [`f${k}`, k]));
      assert.ok((await storeOrRefuse({ s: "o", n: 0, i: 0n, any: null, big: fields }, "1025 fields")).refused, "1025 fields");
      figure(`hostile.${engine}`, counts);
    });
  });
}
