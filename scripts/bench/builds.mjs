// What the A/B bench scripts share: a build of the package loaded from its own folder, the
// 10-field document table they measure, and the raw side's row mapping and INSERT. Not part of the tests.
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The package built in `dist` (a js-shim/dist folder). Each build gets its own folder and
 * package.json, so two builds load side by side. `core`: also its core module.
 */
export async function loadBuild(dist, { core = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "bench-build-"));
  cpSync(resolve(dist), join(dir, "dist"), { recursive: true });
  cpSync(resolve("js-shim", "package.json"), join(dir, "package.json"));
  const imp = (p) => import(pathToFileURL(join(dir, "dist", p)).href);
  const build = { G: await imp("global/index.js"), S: await imp("schema/index.js") };
  if (core) build.core = await imp("core/core.js");
  return build;
}

/** The benchmarks' table: 10 user fields and an index on `age`. */
export function docsSchema({ defineSchema, defineTable, v }, table) {
  return defineSchema({
    [table]: defineTable({
      name: v.string(), email: v.string(), age: v.number(), score: v.float64(), active: v.boolean(),
      count: v.int64(), city: v.string(), country: v.string(), tags: v.array(v.string()), note: v.optional(v.string()),
    }).index("by_age", ["age"]).global(),
  });
}

export const makeDoc = (i) => ({
  name: `user ${i}`, email: `user${i}@example.com`, age: i % 1000, score: i * 0.5, active: i % 2 === 0,
  count: BigInt(i), city: "Lisbon", country: "PT", tags: ["a", "b", String(i % 7)], note: "hello",
});

/** A row of the benchmarks' table as the raw side maps it (run.mjs's "plain row mapping"). */
export const mapDocRow = (r) => ({
  _id: r._id, _creationTime: Number(r._creationTime), name: r.name, email: r.email, age: Number(r.age), score: Number(r.score),
  active: Boolean(r.active), count: BigInt(r.count), city: r.city, country: r.country,
  tags: typeof r.tags === "string" ? JSON.parse(r.tags) : r.tags, ...(r.note == null ? {} : { note: r.note }),
});

/**
 * The raw Postgres INSERT of document `makeDoc(i)` into `table` (the benchmarks' baseline: the
 * same columns, the index key column included), as [text, params] for `sql.unsafe`.
 */
export function rawPgInsert(table, i) {
  const d = makeDoc(i);
  return [
    `INSERT INTO "${table}" ("_id", "_creationTime", "_version", "name", "email", "age", "score", "active", "count", "city", "country", "tags", "note", "_k_by_age") ` +
      `VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, decode($13, 'hex'))`,
    [randomBytes(16).toString("hex"), Date.now() + i / 1000, d.name, d.email, d.age, d.score, d.active, String(d.count), d.city, d.country,
      JSON.stringify(d.tags), d.note, randomBytes(12).toString("hex")],
  ];
}

/**
 * How the cold-footprint scripts count a cold operation: callgrind's cache simulation with an
 * 8 MiB last level, and a sweep of 24 MiB of other data before each measured operation.
 */
export const COLD_CALLGRIND_ARGS = [
  "--tool=callgrind", "--smc-check=all-non-file", "--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64",
];
export function coldSweeper() {
  const junk = new Uint8Array(24 << 20);
  return () => {
    let sum = 0;
    for (let k = 0; k < junk.length; k += 64) sum += junk[k]++;
    return sum;
  };
}

/** The environment em++ / emcmake need here: Debian's node modules (acorn; TOOLCHAIN.md). */
export const emscriptenEnv = () => ({ ...process.env, NODE_PATH: ["/usr/share/nodejs", process.env.NODE_PATH].filter(Boolean).join(":") });
