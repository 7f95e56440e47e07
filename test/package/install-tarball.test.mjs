// Packs @lunora/hyperdrive, installs the tarball into a fresh Worker app outside the repo,
// and runs that app under `wrangler dev` against the real Postgres, as a user would.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readWranglerConfig, root } from "../support/worker.mjs";

const appDir = mkdtempSync(join(tmpdir(), "lunora-hyperdrive-app-"));
let devServer;
after(() => {
  devServer?.kill("SIGTERM");
  if (!process.env.LUNORA_KEEP_APP) rmSync(appDir, { recursive: true, force: true });
});

function npm(args, cwd) {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

test("the packed tarball works in a fresh Worker app under wrangler dev", { timeout: 300_000 }, async () => {
  const packDir = join(appDir, "pack");
  mkdirSync(packDir, { recursive: true });
  npm(["pack", "--silent", "--pack-destination", packDir], join(root, "js-shim"));
  const tarball = readdirSync(packDir).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack produced a tarball");
  const listing = execFileSync("tar", ["-tzf", join(packDir, tarball)], { encoding: "utf8" });
  assert.match(listing, /package\/dist\/core\/generated\/lunora_core\.wasm/);
  assert.match(listing, /package\/dist\/index\.d\.ts/);
  assert.doesNotMatch(listing, /package\/src\//, "sources stay out of the tarball");

  const rootLock = JSON.parse(execFileSync("cat", [join(root, "package-lock.json")], { encoding: "utf8" }));
  const postgresVersion = rootLock.packages["node_modules/postgres"].version;
  writeFileSync(
    join(appDir, "package.json"),
    JSON.stringify({
      name: "fresh-lunora-app",
      private: true,
      type: "module",
      dependencies: { "@lunora/hyperdrive": `file:${join(packDir, tarball)}`, postgres: postgresVersion },
    }),
  );
  const pgUrl = readWranglerConfig().hyperdrive.find((h) => h.binding === "HYPERDRIVE").localConnectionString;
  writeFileSync(
    join(appDir, "wrangler.jsonc"),
    `// a user's app: no custom module rules; wrangler's defaults import the .wasm
{
  "name": "fresh-lunora-app",
  "main": "src/index.js",
  "compatibility_date": "2026-04-01",
  "compatibility_flags": ["nodejs_compat"],
  "hyperdrive": [{ "binding": "HYPERDRIVE", "id": "fresh-app-local", "localConnectionString": "${pgUrl}" }],
}
`,
  );
  mkdirSync(join(appDir, "src"));
  writeFileSync(
    join(appDir, "src", "index.js"),
    `import { createHyperdrive, fromPostgresJs } from "@lunora/hyperdrive";
import { postgresDialect } from "@lunora/hyperdrive/global";
import postgres from "postgres";

export default {
  async fetch(request, env) {
    const { connectionString, engine } = createHyperdrive(env.HYPERDRIVE);
    const client = postgres(connectionString, { fetch_types: false, max: 1 });
    try {
      const sql = fromPostgresJs(client);
      const rows = await sql.query("select $1::int8 - 1 as doubled, $2::text as greeting", [9223372036854775807n, "hi"]);
      return Response.json({ engine, dialect: sql.dialect, quoted: postgresDialect.quoteIdentifier("orders"),
        doubled: String(rows[0].doubled), type: typeof rows[0].doubled, greeting: rows[0].greeting });
    } finally {
      await client.end({ timeout: 1 });
    }
  },
};
`,
  );
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], appDir);

  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  devServer = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", "0", "--inspector-port", "0"], {
    cwd: appDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      const match = /Ready on (http:\/\/[^\s]+)/.exec(log);
      if (match) resolve(match[1]);
    };
    devServer.stdout.on("data", onData);
    devServer.stderr.on("data", onData);
    devServer.on("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
  });
  const response = await fetch(url);
  const body = await response.json();
  assert.deepEqual(body, {
    engine: "postgres",
    dialect: "postgres",
    quoted: '"orders"',
    doubled: "9223372036854775806",
    type: "bigint",
    greeting: "hi",
  });
});
