// Focused A/B of the mysql2 driver adapter ALONE (buildMysqlExec, no store) against raw mysql2,
// on the MariaDB of scripts/db.sh. Two builds of the package (A = --a DIST, B = --b DIST, each a
// js-shim/dist folder) and the raw driver run interleaved in one process on the SAME
// mysql2/promise connection; the order (raw, A, B) rotates every iteration.
//
//   node scripts/bench/mysql-adapter-ab.mjs --a /tmp/mysqlad-base/dist --b js-shim/dist [--n 2000] [--ops get,take100,cells100] [--pool]
//
// (--pool: a mysql2/promise pool of one connection instead of a single connection.)
//
// Ops (each runs the store's own SELECT text, recorded from a store over the same table):
//   get       a point read by _id of a 10-field document: exec.query(text, params)
//   take100   a page of 100 rows (take(100) over by_age) through exec.query (plain rows)
//   cells100  the same page through the store-private cells path (exec[queryCells])
// Raw side: `conn.query(text, params)` on the same connection (the page's neutral params turned
// into what mysql2 takes), `[0]` of the result, no row mapping (as run.mjs's adapter_* rows).
// Prints the median us of A, B, raw and the ratios to raw (and p90). The table is this script's
// own (`mysqlad_docs`, seeded with 2000 documents once), so it does not race run.mjs.
// Not part of the tests.
import { docsSchema, loadBuild, makeDoc } from "./builds.mjs";
import mysql from "mysql2/promise";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(opt("--n", 2000));
const WARMUP = 200;
const OPS = opt("--ops", "get,take100,cells100").split(",");
const TABLE = "mysqlad_docs";
const CELLS = Symbol.for("@lunora/hyperdrive.queryCells");

const load = (dist) => loadBuild(dist);
const A = await load(opt("--a", "/tmp/mysqlad-base/dist"));
const B = await load(opt("--b", "js-shim/dist"));

const schemaOf = (S) => docsSchema(S, TABLE);
function stats(xs) {
  const s = Float64Array.from(xs).sort();
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
}

const MY = {
  host: "127.0.0.1", port: Number(process.env.LUNORA_MYSQL_PORT ?? 33069), user: "lunora", password: "lunora_my_pw",
  database: "lunora", charset: "utf8mb4",
};
const conn = args.includes("--pool") ? mysql.createPool({ ...MY, connectionLimit: 1 }) : await mysql.createConnection(MY);
const execA = A.G.buildMysqlExec(conn);
const execB = B.G.buildMysqlExec(conn);

// A store over B's exec with a spy that records the statements it sends.
let recorded = null;
const spyExec = {
  async query(text, params) { recorded?.push({ text, params }); return execB.query(text, params); },
  async [CELLS](text, params) { recorded?.push({ text, params }); return execB[CELLS](text, params); },
  transaction: (fn) => execB.transaction(fn),
};
const db = B.G.createHyperdriveGlobalCtxDb({ engine: "mysql", exec: spyExec, schema: schemaOf(B.S) });
await db.migrate();
const [[{ n }]] = await conn.query(`SELECT COUNT(*) AS n FROM \`${TABLE}\``);
if (Number(n) < 2000) {
  await conn.query(`DELETE FROM \`${TABLE}\``);
  for (let b = 0; b < 2000; b += 100) {
    await db.mutation(async (w) => { for (let i = b; i < b + 100; i++) await w.insert(TABLE, makeDoc(i)); });
  }
}
const ids = (await conn.query(`SELECT \`_id\` FROM \`${TABLE}\` ORDER BY \`_id\``))[0].map((r) => r._id);
const pick = (i) => ids[(i * 7919) % ids.length];
const statementOf = async (fn) => { recorded = []; await fn(); const s = recorded[0]; recorded = null; return s; };
const getSt = await statementOf(() => db.query((r) => r.get(pick(0))));
const range = (r) => r.query(TABLE).withIndex("by_age", (x) => x.gte("age", 100));
const takeSt = await statementOf(() => db.query((r) => range(r).take(100)));
const rawParams = (params) => params.map((p) => (p && typeof p === "object" ? (p.$int !== undefined ? BigInt(p.$int) : Buffer.from(p.$hex, "hex")) : p));
console.log(`get SQL: ${getSt.text}`);
console.log(`take SQL: ${takeSt.text}  params ${JSON.stringify(takeSt.params)}`);

const raw = async (text, params) => (await conn.query(text, params))[0];
const ops = {
  get: {
    A: (i) => execA.query(getSt.text, [pick(i)]),
    B: (i) => execB.query(getSt.text, [pick(i)]),
    raw: (i) => raw(getSt.text, [pick(i)]),
  },
  take100: {
    A: () => execA.query(takeSt.text, takeSt.params),
    B: () => execB.query(takeSt.text, takeSt.params),
    raw: () => raw(takeSt.text, rawParams(takeSt.params)),
  },
  cells100: {
    A: () => execA[CELLS](takeSt.text, takeSt.params),
    B: () => execB[CELLS](takeSt.text, takeSt.params),
    raw: () => raw(takeSt.text, rawParams(takeSt.params)),
  },
};

// Same values from both builds.
const same = (x) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
for (const name of OPS) {
  const [a, b] = [await ops[name].A(1), await ops[name].B(1)];
  if (same(a) !== same(b)) throw new Error(`${name}: builds A and B return different results`);
}

for (const name of OPS) {
  const labels = ["raw", "A", "B"];
  const times = { raw: [], A: [], B: [] };
  for (let i = 0; i < WARMUP + N; i++) {
    for (let j = 0; j < 3; j++) {
      const label = labels[(i + j) % 3];
      const t0 = performance.now();
      await ops[name][label](i);
      if (i >= WARMUP) times[label].push((performance.now() - t0) * 1000);
    }
  }
  const [a, b, r] = [stats(times.A), stats(times.B), stats(times.raw)];
  console.log(
    `${name.padEnd(8)} raw ${r.median.toFixed(1)} us | A ${a.median.toFixed(1)} us (${(a.median / r.median).toFixed(3)}x, p90 ${(a.p90 / r.p90).toFixed(3)}x)` +
      ` | B ${b.median.toFixed(1)} us (${(b.median / r.median).toFixed(3)}x, p90 ${(b.p90 / r.p90).toFixed(3)}x) | B/A ${(b.median / a.median).toFixed(3)}`,
  );
}
await conn.end();
