// The benchmark suite of @lunora/hyperdrive (docs/BENCHMARKS.md). Not part of the tests.
//
//   bash scripts/bench.sh            (starts the local servers, builds what is missing, runs this)
//   node scripts/bench/run.mjs [--quick] [--cpu] [--out DIR] [--table NAME] [--block N] [--link-delay-ms MS] [--warmup N]
//   (--cpu: only measurement 3 and the native replay, for iterating on core CPU; writes
//   <out>/results-cpu.json and prints a table)
//
// Everything runs in ONE Node process against the loopback Postgres and MariaDB of
// scripts/db.sh, with the package's store in-process. Each package measurement is paired with
// the raw driver doing the same SQL work on the same connection, A/B interleaved (the order
// alternates every iteration; `--block N`: every N iterations) after a warm-up, and reported
// as a ratio of medians (and p99s) once the process is in its steady state (--warmup).
// On Postgres the package runs the statements it repeats as named prepared statements (one
// round trip each); when the build under test does, the raw side prepares too
// (`sql.unsafe(text, params, { prepare: true })`) so both do the same SQL work, and the raw
// driver unprepared (`sql.unsafe(text, params)`, two round trips per statement with params)
// is a second A/B pair of its own, reported beside it (`raw_unprepared`).
// Writes <out>/results.json and <out>/results.md (default: build/bench/).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import postgres from "postgres";
import mysql from "mysql2/promise";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const CPU_ONLY = args.includes("--cpu");
// Absolute: the workerd suite's Worker imports the package snapshot under it by path.
const outDir = resolve(args.includes("--out") ? args[args.indexOf("--out") + 1] : join(root, "build", "bench"));
mkdirSync(outDir, { recursive: true });

// A snapshot of the built package, so a rebuild running beside the benchmark cannot change it
// under the run (other work may rebuild js-shim/dist at any time).
const dist = join(outDir, "pkg", "dist");
execFileSync("rm", ["-rf", join(outDir, "pkg")]);
mkdirSync(join(outDir, "pkg"), { recursive: true });
execFileSync("cp", ["-r", join(root, "js-shim", "dist"), dist]);
execFileSync("cp", [join(root, "js-shim", "package.json"), join(outDir, "pkg", "package.json")]);
if (!existsSync(join(dist, "core", "generated", "lunora_core.wasm"))) throw new Error("js-shim/dist has no WASM core: run `cd js-shim && npm run build`");
const G = await import(pathToFileURL(join(dist, "global", "index.js")).href);
const S = await import(pathToFileURL(join(dist, "schema", "index.js")).href);
const coreMod = await import(pathToFileURL(join(dist, "core", "core.js")).href);
const { defineSchema, defineTable, v } = S;

// --link-delay-ms MS: both databases reached through delay-proxy.mjs (its own process), which
// holds every chunk MS ms in each direction, as a network link between a Worker and its
// database would: what the same ratios look like once a round trip costs milliseconds.
const LINK_DELAY_MS = args.includes("--link-delay-ms") ? Number(args[args.indexOf("--link-delay-ms") + 1]) : 0;
const proxies = [];
/** A delaying proxy in front of 127.0.0.1:`port`; resolves to the port it listens on. */
async function delayedPort(port) {
  const child = spawn(process.execPath, [join(root, "scripts", "bench", "delay-proxy.mjs"), "--listen", "0", "--to", String(port), "--delay-ms", String(LINK_DELAY_MS)], { stdio: ["ignore", "pipe", "inherit"] });
  proxies.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`delay-proxy exited (${code})`)));
    child.stdout.once("data", (line) => resolve(Number(/listening (\d+)/.exec(String(line))[1])));
  });
}
process.on("exit", () => proxies.forEach((child) => child.kill()));
let PG_URL = process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora";
const MY = { host: "127.0.0.1", port: Number(process.env.LUNORA_MYSQL_PORT ?? 33069), user: "lunora", password: "lunora_my_pw", database: "lunora", charset: "utf8mb4" };
if (LINK_DELAY_MS > 0) {
  const url = new URL(PG_URL);
  url.port = String(await delayedPort(Number(url.port)));
  PG_URL = url.href;
  MY.port = await delayedPort(MY.port);
}

const N_POINT = QUICK ? 200 : 1500;
const N_PAGE = QUICK ? 100 : 500;
// Steady state: V8 optimizes the shim's functions over the first ~3000 operations of a kind
// (docs/BENCHMARKS.md, "Eighteenth round"), so each pair first runs --warmup iterations
// (default 5000). The ratio over iterations EARLY_FROM.. EARLY_FROM + n of the same pair, the
// method until then (150 warm-up iterations), is reported beside it: a young process's figure.
const WARMUP = QUICK ? 30 : args.includes("--warmup") ? Number(args[args.indexOf("--warmup") + 1]) : 5000;
const EARLY_FROM = 150;
const SEED_DOCS = 2000;
// --block N: each side of an A/B runs N operations in a row per round (default 1: alternate
// every operation). A diagnostic: larger blocks keep each side's code warm between its runs.
const BLOCK = args.includes("--block") ? Number(args[args.indexOf("--block") + 1]) : 1;
// --table: another name, so runs beside each other on the shared servers do not drop each other's table.
const TABLE = args.includes("--table") ? args[args.indexOf("--table") + 1] : "bench_docs";
const log = (...a) => console.error("[bench]", ...a);
const CELLS = Symbol.for("@lunora/hyperdrive.queryCells");
const WRITE_LATER = Symbol.for("@lunora/hyperdrive.cellsWriteLater");
// Set on the package's Postgres execs: their affectedRows is the server's count (global/exec.ts).
const ROW_COUNTS = Symbol.for("@lunora/hyperdrive.reportsRowCounts");

// ---- schema and data --------------------------------------------------------------------

