// Runs the test Worker (wrangler.jsonc) inside workerd through Miniflare, with the
// Hyperdrive bindings from wrangler.jsonc pointed at the local servers.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "jsonc-parser";
import { Miniflare } from "miniflare";
import { untag } from "./tagged.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outdir = join(root, "build", "test-worker");

export function readWranglerConfig(path = join(root, "wrangler.jsonc")) {
  const errors = [];
  const config = parse(readFileSync(path, "utf8"), errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`cannot parse ${path}`);
  return config;
}

/** Bundles the test Worker exactly as `wrangler deploy` would (once per test run). */
export function bundleTestWorker({ force = false } = {}) {
  if (!force && existsSync(join(outdir, "index.js")) && process.env.LUNORA_TEST_WORKER_BUILT === "1") return outdir;
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return outdir;
}

/** Starts the Worker; `extraHyperdrives` adds bindings (e.g. deliberately broken ones). */
export async function startTestWorker({ extraHyperdrives = {} } = {}) {
  const config = readWranglerConfig();
  const dir = bundleTestWorker();
  const hyperdrives = {};
  for (const h of config.hyperdrive) hyperdrives[h.binding] = h.localConnectionString;
  Object.assign(hyperdrives, extraHyperdrives);

  const output = [];
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "index.js"),
    modulesRoot: dir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    hyperdrives,
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (chunk) => output.push(String(chunk)));
      stderr.on("data", (chunk) => output.push(String(chunk)));
    },
  });
  await mf.ready;
  return {
    output,
    async get(path) {
      const response = await mf.dispatchFetch(`http://worker.test${path}`);
      const body = untag(await response.json());
      if (response.status >= 500) throw new Error(`worker failed on ${path}: ${JSON.stringify(body)}`);
      return body;
    },
    dispose: () => mf.dispose(),
  };
}

let counter = 0;
/** A table name unique to this process and call. */
export function uniqueTable(prefix) {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}
