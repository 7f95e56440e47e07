// Where a live `get` spends its time: a loop of store gets and raw SELECTs on one postgres.js
// connection to the loopback Postgres of scripts/db.sh, for `node --cpu-prof`, then a summary
// of self time per function of the package (us per get). Not part of the tests.
//
//   node --cpu-prof --cpu-prof-dir=build/bench/prof --cpu-prof-interval 50 scripts/bench/live-get-profile.mjs [gets]
//   node scripts/bench/live-get-profile.mjs --summarize build/bench/prof [gets]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);

if (args[0] === "--summarize") {
  const dir = args[1];
  const gets = Number(args[2] ?? 5000);
  const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort().pop();
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id).callFrame;
    if (!/js-shim\/dist|wasm:/.test(frame.url)) return;
    const key = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/.*\/dist\//, "")}:${frame.lineNumber}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  console.log(`package self time: ${(total / gets).toFixed(1)} us per get`);
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(us / gets).toFixed(2).padStart(8)} us  ${key}`);
  process.exit(0);
}

const dist = join(root, "js-shim", "dist");
const G = await import(pathToFileURL(join(dist, "global", "index.js")).href);
const { defineSchema, defineTable, v } = await import(pathToFileURL(join(dist, "schema", "index.js")).href);
const TABLE = "live_get_docs";
const schema = defineSchema({
  [TABLE]: defineTable({
    name: v.string(), email: v.string(), age: v.number(), score: v.float64(), active: v.boolean(),
    count: v.int64(), city: v.string(), country: v.string(), tags: v.array(v.string()), note: v.optional(v.string()),
  }).index("by_age", ["age"]).global(),
});
const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
const db = G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: G.buildPgExec(sql), schema });
await db.migrate();
const ids = await db.mutation(async (w) => {
  const out = [];
  for (let i = 0; i < 50; i++) {
    out.push(await w.insert(TABLE, { name: "n", email: "e", age: i, score: 1.5, active: true, count: 5n, city: "c", country: "k", tags: ["a"], note: "x" }));
  }
  return out;
});
const text = `SELECT * FROM "${TABLE}" WHERE "_id" = $1`;
const gets = Number(args[0] ?? 5000);
const pkg = [];
const raw = [];
for (let i = 0; i < gets; i++) {
  const id = ids[i % ids.length];
  let t0 = performance.now();
  await db.query((r) => r.get(id));
  pkg.push(performance.now() - t0);
  t0 = performance.now();
  (await sql.unsafe(text, [id])).map((row) => ({ ...row }));
  raw.push(performance.now() - t0);
}
// The first quarter is warm-up.
const median = (xs) => {
  const kept = xs.slice(xs.length >> 2).sort((a, b) => a - b);
  return kept[kept.length >> 1] * 1000;
};
console.log(`median us: store get ${median(pkg).toFixed(0)}, raw SELECT ${median(raw).toFixed(0)}`);
await sql.unsafe(`DROP TABLE "${TABLE}"`);
await sql.end();
