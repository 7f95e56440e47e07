// Shared by the tooling tests: run the built bin exactly as a user would, on copies of the
// fixture apps (so nothing the tests do lands in the repository).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bin = join(root, "js-shim", "dist", "cli", "main.js");
export const fixtures = join(root, "test", "tooling", "fixtures");
export const toolingUrl = new URL("../../js-shim/dist/tooling/index.js", import.meta.url).href;

/** Runs `node js-shim/dist/cli/main.js ...args` in `cwd`; colour off, as on a pipe. */
export function run(args, cwd, env = {}) {
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...env },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A fresh copy of a fixture folder in a temporary directory (outside any git repository). */
export function copyFixture(t, name) {
  const dir = mkdtempSync(join(tmpdir(), "lunora-tooling-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(fixtures, ...name.split("/")), dir, { recursive: true });
  return dir;
}
