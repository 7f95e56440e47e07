// Where a live Postgres point operation's time goes, store against raw postgres.js, without
// touching the package: each operation is cut at its socket writes and the server's answers
// (net.Socket write / "data"), so both sides are measured the same way.
//
//   pre    the call until its first statement is written out (the package's work before the
//          statement, or the raw side's parameters and the driver's)
//   server a statement written until its answer arrives (the server, the loopback, and the
//          process waking up)
//   mid    between the two round trips of a read-modify-write
//   post   the last answer until the caller resumes
//
// Store and raw alternate, order swapped every iteration; medians. `--gap-us N[,M]` measures
// instead what a client's CPU gap costs the server: the same prepared INSERT, raw, with a busy
// gap of N us before every other statement, server segments compared. Not part of the tests.
//
//   node scripts/bench/segments.mjs [--ops insert,patch,mutation] [--n 3000] [--dist js-shim/dist]
//   node scripts/bench/segments.mjs --gap-us 40 [--n 3000]
import net from "node:net";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { docsSchema, loadBuild, makeDoc, mapDocRow } from "./builds.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(opt("--n", 3000));
const WARMUP = 300;
const TABLE = "segments_docs";
const gaps = args.includes("--gap-us") ? opt("--gap-us", "40").split(",").map(Number) : null;

let marks = null;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (...a) {
  marks?.push(["w", performance.now()]);
  return write.apply(this, a);
};
const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (event, ...a) {
  if (event === "data") marks?.push(["d", performance.now()]);
  return emit.call(this, event, ...a);
};

const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false, onnotice: () => {} });
const { G, S } = await loadBuild(opt("--dist", "js-shim/dist"));
let lastText = null;
const exec = G.buildPgExec(sql);
const spy = { query: (text, params) => ((lastText = text), exec.query(text, params)) };
for (const key of Object.getOwnPropertySymbols(exec)) spy[key] = exec[key];
const recorder = G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: spy, schema: docsSchema(S, TABLE) });
await recorder.migrate();
if ((await sql.unsafe(`SELECT count(*)::int AS n FROM "${TABLE}"`))[0].n < 1000) {
  for (let i = 0; i < 1000; i++) await recorder.mutation((w) => w.insert(TABLE, makeDoc(i)));
}
const ids = (await sql.unsafe(`SELECT "_id" FROM "${TABLE}" ORDER BY "_creationTime" LIMIT 500`)).map((r) => r._id);
await recorder.query((r) => r.get(ids[0]));
const getText = lastText;
const db = G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema: docsSchema(S, TABLE), autoMigrate: false });

const q = (text, params) => sql.unsafe(text, params, { prepare: true });
const cols = ["_id", "_creationTime", "_version", "name", "email", "age", "score", "active", "count", "city", "country", "tags", "note", "_k_by_age"];
const insertText = `INSERT INTO "${TABLE}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map((c, i) => (c === "_k_by_age" ? `decode($${i + 1}, 'hex')` : `$${i + 1}`)).join(", ")})`;
const keyHex = Buffer.from((await sql.unsafe(`SELECT "_k_by_age" AS k FROM "${TABLE}" WHERE "_id" = $1`, [ids[0]]))[0].k).toString("hex");
// Ids the store would refuse as another table's (their tag is not this table's): deleted at the end.
const rawId = () => randomBytes(16).toString("hex").slice(0, 25) + "zzzzzzz";
const insertParams = (i) => {
  const d = makeDoc(i);
  const id = rawId();
  return [id, Date.now(), 1, d.name, d.email, d.age, d.score, d.active, String(d.count), d.city, d.country, JSON.stringify(d.tags), d.note, keyHex + Buffer.from(id).toString("hex")];
};
const patchText = `UPDATE "${TABLE}" SET "score" = $1, "_version" = "_version" + 1 WHERE "_id" = $2`;
const guardText = `UPDATE "${TABLE}" SET "count" = $1, "_version" = "_version" + 1 WHERE "_id" = $2 AND "_version" = $3`;
const mapRow = mapDocRow;
const spin = (us) => {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
};

const OPS = {
  insert: { trips: 1, store: (i) => db.mutation((w) => w.insert(TABLE, makeDoc(3000000 + i))), raw: (i) => q(insertText, insertParams(4000000 + i)) },
  patch: { trips: 1, store: (i) => db.mutation((w) => w.patch(ids[i % 500], { score: i + 0.5 })), raw: (i) => q(patchText, [i + 0.25, ids[i % 500]]) },
  mutation: {
    trips: 2,
    store: (i) => db.mutation((w) => w.get(ids[i % 500]).then((d) => w.patch(d._id, { count: d.count + 1n }))),
    raw: async (i) => {
      const row = (await q(getText, [ids[i % 500]]))[0];
      const d = mapRow(row);
      await q(guardText, [String(d.count + 1n), d._id, String(row._version)]);
    },
  },
};

const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  return s[s.length >> 1] * 1000;
};
const f1 = (x) => x.toFixed(1);

/** Runs `sides` alternately; per side, the segments of each iteration whose writes and answers match `trips`. */
async function measure(sides, trips) {
  const names = Object.keys(sides);
  const seg = Object.fromEntries(names.map((k) => [k, { total: [], pre: [], server: Array.from({ length: trips }, () => []), mid: [], post: [] }]));
  for (let i = 0; i < N + WARMUP; i++) {
    for (const k of i & 1 ? names.slice().reverse() : names) {
      marks = [];
      const t0 = performance.now();
      await sides[k](i);
      const t1 = performance.now();
      const w = marks.filter((m) => m[0] === "w").map((m) => m[1]);
      const d = marks.filter((m) => m[0] === "d").map((m) => m[1]);
      marks = null;
      if (i < WARMUP || w.length !== trips || d.length !== trips) continue;
      const s = seg[k];
      s.total.push(t1 - t0);
      s.pre.push(w[0] - t0);
      for (let t = 0; t < trips; t++) s.server[t].push(d[t] - w[t]);
      if (trips === 2) s.mid.push(w[1] - d[0]);
      s.post.push(t1 - d[trips - 1]);
    }
  }
  return seg;
}

if (gaps) {
  console.log("| busy gap before the statement us | server segment us (no gap) | server segment us (gap) | difference us |");
  console.log("|---|---|---|---|");
  for (const gap of gaps) {
    const seg = await measure({ none: (i) => q(insertText, insertParams(5000000 + i)), gap: (i) => (spin(gap), q(insertText, insertParams(6000000 + i))) }, 1);
    const [a, b] = [median(seg.none.server[0]), median(seg.gap.server[0])];
    console.log(`| ${gap} | ${f1(a)} | ${f1(b)} | ${f1(b - a)} |`);
  }
} else {
  console.log("| op | side | total us | pre us | server us (each round trip) | mid us | post us |");
  console.log("|---|---|---|---|---|---|---|");
  for (const op of opt("--ops", "insert,patch,mutation").split(",")) {
    const { trips, store, raw } = OPS[op];
    const seg = await measure({ store, raw }, trips);
    for (const side of ["store", "raw"]) {
      const s = seg[side];
      const mid = trips === 2 ? f1(median(s.mid)) : "-";
      console.log(`| ${op} | ${side} | ${f1(median(s.total))} | ${f1(median(s.pre))} | ${s.server.map((x) => f1(median(x))).join(" / ")} | ${mid} | ${f1(median(s.post))} |`);
    }
  }
}
await sql.unsafe(`DELETE FROM "${TABLE}" WHERE right("_id", 7) = 'zzzzzzz'`);
await sql.end();
