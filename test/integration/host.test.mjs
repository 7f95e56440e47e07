// The reference store host (@lunora/hyperdrive/host) inside workerd: a Durable Object per
// engine (test/host-worker), functions run by name over HTTP, live queries over hibernatable
// WebSockets, against the real PostgreSQL and MariaDB of scripts/db.sh and on the Durable
// Object's own SQLite (engine "sqlite": no database server).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fetch as mfFetch } from "miniflare";
import mysql from "mysql2/promise";
import pg from "pg";
import { decodeValue, encodeValue } from "../../js-shim/dist/values/wire.js";
import { readWranglerConfig, root, startTestWorker } from "../support/worker.mjs";

const configPath = join(root, "test", "host-worker", "wrangler.jsonc");
const config = readWranglerConfig(configPath);
const urlOf = (binding) => config.hyperdrive.find((h) => h.binding === binding).localConnectionString;

let worker;
let baseUrl;
let pgClient;
let myConn;

before(async () => {
  worker = await startTestWorker({ config: configPath });
  baseUrl = worker.baseUrl;
  pgClient = new pg.Client({ connectionString: urlOf("HYPERDRIVE") });
  await pgClient.connect();
  myConn = await mysql.createConnection({ uri: urlOf("HYPERDRIVE_MYSQL") });
  await pgClient.query("create table if not exists host_legacy_orders (id text primary key, total numeric(12,2) not null)");
  await myConn.query("create table if not exists host_legacy_orders (id varchar(64) primary key, total decimal(12,2) not null)");
});

after(async () => {
  await pgClient?.end().catch(() => undefined);
  await myConn?.end().catch(() => undefined);
  await worker?.dispose();
});

let runCounter = 0;
const newRun = () => `run_${process.pid}_${Date.now()}_${++runCounter}`;

async function call(engine, kind, name, args = {}) {
  const response = await fetch(new URL(`/${engine}/run`, baseUrl), { method: "POST", body: JSON.stringify({ kind, name, args: encodeValue(args) }) });
  const body = await response.json();
  if (body.ok) body.value = decodeValue(body.value);
  return { status: response.status, ...body };
}
async function ok(engine, kind, name, args) {
  const r = await call(engine, kind, name, args);
  assert.equal(r.ok, true, `${kind} ${name} failed: ${r.code} ${r.message}`);
  return r.value;
}

