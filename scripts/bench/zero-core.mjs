// A bound, not a build: how much of a live write's extra time the core's work could ever
// remove. Copies the built package twice and, in the second copy only, replaces the core's work
// for an insert and for a read-modify-write's patch (validation, the write set, and the commit
// plan of `checkPlan`) with one trivial crossing each: the first such write of a run goes
// through the core and its plan is kept; every later one reuses that plan with the new id
// (insert) or the new values (patch) put in. Everything else (the shim, the driver, the
// statement sent, the commit log's calls) runs as usual. Then runs pages-ab.mjs with the
// unchanged copy as A and the core-less one as B, so B/A is what a core that cost nothing
// would save.
//
// Only for the benchmark's operations (a lone 10-field insert; get then patch of `count`): the
// copy skips checks the store relies on and must never serve anything else. Not part of the tests.
//
//   node scripts/bench/zero-core.mjs [--dist js-shim/dist] [--n 3000] [--engine postgres] [--table pages_probe]
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dist = resolve(opt("--dist", "js-shim/dist"));

const dir = mkdtempSync(join(tmpdir(), "zero-core-"));
const base = join(dir, "base", "dist");
const zero = join(dir, "zero", "dist");
cpSync(dist, base, { recursive: true });
cpSync(dist, zero, { recursive: true });

/** Each [from, to] must match the built file exactly once; a changed build fails here, loudly. */
function rewrite(file, pairs) {
  const path = join(zero, file);
  let text = readFileSync(path, "utf8");
  for (const [from, to] of pairs) {
    if (text.split(from).length !== 2) throw new Error(`zero-core: ${file} no longer has exactly one:\n${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}

// A stand-in crossing: tx_begin_handle of no store answers 0 at once.
const CROSS = "this.core.txBeginHandle(-7);";
rewrite("global/core-store.js", [
  [
    `    insert(table, documentWire, nowMs) {\n`,
    `    insert(table, documentWire, nowMs) {
        const kept = (globalThis.__zeroCore ??= {});
        if (kept.insert) {
            ${CROSS}
            const id = Array.from({ length: 25 }, () => "0123456789abcdefghjkmnpqrstvwxyz"[(Math.random() * 32) | 0]).join("") + kept.insert.id.slice(25);
            this.zeroPlan = kept.insert.plan.split(kept.insert.id).join(id).split(kept.insert.hex).join(Buffer.from(id).toString("hex"));
            return { _id: id, _creationTime: Date.now() };
        }
`,
  ],
  [
    `        const space = answer.indexOf(" ");\n        return {`,
    `        const space = answer.indexOf(" ");
        const keptId = answer.slice(0, space);
        this.zeroPlan = this.core.txCheckPlanCompact(this.handle);
        kept.insert = { id: keptId, hex: Buffer.from(keptId).toString("hex"), plan: this.zeroPlan };
        return {`,
  ],
  [
    `    patch(id, expectedVersion, creationTime, oldWire, setWire, unset, otherFieldsBound) {\n`,
    `    patch(id, expectedVersion, creationTime, oldWire, setWire, unset, otherFieldsBound) {
        const kept = (globalThis.__zeroCore ??= {});
        if (kept.patch) {
            ${CROSS}
            const plan = JSON.parse(kept.patch);
            const count = JSON.parse(setWire).count;
            const value = typeof count === "object" ? String(Buffer.from(count.$integer, "base64").readBigInt64LE(0)) : String(count);
            plan[0][0][1] = [String(BigInt(expectedVersion) + 1n), value, id, expectedVersion];
            this.zeroPlan = JSON.stringify(plan);
            return true;
        }
`,
  ],
  [
    `        if (answer.length === 1)\n            return answer === "1";`,
    `        if (answer.length === 1) {
            if (answer === "1") kept.patch = this.zeroPlan = this.core.txCheckPlanCompact(this.handle);
            return answer === "1";
        }`,
  ],
  [
    `        const answer = this.core.txCheckPlanCompact(this.handle);\n        if (answer.charCodeAt(0) === 123)\n            return unwrap(answer);\n        return { conflict: null, plan:`,
    `        if (this.zeroPlan !== undefined) ${CROSS}
        const answer = this.zeroPlan ?? this.core.txCheckPlanCompact(this.handle);
        this.zeroPlan = undefined;
        if (answer.charCodeAt(0) === 123)
            return unwrap(answer);
        return { conflict: null, plan:`,
  ],
]);

const run = spawnSync(
  process.execPath,
  [
    join("scripts", "bench", "pages-ab.mjs"), "--a", base, "--b", zero, "--ops", "insert,mutation",
    "--n", opt("--n", "3000"), "--table", opt("--table", "pages_probe"), "--engine", opt("--engine", "postgres"),
  ],
  { stdio: "inherit" },
);
process.exit(run.status ?? 1);
