// Where a live operation's cold cost is: the code and data it touches that are no longer in the
// caches, counted, per function, for the package and for the raw driver doing the same work.
//
// On this VM a live operation runs after a wait during which the host evicts the caches; what it
// then costs is mostly the distinct code and data lines it touches ("Sixteenth round" in
// docs/BENCHMARKS.md). This script counts those lines repeatably: it runs one side's operation
// in a Node child under `valgrind --tool=callgrind --cache-sim=yes` (an 8 MiB last-level cache)
// and sweeps 24 MiB of other data before each measured operation, so every operation starts
// cold. Each side runs twice (--n A,B measured operations after the same warm-up); the
// difference, divided, is one operation's cost, free of start-up and compilation.
//
// JIT code is named from Node's --perf-basic-prof map. WebAssembly code is entered through V8's
// jump table, so callgrind charges each WASM function's own code to its jump-table slot; the
// slot gives the function. --names first builds the core with its functions' names
// (-DLUNORA_WASM_NAMES=ON, in build/wasm-names; same code) and measures the package with it;
// otherwise WASM functions show as their index. --no-liftoff makes every WASM function TurboFan code from its
// first call, as it is live once warm (a live A/B with and without the flag measured the same).
//
// Needs valgrind and the loopback databases (scripts/db.sh start). Not part of the tests; about
// a minute per side and operation.
//
//   node scripts/bench/cold-footprint.mjs [--ops insert,mutation,patch] [--dist js-shim/dist] [--names]
//                                         [--warm 300] [--n 50,150] [--top 30] [--sides store,raw]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COLD_CALLGRIND_ARGS, coldSweeper, docsSchema, emscriptenEnv, loadBuild, makeDoc, rawPgInsert } from "./builds.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

// ---- the measured process ----------------------------------------------------------------

async function child(side, op, warm, n, dist) {
  const { default: postgres } = await import("postgres");
  const b = await loadBuild(dist);
  const TABLE = "cold_footprint_docs";
  const sql = postgres(process.env.LUNORA_PG_URL ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", {
    max: 1, fetch_types: false, onnotice: () => {},
  });
  const db = b.G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: b.G.buildPgExec(sql), schema: docsSchema(b.S, TABLE) });
  await db.migrate();
  const ids = [];
  while (ids.length < 100) ids.push(await db.mutation((w) => w.insert(TABLE, makeDoc(ids.length))));
  const q = (text, params) => sql.unsafe(text, params, { prepare: true });
  // The raw side: the benchmark's baselines (docs/BENCHMARKS.md, "Method").
  const ways = {
    "store insert": (i) => db.mutation((w) => w.insert(TABLE, makeDoc(i))),
    "store patch": (i) => db.mutation((w) => w.patch(ids[i % 100], { score: i * 0.5 })),
    "store mutation": (i) => db.mutation((w) => w.get(ids[i % 100]).then((d) => w.patch(d._id, { count: d.count + 1n }))),
    "raw insert": (i) => q(...rawPgInsert(TABLE, i)),
    "raw patch": (i) => q(`UPDATE "${TABLE}" SET "score" = $1, "_version" = "_version" + 1 WHERE "_id" = $2`, [i * 0.5, ids[i % 100]]),
    "raw mutation": async (i) => {
      const [r] = await q(`SELECT * FROM "${TABLE}" WHERE "_id" = $1`, [ids[i % 100]]);
      await q(`UPDATE "${TABLE}" SET "count" = $1, "_version" = "_version" + 1 WHERE "_id" = $2 AND "_version" = $3`,
        [String(BigInt(r.count) + 1n), r._id, r._version]);
    },
  };
  const run = ways[`${side} ${op}`];
  if (!run) throw new Error(`cold-footprint: no operation "${side} ${op}"`);
  const sweep = coldSweeper();
  for (let i = 0; i < warm; i++) await run(i);
  let swept = 0;
  for (let i = 0; i < n; i++) {
    swept += sweep();
    await run(warm + i);
  }
  if (swept < 0) console.log(swept);
  await sql.end();
}

// ---- the runs and their reading -------------------------------------------------------------

function main() {
  const ops = opt("--ops", "insert,mutation,patch").split(",");
  let dist = resolve(opt("--dist", "js-shim/dist"));
  const warm = Number(opt("--warm", 300));
  const [n1, n2] = opt("--n", "50,150").split(",").map(Number);
  const top = Number(opt("--top", 30));
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.error("cold-footprint: needs valgrind (apt-get install -y valgrind)");
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "cold-footprint-"));
  if (args.includes("--names")) dist = withNamedCore(dist, dir);
  const wasmImports = countWasmImports(join(dist, "core", "generated", "lunora_core.wasm"));
  for (const op of ops) {
    const sides = {};
    for (const side of opt("--sides", "store,raw").split(",")) {
      const [a, b] = [n1, n2].map((n) => measure(dir, side, op, warm, n, dist));
      sides[side] = perOperation(a, b, n2 - n1, wasmImports);
    }
    report(op, sides, top);
  }
}

