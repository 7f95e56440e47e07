// The .global() store inside workerd, through Hyperdrive, on real PostgreSQL and MariaDB,
// with the reference page's wiring (a { query } wrapper over a postgres.js pool) and the
// other drivers the contract names; and on SQLite: a D1 database and a Durable Object's own
// storage, both real SQLite in Miniflare.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

const DRIVERS = ["postgres-js-wrapper", "postgres-js", "pg-pool", "mysql2-pool", "d1", "do-sqlite"];
const SQLITE = ["d1", "do-sqlite"];
const isSqlite = (driver) => SQLITE.includes(driver);
const run = (driver, scenario) => worker.get(`/store/${driver}/${scenario}?table=${uniqueTable("store")}`);
const bytes = (...b) => Uint8Array.from(b).buffer;
const EMPTY_REPORT = { addedColumns: [], createdIndexes: [], createdTables: [], keptColumns: [], relaxedColumns: [], unmaintainedIndexColumns: [] };

for (const driver of DRIVERS) {
  // MySQL and SQLite refuse NaN, +-Infinity and -0; Postgres stores them.
  const postgres = !driver.startsWith("mysql") && !isSqlite(driver);
  describe(`store via ${driver}`, () => {
    test("CRUD, validation, values, reads-own-writes, layout", async () => {
      const r = await run(driver, "crud");
      assert.equal(r.report.createdTables.length, 1);
      assert.deepEqual(r.again, EMPTY_REPORT, "migrate() is idempotent");
      const { _id, _creationTime, ...fields } = r.got;
      assert.equal(_id, r.id);
      assert.equal(typeof _creationTime, "number");
      assert.equal(_id.length, 32);
      assert.deepEqual(fields, {
        active: true,
        blob: bytes(0, 1, 255),
        meta: { big: -(2n ** 63n), bytes: bytes(7), nested: [1.5, "x", null, true] },
        name: "ada",
        price: postgres ? -0 : 1.25,
        qty: 9007199254740993n,
        rating: null,
        status: "open",
        tags: ["a", "b"],
      });
      assert.deepEqual(r.gotByTable, r.got);
      assert.equal(r.wrongTable, null, "get(table, id) with another table's name finds nothing");
      assert.deepEqual(r.normalized, [r.id, null, null, null]);

      assert.equal(r.patched.note, "hello");
      assert.equal(r.patched.rating, 4.5);
      assert.equal("blob" in r.patched, false, "patch with undefined removes the field");
      assert.equal(r.patched.qty, 9007199254740993n);
      assert.deepEqual(r.replaced, { _id: r.id, _creationTime, active: false, name: "bob", price: 2, qty: -1n, rating: null, status: "closed", tags: [] });

      assert.equal(r.invalid.isValidation, true);
      assert.equal(
        r.invalid.message,
        `Failed to insert or update a document in table "${r.report.createdTables[0]}" because it does not match the schema: Path: .qty Value: 5 Validator: v.int64()`,
      );
      assert.match(r.extraField.message, /extra field `bogus`/);
      assert.equal(r.halfWritten.isValidation, true);
      assert.equal(String(r.after), String(r.before), "a refused mutation writes nothing, not even its valid writes");
      if (!postgres) {
        assert.equal(r.nanRefused.code, "UNSUPPORTED_VALUE");
        assert.equal(r.nanRefused.isValidation, true);
        assert.match(r.nanRefused.message, /Path: \.price Value: NaN/);
        assert.match(r.negZeroRefused.message, /cannot store -0/);
      } else {
        assert.ok(Number.isNaN(r.nanStored.price));
        assert.equal(r.nanStored.rating, -Infinity);
      }

      assert.equal(r.deleted, null);
      assert.equal(r.patchMissing.code, "NOT_FOUND");
      assert.match(r.patchMissing.message, /^patch: document ".+" does not exist/);
      assert.equal(r.deleteMissing.isNotFound, true);
      assert.equal(r.systemField.message, "insert: the system field _id is set by the store and cannot be written");

      assert.equal(r.own.first, "renamed");
      assert.equal(r.own.second, null);
      assert.equal(r.own.count, postgres ? 20 : 19, "the 20 inserted, minus the one deleted, plus the NaN document on Postgres");
      for (let i = 1; i < r.own.times.length; i++) assert.ok(r.own.times[i] > r.own.times[i - 1], "_creationTime strictly increases");

      assert.equal(r.rawRow.name, "renamed");
      assert.equal(String(r.rawRow.qty), "9007199254740993", "int64 is a real bigint column");
      assert.equal(Boolean(r.rawRow.active), true);
      if (isSqlite(driver)) assert.equal(r.rawRow.qtyType, "integer", "int64 is an INTEGER column on SQLite");
    });

    test("a failed guard on the last write of a multi-document mutation leaves none of its writes", async () => {
      const r = await run(driver, "atomic");
      assert.equal(r.failed.isConflict, true);
      assert.equal(r.failed.code, "CONFLICT");
      assert.match(r.failed.message, /was changed by another writer/);
      assert.deepEqual([r.failed.table, r.failed.id], [r.table, r.b], "ConflictError names the write whose guard failed");
      assert.deepEqual(r.names, [["a", 1], ["b", 1]], "neither the patch of a nor the insert of c remains");
      assert.equal(r.runs, 2, "with retries the mutation re-runs once");
      assert.equal(r.finalB, 2);
    });

    test("a read-modify-write: errors thrown by the patch call, later operations, conflicts", async () => {
      const r = await run(driver, "readModifyWrite");
      const validation = (e) => e?.code === "VALIDATION_FAILED" && e.isValidation && /Path: \.n Value: "x" Validator: v\.float64\(\)/.test(e.message);
      assert.deepEqual(r.caughtAtPatch, { handled: "handled", where: ["patch threw VALIDATION_FAILED"], runs: 1 });
      assert.equal(r.uncaught?.code, "VALIDATION_FAILED", JSON.stringify(r.uncaught));
      assert.match(r.uncaught.message, /Path: \.name Value: 5 Validator: v\.string\(\)/);
      assert.ok(validation(r.thenNext.error), JSON.stringify(r.thenNext));
      assert.deepEqual(r.thenNext.where, ["patch threw VALIDATION_FAILED"], "the patch call throws, not the operation after it");
      assert.ok(validation(r.throwsAfterRefused), JSON.stringify(r.throwsAfterRefused));
      assert.equal(r.throwsAfterValid?.message, "the function's own error");
      assert.deepEqual(r.seen, [2, [2]], "a get and a query after the patch see it");
      assert.equal(r.conflictRuns, 2, "the mutation whose guard failed re-ran once");
      assert.deepEqual(r.final, [112, 1104], "every write landed, none of the refused ones");
    });
  });
}

