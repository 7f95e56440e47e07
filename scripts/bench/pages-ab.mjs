// Focused A/B of the page path: two builds of the package (A = --a DIST, B = --b DIST, each a
// js-shim/dist folder) and the raw driver, interleaved in one process on the SAME connection,
// against the bench_docs table that scripts/bench/run.mjs leaves behind (run it once first), or
// with `--table NAME` against a table of the same shape that this script creates and fills with
// 2000 documents when it is missing (so it can run while run.mjs rebuilds bench_docs).
//
//   node scripts/bench/pages-ab.mjs --a /tmp/base/dist --b js-shim/dist [--n 600] [--engine postgres|mysql]
//
// Prints, per engine and op (take100, paginate page 2; `--ops` also takes get, insert, patch
// and mutation: a point read by id, a 10-field insert against the raw INSERT of its columns, a
// one-field patch, and a read-modify-write against the raw SELECT + _version-guarded UPDATE), the median us of A, B and raw and the ratios to raw. Runs A, B and raw in each of their six orders in turn, one order an
// iteration. On Postgres the raw driver runs prepared (`sql.unsafe(text, params, { prepare: true })`,
// as run.mjs's baseline: the store prepares its repeated texts); `--raw-unprepared` runs it as
// `sql.unsafe(text, params)` (two round trips per statement with parameters). Not part of the tests.
import { randomBytes } from "node:crypto";
import { docsSchema, loadBuild, makeDoc, mapDocRow } from "./builds.mjs";
import postgres from "postgres";
import mysql from "mysql2/promise";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(opt("--n", 600));
const WARMUP = 100;
const engines = opt("--engine", "postgres,mysql").split(",");
const only = opt("--ops", "take100,paginate100").split(",");
const TABLE = opt("--table", "bench_docs");

const load = (dist) => loadBuild(dist);
const A = await load(opt("--a", "/tmp/pages-base/dist"));
const B = await load(opt("--b", "js-shim/dist"));

const schemaOf = (S) => docsSchema(S, TABLE);
const mapRow = mapDocRow;
const median = (xs) => { const s = Float64Array.from(xs).sort(); return s[Math.floor(s.length / 2)]; };
// The three sides run in each of their six orders in turn, so each follows each other side
// equally often. (A plain rotation A, B, raw always ran B right after A: with one build as both
// A and B, inserts read B/A 0.984-0.997 that way over three runs, 0.998-1.013 this way.)
const ORDERS = [[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 2, 1], [1, 2, 0], [2, 0, 1]];
const CELLS = Symbol.for("@lunora/hyperdrive.queryCells");
const WRITE_LATER = Symbol.for("@lunora/hyperdrive.cellsWriteLater");
const ROW_COUNTS = Symbol.for("@lunora/hyperdrive.reportsRowCounts");

