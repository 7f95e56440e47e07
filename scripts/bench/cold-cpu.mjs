// The package's CPU per operation as it runs live: after an idle gap like a round trip's.
//
// On this kind of machine a store operation's CPU measured in a tight loop (run.mjs --cpu) is
// a fraction of what it costs between real round trips: while the process waits for the
// server, caches and branch predictors go cold (the server and other processes run on the
// same cores). This script puts an idle wait (Atomics.wait, default 500 us) before each
// operation of two builds of the package (A = --a DIST, B = --b DIST, each a js-shim/dist)
// over an exec that answers instantly with canned rows, order alternating every iteration,
// and prints medians per op and B/A. No database is needed. Not part of the tests.
//
//   node scripts/bench/cold-cpu.mjs --a /tmp/base/dist --b js-shim/dist [--n 3000] [--idle-us 500] [--ops insert,get,patch,mutation]
import { docsSchema, loadBuild, makeDoc } from "./builds.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(opt("--n", 3000));
const IDLE_MS = Number(opt("--idle-us", 500)) / 1000;
const OPS = opt("--ops", "insert,get,patch,mutation").split(",");
const WARMUP = 300;

const load = (dist) => loadBuild(dist);

const TABLE = "cold_docs";
const BLIND_PATCH = /RETURNING "(o"\.")?_id"/;  // a patch sent without a read returns the row
const schemaOf = (S) => docsSchema(S, TABLE);

/** A store over an exec that answers at once, as the Postgres adapter would (int8 as text, JSON as text). */
async function openStore({ G, S }) {
  let row = null;
  const exec = {
    async query(text) {
      // A point read, or a patch sent without a read (it returns the row).
      if (text.startsWith("SELECT") || BLIND_PATCH.test(text)) return { rows: row ? [row] : [], affectedRows: 0 };
      if (text.startsWith("UPDATE") || text.startsWith("DELETE")) return { rows: [{ "?column?": 1 }], affectedRows: 1 };
      return { rows: [], affectedRows: 1 };
    },
  };
  const db = G.createHyperdriveGlobalCtxDb({ engine: "postgres", exec, schema: schemaOf(S), autoMigrate: false });
  const id = await db.mutation((w) => w.insert(TABLE, makeDoc(1)));
  const d = makeDoc(1);
  row = { _id: id, _creationTime: 1700000000000, _version: "1", ...d, count: String(d.count), tags: JSON.stringify(d.tags) };
  return { db, id };
}

const A = await openStore(await load(opt("--a", "/tmp/base/dist")));
const B = await openStore(await load(opt("--b", "js-shim/dist")));
const ops = {
  insert: ({ db }, i) => db.mutation((w) => w.insert(TABLE, makeDoc(i))),
  get: ({ db, id }) => db.query((r) => r.get(id)),
  patch: ({ db, id }, i) => db.mutation((w) => w.patch(id, { score: i * 0.5 })),
  mutation: ({ db, id }) => db.mutation(async (w) => {
    const doc = await w.get(id);
    await w.patch(id, { count: doc.count + 1n });
  }),
};
const idle = new Int32Array(new SharedArrayBuffer(4));
const median = (xs) => { const s = Float64Array.from(xs).sort(); return s[Math.floor(s.length / 2)]; };
for (const name of OPS) {
  const op = ops[name];
  const times = { A: [], B: [] };
  for (let i = 0; i < WARMUP + N; i++) {
    for (const label of i % 2 ? ["A", "B"] : ["B", "A"]) {
      Atomics.wait(idle, 0, 0, IDLE_MS);
      const t0 = performance.now();
      await op(label === "A" ? A : B, i);
      if (i >= WARMUP) times[label].push((performance.now() - t0) * 1000);
    }
  }
  const [a, b] = [median(times.A), median(times.B)];
  console.log(`${name}: A ${a.toFixed(1)} us, B ${b.toFixed(1)} us, B/A ${(b / a).toFixed(3)}`);
}
