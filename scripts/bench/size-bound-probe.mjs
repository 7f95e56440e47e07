// What the blind patch's 1 MiB size bound costs the Postgres server, by form.
//
// A blind patch (one statement, no read first) checks in SQL that the document it leaves stays
// within 1 MiB: a sum over the columns it does not set. This script takes the store's own
// statement for `patch(id, { score })` on the benchmarks' table and times it, prepared, against
// the bare UPDATE of the raw baseline, alternating the two as the benchmark does (so the
// server's code for the bound is not kept warm by running it back to back). The same is done
// for the bound's earlier form (a COALESCE term per column), for a stand-in of a stored size
// column (one integer column compared), and for the bare statement under another text (which
// shows what alternating alone does to the second of a pair). Medians of each form minus its
// paired bare UPDATE; the differences between forms are the bound's cost.
//
// Needs the loopback Postgres (scripts/db.sh start) and a built package. Not part of the tests.
//
//   node scripts/bench/size-bound-probe.mjs [--n 2000] [--rounds 2] [--dist js-shim/dist]
import postgres from "postgres";
import { docsSchema, loadBuild, makeDoc } from "./builds.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(opt("--n", 2000));
const ROUNDS = Number(opt("--rounds", 2));
const TABLE = "size_bound_docs";

const b = await loadBuild(opt("--dist", "js-shim/dist"));
const sql = postgres(process.env.LUNORA_PG_URL ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", {
  max: 1, fetch_types: false, onnotice: () => {},
});
// The store's exec, with its last statement's text kept (the patch's, below).
const exec = b.G.buildPgExec(sql);
let captured;
const spy = { query: (text, params) => ((captured = text), exec.query(text, params)) };
for (const key of Object.getOwnPropertySymbols(exec)) spy[key] = exec[key];
const db = b.G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec: spy, schema: docsSchema(b.S, TABLE) });
await db.migrate();
const ids = [];
while (ids.length < 100) ids.push(await db.mutation((w) => w.insert(TABLE, makeDoc(ids.length))));
await db.mutation((w) => w.patch(ids[0], { score: 1.5 }));

const bare = `UPDATE "${TABLE}" SET "score" = $1::text::float8, "_version" = "_version" + 1 WHERE "_id" = $2`;
if (!captured?.startsWith(`${bare} AND `)) throw new Error(`size-bound-probe: unexpected statement ${captured}`);
const term = (c) => `COALESCE(6 * octet_length("${c}")::int8, 0)`;
const forms = {
  "bare, another text": `${bare} AND true`,
  "the store's bound": captured,
  "a term per column": `${bare} AND ${["city", "country", "email", "name", "note"].map(term).join(" + ")} + ` +
    `COALESCE(2 * octet_length(CAST("tags" AS text))::int8, 0) <= 983040`,
  "one stored column": `${bare} AND "_version" + 100 <= 983040`,
};

const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
const time = async (text, i) => {
  const start = process.hrtime.bigint();
  await sql.unsafe(text, [String(i * 0.5), ids[i % ids.length]], { prepare: true });
  return Number(process.hrtime.bigint() - start) / 1000;
};
console.log(`| round | form | bare UPDATE us | form us | difference us |\n|---|---|---|---|---|`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, text] of Object.entries(forms)) {
    const a = [];
    const f = [];
    for (let i = 0; i < N; i++) {
      a.push(await time(bare, i));
      f.push(await time(text, i));
    }
    const [ma, mf] = [median(a), median(f)];
    console.log(`| ${round} | ${name} | ${ma.toFixed(1)} | ${mf.toFixed(1)} | ${(mf - ma).toFixed(1)} |`);
  }
}
await sql.end();