const schema = defineSchema({
  [TABLE]: defineTable({
    name: v.string(), email: v.string(), age: v.number(), score: v.float64(), active: v.boolean(),
    count: v.int64(), city: v.string(), country: v.string(), tags: v.array(v.string()), note: v.optional(v.string()),
  }).index("by_age", ["age"]).global(),
});
const FIELDS = ["name", "email", "age", "score", "active", "count", "city", "country", "tags", "note"];
const makeDoc = (i) => ({
  name: `user ${i}`, email: `user${i}@example.com`, age: i % 1000, score: i * 0.5, active: i % 2 === 0,
  count: BigInt(i), city: "Lisbon", country: "PT", tags: ["a", "b", String(i % 7)], note: "hello",
});
const randomId = () => Array.from({ length: 32 }, () => "0123456789abcdefghjkmnpqrstvwxyz"[Math.floor(Math.random() * 32)]).join("");

// ---- statistics ---------------------------------------------------------------------------

function stats(samples) {
  const s = Float64Array.from(samples).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.round(p * (s.length - 1)))];
  let sum = 0;
  for (const x of s) sum += x;
  return { n: s.length, median: q(0.5), p99: q(0.99), mean: sum / s.length };
}
const now = () => performance.now();
const r2 = (x) => Math.round(x * 100) / 100;
const r3 = (x) => Math.round(x * 1000) / 1000;

/**
 * A/B interleaved: per round, `BLOCK` runs of a then as many of b, or b first (alternating),
 * so each side follows itself and the other equally often. Times in us. (A three-way rotation
 * would not: no side would ever follow itself, and the package, whose code includes the
 * driver's, would find the raw side's code warm more often than the raw side finds its own.)
 */
async function ab(n, warmup, a, b) {
  const fns = [a, b];
  const times = [[], []];
  const early = [[], []];  // iterations EARLY_FROM .. EARLY_FROM + n, when the warm-up covers them
  for (let i = 0; i < warmup + n; i += BLOCK) {
    for (let j = 0; j < 2; j++) {
      const k = (i / BLOCK + j) % 2;
      for (let m = i; m < Math.min(i + BLOCK, warmup + n); m++) {
        const t0 = now();
        await fns[k](m);
        const dt = (now() - t0) * 1000;
        if (m >= warmup) times[k].push(dt);
        else if (m >= EARLY_FROM && m < EARLY_FROM + n) early[k].push(dt);
      }
    }
  }
  const [A, B] = times.map(stats);
  const out = { pkg: A, raw: B, ratio_median: r3(A.median / B.median), ratio_p99: r3(A.p99 / B.p99) };
  if (early[0].length === n && early[1].length === n) {
    const [EA, EB] = early.map(stats);
    out.early = { from: EARLY_FROM, pkg: EA, raw: EB, ratio_median: r3(EA.median / EB.median), ratio_p99: r3(EA.p99 / EB.p99) };
  }
  return out;
}

/**
 * The package against the raw driver doing the same work: `rawOf(query)` is the raw side over
 * a query function. When the package prepares (Postgres), the baseline prepares too; the raw
 * driver unprepared is then a second, diagnostic A/B pair of its own.
 */
async function vsRaw(e, n, warmup, pkg, rawOf) {
  if (!e.rawPrepares) return ab(n, warmup, pkg, rawOf(e.q));
  const out = await ab(n, warmup, pkg, rawOf(e.qp));
  const diag = await ab(n, warmup, pkg, rawOf(e.q));
  return { ...out, pkg_vs_unprepared: diag.pkg, raw_unprepared: diag.raw, ratio_median_vs_unprepared: diag.ratio_median, ratio_p99_vs_unprepared: diag.ratio_p99 };
}

/** Whether the build under test prepares the store's repeated Postgres statements. */
async function packagePrepares(e, probe) {
  if (e.engine !== "postgres") return false;
  for (let i = 0; i < 3; i++) await probe();
  const [{ n }] = await e.q("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE NOT from_sql");
  return n > 0;
}

// ---- engines --------------------------------------------------------------------------------

/** One engine's connection(s), raw helpers and store. */
async function openEngine(engine, { pool = false } = {}) {
  let raw, close, exec, q, qp;
  if (engine === "postgres") {
    const sql = postgres(PG_URL, { max: pool ? 6 : 1, fetch_types: false, onnotice: () => {} });
    q = (text, params = []) => sql.unsafe(text, params);
    qp = (text, params = []) => sql.unsafe(text, params, { prepare: true });
    exec = G.buildPgExec(sql);
    close = () => sql.end();
    raw = sql;
  } else {
    const conn = pool ? mysql.createPool({ ...MY, connectionLimit: 6 }) : await mysql.createConnection(MY);
    q = async (text, params = []) => (await conn.query(text, params))[0];
    qp = q;
    exec = G.buildMysqlExec(conn);
    close = () => conn.end();
    raw = conn;
  }
  // Spy: counts round trips and records the statements and results the store sends.
  const spy = { count: 0, record: null };
  // The store's page reads take the driver's cells through this (registered) symbol when the
  // exec has it (js-shim/src/adapters/cells.ts); the spy forwards it like query().
  const spyExec = {
    async [CELLS](text, params) {
      spy.count++;
      const cells = await exec[CELLS](text, params);
      spy.record?.push({ text, params, cells });
      return cells;
    },
    [WRITE_LATER]: exec[WRITE_LATER],
    [ROW_COUNTS]: exec[ROW_COUNTS],
    async query(text, params) {
      spy.count++;
      const result = await exec.query(text, params);
      spy.record?.push({ text, params, result });
      return result;
    },
    transaction: (fn) => exec.transaction((inner) => fn({
      async query(text, params) { spy.count++; const result = await inner.query(text, params); spy.record?.push({ text, params, result }); return result; },
    })),
  };
  // The store measured runs on the adapter itself, as an app's would: the spy's extra async
  // layer is the benchmark's apparatus, not the package, and the raw side has none. A second
  // store over the spy records the statements and counts the round trips.
  const db = G.createHyperdriveGlobalCtxDb({ engine, exec, schema });
  const spyDb = G.createHyperdriveGlobalCtxDb({ engine, exec: spyExec, schema });
  return { engine, raw, q, qp, rawPrepares: false, exec, db, spyDb, spy, close, ph: (i) => (engine === "postgres" ? `$${i}` : "?") };
}