for (const driver of ["postgres-js-wrapper", "pg-pool", "mysql2-pool", ...SQLITE]) {
  const mysql = driver.startsWith("mysql");
  test(`migrations via ${driver}: add optional field and index (with backfill), refuse the rest, drop nothing`, async () => {
    const r = await run(driver, "migrations");
    assert.equal(r.created.createdTables.length, 1);
    const table = r.created.createdTables[0];
    assert.deepEqual(r.evolved, { ...EMPTY_REPORT, addedColumns: [`${table}.extra`], createdIndexes: [`${table}.by_n`] });
    assert.deepEqual(r.idempotent, EMPTY_REPORT);
    assert.equal(r.keys, 3, "existing rows got their index keys");
    assert.deepEqual(r.docs.sort(), [["a", 1, null], ["b", 2, null], ["c", 3, null]]);
    assert.equal(r.refused.isMigration, true);
    assert.deepEqual(r.refused.differences, [
      `table "${table}": new required field "must" cannot be added to existing rows; declare it v.optional() first`,
      mysql
        ? `table "${table}": field "name" is longtext collate utf8mb4_nopad_bin in the database; the schema needs float64 (double)`
        : isSqlite(driver)
        ? `table "${table}": field "name" is text in the database; the schema needs float64 (real)`
        : `table "${table}": field "name" is text collate C in the database; the schema needs float64 (double precision)`,
    ]);
    assert.deepEqual([...r.columnsAfter].sort(), ["_creationTime", "_id", "_k_by_n", "_version", "extra", "n", "name"]);
  });
}

