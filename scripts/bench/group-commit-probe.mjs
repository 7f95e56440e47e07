// Group commit probe: 32 concurrent read-modify-write mutations on a pool of 6 vs 32 raw
// UPDATEs, and the timeline of the statements the store sent (see docs/BENCHMARKS.md).
//   node scripts/bench/group-commit-probe.mjs postgres|mysql   (DIST=<dist folder> to compare builds)
import postgres from "postgres";
import mysql from "mysql2/promise";
import { pathToFileURL } from "node:url";
const dist = process.env.DIST ?? new URL("../../js-shim/dist", import.meta.url).pathname;
const G = await import(pathToFileURL(dist + "/global/index.js").href);
const S = await import(pathToFileURL(dist + "/schema/index.js").href);
const { defineSchema, defineTable, v } = S;
const TABLE = "probe_tp";
const schema = defineSchema({ [TABLE]: defineTable({ name: v.string(), count: v.int64(), age: v.number() }).index("by_age", ["age"]).global() });
const engine = process.argv[2] ?? "postgres";
let exec, q, close;
if (engine === "postgres") {
  const sql = postgres("postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 6, fetch_types: false, onnotice: () => {} });
  exec = G.buildPgExec(sql); q = (t, p = []) => sql.unsafe(t, p); close = () => sql.end();
} else {
  const pool = mysql.createPool({ host: "127.0.0.1", port: 33069, user: "lunora", password: "lunora_my_pw", database: "lunora", charset: "utf8mb4", connectionLimit: 6 });
  exec = G.buildMysqlExec(pool); q = async (t, p = []) => (await pool.query(t, p))[0]; close = () => pool.end();
}
let log = []; const t0 = () => performance.now();
const spy = {
  async query(text, params) { const s = t0(); const r = await exec.query(text, params); log?.push([s, t0(), (text.length > 3000 ? "BIG " : "") + text.slice(0, 30).replace(/\s+/g, " ")]); return r; },
  transaction: (fn) => exec.transaction((inner) => fn({ async query(text, params) { const s = t0(); const r = await inner.query(text, params); log?.push([s, t0(), "TX " + text.slice(0, 26).replace(/\s+/g, " ")]); return r; } })),
};
const db = G.createHyperdriveGlobalCtxDb({ engine, exec: spy, schema });
await db.migrate();
const ids = [];
for (let i = 0; i < 32; i++) ids.push(await db.mutation((w) => w.insert(TABLE, { name: "n" + i, count: 0n, age: i })));
const T = engine === "postgres" ? `"${TABLE}"` : "`" + TABLE + "`";
const Q = (c) => (engine === "postgres" ? `"${c}"` : "`" + c + "`");
const upd = `UPDATE ${T} SET ${Q("count")} = ${Q("count")} + 1, ${Q("_version")} = ${Q("_version")} + 1 WHERE ${Q("_id")} = ${engine === "postgres" ? "$1" : "?"}`;
const pkg = () => Promise.all(ids.map((id) => db.mutation((w) => w.get(id).then((d) => w.patch(id, { count: d.count + 1n })))));
const raw = () => Promise.all(ids.map((id) => q(upd, [id])));
const tp = [], tr = [];
for (let i = 0; i < 60; i++) {
  for (const [fn, out] of i % 2 ? [[pkg, tp], [raw, tr]] : [[raw, tr], [pkg, tp]]) { const s = t0(); await fn(); if (i >= 10) out.push(t0() - s); }
}
const agg = {}; for (const [a, b, t] of log) { const k = t.slice(0, 12); (agg[k] ??= []).push(b - a); }
for (const [k, v] of Object.entries(agg)) console.log(k.padEnd(14), "n", v.length, "median ms", v.sort((x, y) => x - y)[v.length >> 1].toFixed(3));
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(engine, "pkg ms", med(tp).toFixed(2), "raw ms", med(tr).toFixed(2), "ratio", (med(tr) / med(tp)).toFixed(2));
log = []; const s = t0(); await pkg(); const e = t0();
console.log("one pkg batch", (e - s).toFixed(2), "ms,", log.length, "statements");
for (const [a, b, t] of log) if (!/^SELECT/.test(t)) console.log((a - s).toFixed(2).padStart(7), (b - s).toFixed(2).padStart(7), t);
const sel = log.filter(([, , t]) => /^SELECT/.test(t)); console.log("selects: first start", (sel[0][0]-s).toFixed(2), "last end", (Math.max(...sel.map((x) => x[1])) - s).toFixed(2));
await close();