/** Turns a store statement's neutral params into what the raw driver takes (MySQL markers). */
function rawParams(engine, params) {
  if (engine === "postgres") return params;
  return params.map((p) => (p && typeof p === "object" ? (p.$int !== undefined ? BigInt(p.$int) : Buffer.from(p.$hex, "hex")) : p));
}

/** The plain row mapping an app would do on a raw SELECT of this table. */
function mapRow(r) {
  return {
    _id: r._id, _creationTime: Number(r._creationTime), name: r.name, email: r.email, age: Number(r.age), score: Number(r.score),
    active: Boolean(r.active), count: BigInt(r.count), city: r.city, country: r.country,
    tags: typeof r.tags === "string" ? JSON.parse(r.tags) : r.tags, ...(r.note == null ? {} : { note: r.note }),
  };
}

/** The statements (and results) the spied store sends for `fn(db)`. */
async function record(e, fn) {
  e.spy.record = [];
  await fn(e.spyDb);
  const rec = e.spy.record;
  e.spy.record = null;
  return rec;
}

/** How many statements the spied store sends for `fn(db)`. */
async function roundTrips(e, fn) {
  const before = e.spy.count;
  await fn(e.spyDb);
  return e.spy.count - before;
}

// ---- (1) point ops, (2) pages ----------------------------------------------------------------

async function latencySuite(engine) {
  const e = await openEngine(engine);
  await e.q(`DROP TABLE IF EXISTS ${engine === "postgres" ? `"${TABLE}"` : `\`${TABLE}\``}`);
  await e.db.migrate();
  await e.spyDb.migrate();
  const ids = [];
  for (let b = 0; b < SEED_DOCS; b += 100) {
    ids.push(...(await e.db.mutation(async (w) => {
      const out = [];
      for (let i = b; i < b + 100; i++) out.push(await w.insert(TABLE, makeDoc(i)));
      return out;
    })));
  }
  const T = engine === "postgres" ? `"${TABLE}"` : `\`${TABLE}\``;
  const Q = (c) => (engine === "postgres" ? `"${c}"` : `\`${c}\``);
  const pick = (i) => ids[(i * 7919) % ids.length];

  // The store's own SELECT of one document (the same SQL work for the raw side).
  const [getStmt] = await record(e, (db) => db.query((r) => r.get(pick(0))));
  const getText = getStmt.text;
  const key0 = (await e.q(`SELECT ${Q("_k_by_age")} AS k FROM ${T} WHERE ${Q("_id")} = ${e.ph(1)}`, [pick(0)]))[0].k;
  const keyHex = Buffer.from(key0).toString("hex");
  const cols = ["_id", "_creationTime", "_version", ...FIELDS, "_k_by_age"];
  const insertText = `INSERT INTO ${T} (${cols.map(Q).join(", ")}) VALUES (${cols.map((c, i) =>
    engine === "postgres" && c === "_k_by_age" ? `decode(${e.ph(i + 1)}, 'hex')` : e.ph(i + 1)).join(", ")})`;
  const insertParams = (i) => {
    const d = makeDoc(100000 + i);
    const id = randomId();
    const key = keyHex + Buffer.from(id).toString("hex"); // unique, like the store's (value, time, id) key
    const vals = [id, Date.now(), 1, d.name, d.email, d.age, d.score, d.active, d.count, d.city, d.country, JSON.stringify(d.tags), d.note];
    return [...(engine === "postgres" ? vals.map((x) => (typeof x === "bigint" ? String(x) : x)) : vals), engine === "postgres" ? key : Buffer.from(key, "hex")];
  };
  const results = {};
  const rt = {};
  e.rawPrepares = await packagePrepares(e, () => e.db.query((r) => r.get(pick(0))));
  log(engine, e.rawPrepares ? "the package prepares: raw baseline prepared, raw unprepared beside it" : "raw baseline unprepared");

  log(engine, "get");
  rt.get = { pkg: await roundTrips(e, (db) => db.query((r) => r.get(pick(1)))), raw: 1 };
  results.get = await vsRaw(e, N_POINT, WARMUP,
    (i) => e.db.query((r) => r.get(pick(i))),
    (q) => async (i) => { const rows = await q(getText, [pick(i)]); return rows[0] ? mapRow(rows[0]) : null; });

  log(engine, "insert");
  rt.insert = { pkg: await roundTrips(e, (db) => db.mutation((w) => w.insert(TABLE, makeDoc(5)))), raw: 1 };
  results.insert = await vsRaw(e, N_POINT, WARMUP,
    (i) => e.db.mutation((w) => w.insert(TABLE, makeDoc(100000 + i))),
    (q) => (i) => q(insertText, insertParams(i)));

  log(engine, "patch");
  const patchText = `UPDATE ${T} SET ${Q("score")} = ${e.ph(1)}, ${Q("_version")} = ${Q("_version")} + 1 WHERE ${Q("_id")} = ${e.ph(2)}`;
  rt.patch = { pkg: await roundTrips(e, (db) => db.mutation((w) => w.patch(pick(2), { score: 1.25 }))), raw: 1 };
  results.patch = await vsRaw(e, N_POINT, WARMUP,
    (i) => e.db.mutation((w) => w.patch(pick(i), { score: i + 0.5 })),
    (q) => (i) => q(patchText, [i + 0.25, pick(i)]));

  log(engine, "mutation");
  const guardText = `UPDATE ${T} SET ${Q("count")} = ${e.ph(1)}, ${Q("_version")} = ${e.ph(2)} WHERE ${Q("_id")} = ${e.ph(3)} AND ${Q("_version")} = ${e.ph(4)}`;
  const rawRmw = async (id) => {
    const row = mapRow((await e.q(getText, [id]))[0]);
    const version = BigInt((await e.q(`SELECT ${Q("_version")} AS v FROM ${T} WHERE ${Q("_id")} = ${e.ph(1)}`, [id]).then((r) => r[0].v)));
    return [row, version];
  };
  void rawRmw;
  const rmw = (w, id) => w.get(id).then((d) => w.patch(id, { count: d.count + 1n }));
  rt.mutation = { pkg: await roundTrips(e, (db) => db.mutation((w) => rmw(w, pick(3)))), raw: 2 };
  results.mutation = await vsRaw(e, N_POINT, WARMUP,
    (i) => e.db.mutation((w) => rmw(w, pick(i))),
    (q) => async (i) => {
      // Read the document (same SELECT as the store), then a version-guarded UPDATE.
      const r = (await q(getText, [pick(i)]))[0];
      const d = mapRow(r);
      const ver = BigInt(r._version);
      const p = [String(d.count + 1n), String(ver + 1n), d._id, String(ver)];
      const res = await q(guardText, engine === "postgres" ? p : [d.count + 1n, ver + 1n, d._id, ver]);
      void res;
    });

  // (2) pages: the store's own SELECT for take(100) and for page 2 of paginate(100).
  log(engine, "take(100)");
  const range = (r) => r.query(TABLE).withIndex("by_age", (q) => q.gte("age", 100));
  const [takeStmt] = await record(e, (db) => db.query((r) => range(r).take(100)));
  rt.take100 = { pkg: 1, raw: 1 };
  results.take100 = await vsRaw(e, N_PAGE, WARMUP,
    () => e.db.query((r) => range(r).take(100)),
    (q) => async () => (await q(takeStmt.text, rawParams(engine, takeStmt.params))).slice(0, 100).map(mapRow));

  log(engine, "paginate(100) page 2");
  const first = await e.db.query((r) => range(r).paginate({ numItems: 100, cursor: null }));
  const [pageStmt] = await record(e, (db) => db.query((r) => range(r).paginate({ numItems: 100, cursor: first.continueCursor })));
  rt.paginate100 = { pkg: 1, raw: 1 };
  results.paginate100 = await vsRaw(e, N_PAGE, WARMUP,
    () => e.db.query((r) => range(r).paginate({ numItems: 100, cursor: first.continueCursor })),
    (q) => async () => (await q(pageStmt.text, rawParams(engine, pageStmt.params))).slice(0, 100).map(mapRow));

  // Attribution: the package's driver adapter alone (the SqlExec the store runs on: buildPgExec /
  // buildMysqlExec) running the very same statement, vs the raw driver. What is left of the
  // package/raw gap above this is the store itself (core calls + row decoding + scheduling).
  log(engine, "adapter only (get, take100)");
  const execOnly = engine === "postgres" ? G.buildPgExec(e.raw) : G.buildMysqlExec(e.raw);
  results.adapter_get = await vsRaw(e, N_POINT, WARMUP,
    (i) => execOnly.query(getText, [pick(i)]),
    (q) => (i) => q(getText, [pick(i)]));
  results.adapter_take100 = await vsRaw(e, N_PAGE, WARMUP,
    () => execOnly.query(takeStmt.text, takeStmt.params),
    (q) => () => q(takeStmt.text, rawParams(engine, takeStmt.params)));
  rt.adapter_get = { pkg: 1, raw: 1 };
  rt.adapter_take100 = { pkg: 1, raw: 1 };

  // Canned driver results for the CPU measurements (3): the real rows of these statements.
  const [takeRec] = await record(e, (db) => db.query((r) => range(r).take(100)));
  const canned = {
    get: getStmt.result,
    take: takeRec.result ?? (await e.exec.query(takeRec.text, takeRec.params)),
    takeCells: takeRec.cells ?? (await e.exec[CELLS]?.(takeRec.text, takeRec.params)),
  };
  await e.close();
  return { results, roundTrips: rt, rawPrepared: e.rawPrepares, canned, ids: ids.slice(0, 50), insertText, insertParams };
}