for (const engine of engines) {
  let raw, q, close, execA, execB;
  if (engine === "postgres") {
    const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
    const prepare = !args.includes("--raw-unprepared");
    raw = sql; q = (t, p) => sql.unsafe(t, p, { prepare }); close = () => sql.end();
    execA = A.G.buildPgExec(sql); execB = B.G.buildPgExec(sql);
  } else {
    const conn = await mysql.createConnection({ host: "127.0.0.1", port: Number(process.env.LUNORA_MYSQL_PORT ?? 33069), user: "lunora", password: "lunora_my_pw", database: "lunora", charset: "utf8mb4" });
    raw = conn; q = async (t, p) => (await conn.query(t, p))[0]; close = () => conn.end();
    execA = A.G.buildMysqlExec(conn); execB = B.G.buildMysqlExec(conn);
  }
  // Record the statement each store sends (B's spy forwards the cells path).
  let recorded = null;
  const spy = (exec) => ({
    async query(text, params) { recorded?.push({ text, params }); return exec.query(text, params); },
    ...(exec[CELLS] ? { async [CELLS](text, params) { recorded?.push({ text, params }); return exec[CELLS](text, params); } } : {}),
    [WRITE_LATER]: exec[WRITE_LATER],
    [ROW_COUNTS]: exec[ROW_COUNTS],
    transaction: (fn) => exec.transaction(fn),
  });
  const dbA = A.G.createHyperdriveGlobalCtxDb({ engine, exec: spy(execA), schema: schemaOf(A.S), autoMigrate: false });
  const dbB = B.G.createHyperdriveGlobalCtxDb({ engine, exec: spy(execB), schema: schemaOf(B.S), autoMigrate: false });
  if (TABLE !== "bench_docs") {
    await dbA.migrate();
    const [{ n }] = await q(`SELECT count(*) AS n FROM ${TABLE}`, []);
    for (let b = Number(n); b < 2000; b += 100) {
      await dbA.mutation(async (w) => {
        for (let i = b; i < b + 100; i++) {
          await w.insert(TABLE, makeDoc(i));
        }
      });
    }
  }
  const range = (r) => r.query(TABLE).withIndex("by_age", (x) => x.gte("age", 100));
  const first = await dbA.query((r) => range(r).paginate({ numItems: 100, cursor: null }));
  const rawParams = (params) => engine === "postgres" ? params : params.map((p) => (p && typeof p === "object" ? (p.$int !== undefined ? BigInt(p.$int) : Buffer.from(p.$hex, "hex")) : p));
  const statementOf = async (fn) => { recorded = []; await fn(); const s = recorded[0]; recorded = null; return s; };
  const ids = (await q(`SELECT _id FROM ${TABLE} ORDER BY _id LIMIT 500`, [])).map((row) => row._id);
  const idOf = (i) => ids[(i * 7919) % ids.length];
  const ops = {
    take100: { op: (db) => db.query((r) => range(r).take(100)), rawRows: (rows) => rows.slice(0, 100).map(mapRow) },
    paginate100: { op: (db) => db.query((r) => range(r).paginate({ numItems: 100, cursor: first.continueCursor })), rawRows: (rows) => rows.slice(0, 100).map(mapRow) },
    get: { op: (db, i = 0) => db.query((r) => r.get(idOf(i))), rawRows: (rows) => (rows[0] ? mapRow(rows[0]) : null), param: idOf },
    patch: {
      op: (db, i = 0) => db.mutation((w) => w.patch(idOf(i), { score: i * 0.5 })),
      raw: (i) => q(`UPDATE ${T} SET ${Q("score")} = ${ph(1)}, ${Q("_version")} = ${Q("_version")} + 1 WHERE ${Q("_id")} = ${ph(2)}`, [i * 0.5, idOf(i)]),
    },
    // (Each insert a new document: A and B answer different ids.)
    insert: {
      op: (db, i = 0) => db.mutation((w) => w.insert(TABLE, makeDoc(700000 + i))),
      raw: (i) => q(insertText, insertParams(800000 + i)),
      sameResults: (x, y) => typeof x === "string" && typeof y === "string",
    },
    mutation: {
      op: (db, i = 0) => db.mutation(async (w) => {
        const doc = await w.get(idOf(i));
        await w.patch(idOf(i), { count: doc.count + 1n });
      }),
      raw: async (i) => {
        const row = mapRowWithVersion((await q(getText, [idOf(i)]))[0]);
        await q(`UPDATE ${T} SET ${Q("count")} = ${ph(1)}, ${Q("_version")} = ${Q("_version")} + 1 WHERE ${Q("_id")} = ${ph(2)} AND ${Q("_version")} = ${ph(3)}`,
          [String(row.count + 1n), idOf(i), row._version]);
      },
    },
  };
  const T = engine === "postgres" ? `"${TABLE}"` : `\`${TABLE}\``;
  // The raw insert: the store's columns (as run.mjs's baseline), a fresh id and its index key.
  const insertCols = ["_id", "_creationTime", "_version", ...Object.keys(makeDoc(0)).sort(), "_k_by_age"];
  const insertText = `INSERT INTO ${T} (${insertCols.map((c) => (engine === "postgres" ? `"${c}"` : `\`${c}\``)).join(", ")}) VALUES (${insertCols
    .map((c, i) => (engine === "postgres" ? (c === "_k_by_age" ? `decode($${i + 1}, 'hex')` : `$${i + 1}`) : "?")).join(", ")})`;
  const keyHex = Buffer.from((await q(`SELECT _k_by_age AS k FROM ${TABLE} LIMIT 1`, []))[0].k).toString("hex").slice(0, 20);
  const insertParams = (i) => {
    const d = makeDoc(i);
    // Not a store id, and sorted after every store id: the ids the ops read stay the store's.
    const id = `~${randomBytes(16).toString("hex").slice(1)}`;
    const values = [id, Date.now(), 1, ...Object.keys(d).sort().map((k) => (k === "tags" ? JSON.stringify(d[k]) : engine === "postgres" && typeof d[k] === "bigint" ? String(d[k]) : d[k]))];
    const key = keyHex + Buffer.from(id).toString("hex");
    return [...values, engine === "postgres" ? key : Buffer.from(key, "hex")];
  };
  const Q = (c) => (engine === "postgres" ? `"${c}"` : `\`${c}\``);
  const ph = (n) => (engine === "postgres" ? `$${n}` : "?");
  const getText = (await statementOf(() => ops.get.op(dbA))).text;
  const mapRowWithVersion = (r) => ({ ...mapRow(r), _version: String(r._version) });
  for (const [name, { op, rawRows, param, raw: rawOp, sameResults }] of Object.entries(ops).filter(([name]) => only.includes(name))) {
    // Same results from both builds.
    const [ra, rb] = [await op(dbA), await op(dbB)];
    const sameJson = (x) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v));
    if (sameResults ? !sameResults(ra, rb) : sameJson(ra) !== sameJson(rb)) throw new Error(`${engine} ${name}: builds A and B return different results`);
    const st = rawOp ? null : await statementOf(() => op(dbA));
    const variants = [
      ["A", (i) => op(dbA, i)],
      ["B", (i) => op(dbB, i)],
      ["raw", rawOp ?? (async (i) => rawRows(await q(st.text, param ? [param(i)] : rawParams(st.params))))],
    ];
    const times = { A: [], B: [], raw: [] };
    for (let i = 0; i < WARMUP + N; i++) {
      for (let j = 0; j < 3; j++) {
        const [label, fn] = variants[ORDERS[i % ORDERS.length][j]];
        const t0 = performance.now();
        await fn(i);
        if (i >= WARMUP) times[label].push((performance.now() - t0) * 1000);
      }
    }
    const [a, b, r] = [median(times.A), median(times.B), median(times.raw)];
    console.log(`${engine} ${name}: A ${a.toFixed(0)} us (${(a / r).toFixed(3)}), B ${b.toFixed(0)} us (${(b / r).toFixed(3)}), raw ${r.toFixed(0)} us; B/A ${(b / a).toFixed(3)}`);
  }
  await close();
}
