// Runs the compile-time checks of schema-types.test-d.ts: `tsc` must accept the file, which
// also proves that every `@ts-expect-error` line in it is an error.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("schema types: correct inserts type-check, wrong ones do not", { timeout: 120_000 }, async () => {
  const tsc = join(root, "node_modules/.bin/tsc");
  const result = await new Promise((resolve) => {
    execFile(tsc, ["-p", "test/unit/tsconfig.types.json"], { cwd: root }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, output: stdout + stderr }),
    );
  });
  assert.equal(result.output, "");
  assert.equal(result.code, 0);
});
