#!/usr/bin/env node
// Builds everything js-shim needs: the WASM core (Emscripten via CMake) and the TypeScript.
// Run as `npm run build` inside js-shim/. Incremental: CMake and tsc rebuild only what changed.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shim = join(root, "js-shim");
const buildDir = join(root, "build", "wasm");
const generated = join(shim, "src", "core", "generated");
const jobs = process.env.LUNORA_BUILD_JOBS ?? "2";

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
}

function have(cmd) {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

if (!have("emcmake")) {
  console.error("build: emcmake not found. Run scripts/setup.sh (installs Debian's emscripten) first.");
  process.exit(1);
}

// Emscripten's JS optimizer needs Debian's node modules (acorn); see TOOLCHAIN.md.
const emEnv = { ...process.env, NODE_PATH: ["/usr/share/nodejs", process.env.NODE_PATH].filter(Boolean).join(":") };
if (!existsSync(join(buildDir, "CMakeCache.txt"))) {
  run("emcmake", ["cmake", "-S", root, "-B", buildDir, "-DCMAKE_BUILD_TYPE=Release", `-DLUNORA_WASM_OUT_DIR=${generated}`], { env: emEnv });
}
run("cmake", ["--build", buildDir, "--target", "lunora_core_wasm", "-j", jobs], { env: emEnv });

rmSync(join(shim, "dist"), { recursive: true, force: true });
run(join(root, "node_modules", ".bin", "tsc"), ["-p", join(shim, "tsconfig.json")]);

const out = join(shim, "dist", "core", "generated");
mkdirSync(out, { recursive: true });
for (const file of ["lunora_core.mjs", "lunora_core.wasm", "lunora_core.d.mts"]) {
  copyFileSync(join(generated, file), join(out, file));
}
console.log("build: js-shim/dist is ready");
