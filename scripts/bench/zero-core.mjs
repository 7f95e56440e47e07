// A bound, not a build: how much of a live write's extra time the core's calls cost. Copies the
// built package twice; in the second copy only, a lone insert and a read-modify-write's patch
// skip the core's calls as `--mode` says:
//   none       the write's call (validation, the write set) and checkPlan's (the commit plan),
//              and parsing the plan's answer
//   crossings  the same, with one trivial crossing in place of each call
//   write      checkPlan's call and parsing its answer (the write's call is made)
//   calls      parsing the plan's answer (both calls are made, their answers dropped)
// The first such write of a run goes through the core and its plan is kept, already parsed;
// every later one reuses it with a fresh id made ahead (insert) or the new values (patch) put
// in. The shim, the driver, the statement sent and the commit log's calls run as usual. Then
// runs pages-ab.mjs with the unchanged copy as A and this one as B: B/A is what the skipped
// calls cost.
//
// Only for the benchmark's operations (a lone 10-field insert; get then patch of `count`): the
// copy skips checks the store relies on and must never serve anything else. Not part of the tests.
//
//   node scripts/bench/zero-core.mjs [--mode none|crossings|write|calls] [--dist js-shim/dist]
//                                    [--n 3000] [--engine postgres] [--table pages_probe]
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

// The kept plans are positional arrays (txCheckPlanCompact's form) whose text is the number the
// store registered for it on the first, real plan: reusing one parses no JSON.
rewrite("global/core-store.js", [
  [
    `    insert(table, documentWire, nowMs) {\n`,
    `    insert(table, documentWire, nowMs) {
        const kept = (globalThis.__zeroCore ??= {});
        const next = kept.inserts?.pop();
        if (next) {
            if (ZERO_MODE === "calls" || ZERO_MODE === "write") { this.core.txInsertCompact(this.handle, table, documentWire, nowMs); this.zeroCalls = ZERO_MODE === "calls"; }
            if (ZERO_MODE === "crossings") { this.core.txBeginHandle(-7); this.zeroCalls = true; }
            this.zeroPlan = next.plan;
            return { _id: next.id, _creationTime: next.creationTime };
        }
`,
  ],
  [
    `        const space = answer.indexOf(" ");\n        return {`,
    `        const space = answer.indexOf(" ");
        const keptId = answer.slice(0, space);
        this.zeroPlan = this.core.txCheckPlanCompact(this.handle);
        kept.inserts = zeroCoreInserts(keptId, Number(answer.slice(space + 1)), JSON.parse(this.zeroPlan));
        return {`,
  ],
  [
    `    patch(id, expectedVersion, creationTime, oldWire, setWire, unset, otherFieldsBound) {\n`,
    `    patch(id, expectedVersion, creationTime, oldWire, setWire, unset, otherFieldsBound) {
        const kept = (globalThis.__zeroCore ??= {});
        if (kept.patch && unset.length === 0) {
            if (ZERO_MODE === "calls" || ZERO_MODE === "write") { this.core.txPatch(this.handle, id, expectedVersion, creationTime, oldWire, setWire, "", otherFieldsBound); this.zeroCalls = ZERO_MODE === "calls"; }
            if (ZERO_MODE === "crossings") { this.core.txBeginHandle(-7); this.zeroCalls = true; }
            const integer = /"\\$integer":"([^"]+)"/.exec(setWire);
            const count = integer ? String(Buffer.from(integer[1], "base64").readBigInt64LE(0)) : setWire.slice(setWire.indexOf(":") + 1, -1);
            this.zeroPlan = [[[kept.patch.text, [String(BigInt(expectedVersion) + 1n), count, id, expectedVersion], 1, 0, 0]], false, kept.patch.origins];
            return true;
        }
`,
  ],
  [
    `        if (answer.length === 1)\n            return answer === "1";`,
    `        if (answer.length === 1) {
            if (answer === "1") {
                this.zeroPlan = this.core.txCheckPlanCompact(this.handle);
                const plan = JSON.parse(this.zeroPlan);
                kept.patch = { text: zeroCoreTextId(plan), origins: plan[2] };
            }
            return answer === "1";
        }`,
  ],
  [
    `        const answer = this.core.txCheckPlanCompact(this.handle);\n        if (answer.charCodeAt(0) === 123)\n            return unwrap(answer);\n        return { conflict: null, plan:`,
    `        const zero = this.zeroPlan;
        this.zeroPlan = undefined;
        if (typeof zero === "object") {
            if (this.zeroCalls) ZERO_MODE === "calls" ? this.core.txCheckPlanCompact(this.handle) : this.core.txBeginHandle(-7);
            return { conflict: null, plan: this.store.compactPlan(zero) };
        }
        const answer = zero ?? this.core.txCheckPlanCompact(this.handle);
        if (answer.charCodeAt(0) === 123)
            return unwrap(answer);
        return { conflict: null, plan:`,
  ],
  [
    `export class CoreWriteSet {`,
    `const ZERO_MODE = ${JSON.stringify(opt("--mode", "none"))};
/** The number of the text of a plan's one step (registered by the real plan that carried it). */
function zeroCoreTextId(plan) {
    const text = plan[0][0][0];
    const id = typeof text === "number" ? text : text.textId;
    if (typeof id !== "number") throw new Error("zero-core: the kept plan's text has no number");
    return id;
}
/** 20,000 inserts' ids and plans made ahead from the first real one (a fresh id each; its key too). */
function zeroCoreInserts(id, creationTime, plan) {
    const text = zeroCoreTextId(plan);
    const hex = Buffer.from(id).toString("hex");
    const out = [];
    for (let i = 0; i < 20000; i++) {
        const fresh = Array.from({ length: 25 }, () => "0123456789abcdefghjkmnpqrstvwxyz"[(Math.random() * 32) | 0]).join("") + id.slice(25);
        const freshHex = Buffer.from(fresh).toString("hex");
        const params = plan[0][0][1].map((p) => (p === id ? fresh : typeof p === "string" && p.includes(hex) ? p.split(hex).join(freshHex) : p));
        out.push({ id: fresh, creationTime: creationTime + i + 1, plan: [[[text, params, plan[0][0][2], plan[0][0][3], plan[0][0][4]]], plan[1], plan[2]] });
    }
    return out;
}
export class CoreWriteSet {`,
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