for (const driver of SQLITE) {
  test(`migrate() via ${driver} is one atomic batch: a failure midway applies nothing`, async () => {
    const r = await run(driver, "migrationAtomic");
    assert.deepEqual(r.before.columns, ["_creationTime", "_id", "_version", "n", "name"]);
    assert.equal(r.conflict.code, "SQL_ERROR", JSON.stringify(r.conflict));
    assert.match(r.conflict.message, /already an index named/);
    assert.deepEqual(
      r.afterConflict,
      { columns: r.before.columns, indexes: [...r.before.indexes, `${r.table}_new`].sort(), blocker: [] },
      "no column, index or table of the failed migration remains (only the injected blocker index)",
    );
    assert.match(r.tooLong.message, /1 ?KiB|too long|1024/i, JSON.stringify(r.tooLong));
    assert.deepEqual(r.afterTooLong, r.before, "a backfill that cannot be computed applies nothing either");
    assert.deepEqual(r.report.createdTables, [`${r.table}_new`]);
    assert.deepEqual(r.report.addedColumns, [`${r.table}.extra`]);
    assert.ok(r.report.createdIndexes.includes(`${r.table}.by_n`));
    assert.equal(r.keys, 4, "existing rows got their index keys");
    assert.deepEqual(r.after.blocker.sort(), ["_creationTime", "_id", "_k_by_x", "_version", "x"]);
    assert.deepEqual([...r.after.columns].sort(), ["_creationTime", "_id", "_k_by_n", "_version", "extra", "n", "name"]);
  });
}

for (const driver of SQLITE) {
  test(`migrate() via ${driver} refuses text <-> JSON and int64 <-> boolean changes (recorded kinds)`, async () => {
    const r = await run(driver, "kindChanges");
    const table = r.created.createdTables[0];
    const recorded = (field, was, now) =>
      `table "${table}": field "${field}" holds ${was} values (recorded in _lunora_columns); the schema needs ${now}, which SQLite stores in the same column type but encodes differently`;
    assert.equal(r.changed.isMigration, true);
    assert.deepEqual(r.changed.differences, [recorded("b", "boolean", "int64"), recorded("s", "text", "json")]);
    assert.deepEqual(r.again, EMPTY_REPORT);
    assert.deepEqual(r.dropped, { ...EMPTY_REPORT, keptColumns: [`${table}.s`] });
    assert.equal(r.readded.isMigration, true, "a dropped field re-added with another kind is still refused");
    assert.deepEqual(r.readded.differences, [recorded("s", "text", "json")]);
    assert.deepEqual(r.recorded, [["b", "boolean"], ["s", "text"]]);
    assert.deepEqual(r.docs, [["x", true]]);
  });
}

for (const driver of ["postgres-js-wrapper", "pg-pool", "mysql2-pool"]) {
  test(`a patch writes only the columns it names and the index keys that moved via ${driver}`, async () => {
    const r = await run(driver, "patch-columns");
    assert.deepEqual(r.afterPatch, { label: "a", n: 2, note: "outside" }, "a column changed outside the store is left alone");
    assert.deepEqual(r.afterKeyPatch, { label: "b", n: 3, note: "outside" });
    assert.deepEqual(r.indexed, { a: [], b: [3] }, "the index follows a patched indexed field");
    assert.deepEqual(r.afterTwoPatches, { label: "b", n: 4, note: null }, "two patches in one mutation: both fields");
    assert.deepEqual(r.afterReplace, { label: "c", n: 5, note: null }, "a replace writes every column");
    assert.deepEqual(r.c, [5]);
    assert.deepEqual(r.group, [["g0", 10, "outside"], ["g1", 11, "outside"], ["g2", 12, "outside"]], "also when patches commit as a group");
  });
}

