// fromMysql2 returns the documented values whatever decoding options the user's pool carries:
// mysql2 applies a pool-level `typeCast` and merges big-number/date options into every query,
// so the adapter must neither be changed by them nor leak its own choices into them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import mysql from "mysql2/promise";
import { fromMysql2 } from "@lunora/hyperdrive";
import { MY_PASSWORD, MY_URL, uniqueName } from "./support.mjs";

const table = uniqueName("decode");
const pools = {};
before(async () => {
  pools.plain = mysql.createPool({ uri: MY_URL, connectionLimit: 2 });
  pools.ownTypeCast = mysql.createPool({ uri: MY_URL, connectionLimit: 2, typeCast: () => "from the user's typeCast" });
  pools.numbers = mysql.createPool({ uri: MY_URL, connectionLimit: 2, supportBigNumbers: false, dateStrings: false, decimalNumbers: false });
  await pools.plain.query(
    `create table ${table} (id int primary key, big bigint, ubig bigint unsigned, blobby varbinary(8), bits bit(8),
       at datetime(3), ts timestamp(3) null, day date, f double, name varchar(20), doc json)`,
  );
  await pools.plain.query(`insert into ${table} values (1, -9223372036854775808, 18446744073709551615, x'00ff', b'10100101',
    '2024-05-06 07:08:09.123', '2024-05-06 07:08:09.500', '2024-01-02', 0.1, 'héllo', '{"k": [1, null]}')`);
});
after(async () => {
  await pools.plain?.query(`drop table if exists ${table}`);
  await Promise.all(Object.values(pools).map((p) => p.end()));
});

const EXPECTED = {
  id: 1,
  big: -9223372036854775808n,
  ubig: 18446744073709551615n,
  blobby: new Uint8Array([0x00, 0xff]),
  bits: new Uint8Array([0xa5]),
  at: new Date("2024-05-06T07:08:09.123Z"),
  ts: new Date("2024-05-06T07:08:09.500Z"),
  day: "2024-01-02",
  f: 0.1,
  name: "héllo",
  doc: { k: [1, null] },
};

for (const name of ["plain", "ownTypeCast", "numbers"]) {
  test(`documented values from a pool with ${name} options`, async () => {
    const sql = fromMysql2(pools[name]);
    const rows = await sql.query(`select * from ${table}`);
    assert.equal(rows.length, 1);
    const row = rows[0];
    // Byte columns come back as plain Uint8Array views (not Buffer), like every other driver.
    for (const key of ["blobby", "bits"]) assert.equal(Object.getPrototypeOf(row[key]), Uint8Array.prototype, key);
    assert.deepEqual({ ...row, doc: typeof row.doc === "string" ? JSON.parse(row.doc) : row.doc }, EXPECTED);
    const [count] = await sql.query(`select count(*) as n from ${table} where big = ?`, [-9223372036854775808n]);
    assert.deepEqual(count, { n: 1n });
  });
}

// A single connection (and a pool's connection, inside a transaction) is queried through
// mysql2's callback API with a ready Query command once its class is known (adapters/mysql2.ts):
// the same values, options and errors on every statement, the first and the later ones.
for (const typeCastName of ["plain", "ownTypeCast"]) {
  test(`documented values and errors from a single connection with ${typeCastName} options, statement after statement`, async () => {
    const conn = await mysql.createConnection({ uri: MY_URL, ...(typeCastName === "ownTypeCast" ? { typeCast: () => "from the user's typeCast" } : {}) });
    try {
      const sql = fromMysql2(conn);
      for (let i = 0; i < 3; i++) {
        const [row] = await sql.query(`select * from ${table} where id = ?`, [1]);
        for (const key of ["blobby", "bits"]) assert.equal(Object.getPrototypeOf(row[key]), Uint8Array.prototype, key);
        assert.deepEqual({ ...row, doc: typeof row.doc === "string" ? JSON.parse(row.doc) : row.doc }, EXPECTED);
        assert.deepEqual(await sql.query(`select count(*) as n from ${table} where big = ?`, [-9223372036854775808n]), [{ n: 1n }]);
        assert.deepEqual(await sql.execute(`update ${table} set f = f where id = ?`, [1]), { rowsAffected: 1 });
        const error = await sql.query("select * from no_such_table_here").then(() => null, (e) => e);
        assert.equal(error?.name, "SqlError");
        assert.equal(error.sqlState, "42S02");
        assert.equal(error.errno, 1146);
        assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(MY_PASSWORD));
      }
    } finally {
      await conn.end();
    }
  });
}

test("documented values inside a transaction on a pool's connection, and a rollback", async () => {
  const sql = fromMysql2(pools.plain);
  for (let i = 0; i < 2; i++) {
    const rows = await sql.transaction(async (tx) => {
      await tx.execute(`update ${table} set name = ? where id = ?`, ["changed", 1]);
      return tx.query(`select * from ${table} where id = ?`, [1]);
    });
    assert.equal(rows[0].name, "changed");
    assert.equal(rows[0].big, EXPECTED.big);
    await assert.rejects(sql.transaction(async (tx) => {
      await tx.execute(`update ${table} set name = ? where id = ?`, ["rolled back", 1]);
      await tx.query("select * from no_such_table_here");
    }), (e) => e.name === "SqlError" && e.errno === 1146);
    await sql.execute(`update ${table} set name = ? where id = ?`, [EXPECTED.name, 1]);
  }
  assert.deepEqual((await sql.query(`select name from ${table}`)).map((r) => r.name), [EXPECTED.name]);
});

test("a connection whose query was replaced on the instance sees every statement", async () => {
  const conn = await mysql.createConnection({ uri: MY_URL });
  try {
    const seen = [];
    const query = conn.query.bind(conn);
    conn.query = (options, values) => (seen.push(options.sql), query(options, values));
    const sql = fromMysql2(conn);
    await sql.query(`select id from ${table} where id = ?`, [1]);
    await sql.transaction((tx) => tx.query(`select id from ${table}`));
    assert.deepEqual(seen, [`select id from ${table} where id = ?`, "START TRANSACTION", `select id from ${table}`, "COMMIT"]);
  } finally {
    await conn.end();
  }
});