/** A WebSocket client with a message queue. */
async function openSocket(engine) {
  const response = await mfFetch(new URL(`/${engine}/ws`, baseUrl), { headers: { upgrade: "websocket" } });
  const ws = response.webSocket;
  assert.ok(ws, `no websocket (status ${response.status})`);
  ws.accept();
  const queue = [];
  const waiters = [];
  let closed = false;
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "result") message.value = decodeValue(message.value);
    queue.push(message);
    for (const w of [...waiters]) w();
  });
  ws.addEventListener("close", () => (closed = true));
  const take = (predicate) => {
    const index = queue.findIndex(predicate);
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  };
  return {
    send: (message) => ws.send(JSON.stringify(message)),
    get closed() {
      return closed;
    },
    /** The next message matching `predicate` (consumed), or a timeout failure. */
    next(predicate = () => true, timeoutMs = 10_000) {
      const found = take(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = take(predicate);
          if (!hit) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching message within ${timeoutMs} ms; queued: ${JSON.stringify(queue)}`));
        }, timeoutMs);
        waiters.push(check);
      });
    },
    /** Asserts that no message matching `predicate` arrives within `ms`. */
    async none(predicate, ms = 700) {
      await new Promise((r) => setTimeout(r, ms));
      const hit = take(predicate);
      assert.equal(hit, undefined, `unexpected message ${JSON.stringify(hit)}`);
    },
    close: () => ws.close(1000, "done"),
  };
}
const resultOf = (id) => (m) => m.type === "result" && m.id === id;
const errorOf = (id) => (m) => m.type === "error" && m.id === id;

const ENGINE_NAMES = { pg: "PostgreSQL (postgres.js)", mysql: "MariaDB (mysql2)", sqlite: "the Durable Object's own SQLite" };
for (const engine of ["pg", "mysql", "sqlite"]) {
  // The legacy-table and connection tests need a database server.
  const serverTest = engine === "sqlite" ? test.skip : test;
  describe(`store host on ${ENGINE_NAMES[engine]}`, () => {
    test("a subscriber gets the first result, then a new one after a relevant mutation, none after unrelated ones", async () => {
      const run = newRun();
      await ok(engine, "mutation", "addItem", { run, group: "a", n: 1 });
      const ws = await openSocket(engine);
      ws.send({ type: "subscribe", id: "s1", name: "itemsInGroup", args: { run, group: "a" } });
      assert.deepEqual((await ws.next(resultOf("s1"))).value, [1]);

      await ok(engine, "mutation", "addItem", { run, group: "a", n: 2 });
      assert.deepEqual((await ws.next(resultOf("s1"))).value, [1, 2]);

      // Outside the subscription's index range, and another table: no message at all.
      await ok(engine, "mutation", "addItem", { run, group: "b", n: 3 });
      await ok(engine, "mutation", "addItem", { run: `${run}_other`, group: "a", n: 4 });
      await ok(engine, "mutation", "addOther", { run, note: "unrelated" });
      await ws.none(() => true);

      // Inserting and updating a document outside the range: still nothing.
      const id = await ok(engine, "mutation", "addItem", { run, group: "b", n: 5 });
      await ws.none(() => true, 300);
      await ok(engine, "mutation", "setItem", { id, n: 6 });
      await ws.none(() => true, 300);
      ws.close();
    });

    test("two sockets both receive every update; unsubscribe stops one of them", async () => {
      const run = newRun();
      const [a, b] = [await openSocket(engine), await openSocket(engine)];
      a.send({ type: "subscribe", id: 1, name: "itemsInGroup", args: { run, group: "g" } });
      b.send({ type: "subscribe", id: "x", name: "itemsInGroup", args: { run, group: "g" } });
      assert.deepEqual((await a.next(resultOf(1))).value, []);
      assert.deepEqual((await b.next(resultOf("x"))).value, []);

      await ok(engine, "mutation", "addItem", { run, group: "g", n: 10 });
      assert.deepEqual((await a.next(resultOf(1))).value, [10]);
      assert.deepEqual((await b.next(resultOf("x"))).value, [10]);

      a.send({ type: "unsubscribe", id: 1 });
      await a.next((m) => m.type === "unsubscribed" && m.id === 1);
      await ok(engine, "mutation", "addItem", { run, group: "g", n: 11 });
      assert.deepEqual((await b.next(resultOf("x"))).value, [10, 11]);
      await a.none(() => true);
      a.close();
      b.close();
    });

    test("errors arrive as messages and the socket keeps working", async () => {
      const run = newRun();
      const ws = await openSocket(engine);
      ws.send({ type: "subscribe", id: "u", name: "noSuchQuery" });
      const unknown = await ws.next(errorOf("u"));
      assert.equal(unknown.code, "UNKNOWN_FUNCTION");
      ws.send({ type: "subscribe", id: "u2", name: "addItem", args: {} });
      assert.equal((await ws.next(errorOf("u2"))).code, "UNKNOWN_FUNCTION", "a mutation is not subscribable");
      ws.send({ type: "bogus", id: 1 });
      assert.equal((await ws.next(errorOf(1))).code, "BAD_MESSAGE");
      ws.send({ type: "subscribe" });
      assert.equal((await ws.next(errorOf(null))).code, "BAD_MESSAGE");
      ws.send({ type: "subscribe", id: "badargs", name: "itemsInGroup", args: { $bogus: 1 } });
      assert.equal((await ws.next(errorOf("badargs"))).code, "INVALID_VALUE");

      // A query that throws: an error message, and the subscription recovers with the data.
      ws.send({ type: "subscribe", id: "p", name: "positiveItems", args: { run, group: "g" } });
      assert.deepEqual((await ws.next(resultOf("p"))).value, []);
      const bad = await ok(engine, "mutation", "addItem", { run, group: "g", n: -1 });
      const thrown = await ws.next(errorOf("p"));
      assert.match(thrown.message, /negative item -1/);
      await ok(engine, "mutation", "setItem", { id: bad, n: 1 });
      assert.deepEqual((await ws.next(resultOf("p"))).value, [1]);

      ws.send({ type: "ping" });
      await ws.next((m) => m.type === "pong");
      assert.equal(ws.closed, false);

      // HTTP errors: status and code.
      const missing = await call(engine, "query", "nope");
      assert.deepEqual([missing.status, missing.ok, missing.code], [404, false, "UNKNOWN_FUNCTION"]);
      const invalid = await call(engine, "mutation", "addItem", { run, group: "g", n: "not a number" });
      assert.deepEqual([invalid.status, invalid.code], [400, "VALIDATION_FAILED"]);
      const kind = await call(engine, "procedure", "addItem");
      assert.equal(kind.code, "BAD_REQUEST");
      ws.close();
    });

    test("actions get ctx.sql, runQuery and runMutation; queries and mutations never get ctx.sql", async () => {
      assert.deepEqual(await ok(engine, "query", "ctxShape"), { keys: ["db"], hasSql: false });
      assert.deepEqual(await ok(engine, "mutation", "ctxShape"), { keys: ["db"], hasSql: false });
      assert.deepEqual(await ok(engine, "action", "ctxShape"), {
        keys: ["env", "runMutation", "runQuery", "sql"],
        hasSql: true,
        dialect: engine === "pg" ? "postgres" : engine,
        x: 1,
      });
      // Lunora values cross HTTP encoded (int64 as bigint, bytes as ArrayBuffer).
      assert.deepEqual(await ok(engine, "mutation", "echoBig", { big: 2n ** 62n }), { big: 2n ** 62n + 1n, type: "bigint" });
      const values = await ok(engine, "query", "values");
      assert.equal(values.big, 2n ** 60n);
      assert.deepEqual(new Uint8Array(values.bytes), new Uint8Array([1, 2]));
      if (engine === "pg") assert.ok(Number.isNaN(values.nan));
    });

    serverTest("syncOrder: a legacy row read over ctx.sql, projected through runMutation, re-runs the live query; an external UPDATE does not", async () => {
      const run = newRun();
      const orderId = `O-${run}`;
      if (engine === "pg") await pgClient.query("insert into host_legacy_orders (id, total) values ($1, 12.5)", [orderId]);
      else await myConn.query("insert into host_legacy_orders (id, total) values (?, 12.5)", [orderId]);
      const ws = await openSocket(engine);
      ws.send({ type: "subscribe", id: "proj", name: "projections", args: { run } });
      assert.deepEqual((await ws.next(resultOf("proj"))).value, []);
      assert.deepEqual(await ok(engine, "action", "syncOrder", { run, id: orderId }), [{ orderId, total: 12.5 }]);
      assert.deepEqual((await ws.next(resultOf("proj"))).value, [{ orderId, total: 12.5 }]);

      if (engine === "pg") await pgClient.query("update host_legacy_orders set total = 20 where id = $1", [orderId]);
      else await myConn.query("update host_legacy_orders set total = 20 where id = ?", [orderId]);
      await ws.none(() => true, 300); // the legacy table is not watched
      await ok(engine, "action", "syncOrder", { run, id: orderId });
      assert.deepEqual((await ws.next(resultOf("proj"))).value, [{ orderId, total: 20 }]);

      // Writing a store table over ctx.sql bypasses the store: no re-run (documented non-goal).
      ws.send({ type: "subscribe", id: "items", name: "itemsInGroup", args: { run, group: "g" } });
      assert.deepEqual((await ws.next(resultOf("items"))).value, []);
      const id = await ok(engine, "mutation", "addItem", { run, group: "g", n: 1 });
      assert.deepEqual((await ws.next(resultOf("items"))).value, [1]);
      const updated = await ok(engine, "action", "externalUpdate", { id, n: 99 });
      assert.equal(updated.rowsAffected, 1);
      await ws.none(() => true);
      assert.deepEqual(await ok(engine, "query", "itemsInGroup", { run, group: "g" }), [99], "the row did change");
      ws.close();
    });

    test("subscriptions survive a hibernation cycle (instance state dropped, rebuilt from socket attachments)", async () => {
      const run = newRun();
      const ws = await openSocket(engine);
      ws.send({ type: "subscribe", id: "h", name: "itemsInGroup", args: { run, group: "g" } });
      assert.deepEqual((await ws.next(resultOf("h"))).value, []);
      const reset = await fetch(new URL(`/${engine}/__reset`, baseUrl), { method: "POST" });
      assert.deepEqual(await reset.json(), { reset: true });
      await ok(engine, "mutation", "addItem", { run, group: "g", n: 7 });
      // The restored subscription does not resend its unchanged result; the next is the new one.
      assert.deepEqual((await ws.next(resultOf("h"))).value, [7]);
      await ws.none(() => true, 300);
      ws.send({ type: "unsubscribe", id: "h" });
      await ws.next((m) => m.type === "unsubscribed");
      ws.close();
    });

    serverTest("the host rebuilds its driver after its database connections are killed", async () => {
      const run = newRun();
      const ws = await openSocket(engine);
      ws.send({ type: "subscribe", id: "k", name: "itemsInGroup", args: { run, group: "g" } });
      assert.deepEqual((await ws.next(resultOf("k"))).value, []);
      const { ids } = await ok(engine, "action", "connectionIds");
      assert.ok(ids.length >= 1, "the pool has open connections");
      for (const id of ids) {
        if (engine === "pg") await pgClient.query("select pg_terminate_backend($1)", [Number(id)]);
        else await myConn.query(`kill connection ${Number(id)}`).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 200));
      await ok(engine, "mutation", "addItem", { run, group: "g", n: 1 });
      assert.deepEqual((await ws.next(resultOf("k"))).value, [1]);
      const after = await ok(engine, "action", "connectionIds");
      assert.equal(after.ids.some((id) => ids.includes(id)), false, "only new connections are in use");
      await ok(engine, "mutation", "addItem", { run, group: "g", n: 2 });
      assert.deepEqual((await ws.next(resultOf("k"))).value, [1, 2]);
      ws.close();
    });
  });
}
