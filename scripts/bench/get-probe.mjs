// Probe: where a Postgres point read's time goes. Interleaves, on one connection, the store's
// `get` (db.query(r => r.get(id))), the package's postgres.js adapter alone running the store's
// statement, and raw postgres.js running it prepared; prints medians. Not part of the tests.
//
//   node scripts/bench/get-probe.mjs [--dist js-shim/dist] [--n 4000] [--table probe_docs]
import postgres from "postgres";
import { docsSchema, loadBuild, makeDoc } from "./builds.mjs";

const opt = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(opt("--n", 4000));
const TABLE = opt("--table", "probe_docs");
const b = await loadBuild(opt("--dist", "js-shim/dist"));
const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
const exec = b.G.buildPgExec(sql);
let lastText = null;
const spy = { query: (text, params) => ((lastText = text), exec.query(text, params)) };
for (const key of Object.getOwnPropertySymbols(exec)) spy[key] = exec[key];
const db = b.G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: spy, schema: docsSchema(b.S, TABLE) });
await db.migrate();
let ids = (await sql.unsafe(`SELECT "_id" FROM "${TABLE}" LIMIT 500`)).map((r) => r._id);
if (ids.length < 500) {
  ids = await db.mutation(async (w) => {
    const out = [];
    for (let i = 0; i < 500; i++) out.push(await w.insert(TABLE, makeDoc(i)));
    return out;
  });
}
await db.query((r) => r.get(ids[0]));
const text = lastText;
const adapter = b.G.buildPgExec(sql);
const ways = {
  store: (id) => db.query((r) => r.get(id)),
  adapter: (id) => adapter.query(text, [id]),
  raw: (id) => sql.unsafe(text, [id], { prepare: true }),
};
const names = Object.keys(ways);
const times = Object.fromEntries(names.map((k) => [k, []]));
for (let i = 0; i < N + 500; i++) {
  const id = ids[i % ids.length];
  for (let j = 0; j < names.length; j++) {
    const k = names[(i + j) % names.length]; // rotate the order every iteration
    const t0 = performance.now();
    await ways[k](id);
    if (i >= 500) times[k].push((performance.now() - t0) * 1000);
  }
}
const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
console.log(names.map((k) => `${k} ${median(times[k]).toFixed(1)} us`).join(", "), `(ratio store/raw ${(median(times.store) / median(times.raw)).toFixed(3)})`);
await sql.end();
