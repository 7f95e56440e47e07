// What a cold line of code costs a live operation here: the exchange rate between the counts of
// cold-footprint.mjs and microseconds.
//
// Builds (with em++) a WebAssembly module of K small distinct functions run one after another,
// then measures the package's Postgres insert in pairs: A as built, B the same build running the
// K functions inside each insert (right after the core's insert call, as more core code would).
// B - A, less the K functions' warm time in a tight loop, is what their code costs cold;
// divided by their cold code lines (counted as cold-footprint.mjs counts them: under
// callgrind's cache simulation, after a 24 MiB sweep, TurboFan code) it is the price of a cold
// line. Needs em++ and valgrind. Not part of the tests.
//
//   node scripts/bench/cold-code-cost.mjs [--k 250,1000] [--n 3000] [--dist js-shim/dist]
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { COLD_CALLGRIND_ARGS, coldSweeper, docsSchema, emscriptenEnv, makeDoc } from "./builds.mjs";

if (process.argv[2] === "--lines-child") {
  // Under valgrind: 300 warm calls, then N calls each after a sweep (see coldLines below).
  const w = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[3])), {}).exports;
  w._initialize?.();
  const f = w[`weight${process.argv[4]}`];
  const sweep = coldSweeper();
  let x = 0;
  for (let i = 0; i < 300; i++) x += f(i);
  for (let i = 0; i < Number(process.argv[5]); i++) x += sweep() + f(i);
  if (x === 0.5) console.log(x);
  process.exit(0);
}
const { default: postgres } = await import("postgres");

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const ks = opt("--k", "250,1000").split(",").map(Number);
const N = Number(opt("--n", 3000));
const dist = resolve(opt("--dist", "js-shim/dist"));
const FUNCTIONS = Math.max(...ks);

// ---- the weight: FUNCTIONS distinct functions, and chains calling the first K of them ------
const out = resolve("build", "cold-code");
mkdirSync(out, { recursive: true });
const lines = ["extern \"C\" {"];
for (let i = 0; i < FUNCTIONS; i++) {
  // Distinct constants: no two functions fold into one.
  lines.push(
    `__attribute__((noinline)) unsigned w${i}(unsigned x) { x ^= x >> 7; x *= ${(0x9e3779b1 + i * 2) >>> 0}u; x ^= x >> 13; ` +
      `x *= ${(0x85ebca6b ^ (i * 8)) >>> 0}u; x ^= x >> 16; x += ${i * 3 + 1}u; x = (x << 5) | (x >> 27); return x ^ ${i}u; }`,
  );
}
for (const k of ks) {
  lines.push(`__attribute__((used)) unsigned weight${k}(unsigned x) {`);
  for (let i = 0; i < k; i++) lines.push(`  x = w${i}(x);`);
  lines.push("  return x; }");
}
lines.push("}");
writeFileSync(join(out, "weight.cpp"), lines.join("\n"));
const exported = ks.map((k) => `_weight${k}`).join(",");
const built = spawnSync("em++", ["-O3", join(out, "weight.cpp"), "-o", join(out, "weight.wasm"), "--no-entry", "-sSTANDALONE_WASM", `-sEXPORTED_FUNCTIONS=${exported}`], {
  env: emscriptenEnv(),
  stdio: "inherit",
});
if (built.status !== 0) throw new Error("cold-code-cost: em++ failed (scripts/setup.sh installs it)");
const weights = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(out, "weight.wasm"))), {}).exports;
weights._initialize?.();

// ---- the package, with a hook after the core's insert call ----------------------------------
const dir = mkdtempSync(join(tmpdir(), "cold-code-"));
cpSync(dist, join(dir, "dist"), { recursive: true });
cpSync(resolve("js-shim", "package.json"), join(dir, "package.json"));
const coreStore = join(dir, "dist", "global", "core-store.js");
const anchor = "const answer = this.core.txInsertCompact(this.handle, table, documentWire, nowMs);";
const source = readFileSync(coreStore, "utf8");
if (source.split(anchor).length !== 2) throw new Error("cold-code-cost: core-store.js no longer has its insert call");
writeFileSync(coreStore, source.replace(anchor, `${anchor} if (globalThis.__coldWeight !== undefined) globalThis.__coldWeight(nowMs | 0);`));
const G = await import(join(dir, "dist", "global", "index.js"));
const S = await import(join(dir, "dist", "schema", "index.js"));
const TABLE = "cold_code_docs";
const sql = postgres(process.env.LUNORA_PG_URL ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
const db = G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: G.buildPgExec(sql), schema: docsSchema(S, TABLE) });
await db.migrate();

const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  return s[s.length >> 1] * 1000;
};
/** Cold code lines of one weightK call: the ILmr of 150 calls less that of 50, over 100. */
function coldLines(k) {
  const count = (n) => {
    const file = join(out, `lines-${k}-${n}.callgrind`);
    const r = spawnSync("valgrind", [...COLD_CALLGRIND_ARGS, `--callgrind-out-file=${file}`, process.execPath, "--no-liftoff", new URL(import.meta.url).pathname,
      "--lines-child", join(out, "weight.wasm"), String(k), String(n)], { encoding: "utf8" });
    if (r.status !== 0) return NaN;
    // "summary: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw"
    const summary = /^summary: (.*)$/m.exec(readFileSync(file, "utf8"))?.[1].split(" ").map(Number);
    return summary ? summary[6] : NaN;
  };
  return (count(150) - count(50)) / 100;
}
console.log("| K functions | their cold code lines per call | warm us | insert A us | insert B us | B - A us | cold extra us (B - A - warm) | ns per cold line |");
console.log("|---|---|---|---|---|---|---|---|");
for (const k of ks) {
  const weight = weights[`weight${k}`];
  let t = performance.now();
  for (let i = 0; i < 20000; i++) weight(i);
  const warm = ((performance.now() - t) / 20000) * 1000;
  const times = { A: [], B: [] };
  for (let i = 0; i < N + 300; i++) {
    for (let j = 0; j < 2; j++) {
      const side = j === (i & 1) ? "A" : "B";
      globalThis.__coldWeight = side === "B" ? weight : undefined;
      t = performance.now();
      await db.mutation((w) => w.insert(TABLE, makeDoc(i)));
      if (i >= 300) times[side].push(performance.now() - t);
    }
  }
  globalThis.__coldWeight = undefined;
  const [a, b] = [median(times.A), median(times.B)];
  const coldCodeLines = coldLines(k);
  const extra = b - a - warm;
  console.log(`| ${k} | ${coldCodeLines.toFixed(0)} | ${warm.toFixed(2)} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b - a).toFixed(1)} | ${extra.toFixed(1)} | ${((extra * 1000) / coldCodeLines).toFixed(1)} |`);
}
await sql.end();