/** A copy of `dist` whose core keeps its functions' names (built in build/wasm-names). */
function withNamedCore(dist, dir) {
  const build = resolve("build", "wasm-names");
  const out = join(build, "out");
  const env = emscriptenEnv();
  const step = (cmd, argv) => {
    const r = spawnSync(cmd, argv, { env, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`cold-footprint: ${cmd} ${argv.join(" ")} failed`);
  };
  step("emcmake", ["cmake", "-S", ".", "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DLUNORA_WASM_NAMES=ON", `-DLUNORA_WASM_OUT_DIR=${out}`]);
  step("cmake", ["--build", build, "--target", "lunora_core_wasm", "-j", "2"]);
  const copy = join(dir, "dist");
  cpSync(dist, copy, { recursive: true });
  for (const file of ["lunora_core.mjs", "lunora_core.wasm"]) cpSync(join(out, file), join(copy, "core", "generated", file));
  return copy;
}

/** One valgrind run; returns its callgrind profile and the child's perf map. */
function measure(dir, side, op, warm, n, dist) {
  const out = join(dir, `${side}-${op}-${n}.callgrind`);
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync("valgrind", [
    ...COLD_CALLGRIND_ARGS, `--callgrind-out-file=${out}`,
    process.execPath, "--no-liftoff", "--perf-basic-prof", script, "--child", side, op, String(warm), String(n), dist,
  ], { encoding: "utf8", maxBuffer: 64 << 20 });
  const pid = /==(\d+)==/.exec(r.stderr)?.[1];
  if (r.status !== 0 || !pid || !existsSync(out)) {
    throw new Error(`cold-footprint: ${side} ${op} failed:\n${r.stderr.split("\n").filter((l) => !l.startsWith("==")).join("\n").slice(-2000)}`);
  }
  return { profile: out, map: `/tmp/perf-${pid}.map` };
}

const COLUMNS = ["Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"];
const ILMR = COLUMNS.indexOf("ILmr");
const DLMR = COLUMNS.indexOf("DLmr");
const DLMW = COLUMNS.indexOf("DLmw");

/** Self costs per named function (see the header for how JIT and WASM code are named). */
function profileByFunction({ profile, map }, wasmImports) {
  const text = spawnSync("callgrind_annotate", ["--threshold=100", profile], { encoding: "utf8", maxBuffer: 256 << 20 }).stdout;
  const symbols = readPerfMap(map);
  const wasmNames = new Map();
  for (const s of symbols) {
    const m = /^JS:(.*)-(\d+)-turbofan$/.exec(s.name);
    if (m && !/^(wasm-to-js|js-to-wasm)/.test(m[1])) wasmNames.set(Number(m[2]), m[1]);
  }
  const rows = [];
  let started = false;
  for (const line of text.split("\n")) {
    if (line.includes("file:function")) { started = true; continue; }
    if (!started || !line.trim() || line.startsWith("-")) continue;
    const tokens = line.replace(/\(\s*[\d.]+%\)/g, "").trim().split(/\s+/);
    const costs = [];
    let i = 0;
    while (i < tokens.length && /^([\d,]+|\.)$/.test(tokens[i])) {
      costs.push(tokens[i] === "." ? 0 : Number(tokens[i].replaceAll(",", "")));
      i += 1;
    }
    if (costs.length !== COLUMNS.length) continue;
    rows.push({ name: tokens.slice(i).join(" "), costs });
  }
  // The jump table: the page of unnamed high addresses where the most instructions start.
  const pages = new Map();
  for (const r of rows) {
    const a = unnamedAddress(r.name, symbols);
    if (a !== undefined && a > 2 ** 32) pages.set(Math.floor(a / 4096), (pages.get(Math.floor(a / 4096)) ?? 0) + r.costs[0]);
  }
  const busiest = [...pages].sort((x, y) => y[1] - x[1])[0];
  const table = busiest === undefined ? undefined : busiest[0] * 4096;
  const byName = new Map();
  for (const r of rows) {
    let name;
    const hex = /^\?\?\?:0x([0-9a-f]+)/.exec(r.name);
    const a = hex ? Number.parseInt(hex[1], 16) : undefined;
    if (a !== undefined) {
      const s = findSymbol(symbols, a);
      if (s) name = `js ${cleanJs(s.name)}`;
      else if (table !== undefined && a >= table && a < table + 65536) {
        // x64 jump table: 12 slots of 5 bytes per 64-byte line; slot n is function n + imports.
        const offset = a - table;
        const slot = Math.floor(offset / 64) * 12 + Math.floor((offset % 64) / 5);
        name = `wasm ${cleanCpp(wasmNames.get(slot + wasmImports) ?? `function ${slot + wasmImports}`)}`;
      } else name = "jit (unnamed)";
    } else if (r.name.includes("Builtins_")) name = `builtin ${/Builtins_\w+/.exec(r.name)[0].slice(9)}`;
    else name = `native ${r.name.replace(/^\?\?\?:/, "").replace(/\s*\[.*\]$/, "").replaceAll("(anonymous namespace)::", "").replace(/\(.*$/, "").slice(0, 80)}`;
    const c = byName.get(name) ?? new Array(COLUMNS.length).fill(0);
    r.costs.forEach((x, j) => (c[j] += x));
    byName.set(name, c);
  }
  return byName;
}

function unnamedAddress(name, symbols) {
  const m = /^\?\?\?:0x([0-9a-f]+)/.exec(name);
  if (!m) return undefined;
  const a = Number.parseInt(m[1], 16);
  return findSymbol(symbols, a) ? undefined : a;
}

function readPerfMap(path) {
  const symbols = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) symbols.push({ start: Number.parseInt(m[1], 16), size: Number.parseInt(m[2], 16), name: m[3] });
  }
  return symbols.sort((x, y) => x.start - y.start);
}

