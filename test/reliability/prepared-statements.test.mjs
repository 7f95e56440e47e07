// The store over postgres.js runs the texts it repeats as named prepared statements (one round
// trip each: Bind + Execute), and nothing else: one-off texts, DDL and the actions' `ctx.sql`
// stay unprepared (js-shim/src/adapters/repeated-texts.ts). Checked on the connection itself
// (pg_prepared_statements of a one-connection pool). Results and errors are those of the
// unprepared path (a pool created with `prepare: false`, which postgres.js applies to every
// query), and a migration that adds a field between two reads changes nothing.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import postgres from "postgres";
import { fromPostgresJs } from "@lunora/hyperdrive";
import { buildPgExec, createHyperdriveGlobalCtxDb, createPostgresGlobalCtxDb } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { PG_URL, sleep, uniqueName } from "./support.mjs";

const CELLS = Symbol.for("@lunora/hyperdrive.queryCells");
const WRITE_LATER = Symbol.for("@lunora/hyperdrive.cellsWriteLater");

const pools = [];
/** One connection (so pg_prepared_statements shows every statement the pool named). */
function onePool(options = {}) {
  const sql = postgres(PG_URL, { max: 1, fetch_types: false, onnotice: () => {}, ...options });
  pools.push(sql);
  return sql;
}
const dropped = [];
after(async () => {
  const admin = onePool();
  for (const table of dropped) await admin.unsafe(`DROP TABLE IF EXISTS "${table}"`);
  for (const sql of pools) await sql.end({ timeout: 1 });
});

/** The statements named on the pool's one connection (a text without params is never named). */
async function preparedTexts(sql) {
  return (await sql.unsafe("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")).map((r) => r.statement);
}

/** The exec, counting the runs of each parameterised text the store sends (both read paths). */
function countingExec(exec, runs) {
  const count = (text, params) => {
    if (params.length > 0) runs.set(text, (runs.get(text) ?? 0) + 1);
  };
  return {
    query: (text, params) => (count(text, params), exec.query(text, params)),
    [CELLS]: (text, params) => (count(text, params), exec[CELLS](text, params)),
    [WRITE_LATER]: exec[WRITE_LATER],
    transaction: (fn) => exec.transaction(fn),
  };
}

function itemsSchema(table, extra = {}) {
  return defineSchema({
    [table]: defineTable({
      name: v.string(),
      price: v.number(),
      qty: v.int64(),
      active: v.boolean(),
      rating: v.nullable(v.number()),
      note: v.optional(v.string()),
      blob: v.optional(v.bytes()),
      tags: v.array(v.string()),
      meta: v.optional(v.any()),
      ...extra,
    })
      .index("by_name", ["name"])
      .global(),
  });
}
const item = (i) => ({
  name: `item ${i}`,
  price: i + 0.25,
  qty: 9007199254740993n + BigInt(i),
  active: i % 2 === 0,
  rating: i % 3 === 0 ? null : i / 7,
  ...(i % 2 ? { note: `n${i}` } : {}),
  ...(i % 4 === 1 ? { blob: new Uint8Array([0, i, 255]).buffer } : {}),
  tags: ["a", String(i)],
  ...(i % 5 === 0 ? { meta: { big: -(2n ** 63n), nested: [1.5, "x", null, true] } } : {}),
});
const json = (x) => JSON.stringify(x, (_k, val) => (typeof val === "bigint" ? `${val}n` : val instanceof ArrayBuffer ? [...new Uint8Array(val)] : val));