// ---- (5) throughput -------------------------------------------------------------------------

// Three kinds of single-document mutation, 32 at a time, each against the raw driver doing
// the same work on the same pool: the contract's comparison (a read-modify-write against a
// bare UPDATE, which reads nothing), the same read-modify-write by hand (SELECT, then a
// _version-guarded UPDATE), and blind inserts.
async function throughputSuite(engine, lat) {
  const e = await openEngine(engine, { pool: true });
  e.rawPrepares = lat.rawPrepared;
  await e.db.migrate();
  const T = engine === "postgres" ? `"${TABLE}"` : `\`${TABLE}\``;
  const Q = (c) => (engine === "postgres" ? `"${c}"` : `\`${c}\``);
  const batch = lat.ids.slice(0, 32);
  const updText = `UPDATE ${T} SET ${Q("count")} = ${Q("count")} + 1, ${Q("_version")} = ${Q("_version")} + 1 WHERE ${Q("_id")} = ${e.ph(1)}`;
  const selText = `SELECT ${Q("_version")} AS v, ${Q("count")} AS c FROM ${T} WHERE ${Q("_id")} = ${e.ph(1)}`;
  const guardedText = `UPDATE ${T} SET ${Q("count")} = ${e.ph(1)}, ${Q("_version")} = ${e.ph(2)} WHERE ${Q("_id")} = ${e.ph(3)} AND ${Q("_version")} = ${e.ph(4)}`;
  const rawRmw = (q) => async (id) => {
    const [row] = await q(selText, [id]);
    const v = BigInt(row.v);
    const c = BigInt(row.c) + 1n;
    await q(guardedText, engine === "postgres" ? [String(c), String(v + 1n), id, String(v)] : [c, v + 1n, id, v]);
  };
  const rounds = QUICK ? 10 : 40;
  const opsPerSec = (s) => Math.round(32 / (s.median / 1e6));
  const summary = (r) => ({
    pkg_ops_per_s: opsPerSec(r.pkg), raw_ops_per_s: opsPerSec(r.raw), ratio: r3(r.raw.median / r.pkg.median), pkg: r.pkg, raw: r.raw,
    ...(r.raw_unprepared ? { raw_unprepared_ops_per_s: opsPerSec(r.raw_unprepared), ratio_vs_unprepared: r3(r.raw_unprepared.median / r.pkg.median), raw_unprepared: r.raw_unprepared } : {}),
  });
  const rmw = (id) => e.db.mutation((w) => w.get(id).then((d) => w.patch(id, { count: d.count + 1n })));
  log(engine, "throughput x32: read-modify-write vs raw UPDATE");
  const vsUpdate = await vsRaw(e, rounds, 5, () => Promise.all(batch.map(rmw)), (q) => () => Promise.all(batch.map((id) => q(updText, [id]))));
  log(engine, "throughput x32: read-modify-write vs raw SELECT + guarded UPDATE");
  const vsRawRmw = await vsRaw(e, rounds, 5, () => Promise.all(batch.map(rmw)), (q) => () => Promise.all(batch.map(rawRmw(q))));
  log(engine, "throughput x32: insert vs raw INSERT");
  let n = 0;
  const inserts = await vsRaw(e, rounds, 5,
    () => Promise.all(batch.map(() => e.db.mutation((w) => w.insert(TABLE, makeDoc(200000 + n++))))),
    (q) => () => Promise.all(batch.map(() => q(lat.insertText, lat.insertParams(300000 + n++)))));
  await e.close();
  return { ...summary(vsUpdate), vsRawRmw: summary(vsRawRmw), inserts: summary(inserts) };
}

