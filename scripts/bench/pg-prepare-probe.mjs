// Probe: what postgres.js's `prepare` option costs a parameterised statement on this machine.
//
// `sql.unsafe(text, params)` (prepare off, as the reference page's `{ query }` wrapper and
// `ctx.sql` call it) sends Parse + Describe first, waits for the parameter description, then
// sends Bind + Execute: two round trips per statement. `{ prepare: true }` (what the store's
// postgres.js adapter uses for the texts it repeats, adapters/repeated-texts.ts) names the
// statement once per connection and then sends Bind + Execute only: one round trip.
// Interleaved on one connection of the loopback Postgres of scripts/db.sh; prints medians.
// Not part of the tests.
//
//   node scripts/bench/pg-prepare-probe.mjs [iterations]
import postgres from "postgres";

const N = Number(process.argv[2] ?? 3000);
const sql = postgres(process.env.LUNORA_BENCH_PG ?? "postgres://lunora:lunora_pg_pw@127.0.0.1:54329/lunora", { max: 1, fetch_types: false });
const text = "SELECT $1::text AS id, $2::text AS label";
const times = { unsafe: [], prepared: [] };
for (let i = 0; i < N + 200; i++) {
  for (const kind of i % 2 ? ["unsafe", "prepared"] : ["prepared", "unsafe"]) {
    const params = [`id${i}`, "label"];
    const t0 = performance.now();
    if (kind === "unsafe") await sql.unsafe(text, params);
    else await sql.unsafe(text, params, { prepare: true });
    if (i >= 200) times[kind].push((performance.now() - t0) * 1000);
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(`sql.unsafe(text, params): ${median(times.unsafe).toFixed(0)} us; with { prepare: true }: ${median(times.prepared).toFixed(0)} us`);
await sql.end();