describe("postgres.js: the store prepares the texts it repeats", () => {
  test("repeated store statements are named on the connection; one-off texts, DDL and ctx.sql are not", async () => {
    const table = uniqueName("rel_prep");
    dropped.push(table);
    const sql = onePool();
    const runs = new Map();
    const db = createHyperdriveGlobalCtxDb({ engine: "postgres", exec: countingExec(buildPgExec(sql), runs), schema: itemsSchema(table), autoMigrate: false });
    await db.migrate();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await db.mutation((w) => w.insert(table, { ...item(2), name: `item ${i}` })));
    for (let i = 0; i < 4; i++) {
      await db.query((r) => r.get(ids[i]));
      await db.query((r) => r.query(table).withIndex("by_name", (q) => q.gte("name", "item")).take(10));
      await db.mutation((w) => w.patch(ids[i], { price: i * 2 + 0.5 }));
    }
    // One-offs: a commit of an unusual mix of writes, and a page of an unusual shape.
    await db.mutation(async (w) => {
      await w.insert(table, item(9));
      await w.patch(ids[0], { note: "once", tags: [] });
      await w.delete(ids[3]);
    });
    await db.query((r) => r.query(table).withIndex("by_name", (q) => q.gt("name", "item 1").lt("name", "item 3")).order("desc").take(2));
    // The actions' client over the same pool: postgres.js's own unsafe(), never prepared.
    const ctxSql = fromPostgresJs(sql);
    const actionText = `SELECT count(*)::int AS n FROM "${table}" WHERE "price" > $1`;
    for (let i = 0; i < 3; i++) await ctxSql.query(actionText, [0]);

    const prepared = await preparedTexts(sql);
    const repeated = [...runs].filter(([, n]) => n >= 2).map(([text]) => text);
    const once = [...runs].filter(([, n]) => n === 1).map(([text]) => text);
    const shown = (texts) => texts.map((text) => text.slice(0, 60)).join("\n");
    assert.ok(repeated.length >= 4, `the point read, the page, the insert and the patch repeat:\n${shown(repeated)}`);
    assert.ok(once.length >= 2, `the mixed commit and the odd page ran once (${once.length})`);
    assert.deepEqual([...prepared].sort(), [...repeated].sort(), "exactly the repeated store texts are prepared, each once");
    for (const text of once) assert.ok(!prepared.includes(text), `a one-off text was prepared: ${text.slice(0, 80)}`);
    assert.ok(!prepared.includes(actionText), "ctx.sql stays unprepared");
    assert.ok(!prepared.some((text) => /^\s*(CREATE|ALTER)/i.test(text)), "no DDL is prepared");
  });

  test("documents, pages and errors are those of the unprepared path", async () => {
    const table = uniqueName("rel_prep_same");
    dropped.push(table);
    const schema = itemsSchema(table);
    const sqlP = onePool();
    const sqlU = onePool({ prepare: false }); // postgres.js then prepares nothing, whatever a query asks
    const dbP = createPostgresGlobalCtxDb(sqlP, { schema });
    const dbU = createPostgresGlobalCtxDb(sqlU, { schema });
    await dbP.migrate();
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await dbP.mutation((w) => w.insert(table, item(i))));
    // Patches that set and clear fields (nulls among the params of a prepared text).
    for (let i = 0; i < 12; i++) await dbP.mutation((w) => w.patch(ids[i], i % 2 ? { note: undefined, rating: null } : { note: `p${i}`, rating: i + 0.5 }));
    for (let round = 0; round < 3; round++) {
      for (const id of ids) assert.equal(json(await dbP.query((r) => r.get(id))), json(await dbU.query((r) => r.get(id))));
      const page = (db, cursor) => db.query((r) => r.query(table).withIndex("by_name", (q) => q.gte("name", "item")).paginate({ numItems: 5, cursor }));
      let cursor = null;
      for (;;) {
        const [p, u] = [await page(dbP, cursor), await page(dbU, cursor)];
        assert.equal(json(p), json(u));
        if (p.isDone) break;
        cursor = p.continueCursor;
      }
      assert.equal(json(await dbP.query((r) => r.query(table).collect())), json(await dbU.query((r) => r.query(table).collect())));
    }
    const preparedP = await preparedTexts(sqlP);
    assert.ok(preparedP.length >= 3, "the prepared store ran prepared statements");
    assert.equal(new Set(preparedP).size, preparedP.length, "one statement per text, whichever params are null");
    assert.deepEqual(await preparedTexts(sqlU), [], "the unprepared store ran none");

    // A repeated text that fails: the same error (SQL state, message) on both paths, each time.
    const failing = "SELECT 1 / ($1::int - 1) AS x";
    const errorOf = async (exec) => {
      try {
        await exec.query(failing, ["1"]);
      } catch (error) {
        return { name: error.name, message: error.message, sqlState: error.sqlState };
      }
      assert.fail("division by zero did not fail");
    };
    const [execP, execU] = [buildPgExec(sqlP), buildPgExec(sqlU)];
    const expected = await errorOf(execU);
    assert.equal(expected.sqlState, "22012");
    for (let i = 0; i < 3; i++) assert.deepEqual(await errorOf(execP), expected);
    assert.deepEqual((await execP.query(failing, ["3"])).rows, [{ x: 0 }]);
    assert.ok((await preparedTexts(sqlP)).includes(failing), "the failing text ran prepared");
  });

  test("transactions and savepoints run prepared statements and still roll back", async () => {
    const table = uniqueName("rel_prep_tx");
    dropped.push(table);
    const sql = onePool();
    await sql.unsafe(`CREATE TABLE "${table}" (id int PRIMARY KEY, v text)`);
    const exec = buildPgExec(sql);
    const insert = `INSERT INTO "${table}" (id, v) VALUES ($1, $2) RETURNING id`;
    const read = `SELECT v FROM "${table}" WHERE id = $1`;
    await exec.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.query(insert, [String(i), `v${i}`]);
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.query(insert, ["10", "gone"]);
          assert.deepEqual((await inner.query(read, ["10"])).rows, [{ v: "gone" }]);
          throw new Error("roll the savepoint back");
        }),
        /roll the savepoint back/,
      );
      assert.deepEqual((await tx.query(read, ["10"])).rows, []);
      assert.deepEqual((await tx.query(read, ["2"])).rows, [{ v: "v2" }]);
    });
    await assert.rejects(
      exec.transaction(async (tx) => {
        await tx.query(insert, ["20", "gone"]);
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.deepEqual((await exec.query(read, ["20"])).rows, []);
    assert.deepEqual((await exec.query(`SELECT count(*)::int AS n FROM "${table}" WHERE v IS NOT NULL AND id > $1`, ["-1"])).rows, [{ n: 3 }]);
    const prepared = await preparedTexts(sql);
    assert.ok(prepared.includes(insert) && prepared.includes(read), "statements repeated inside transactions were prepared");
  });

  test("after its connection is killed, the store reconnects and names its statements again", async () => {
    const table = uniqueName("rel_prep_kill");
    dropped.push(table);
    const tag = uniqueName("lunora_rel_prep");
    const sql = onePool({ connection: { application_name: tag } });
    const admin = onePool();
    const db = createPostgresGlobalCtxDb(sql, { schema: itemsSchema(table) });
    await db.migrate();
    const id = await db.mutation((w) => w.insert(table, item(2)));
    const expected = json(await db.query((r) => r.get(id)));
    for (let i = 0; i < 2; i++) await db.query((r) => r.get(id));
    assert.ok((await preparedTexts(sql)).length >= 1);
    const [{ killed }] = await admin.unsafe("SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = $1", [tag]);
    assert.equal(killed, 1);
    let answer;
    for (let attempt = 0; attempt < 5 && answer === undefined; attempt++) {
      try {
        answer = json(await db.query((r) => r.get(id)));
      } catch (error) {
        assert.equal(error.name, "SqlConnectionError", String(error));
        await sleep(20);
      }
    }
    assert.equal(answer, expected);
    for (let i = 0; i < 2; i++) assert.equal(json(await db.query((r) => r.get(id))), expected);
    assert.ok((await preparedTexts(sql)).length >= 1, "the new connection names the point read again");
  });

  test("a migration that adds a field between two reads: old and new store texts both work", async () => {
    const table = uniqueName("rel_prep_mig");
    dropped.push(table);
    const sql = onePool();
    const db1 = createPostgresGlobalCtxDb(sql, { schema: itemsSchema(table) });
    await db1.migrate();
    const id = await db1.mutation((w) => w.insert(table, item(1)));
    const page = (db) => db.query((r) => r.query(table).withIndex("by_name", (q) => q.gte("name", "item")).take(10));
    const before = [];
    for (let i = 0; i < 3; i++) before.push(json([await db1.query((r) => r.get(id)), await page(db1)]));
    const preparedBefore = await preparedTexts(sql);
    assert.ok(preparedBefore.length >= 2, "the reads are prepared before the migration");

    // Another store (a deploy with a new optional field) migrates the table under the first.
    const db2 = createPostgresGlobalCtxDb(sql, { schema: itemsSchema(table, { extra: v.optional(v.string()) }) });
    const report = await db2.migrate();
    assert.deepEqual(report.addedColumns, [`${table}.extra`]);
    for (let i = 0; i < 2; i++) assert.equal(json([await db1.query((r) => r.get(id)), await page(db1)]), before[0], "the old prepared reads still answer");
    const id2 = await db2.mutation((w) => w.insert(table, { ...item(2), extra: "x" }));
    for (let i = 0; i < 3; i++) {
      assert.equal((await db2.query((r) => r.get(id2))).extra, "x");
      assert.equal((await db2.query((r) => r.get(id))).extra, undefined);
      assert.deepEqual((await page(db2)).map((d) => d.extra ?? null), [null, "x"]);
    }
    assert.equal((await db1.query((r) => r.get(id2))).name, "item 2");

    // A prepared text whose result type does change (SELECT *): postgres.js names it again.
    const exec = buildPgExec(sql);
    const star = `SELECT * FROM "${table}" WHERE "_id" = $1`;
    for (let i = 0; i < 2; i++) assert.ok(!("later" in (await exec.query(star, [id])).rows[0]));
    assert.ok((await preparedTexts(sql)).includes(star));
    await sql.unsafe(`ALTER TABLE "${table}" ADD COLUMN later text DEFAULT 'l'`);
    assert.equal((await exec.query(star, [id])).rows[0].later, "l");
  });
});