// ---- (3) CPU per op, no I/O -----------------------------------------------------------------

/** Wraps every core function: counts calls, times them, and optionally records arguments. */
function instrumentCore() {
  const core = coreMod.getCore();
  const names = Object.keys(core).filter((k) => typeof core[k] === "function" && /^(store|tx|sub|query)/.test(k));
  const state = { on: false, calls: 0, us: 0, trace: null, bytes: 0 };
  const originals = {};
  for (const name of names) {
    const fn = core[name];
    originals[name] = fn;
    core[name] = (...a) => {
      if (!state.on) return fn(...a);
      const t0 = now();
      const out = fn(...a);
      state.us += (now() - t0) * 1000;
      state.calls++;
      for (const x of a) if (typeof x === "string") state.bytes += x.length;
      state.bytes += typeof out === "string" ? out.length : 4; // storeGetText / txGetText / txBeginHandle answer a number
      state.trace?.push({ fn: name, args: a, out });
      return out;
    };
  }
  const restore = () => { for (const name of names) core[name] = originals[name]; };
  return { state, restore, core, originals };
}

/** Store over a fake SqlExec that answers instantly with canned rows. */
function cannedStore(engine, canned) {
  const exec = {
    async query(text) {
      if (/VERSION\(\)/.test(text)) return { rows: [{ version: "10.11-MariaDB" }], affectedRows: 1 };
      if (/^\s*SELECT/i.test(text)) return /LIMIT/i.test(text) ? canned.take : canned.get;
      // A patch sent without a read returns the document's row (Postgres `RETURNING "_id"` /
      // `"o"."_id"`, MariaDB `INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING`).
      if (/RETURNING "(o"\.")?_id"|ON DUPLICATE KEY UPDATE/.test(text)) return canned.get;
      // A lone guarded Postgres write: its guard held (one row written, as the package's own
      // execs report it; RETURNING 1 only over a \`{ query }\` wrapper).
      return { rows: /RETURNING/i.test(text) ? [{ "?column?": 1 }] : [], affectedRows: 1 };
    },
    // The page path over the driver's cells, as the package's own adapters offer it.
    ...(canned.takeCells ? { [CELLS]: async () => canned.takeCells } : {}),
    [ROW_COUNTS]: true,
    transaction: (fn) => fn(exec),
  };
  return G.createHyperdriveGlobalCtxDb({ engine, exec, schema, autoMigrate: false });
}

