// Focused measurements of the JS <-> WASM boundary and the store's write path (issue #7).
// Not part of the tests.
//
//   node scripts/bench/boundary.mjs calls [--dist js-shim/dist]
//       The same core calls made through embind's std::string conversion and through the
//       byte boundary (js-shim/src/core/core.ts), interleaved on one WASM instance: ns per call.
//   node scripts/bench/boundary.mjs ab --a /tmp/base/dist --b js-shim/dist [--n 4000] [--engine postgres]
//       Two builds of the package, the store's point operations over a SqlExec answering
//       instantly with canned rows (CPU only, no I/O), interleaved in one process: median us
//       per op of A and B and B/A. Canned rows come from the bench_docs table that
//       scripts/bench/run.mjs leaves behind (run it once first).
//
// Both interleave the variants (the order rotates every round) because this machine's wall
// time drifts by tens of percent between runs.
import { docsSchema, loadBuild, makeDoc } from "./builds.mjs";
import postgres from "postgres";
import mysql from "mysql2/promise";

const args = process.argv.slice(2);
const mode = args[0];
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const median = (xs) => { const s = Float64Array.from(xs).sort(); return s[Math.floor(s.length / 2)]; };

const load = (dist) => loadBuild(dist, { core: true });

const schemaOf = (S) => docsSchema(S, "bench_docs");

/** Runs each variant `rounds` times, rotating their order; returns median us per variant. */
async function interleave(variants, rounds, warmup) {
  const times = variants.map(() => []);
  for (let i = 0; i < warmup + rounds; i++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const t0 = performance.now();
      await variants[k][1]();
      if (i >= warmup) times[k].push((performance.now() - t0) * 1000);
    }
  }
  return variants.map(([label], k) => [label, median(times[k])]);
}

if (mode === "calls") {
  const { S, core } = await load(opt("--dist", "js-shim/dist"));
  const fast = core.getCore();
  const embind = core.getEmbindCore();
  const unwrap = (s) => { const e = JSON.parse(s); if (!e.ok) throw new Error(e.message); return e.value; };
  const store = unwrap(fast.storeOpen(JSON.stringify(schemaOf(S).toJSON()), "postgres", JSON.stringify({ seed: "00".repeat(32) })));
  const wire = JSON.stringify({ ...makeDoc(7), count: { $integer: "BwAAAAAAAAA=" } });
  // One insert's commit through each way in (calls counted per op below).
  const insert = (api) => {
    const tx = unwrap(api.txBegin(store));
    unwrap(api.txInsert(tx, "bench_docs", wire, 1.7e12));
    const accepted = unwrap(api.txAcceptPlan(tx));
    unwrap(api.txFinish(tx, accepted.sequence));
  };
  // The same commit with the answers the store uses: a number, "<id> <time>", positional arrays.
  const insertCompact = (api) => {
    const tx = api.txBeginHandle(store);
    api.txInsertCompact(tx, "bench_docs", wire, 1.7e12);
    const accepted = JSON.parse(api.txAcceptPlanCompact(tx));
    unwrap(api.txFinish(tx, accepted[1]));
  };
  const id = (() => { const tx = unwrap(fast.txBegin(store)); const r = unwrap(fast.txInsert(tx, "bench_docs", wire, 1)); fast.txEnd(tx); return r._id; })();
  const ops = {
    "txBegin+txEnd (numbers only)": (api) => { api.txEnd(unwrap(api.txBegin(store))); },
    "storeGet (2 short strings in, ~100 B out)": (api) => unwrap(api.storeGet(store, "", id)),
    "insert: begin, insert, acceptPlan, finish": insert,
    "insert, compact answers: beginHandle, insertCompact, acceptPlanCompact, finish": insertCompact,
  };
  for (const [name, op] of Object.entries(ops)) {
    const batch = (api) => () => { for (let i = 0; i < 200; i++) op(api); };
    const [[, e], [, b]] = await interleave([["embind", batch(embind)], ["bytes", batch(fast)]], 300, 50);
    console.log(`${name}: embind ${(e * 5).toFixed(0)} ns, byte boundary ${(b * 5).toFixed(0)} ns per op (${(b / e).toFixed(3)})`);
  }
  process.exit(0);
}

if (mode === "ab") {
  const A = await load(opt("--a", "/tmp/boundary-base/dist"));
  const B = await load(opt("--b", "js-shim/dist"));
  const N = Number(opt("--n", 4000));
  const engine = opt("--engine", "postgres");
  // Canned rows: the document read by get/patch, through B's own store over the real server.
  let q, close, exec;
  if (engine === "postgres") {
    const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
    q = (t, p) => sql.unsafe(t, p); close = () => sql.end(); exec = B.G.buildPgExec(sql);
  } else {
    const conn = await mysql.createConnection({ host: "127.0.0.1", port: Number(process.env.LUNORA_MYSQL_PORT ?? 33069), user: "lunora", password: "lunora_my_pw", database: "lunora", charset: "utf8mb4" });
    q = async (t, p) => (await conn.query(t, p))[0]; close = () => conn.end(); exec = B.G.buildMysqlExec(conn);
  }
  const [{ _id: id }] = await q(engine === "postgres" ? `SELECT "_id" FROM "bench_docs" LIMIT 1` : "SELECT `_id` FROM `bench_docs` LIMIT 1", []);
  let got;
  const recorder = {
    async query(text, params) {
      const r = await exec.query(text, params);
      if (text.includes("bench_docs")) got ??= r; // (MySQL: not the server version query before it)
      return r;
    },
    transaction: (fn) => exec.transaction(fn),
  };
  await B.G.createHyperdriveGlobalCtxDb({ engine, exec: recorder, schema: schemaOf(B.S), autoMigrate: false }).query((r) => r.get(id));
  await close();
  const cannedStore = (pkg) => {
    const fake = {
      async query(text) {
        if (/VERSION\(\)/.test(text)) return { rows: [{ version: "10.11-MariaDB" }], affectedRows: 1 };
        if (/^\s*SELECT/i.test(text)) return got;
        return { rows: /RETURNING/i.test(text) ? [{ "?column?": 1 }] : [], affectedRows: 1 };
      },
      transaction: (fn) => fn(fake),
    };
    return pkg.G.createHyperdriveGlobalCtxDb({ engine, exec: fake, schema: schemaOf(pkg.S), autoMigrate: false });
  };
  const dbA = cannedStore(A), dbB = cannedStore(B);
  const ops = {
    get: (db) => db.query((r) => r.get(id)),
    insert: (db) => db.mutation((w) => w.insert("bench_docs", makeDoc(7))),
    patch: (db) => db.mutation((w) => w.patch(id, { score: 2.5 })),
    mutation: (db) => db.mutation((w) => w.get(id).then((d) => w.patch(id, { count: d.count + 1n }))),
  };
  for (const [name, op] of Object.entries(ops)) {
    const batch = (db) => async () => { for (let i = 0; i < 20; i++) await op(db); };
    const [[, a], [, b]] = await interleave([["A", batch(dbA)], ["B", batch(dbB)]], N / 20, 50);
    console.log(`${engine} ${name}: A ${(a / 20).toFixed(2)} us, B ${(b / 20).toFixed(2)} us, B/A ${(b / a).toFixed(3)}`);
  }
  process.exit(0);
}

console.error("usage: node scripts/bench/boundary.mjs calls [--dist DIR] | ab --a DIST --b DIST [--n N] [--engine postgres|mysql]");
process.exit(2);
