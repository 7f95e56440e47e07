// Scenarios that run inside workerd against the real servers. Each returns observations;
// the Node test files (test/integration) assert on them.
import { SqlError, type SqlClient } from "@lunora/hyperdrive";

export type Scenario = (sql: SqlClient, table: string) => Promise<unknown>;

async function captureError(fn: () => Promise<unknown>) {
  try {
    await fn();
    return { threw: false };
  } catch (e: any) {
    return {
      threw: true,
      name: e?.name,
      isSqlError: e instanceof SqlError,
      code: e?.code,
      sqlState: e?.sqlState,
      errno: e?.errno,
      driverCode: e?.driverCode,
      constraint: e?.constraint,
      message: e?.message,
    };
  }
}

const ph = (sql: SqlClient, i: number) => (sql.dialect === "postgres" ? `$${i}` : "?");

async function count(sql: SqlClient, table: string): Promise<number> {
  const [row] = await sql.query<{ n: unknown }>(`select count(*) as n from ${table}`);
  return Number(row!.n);
}

async function createItems(sql: SqlClient, table: string) {
  await sql.execute(`drop table if exists ${table}`);
  await sql.execute(`create table ${table} (id int primary key, name varchar(100) not null, qty int not null)`);
}

export const scenarios: Record<string, Scenario> = {
  async crud(sql, t) {
    await createItems(sql, t);
    const p = (i: number) => ph(sql, i);
    const inserts = [];
    for (const [id, name, qty] of [[1, "apple", 5], [2, "pear", 7], [3, "plum", 9]] as const) {
      inserts.push(await sql.execute(`insert into ${t} (id, name, qty) values (${p(1)}, ${p(2)}, ${p(3)})`, [id, name, qty]));
    }
    const selected = await sql.query(`select id, name, qty from ${t} where qty > ${p(1)} order by id`, [6]);
    const hostile = await sql.query(`select id from ${t} where name = ${p(1)}`, ["x' or '1'='1"]);
    const updated = await sql.execute(`update ${t} set qty = qty + 1 where id >= ${p(1)}`, [2]);
    const unchanged = await sql.execute(`update ${t} set qty = qty where id = ${p(1)}`, [1]);
    const deleted = await sql.execute(`delete from ${t} where name = ${p(1)}`, ["pear"]);
    const missing = await sql.execute(`delete from ${t} where id = ${p(1)}`, [999]);
    const after = await sql.query(`select id, name, qty from ${t} order by id`);
    const nonSelect = await sql.query(`update ${t} set qty = 0 where id = ${p(1)}`, [999]);
    await sql.execute(`drop table ${t}`);
    return { dialect: sql.dialect, inserts, selected, hostile, updated, unchanged, deleted, missing, after, nonSelect };
  },

  async transactions(sql, t) {
    await createItems(sql, t);
    const p = (i: number) => ph(sql, i);
    const insert = (tx: SqlClient, id: number) =>
      tx.execute(`insert into ${t} (id, name, qty) values (${p(1)}, ${p(2)}, ${p(3)})`, [id, `n${id}`, id]);

    const committed = await sql.transaction(async (tx) => {
      await insert(tx, 1);
      await insert(tx, 2);
      return "done";
    });
    const afterCommit = await count(sql, t);

    const boom = new Error("boom");
    let rethrown: unknown;
    try {
      await sql.transaction(async (tx) => {
        await insert(tx, 3);
        // visible inside the transaction...
        const inside = await count(tx, t);
        if (inside !== 3) throw new Error(`expected 3 rows inside, saw ${inside}`);
        throw boom;
      });
    } catch (e) {
      rethrown = e;
    }
    const afterRollback = await count(sql, t);

    // A failing statement inside the transaction also rolls everything back.
    const failing = await captureError(() =>
      sql.transaction(async (tx) => {
        await insert(tx, 4);
        await insert(tx, 1); // duplicate key
      }),
    );
    const afterFailingStatement = await count(sql, t);

    // Nested: the inner block rolls back to its savepoint, the outer one commits.
    await sql.transaction(async (tx) => {
      await insert(tx, 5);
      await tx.transaction(async (inner) => {
        await insert(inner, 6);
        throw new Error("inner");
      }).catch(() => undefined);
      await insert(tx, 7);
    });
    const ids = (await sql.query<{ id: unknown }>(`select id from ${t} order by id`)).map((r) => Number(r.id));

    // Concurrent transactions on the same client do not interleave.
    await Promise.all(
      [10, 11, 12, 13].map((id) =>
        sql.transaction(async (tx) => {
          await insert(tx, id);
          await insert(tx, id + 100);
        }),
      ),
    );
    const afterConcurrent = await count(sql, t);
    await sql.execute(`drop table ${t}`);
    return {
      committed,
      afterCommit,
      sameErrorRethrown: rethrown === boom,
      afterRollback,
      failing,
      afterFailingStatement,
      ids,
      afterConcurrent,
    };
  },

  async errors(sql, t) {
    await createItems(sql, t);
    const p = (i: number) => ph(sql, i);
    const missingTable = await captureError(() => sql.query(`select * from ${t}_does_not_exist`));
    const syntax = await captureError(() => sql.query(`selec 1`));
    await sql.execute(`insert into ${t} (id, name, qty) values (${p(1)}, ${p(2)}, ${p(3)})`, [1, "a", 1]);
    const duplicate = await captureError(() =>
      sql.execute(`insert into ${t} (id, name, qty) values (${p(1)}, ${p(2)}, ${p(3)})`, [1, "b", 2]),
    );
    const badParam = await captureError(() => sql.query(`select ${p(1)} as x`, [Symbol("nope")]));
    const mysqlNaN = sql.dialect === "mysql" ? await captureError(() => sql.query(`select ? as x`, [NaN])) : null;
    await sql.execute(`drop table ${t}`);
    return { missingTable, syntax, duplicate, badParam, mysqlNaN };
  },

  async pgTypes(sql) {
    const [row] = await sql.query(
      `select 9007199254740993::int8 as big, -42::int8 as negbig, 12.50::numeric as num,
              true as yes, false as no, '\\x0102ff'::bytea as bytes, '{"a":[1,2],"b":"x"}'::json as j,
              '{"n":null}'::jsonb as jb, '2024-01-02 03:04:05.678+02'::timestamptz as tstz,
              '2024-01-02 03:04:05.5'::timestamp as ts, '2024-01-02'::date as d,
              'infinity'::timestamptz as tinf, null::text as nothing, 'NaN'::float8 as nan,
              '-Infinity'::float8 as neginf, 1.25::float4 as f4, 32767::int2 as i2, 42::int4 as i4,
              '{1,9007199254740993,NULL}'::int8[] as bigs, '{"a,b","c\\"d",NULL}'::text[] as texts,
              '{{1,2},{3,4}}'::int4[] as matrix, '{t,f}'::bool[] as bools,
              'e6f1c2a4-9d3b-4c8e-8f7a-1b2c3d4e5f60'::uuid as id, '12:34:56'::time as tm,
              'héllo 🌍'::text as unicode`,
    );
    return row;
  },

  async pgParams(sql, t) {
    await sql.execute(`drop table if exists ${t}`);
    await sql.execute(
      `create table ${t} (big int8, bytes bytea, at timestamptz, doc jsonb, tags text[], nums int8[], flag bool, f float8)`,
    );
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const at = new Date("2024-05-06T07:08:09.123Z");
    const inserted = await sql.execute(
      `insert into ${t} values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [9007199254740993n, bytes, at, { k: [1, "two", null], big: 2n ** 60n }, ["a,b", 'q"uote', null], [1n, 2n ** 62n], true, -0.5],
    );
    const rows = await sql.query(`select * from ${t}`);
    const exact = await sql.query(`select count(*)::int as n from ${t} where big = $1`, [9007199254740993n]);
    const offByOne = await sql.query(`select count(*)::int as n from ${t} where big = $1`, [9007199254740992n]);
    await sql.execute(`drop table ${t}`);
    return { inserted, rows, exact, offByOne };
  },

  async mysqlTypes(sql, t) {
    await sql.execute(`drop table if exists ${t}`);
    await sql.execute(
      `create table ${t} (id int primary key, flag tinyint(1), big bigint, ubig bigint unsigned, doc json,
         blobby blob, price decimal(10,2), at datetime(3), day date, f double, name varchar(50), nothing int)`,
    );
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const at = new Date("2024-05-06T07:08:09.123Z");
    const inserted = await sql.execute(
      `insert into ${t} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [1, true, 9007199254740993n, 18446744073709551615n, { k: [1, "two", null] }, bytes, "12.50", at, "2024-01-02", 1.5, "héllo 🌍", null],
    );
    const rows = await sql.query(`select * from ${t}`);
    const exact = await sql.query(`select count(*) as n from ${t} where big = ?`, [9007199254740993n]);
    const offByOne = await sql.query(`select count(*) as n from ${t} where big = ?`, [9007199254740992n]);
    const inList = await sql.query(`select id from ${t} where id in (?)`, [[1, 2, 3]]);
    await sql.execute(`drop table ${t}`);
    return { inserted, rows, exact, offByOne, inList };
  },
};