async function cpuSuite(engine, canned) {
  const db = cannedStore(engine, canned);
  const id = canned.get.rows[0]._id;
  const ops = {
    get: () => db.query((r) => r.get(id)),
    insert: () => db.mutation((w) => w.insert(TABLE, makeDoc(7))),
    patch: () => db.mutation((w) => w.patch(id, { score: 2.5 })),
    mutation: () => db.mutation((w) => w.get(id).then((d) => w.patch(id, { count: d.count + 1n }))),
    take100: () => db.query((r) => r.query(TABLE).withIndex("by_age", (q) => q.gte("age", 100)).take(100)),
    // Page 2 of paginate(100): queryBegin decodes the cursor, queryFeedCount encodes the next.
    paginate100: () => db.query((r) => r.query(TABLE).withIndex("by_age", (q) => q.gte("age", 100)).paginate({ numItems: 100, cursor: pageCursor })),
  };
  const pageCursor = (await db.query((r) => r.query(TABLE).withIndex("by_age", (q) => q.gte("age", 100)).paginate({ numItems: 100, cursor: null }))).continueCursor;
  const inst = instrumentCore();
  const out = {};
  const traces = {};
  for (const [name, fn] of Object.entries(ops)) {
    const n = name.endsWith("100") ? (QUICK ? 500 : 3000) : (QUICK ? 3000 : 20000);
    for (let i = 0; i < n / 5; i++) await fn();
    const t = [];
    for (let i = 0; i < n; i++) { const t0 = now(); await fn(); t.push((now() - t0) * 1000); }
    // One instrumented pass: boundary crossings, time inside the core, bytes crossing. The
    // time in the core is summed per operation and summarised like every other figure here
    // (median, p99); its mean, which a garbage collection inside one call can move by
    // microseconds, is kept as a diagnostic.
    inst.state.on = true; inst.state.calls = 0; inst.state.us = 0; inst.state.bytes = 0; inst.state.trace = [];
    const m = Math.min(n, 2000);
    const perOp = [];
    for (let i = 0; i < m; i++) {
      if (i === m - 1) inst.state.trace = [];
      const before = inst.state.us;
      await fn();
      perOp.push(inst.state.us - before);
      if (i < m - 1) inst.state.trace = null;
    }
    traces[name] = inst.state.trace;
    inst.state.on = false;
    const s = stats(t);
    const c = stats(perOp);
    out[name] = { median_us: r2(s.median), p99_us: r2(s.p99), core_calls: inst.state.calls / m, core_us: r2(c.median), core_p99_us: r2(c.p99), core_mean_us: r2(c.mean), boundary_bytes: Math.round(inst.state.bytes / m) };
  }
  inst.restore();

  // The same recorded core calls replayed straight on the WASM module (no shim, no promises).
  const core = inst.core;
  const replayed = {};
  const fixtureOps = {};
  // (A query's repeated get makes no core call: the shim keeps the core's answer by the id's table tag.)
  const storeHandle = Object.values(traces).flat().find((c) => /^store[A-Z]/.test(c.fn)).args[0];
  for (const [name, trace] of Object.entries(traces)) {
    const calls = trace.map((c) => {
      // (Only these answers are read: the compact ones, txInsertCompact / txAcceptPlanCompact, are no envelopes.)
      const returns = c.fn === "txBegin" ? JSON.parse(c.out).value : c.fn === "txBeginHandle" ? c.out : c.fn === "queryBegin" ? JSON.parse(c.out).value.run : null;
      // txBatchPlan's handles are inside its JSON argument: the replayers map them there.
      const handleArgs = { storeGet: [0], storeBlindPatch: [0], storeLogPatch: [0], storeLogPatchPending: [0], storeSettlePending: [0], storeBlindDelete: [0], storeLogDelete: [0], storeGetText: [0], txBegin: [0], queryBegin: [0, 1], queryFeed: [0], queryFeedCount: [0], queryEnd: [0], storeConfirm: [0], storeRetract: [0], txBatchPlan: [], txBatchPlanCompact: [] }[c.fn] ?? (c.fn.startsWith("tx") || c.fn === "subSet" ? [0] : []);
      return { fn: c.fn, args: c.args, handleArgs, returns };
    });
    fixtureOps[name] = calls;
    const handles = new Map();
    // Commit log sequences, like handles, are this replay's own: storeConfirm / storeRetract /
    // txFinish / storeSettlePending get the one the replay's last txRecordCommit / txAccept /
    // txAcceptPlan(Compact) / storeLogPatchPending returned (a recorded one would
    // leave every replayed commit pending, and the log would grow without bound).
    let sequence = null;
    const once = () => {
      for (const c of calls) {
        const a = c.args.slice();
        for (const i of c.handleArgs) if (handles.has(a[i])) a[i] = handles.get(a[i]);
        if (c.fn === "txBatchPlan" || c.fn === "txBatchPlanCompact") a[0] = JSON.stringify(JSON.parse(a[0]).map((h) => handles.get(h) ?? h));
        if ((c.fn === "storeConfirm" || c.fn === "storeRetract" || c.fn === "txFinish" || c.fn === "storeSettlePending") && sequence !== null) a[1] = sequence;
        const res = inst.originals[c.fn](...a);
        if (c.fn === "txRecordCommitCompact" && res[0] !== "{") sequence = Number(res.split(",")[0]);
        else if (c.fn === "txRecordCommit" || c.fn === "txAccept" || c.fn === "txAcceptPlan") sequence = JSON.parse(res).value.sequence ?? sequence;
        else if (c.fn === "txAcceptCompact" || c.fn === "txAcceptPlanCompact" || c.fn === "storeLogPatchPending") sequence = res[0] === "[" ? JSON.parse(res)[1] : JSON.parse(res).value.sequence ?? sequence;
        if (c.returns !== null && typeof res === "number") handles.set(c.returns, res); // txBeginHandle
        else if (c.returns !== null) {
          const env = JSON.parse(res);
          handles.set(c.returns, typeof env.value === "number" ? env.value : env.value.run);
        }
      }
    };
    const n = name.endsWith("100") ? 3000 : 20000;
    for (let i = 0; i < n / 10; i++) once();
    const t = [];
    for (let i = 0; i < (QUICK ? n / 5 : n); i++) { const t0 = now(); once(); t.push((now() - t0) * 1000); }
    const s = stats(t);
    replayed[name] = { median_us: r2(s.median), p99_us: r2(s.p99), core_calls: calls.length };
  }
  return { shim: out, wasmCoreOnly: replayed, fixture: { schema: JSON.stringify(schema.toJSON()), options: JSON.stringify({ seed: "00".repeat(32), ...(engine === "mysql" ? { textCollation: "utf8mb4_nopad_bin", mariadbReturning: true } : { rowCounts: true }) }), store: storeHandle, ops: fixtureOps } };
}

// ---- native core (C++) ----------------------------------------------------------------------

function nativeBench(fixturesPath, { subs: withSubs = true } = {}) {
  const buildDir = join(root, "build", "bench-native");
  const bin = join(buildDir, "lunora_core_bench");
  try {
    execFileSync("cmake", ["-S", root, "-B", buildDir, "-DCMAKE_BUILD_TYPE=Release", "-DLUNORA_BENCH=ON"], { stdio: ["ignore", "ignore", "inherit"] });
    execFileSync("cmake", ["--build", buildDir, "-j2", "--target", "lunora_core_bench"], { stdio: ["ignore", "ignore", "inherit"] });
  } catch (error) {
    log("native build failed:", error.message);
    return null;
  }
  const replay = JSON.parse(execFileSync(bin, ["replay", fixturesPath, QUICK ? "2000" : "20000"], { encoding: "utf8" }));
  const subs = withSubs ? JSON.parse(execFileSync(bin, ["subs", "100000"], { encoding: "utf8" })) : {};
  return { ...replay, ...subs };
}

