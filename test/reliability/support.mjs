// Shared setup of the reliability tests: connections to the project's own servers
// (scripts/db.sh), stores over them, and helpers to find and kill the store's connections.
// The servers are shared with other test runs, so every test uses its own tables and only
// ever terminates connections it opened itself.
import mysql from "mysql2/promise";
import postgres from "postgres";
import { createMysqlGlobalCtxDb, createPostgresGlobalCtxDb } from "@lunora/hyperdrive/global";

export const PG_PASSWORD = "lunora_pg_pw";
export const MY_PASSWORD = "lunora_my_pw";
export const PG_URL = process.env.LUNORA_PG_URL ?? `postgres://lunora:${PG_PASSWORD}@127.0.0.1:${process.env.LUNORA_PG_PORT ?? 54329}/lunora`;
export const MY_URL = process.env.LUNORA_MY_URL ?? `mysql://lunora:${MY_PASSWORD}@127.0.0.1:${process.env.LUNORA_MYSQL_PORT ?? 33069}/lunora`;
export const ENGINES = ["postgres", "mysql"];

let counter = 0;
export const uniqueName = (prefix) => `${prefix}_${process.pid}_${++counter}`;

/**
 * A driver pool for a store, tagged so that an admin connection can find and kill exactly
 * its connections: Postgres by application_name, MariaDB by the thread ids it handed out.
 */
export async function openPool(engine, { max = 4 } = {}) {
  const tag = uniqueName("lunora_rel");
  if (engine === "postgres") {
    const sql = postgres(PG_URL, { max, fetch_types: false, connection: { application_name: tag }, onnotice: () => {} });
    return {
      engine,
      tag,
      // The reference page's wiring: a { query } wrapper over a postgres.js pool.
      open: (schema, options = {}) => createPostgresGlobalCtxDb({ query: (text, params) => sql.unsafe(text, params) }, { schema, ...options }),
      raw: async (text, params = []) => [...(await sql.unsafe(text, params))],
      close: () => sql.end({ timeout: 1 }),
    };
  }
  const pool = mysql.createPool({ uri: MY_URL, connectionLimit: max, supportBigNumbers: true, bigNumberStrings: true, charset: "utf8mb4" });
  const threads = new Set();
  pool.on("connection", (connection) => threads.add(connection.threadId));
  pool.on("release", () => {});
  return {
    engine,
    tag,
    threads,
    open: (schema, options = {}) => createMysqlGlobalCtxDb(pool, { schema, ...options }),
    raw: async (text, params = []) => (await pool.query(text, params))[0],
    close: () => pool.end(),
  };
}

/** A separate admin connection that kills a pool's server connections. */
export async function openAdmin(engine) {
  if (engine === "postgres") {
    const sql = postgres(PG_URL, { max: 1, fetch_types: false, onnotice: () => {} });
    return {
      async kill(pool) {
        const rows = await sql`select pg_terminate_backend(pid) as killed from pg_stat_activity
                               where application_name = ${pool.tag} and pid <> pg_backend_pid()`;
        return rows.filter((r) => r.killed).length;
      },
      raw: async (text, params = []) => [...(await sql.unsafe(text, params))],
      close: () => sql.end({ timeout: 1 }),
    };
  }
  const connection = await mysql.createConnection({ uri: MY_URL, supportBigNumbers: true, bigNumberStrings: true });
  return {
    async kill(pool) {
      const [live] = await connection.query("select id from information_schema.processlist");
      const alive = new Set(live.map((r) => Number(r.id)));
      let killed = 0;
      for (const id of pool.threads) {
        if (!alive.has(id)) {
          pool.threads.delete(id);
          continue;
        }
        try {
          await connection.query(`KILL ${Number(id)}`);
          killed += 1;
        } catch {
          /* already gone */
        }
      }
      return killed;
    },
    raw: async (text, params = []) => (await connection.query(text, params))[0],
    close: () => connection.end(),
  };
}

/** Quotes a (trusted, test-made) identifier for the engine. */
export const q = (engine, name) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records one line of figures (collected into docs/RELIABILITY.md by hand). */
export function figure(name, values) {
  console.log(`FIGURE ${name} ${JSON.stringify(values)}`);
}
