// How a young process's ratios settle: each Postgres point operation, store against the raw
// driver, in a fresh Node process, the ratio of medians per window of consecutive iterations.
//
// V8 optimizes a function once it has run enough of its bytecode (its interrupt budget), so the
// shim's functions, each run once or twice per operation, reach optimized code only after a few
// thousand operations of a kind; until then the package runs slower than in its steady state
// while the raw driver, far less code, is optimized sooner. This script shows that curve, the
// reason scripts/bench/run.mjs warms each pair up for 5000 iterations (docs/BENCHMARKS.md,
// "Eighteenth round"). `--node-flags` passes V8 flags to the measured processes (for example
// `--interrupt-budget=6000`, which optimizes ~11x sooner, or `--no-liftoff`).
//
// Store and raw alternate, the order swapped every iteration, on one postgres.js connection
// (`max: 1`), the raw side prepared, as in run.mjs. Needs the loopback Postgres (scripts/db.sh
// start) and a built package. Not part of the tests.
//
//   node scripts/bench/warmup-curve.mjs [--ops get,insert,patch,mutation] [--window 1500] [--windows 6]
//                                       [--skip 150] [--dist js-shim/dist] [--node-flags "..."]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { docsSchema, loadBuild, makeDoc, mapDocRow, rawPgInsert } from "./builds.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const WINDOW = Number(opt("--window", 1500));
const WINDOWS = Number(opt("--windows", 6));
const SKIP = Number(opt("--skip", 150));
const DIST = opt("--dist", "js-shim/dist");

if (args.includes("--child")) {
  await child(opt("--child", "insert"));
} else {
  const ops = opt("--ops", "get,insert,patch,mutation").split(",");
  const flags = opt("--node-flags", "").split(" ").filter(Boolean);
  const starts = Array.from({ length: WINDOWS }, (_, k) => SKIP + k * WINDOW);
  console.log(`Ratio of medians (store / raw) per window of ${WINDOW} iterations, each operation in a fresh process${flags.length ? ` (node ${flags.join(" ")})` : ""}:\n`);
  console.log(`| op | ${starts.map((s) => `${s}-${s + WINDOW}`).join(" | ")} | store / raw us, last window |`);
  console.log(`|---|${starts.map(() => "---").join("|")}|---|`);
  for (const op of ops) {
    const run = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), "--child", op, "--window", String(WINDOW), "--windows", String(WINDOWS), "--skip", String(SKIP), "--dist", DIST], {
      encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
    });
    if (run.status !== 0) throw new Error(`warmup-curve: the ${op} process failed (${run.status})`);
    const { ratios, last } = JSON.parse(run.stdout.trim().split("\n").pop());
    console.log(`| ${op} | ${ratios.map((r) => r.toFixed(3)).join(" | ")} | ${last.store.toFixed(0)} / ${last.raw.toFixed(0)} |`);
  }
}

async function child(op) {
  const { default: postgres } = await import("postgres");
  const b = await loadBuild(DIST);
  const TABLE = "warmup_curve_docs";
  const sql = postgres(process.env.LUNORA_PG_URL ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", {
    max: 1, fetch_types: false, onnotice: () => {},
  });
  await sql.unsafe(`DROP TABLE IF EXISTS "${TABLE}"`);
  const db = b.G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: b.G.buildPgExec(sql), schema: docsSchema(b.S, TABLE) });
  await db.migrate();
  const ids = [];
  while (ids.length < 100) ids.push(await db.mutation((w) => w.insert(TABLE, makeDoc(ids.length))));
  const q = (text, params) => sql.unsafe(text, params, { prepare: true });
  // The raw sides: run.mjs's baselines (docs/BENCHMARKS.md, "Method").
  const columns = `"_id", "_creationTime", "_version", "active", "age", "city", "count", "country", "email", "name", "note", "score", CAST("tags" AS text) AS "tags"`;
  const getText = `SELECT ${columns} FROM "${TABLE}" WHERE NOW() IS NOT NULL AND "_id" = $1`;
  const patchText = `UPDATE "${TABLE}" SET "score" = $1, "_version" = "_version" + 1 WHERE "_id" = $2`;
  const guardText = `UPDATE "${TABLE}" SET "count" = $1, "_version" = $2 WHERE "_id" = $3 AND "_version" = $4`;
  const pick = (i) => ids[(i * 7919) % ids.length];
  const sides = {
    get: [(i) => db.query((r) => r.get(pick(i))), async (i) => mapDocRow((await q(getText, [pick(i)]))[0])],
    insert: [(i) => db.mutation((w) => w.insert(TABLE, makeDoc(100000 + i))), (i) => q(...rawPgInsert(TABLE, 100000 + i))],
    patch: [(i) => db.mutation((w) => w.patch(pick(i), { score: i + 0.5 })), (i) => q(patchText, [i + 0.25, pick(i)])],
    mutation: [
      (i) => db.mutation((w) => w.get(pick(i)).then((d) => w.patch(d._id, { count: d.count + 1n }))),
      async (i) => {
        const r = (await q(getText, [pick(i)]))[0];
        const d = mapDocRow(r);
        const version = BigInt(r._version);
        await q(guardText, [String(d.count + 1n), String(version + 1n), d._id, String(version)]);
      },
    ],
  }[op];
  const times = [[], []];
  const total = SKIP + WINDOW * WINDOWS;
  for (let i = 0; i < total; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      await sides[k](i);
      if (i >= SKIP) times[k].push((performance.now() - t0) * 1000);
    }
  }
  const median = (xs) => Float64Array.from(xs).sort()[xs.length >> 1];
  const ratios = [];
  let last;
  for (let w = 0; w < WINDOWS; w++) {
    const [store, raw] = times.map((xs) => median(xs.slice(w * WINDOW, (w + 1) * WINDOW)));
    ratios.push(store / raw);
    last = { store, raw };
  }
  await sql.unsafe(`DROP TABLE IF EXISTS "${TABLE}"`);
  await sql.end();
  console.log(JSON.stringify({ ratios, last }));
}