// ---- (4) subscriptions through WASM ---------------------------------------------------------

/** Live subscriptions through the store's core API in WASM (index ranges age == i). */
function wasmSubscriptions(counts) {
  const core = coreMod.getCore();
  const unwrap = (s) => { const e = JSON.parse(s); if (!e.ok) throw new Error(e.message); return e.value; };
  const out = [];
  for (const n of counts) {
    const store = unwrap(core.storeOpen(JSON.stringify(schema.toJSON()), "postgres", JSON.stringify({ seed: "11".repeat(32) })));
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const tx = unwrap(core.txBegin(store));
      const q = JSON.stringify({ table: TABLE, index: "by_age", range: [{ op: "eq", field: "age", value: i }], order: "asc", filter: null });
      const run = unwrap(core.queryBegin(store, tx, q, "", 10)).run;
      unwrap(core.queryFeed(run, "[]"));
      core.queryEnd(run);
      unwrap(core.subSet(tx, i + 1));
      core.txEnd(tx);
    }
    const buildMs = now() - t0;
    // Each commit: 10 inserts at random ages (a write touches by_age, by_creation_time, by_id).
    const commit = () => {
      const tx = unwrap(core.txBegin(store));
      for (let w = 0; w < 10; w++) unwrap(core.txInsert(tx, TABLE, JSON.stringify({ ...jsonDoc, age: Math.floor(Math.random() * n) }), 1.7e12));
      const t = now();
      const affected = unwrap(core.txRecordCommit(tx)).affected;
      const us = (now() - t) * 1000;
      core.txEnd(tx);
      return { us, affected };
    };
    commit();
    const t = [];
    let hits = 0;
    for (let r = 0; r < 300; r++) { const c = commit(); t.push(c.us); hits += c.affected.length; }
    const s = stats(t);
    out.push({ subscriptions: n, build_ms: Math.round(buildMs), median_us: r2(s.median), p99_us: r2(s.p99), avg_affected: hits / 300 });
    core.storeClose(store);
  }
  return out;
}
const jsonDoc = { name: "n", email: "e", age: 1, score: 1.5, active: true, count: { $integer: "BQAAAAAAAAA=" }, city: "c", country: "k", tags: ["a"], note: "x" };

// ---- (6) module size and instantiate time ---------------------------------------------------

function moduleSuite() {
  const wasmPath = join(dist, "core", "generated", "lunora_core.wasm");
  const gluePath = join(dist, "core", "generated", "lunora_core.mjs");
  const bytes = readFileSync(wasmPath);
  const out = {
    wasm_bytes: bytes.length, wasm_gzip_bytes: gzipSync(bytes, { level: 9 }).length,
    glue_bytes: readFileSync(gluePath).length, glue_gzip_bytes: gzipSync(readFileSync(gluePath), { level: 9 }).length,
  };
  // Node: a fresh process each time (compile + instantiate + embind start-up, synchronous).
  const probe = `import { readFileSync } from "node:fs";
    const t0 = performance.now();
    const mod = new WebAssembly.Module(readFileSync(${JSON.stringify(wasmPath)}));
    const t1 = performance.now();
    const { default: create } = await import(${JSON.stringify(pathToFileURL(gluePath).href)});
    const t2 = performance.now();
    const m = create({ instantiateWasm(imports, receive) { const i = new WebAssembly.Instance(mod, imports); receive(i, mod); return i.exports; }, locateFile: (p) => p });
    m.coreVersion();
    const t3 = performance.now();
    console.log(JSON.stringify({ compile: t1 - t0, instantiate: t3 - t2 }));`;
  const compile = [], inst = [];
  for (let i = 0; i < (QUICK ? 5 : 15); i++) {
    const r = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" }));
    compile.push(r.compile); inst.push(r.instantiate);
  }
  out.node_compile_ms = r2(stats(compile).median);
  out.node_instantiate_ms = r2(stats(inst).median);
  return out;
}

async function workerdSuite() {
  // A Worker that imports the package; /noop does nothing, /init instantiates the core.
  const dir = join(root, "build", "bench", "worker");
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "src", "index.js"),
    `import { coreVersion } from ${JSON.stringify(join(dist, "global", "index.js"))};
export default { async fetch(req) {
  const u = new URL(req.url);
  if (u.pathname === "/init") return new Response(String(coreVersion()));
  return new Response("ok");
} };\n`);
  writeFileSync(join(dir, "wrangler.jsonc"), JSON.stringify({ name: "lunora-bench", main: "src/index.js", compatibility_date: "2025-09-01", compatibility_flags: ["nodejs_compat"] }));
  const out = join(dir, "out");
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out], { cwd: dir, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const { Miniflare } = await import(pathToFileURL(join(root, "node_modules", "miniflare", "dist", "src", "index.js")).href);
  const runs = [];
  for (let k = 0; k < (QUICK ? 3 : 7); k++) {
    const t0 = now();
    const mf = new Miniflare({ modules: true, scriptPath: join(out, "index.js"), modulesRoot: out, modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }], compatibilityDate: "2025-09-01", compatibilityFlags: ["nodejs_compat"] });
    await mf.ready;
    const ready = now() - t0;
    const noop = [];
    for (let i = 0; i < 20; i++) { const t = now(); await (await mf.dispatchFetch("http://x/noop")).text(); noop.push(now() - t); }
    const t1 = now();
    await (await mf.dispatchFetch("http://x/init")).text();
    const init = now() - t1;
    const t2 = now();
    await (await mf.dispatchFetch("http://x/init")).text();
    const warm = now() - t2;
    runs.push({ startup_ms: ready, noop_ms: stats(noop).median, first_init_ms: init, warm_init_ms: warm });
    await mf.dispose();
  }
  const med = (k) => r2(stats(runs.map((r) => r[k])).median);
  return { miniflare_startup_ms: med("startup_ms"), noop_request_ms: med("noop_ms"), first_core_request_ms: med("first_init_ms"), warm_core_request_ms: med("warm_init_ms"),
    instantiate_ms_est: r2(stats(runs.map((r) => r.first_init_ms - r.noop_ms)).median), bundle_bytes: readFileSync(join(out, "index.js")).length };
}

