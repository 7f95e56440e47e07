// Runs the test Worker (wrangler.jsonc) inside workerd through Miniflare, with the
// Hyperdrive bindings from wrangler.jsonc pointed at the local servers.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "jsonc-parser";
import { untag } from "./tagged.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outdir = join(root, "build", "test-worker");

export function readWranglerConfig(path = join(root, "wrangler.jsonc")) {
  const errors = [];
  const config = parse(readFileSync(path, "utf8"), errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`cannot parse ${path}`);
  return config;
}

/**
 * Bundles the test Worker exactly as `wrangler deploy` would (once per test run). `config`
 * (optional) bundles another Worker from its own wrangler config into build/test-worker-<dir>;
 * that bundle is always rebuilt.
 */
export function bundleTestWorker({ force = false, config } = {}) {
  const out = config ? join(root, "build", `test-worker-${basename(dirname(config))}`) : outdir;
  if (!config && !force && existsSync(join(outdir, "index.js")) && process.env.LUNORA_TEST_WORKER_BUILT === "1") return outdir;
  const args = ["deploy", "--dry-run", "--outdir", out, ...(config ? ["--config", config] : [])];
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return out;
}

/**
 * Starts the Worker; `extraHyperdrives` adds bindings (e.g. deliberately broken ones);
 * `config` runs another Worker from its wrangler config (with its Durable Objects).
 */
export async function startTestWorker({ extraHyperdrives = {}, config: configPath } = {}) {
  const config = configPath ? readWranglerConfig(configPath) : readWranglerConfig();
  const scriptDir = bundleTestWorker({ config: configPath });
  const hyperdrives = {};
  for (const h of config.hyperdrive) hyperdrives[h.binding] = h.localConnectionString;
  Object.assign(hyperdrives, extraHyperdrives);

  const sqliteClasses = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  const options = {
    scriptDir,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    hyperdrives,
    durableObjects: Object.fromEntries(
      (config.durable_objects?.bindings ?? []).map((b) => [b.name, { className: b.class_name, useSQLite: sqliteClasses.has(b.class_name) }]),
    ),
    // Local, in-memory D1 databases (fresh for every run).
    d1Databases: Object.fromEntries((config.d1_databases ?? []).map((d) => [d.binding, d.database_id])),
  };
  const child = spawn(process.execPath, [join(root, "test", "support", "worker-host.mjs"), JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = [];
  child.stderr.on("data", (chunk) => output.push(String(chunk)));
  const baseUrl = await new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      output.push(String(chunk));
      buffered += chunk;
      const match = /READY (\S+)/.exec(buffered);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`worker host exited (${code}): ${output.join("")}`)));
  });
  return {
    output,
    baseUrl,
    async get(path) {
      const response = await fetch(new URL(path, baseUrl));
      const body = untag(await response.json());
      if (response.status >= 500) throw new Error(`worker failed on ${path}: ${JSON.stringify(body)}`);
      return body;
    },
    async dispose() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

let counter = 0;
/** A table name unique to this process and call. */
export function uniqueTable(prefix) {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}
