// ctx.sql inside workerd, through real Hyperdrive local bindings, against real PostgreSQL
// and MariaDB, for every driver the contract names.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

const POSTGRES_DRIVERS = ["postgres-js", "pg-pool", "pg-client"];
const MYSQL_DRIVERS = ["mysql2-pool", "mysql2-conn"];
const run = (driver, scenario) => worker.get(`/run/${driver}/${scenario}?table=${uniqueTable("crud")}`);

for (const driver of [...POSTGRES_DRIVERS, ...MYSQL_DRIVERS]) {
  const mysql = driver.startsWith("mysql2");
  describe(`${driver}`, () => {
    test("parameterised select, insert/update/delete with rowsAffected", async () => {
      const r = await run(driver, "crud");
      assert.equal(r.dialect, mysql ? "mysql" : "postgres");
      assert.deepEqual(r.inserts, [{ rowsAffected: 1 }, { rowsAffected: 1 }, { rowsAffected: 1 }]);
      assert.deepEqual(
        r.selected.map((row) => [Number(row.id), row.name, Number(row.qty)]),
        [[2, "pear", 7], [3, "plum", 9]],
      );
      assert.deepEqual(r.hostile, [], "a quote in a parameter is data, not SQL");
      assert.deepEqual(r.updated, { rowsAffected: 2 });
      assert.deepEqual(r.unchanged, { rowsAffected: 1 }, "matched rows count even when unchanged (FOUND_ROWS on MySQL)");
      assert.deepEqual(r.deleted, { rowsAffected: 1 });
      assert.deepEqual(r.missing, { rowsAffected: 0 });
      assert.deepEqual(r.after.map((row) => [Number(row.id), row.name, Number(row.qty)]), [[1, "apple", 5], [3, "plum", 10]]);
      assert.deepEqual(r.nonSelect, []);
    });

    test("transaction commits, rolls back on a thrown error, nests with savepoints", async () => {
      const r = await run(driver, "transactions");
      assert.equal(r.committed, "done");
      assert.equal(r.afterCommit, 2);
      assert.equal(r.sameErrorRethrown, true, "the callback's own error is rethrown");
      assert.equal(r.afterRollback, 2, "a thrown error leaves no row behind");
      assert.equal(r.failing.threw, true);
      assert.equal(r.failing.isSqlError, true);
      assert.equal(r.afterFailingStatement, 2);
      assert.deepEqual(r.ids, [1, 2, 5, 7], "the inner savepoint rolled back, the outer transaction committed");
      assert.equal(r.afterConcurrent, 2 + 2 + 8);
    });

    test("driver errors surface as SqlError with their SQL state and code", async () => {
      const r = await run(driver, "errors");
      for (const e of [r.missingTable, r.syntax, r.duplicate]) {
        assert.equal(e.threw, true);
        assert.equal(e.isSqlError, true);
        assert.equal(e.name, "SqlError");
        assert.equal(e.code, "SQL_ERROR");
      }
      if (mysql) {
        assert.equal(r.missingTable.sqlState, "42S02");
        assert.equal(r.missingTable.driverCode, "ER_NO_SUCH_TABLE");
        assert.equal(r.missingTable.errno, 1146);
        assert.equal(r.syntax.sqlState, "42000");
        assert.equal(r.duplicate.sqlState, "23000");
        assert.equal(r.duplicate.driverCode, "ER_DUP_ENTRY");
        assert.equal(r.mysqlNaN.threw, true);
        assert.match(r.mysqlNaN.message, /finite/);
      } else {
        assert.equal(r.missingTable.sqlState, "42P01");
        assert.match(r.missingTable.message, /does not exist/);
        assert.equal(r.syntax.sqlState, "42601");
        assert.equal(r.duplicate.sqlState, "23505");
        assert.match(r.duplicate.constraint, /_pkey$/);
      }
      assert.equal(r.badParam.threw, true);
      assert.equal(r.badParam.name, "TypeError");
    });
  });
}

describe("Postgres drivers return the same JS values", () => {
  test("postgres.js, pg Pool and pg Client agree on every type", async () => {
    const [a, b, c] = await Promise.all(POSTGRES_DRIVERS.map((d) => run(d, "pgTypes")));
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.deepEqual(a, {
      big: 9007199254740993n,
      negbig: -42n,
      num: "12.50",
      yes: true,
      no: false,
      bytes: new Uint8Array([1, 2, 255]),
      j: { a: [1, 2], b: "x" },
      jb: { n: null },
      tstz: new Date("2024-01-02T01:04:05.678Z"),
      ts: new Date("2024-01-02T03:04:05.500Z"),
      d: "2024-01-02",
      tinf: Infinity,
      nothing: null,
      nan: NaN,
      neginf: -Infinity,
      f4: 1.25,
      i2: 32767,
      i4: 42,
      bigs: [1n, 9007199254740993n, null],
      texts: ["a,b", 'c"d', null],
      matrix: [[1, 2], [3, 4]],
      bools: [true, false],
      id: "e6f1c2a4-9d3b-4c8e-8f7a-1b2c3d4e5f60",
      tm: "12:34:56",
      unicode: "héllo 🌍",
    });
  });

  test("parameters round-trip identically (bigint, bytes, Date, JSON, arrays)", async () => {
    const results = await Promise.all(POSTGRES_DRIVERS.map((d) => run(d, "pgParams")));
    for (const r of results) assert.deepEqual(r, results[0]);
    const r = results[0];
    assert.deepEqual(r.inserted, { rowsAffected: 1 });
    assert.deepEqual(r.rows, [
      {
        big: 9007199254740993n,
        bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
        at: new Date("2024-05-06T07:08:09.123Z"),
        doc: { k: [1, "two", null], big: "1152921504606846976" },
        tags: ["a,b", 'q"uote', null],
        nums: [1n, 4611686018427387904n],
        flag: true,
        f: -0.5,
      },
    ]);
    assert.deepEqual(r.exact, [{ n: 1 }]);
    assert.deepEqual(r.offByOne, [{ n: 0 }], "bigint parameters are exact beyond 2^53");
  });
});

describe("MySQL types through mysql2", () => {
  for (const driver of MYSQL_DRIVERS) {
    test(`${driver}: TINYINT(1), BIGINT beyond 2^53, JSON, BLOB, DECIMAL, DATETIME`, async () => {
      const r = await run(driver, "mysqlTypes");
      assert.deepEqual(r.inserted, { rowsAffected: 1 });
      assert.deepEqual(r.rows, [
        {
          id: 1,
          flag: 1,
          big: 9007199254740993n,
          ubig: 18446744073709551615n,
          
          doc: { k: [1, "two", null] },
          blobby: new Uint8Array([0, 1, 2, 253, 254, 255]),
          price: "12.50",
          at: new Date("2024-05-06T07:08:09.123Z"),
          day: "2024-01-02",
          f: 1.5,
          name: "héllo 🌍",
          nothing: null,
        },
      ]);
      assert.deepEqual(r.exact, [{ n: 1n }]);
      assert.deepEqual(r.offByOne, [{ n: 0n }], "bigint parameters are exact beyond 2^53");
      assert.deepEqual(r.inList, [{ id: 1 }]);
    });
  }
});