// ---- main ---------------------------------------------------------------------------------

function machine() {
  const c = cpus();
  const ver = (cmd, a) => { try { return execFileSync(cmd, a, { encoding: "utf8" }).split("\n")[0].trim(); } catch { return "?"; } };
  return {
    cpu: `${c[0]?.model ?? "?"} x${c.length}`, memory_gb: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version,
    postgres: ver("/bin/sh", ["-c", "$(ls -d /usr/lib/postgresql/*/bin | tail -1)/postgres --version"]),
    mariadb: ver("/bin/sh", ["-c", "mariadbd --version 2>/dev/null || /usr/sbin/mariadbd --version"]),
    emscripten: ver("/bin/sh", ["-c", "em++ --version 2>/dev/null | head -1"]),
    date: new Date().toISOString(), quick: QUICK, link_delay_ms: LINK_DELAY_MS, block: BLOCK, warmup: WARMUP,
  };
}

/** The canned rows of measurement 3 alone: a few documents, their get and take(100) rows. */
async function cannedRows(engine) {
  const e = await openEngine(engine);
  await e.q(`DROP TABLE IF EXISTS ${engine === "postgres" ? `"${TABLE}"` : `\`${TABLE}\``}`);
  await e.db.migrate();
  const ids = await e.db.mutation(async (w) => {
    const out = [];
    for (let i = 0; i < 300; i++) out.push(await w.insert(TABLE, makeDoc(i)));
    return out;
  });
  await e.spyDb.migrate();
  const [getStmt] = await record(e, (db) => db.query((r) => r.get(ids[1])));
  const [takeStmt] = await record(e, (db) => db.query((r) => r.query(TABLE).withIndex("by_age", (q) => q.gte("age", 100)).take(100)));
  const canned = {
    get: getStmt.result,
    take: takeStmt.result ?? (await e.exec.query(takeStmt.text, takeStmt.params)),
    takeCells: takeStmt.cells ?? (await e.exec[CELLS]?.(takeStmt.text, takeStmt.params)),
  };
  await e.close();
  return canned;
}

if (CPU_ONLY) {
  const cpuReport = { machine: machine(), cpu: {}, native: null };
  const cpuFixtures = { engines: {} };
  for (const engine of ["postgres", "mysql"]) {
    log("== cpu", engine);
    const cpu = await cpuSuite(engine, await cannedRows(engine));
    cpuReport.cpu[engine] = { shim: cpu.shim, wasmCoreOnly: cpu.wasmCoreOnly };
    cpuFixtures.engines[engine] = cpu.fixture;
  }
  const path = join(outDir, "core-fixtures.json");
  writeFileSync(path, JSON.stringify(cpuFixtures, (k, val) => (typeof val === "bigint" ? String(val) : val)));
  cpuReport.native = nativeBench(path, { subs: false });
  writeFileSync(join(outDir, "results-cpu.json"), JSON.stringify(cpuReport, null, 2) + "\n");
  console.log("| engine | op | package median us | core calls | time in core calls us (median / p99) | bytes across | WASM core replay us | native core replay us |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [engine, c] of Object.entries(cpuReport.cpu)) {
    for (const [op, s] of Object.entries(c.shim)) {
      const nat = cpuReport.native?.replay?.[engine]?.[op]?.median_us;
      console.log(`| ${engine} | ${op} | ${s.median_us} | ${s.core_calls} | ${s.core_us} / ${s.core_p99_us} | ${s.boundary_bytes} | ${c.wasmCoreOnly[op].median_us} | ${nat === undefined ? "-" : r2(nat)} |`);
    }
  }
  process.exit(0);
}

const report = { machine: machine(), engines: {}, throughput: {}, cpu: {}, native: null, subscriptionsWasm: null, module: null, workerd: null };
const fixtures = { engines: {} };
for (const engine of ["postgres", "mysql"]) {
  log("== latency", engine);
  const lat = await latencySuite(engine);
  report.engines[engine] = { results: lat.results, roundTrips: lat.roundTrips, rawPrepared: lat.rawPrepared };
  report.throughput[engine] = await throughputSuite(engine, lat);
  if (LINK_DELAY_MS > 0) continue; // the link changes only the round trips: measurements 1, 2 and 5
  log("== cpu", engine);
  const cpu = await cpuSuite(engine, lat.canned);
  report.cpu[engine] = { shim: cpu.shim, wasmCoreOnly: cpu.wasmCoreOnly };
  fixtures.engines[engine] = cpu.fixture;
}
if (LINK_DELAY_MS === 0) {
  const fixturesPath = join(outDir, "core-fixtures.json");
  writeFileSync(fixturesPath, JSON.stringify(fixtures, (k, val) => (typeof val === "bigint" ? String(val) : val)));
  log("== native core");
  report.native = nativeBench(fixturesPath);
  log("== subscriptions (wasm)");
  report.subscriptionsWasm = wasmSubscriptions(QUICK ? [1000, 10000] : [1000, 10000, 100000]);
  log("== module");
  report.module = moduleSuite();
  try {
    log("== workerd");
    report.workerd = await workerdSuite();
  } catch (error) {
    log("workerd suite failed:", error.message);
  }
}

writeFileSync(join(outDir, "results.json"), JSON.stringify(report, (k, val) => (typeof val === "bigint" ? String(val) : val), 2) + "\n");
writeFileSync(join(outDir, "results.md"), (await import("./report.mjs")).markdown(report));
console.log(readFileSync(join(outDir, "results.md"), "utf8"));
// The link's proxies would keep the process alive (their pipes): stopped now the run is written.
for (const child of proxies) child.kill();