for (const driver of ["postgres-js", "mysql2-pool", ...SQLITE]) {
  test(`text columns compare in UTF-8 byte order without padding via ${driver}`, async () => {
    const r = await run(driver, "collation");
    assert.equal(r.eq, 1, "'x' and 'x ' are different strings");
    assert.deepEqual(r.ordered, ["X", "x", "x ", "z", "é"]);
  });
}

for (const driver of ["postgres-js-wrapper", "mysql2-pool", ...SQLITE]) {
  test(`wide documents, large values and big group commits land whole via ${driver}`, async () => {
    const r = await run(driver, "wide");
    assert.deepEqual(r.got, r.doc, "95 fields and a 300 KB string round-trip");
    assert.deepEqual(r.patched, r.expectedPatched, "int64 near -2^63 patched into 47 fields");
    assert.equal(r.count, 1 + 300 + 40);
    assert.deepEqual(r.byF1, ["g1010"]);
    if (isSqlite(driver)) {
      assert.equal(r.tooWide.code, "INVALID_SCHEMA", "a 101-column table is refused before any SQL");
      assert.match(r.tooWide.message, /needs 101 columns .* but sqlite allows 100 per table/);
    } else assert.equal(r.tooWide, null);
  });
}

test("a mysql2 pool without FOUND_ROWS is refused and nothing is written", async () => {
  const r = await worker.get(`/store/found-rows/x?table=${uniqueTable("store")}`);
  assert.equal(r.refused.code, "STORE_CONFIGURATION");
  assert.match(r.refused.message, /FOUND_ROWS/);
  assert.equal(r.tableExists, false);
});

test("every validator type round-trips to identical JS values on every engine", async () => {
  const [pg, pgPool, my, d1, doSqlite] = await Promise.all(["postgres-js-wrapper", "pg-pool", "mysql2-pool", ...SQLITE].map((d) => run(d, "roundtrip")));
  const expected = (s, ref) => [
    {
      anything: { n: 1e300, nested: [bytes(9), 123456789012345678n, { q: "x" }] },
      arr: [{ x: 2n ** 63n - 1n, y: "why" }, { x: 0n }],
      b: true,
      bytes: bytes(0, 255, 128, 1),
      f: 1 / 3,
      i: -(2n ** 63n),
      lit: "fixed",
      litBig: 42n,
      litBool: false,
      litNum: 3,
      nul: null,
      nullable: null,
      obj: { deep: { list: ["a", 1.5, null] }, flag: false },
      rec: { é: -1n, "key with space": 1n },
      s,
      uni: 7.25,
    },
    {
      anything: "just a string",
      arr: [{ x: 2n ** 63n - 1n, y: "why" }, { x: 0n }],
      b: true,
      bytes: bytes(0, 255, 128, 1),
      f: 1 / 3,
      i: 5n,
      lit: "fixed",
      litBig: 42n,
      litBool: false,
      litNum: 3,
      nul: null,
      nullable: 9007199254740993n,
      obj: { deep: { list: ["a", 1.5, null] }, flag: false },
      opt: "present",
      rec: { é: -1n, "key with space": 1n },
      ref,
      s,
      uni: "text",
    },
  ];
  for (const r of [pg, pgPool, my, d1, doSqlite]) {
    assert.equal(r.secondRef, true);
    assert.deepEqual(r.got, expected(r.s, r.got[1].ref));
    assert.deepEqual(r.queried, r.got, "an index query returns the same values as get()");
  }
  assert.match(my.s, /\u0000/, "MySQL keeps U+0000 in strings");
  assert.equal(pg.nul.code, "UNSUPPORTED_VALUE", "Postgres cannot: refused before any SQL");
  assert.match(pg.nul.message, /cannot store the character U\+0000/);
  assert.equal(my.nul, null);
  for (const r of [d1, doSqlite]) {
    assert.match(r.s, /\u0000/, "SQLite keeps U+0000 in strings");
    assert.equal(r.nul, null);
  }
});
