// The tooling ships as the package's bin without weighing on the runtime: "@lunora/hyperdrive"
// never reaches the tooling, TypeScript or jsonc-parser, and the tooling loads them lazily.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import test from "node:test";
import { root } from "./support.mjs";

const shim = join(root, "js-shim");
const pkg = JSON.parse(readFileSync(join(shim, "package.json"), "utf8"));

/** Every module a dist file loads statically (import/export ... from, bare import; compiled JS has no `import type`), transitively;
 * dynamic import() is not followed. */
function staticGraph(entry) {
  const seen = new Set();
  const packages = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1];
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else if (spec.startsWith("#")) continue; // package imports (the WASM module) stay in dist/core
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files: [...seen].map((f) => f.slice(shim.length + 1)), packages: [...packages] };
}

test("package.json: the lunora-hyperdrive bin, the ./tooling export, jsonc-parser, optional peer typescript", () => {
  assert.deepEqual(pkg.bin, { "lunora-hyperdrive": "./dist/cli/main.js" });
  assert.deepEqual(pkg.exports["./tooling"], { types: "./dist/tooling/index.d.ts", default: "./dist/tooling/index.js" });
  assert.equal(pkg.dependencies["jsonc-parser"], "^3.3.1");
  assert.equal(pkg.peerDependencies.typescript, "^5.0.0 || ^6.0.0");
  assert.deepEqual(pkg.peerDependenciesMeta.typescript, { optional: true });
  const main = join(shim, "dist", "cli", "main.js");
  assert.ok(existsSync(main), "run the build first");
  assert.equal(readFileSync(main, "utf8").split("\n")[0], "#!/usr/bin/env node");
});

test("runtime entries never load the tooling, TypeScript or jsonc-parser", () => {
  for (const entry of ["index.js", "global/index.js", "schema/index.js"]) {
    const path = join(shim, "dist", entry);
    if (!existsSync(path)) continue;
    const graph = staticGraph(path);
    assert.deepEqual(graph.files.filter((f) => f.startsWith("dist/tooling/") || f.startsWith("dist/cli/")), [], entry);
    assert.equal(graph.packages.includes("typescript"), false, entry);
    assert.equal(graph.packages.includes("jsonc-parser"), false, entry);
  }
});

test("the tooling entry loads TypeScript and jsonc-parser only when a command needs them", () => {
  const graph = staticGraph(join(shim, "dist", "tooling", "index.js"));
  assert.deepEqual(graph.packages.sort(), ["node:child_process", "node:fs", "node:path"]);
  const cli = staticGraph(join(shim, "dist", "cli", "main.js"));
  assert.deepEqual(cli.packages.sort(), ["node:child_process", "node:fs", "node:path", "node:util"]);
});