function findSymbol(symbols, a) {
  let lo = 0;
  let hi = symbols.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid].start <= a) lo = mid + 1;
    else hi = mid - 1;
  }
  const s = symbols[hi];
  return s && a < s.start + s.size ? s : undefined;
}

const cleanJs = (name) =>
  name.replace(/^(JS|LazyCompile|Function):[~*^+]?/, "").replace(/file:\/\/\/\S*?\/dist\//, "").replace(/file:\/\/\/\S*?node_modules\//, "");
const cleanCpp = (name) =>
  name
    .replaceAll("(anonymous namespace)::", "")
    .replace(/std::__2::basic_string<char, std::__2::char_traits<char>, std::__2::allocator<char> >/g, "string")
    .replace(/std::__2::basic_string_view<char, std::__2::char_traits<char> >/g, "string_view")
    .replace(/nlohmann::json_abi_v3_11_2::basic_json<[^()]*?adl_serializer[^()]*?> >/g, "json")
    .replace(/\(.*$/, "");

function countWasmImports(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  return WebAssembly.Module.imports(module).filter((i) => i.kind === "function").length;
}

/** (b - a) / n per function: one operation, without start-up. */
function perOperation(a, b, n, wasmImports) {
  const [A, B] = [a, b].map((run) => profileByFunction(run, wasmImports));
  for (const run of [a, b]) rmSync(run.map, { force: true });
  const out = new Map();
  for (const name of new Set([...A.keys(), ...B.keys()])) {
    const x = A.get(name) ?? new Array(COLUMNS.length).fill(0);
    const y = B.get(name) ?? new Array(COLUMNS.length).fill(0);
    out.set(name, y.map((v, j) => (v - x[j]) / n));
  }
  return out;
}

function report(op, sides, top) {
  const kinds = (m) => {
    const k = {};
    for (const [name, c] of m) {
      const kind = name.split(" ")[0];
      k[kind] ??= [0, 0];
      k[kind][0] += c[ILMR];
      k[kind][1] += c[DLMR] + c[DLMW];
    }
    return k;
  };
  console.log(`\n## ${op}: cold lines per operation (code lines missed in an 8 MiB last level / data lines)\n`);
  console.log("| side | wasm | js | builtin | native | jit (unnamed) | code lines in all | data lines (the sweep's excluded) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [side, m] of Object.entries(sides)) {
    const k = kinds(m);
    const cell = (kind) => (k[kind] ? k[kind][0].toFixed(0) : "0");
    const code = Object.values(k).reduce((s, v) => s + v[0], 0);
    // The sweep itself misses 24 MiB / 64 B = 393,216 lines per operation on both sides.
    const data = Object.values(k).reduce((s, v) => s + v[1], 0) - 393216;
    console.log(`| ${side} | ${cell("wasm")} | ${cell("js")} | ${cell("builtin")} | ${cell("native")} | ${cell("jit")} | ${code.toFixed(0)} | ${data.toFixed(0)} |`);
  }
  const store = sides.store;
  const raw = sides.raw ?? new Map();
  if (!store) return;
  const diff = [...store].map(([name, c]) => [name, c[ILMR] - (raw.get(name)?.[ILMR] ?? 0), c[DLMR] + c[DLMW] - ((raw.get(name)?.[DLMR] ?? 0) + (raw.get(name)?.[DLMW] ?? 0))]);
  console.log(`\nThe package's functions with the most code lines beyond the raw side's, per operation:\n`);
  for (const [name, code, data] of diff.sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(`  ${code.toFixed(1).padStart(7)} code  ${data.toFixed(1).padStart(7)} data  ${name.slice(0, 150)}`);
  }
}

if (args[0] === "--child") await child(args[1], args[2], Number(args[3]), Number(args[4]), args[5]);
else main();
