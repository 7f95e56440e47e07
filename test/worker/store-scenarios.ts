// .global() store scenarios, run inside workerd against the real servers through Hyperdrive.
import { createHyperdrive } from "@lunora/hyperdrive";
import {
  ConflictError,
  createMysqlGlobalCtxDb,
  createPostgresGlobalCtxDb,
  createSqliteGlobalCtxDb,
  DocumentNotFoundError,
  SchemaMigrationError,
  StoreConfigurationError,
  UnsupportedValueError,
  ValidationError,
  type GlobalCtxDb,
} from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";

export type StoreDriver = "postgres-js-wrapper" | "postgres-js" | "pg-pool" | "mysql2-pool" | "d1" | "do-sqlite";

interface Env {
  HYPERDRIVE: Hyperdrive;
  HYPERDRIVE_MYSQL: Hyperdrive;
  DB: D1Database;
}

export interface Opened {
  open(schema: any, options?: Record<string, unknown>): GlobalCtxDb<any>;
  raw(text: string, params?: unknown[]): Promise<any[]>;
  engine: "postgres" | "mysql" | "sqlite";
  close(): Promise<void>;
}

/** SQLite: a D1 binding, or (inside the test Durable Object) that object's own storage. */
export function openSqliteStoreDriver(target: D1Database | DurableObjectStorage): Opened {
  const raw =
    "prepare" in target
      ? async (text: string, params: unknown[] = []) => (await target.prepare(text).bind(...params).all()).results
      : async (text: string, params: unknown[] = []) => target.sql.exec(text, ...params).toArray();
  return {
    engine: "sqlite",
    open: (schema, options = {}) => createSqliteGlobalCtxDb(target as any, { schema, ...options }),
    raw,
    close: async () => undefined,
  };
}

export function openStoreDriver(driver: StoreDriver, env: Env): Opened {
  if (driver === "d1") return openSqliteStoreDriver(env.DB);
  if (driver === "mysql2-pool") {
    const { connectionString } = createHyperdrive(env.HYPERDRIVE_MYSQL);
    const pool = mysql.createPool({ uri: connectionString, disableEval: true, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true });
    return {
      engine: "mysql",
      open: (schema, options = {}) => createMysqlGlobalCtxDb(pool, { schema, ...options }),
      raw: async (text, params = []) => (await pool.query(text, params))[0] as any[],
      close: () => pool.end(),
    };
  }
  const { connectionString } = createHyperdrive(env.HYPERDRIVE);
  if (driver === "pg-pool") {
    const pool = new pg.Pool({ connectionString, max: 4 });
    return {
      engine: "postgres",
      open: (schema, options = {}) => createPostgresGlobalCtxDb(pool, { schema, ...options }),
      raw: async (text, params = []) => (await pool.query(text, params)).rows,
      close: () => pool.end(),
    };
  }
  const sql = postgres(connectionString, { fetch_types: false, max: 4 });
  return {
    engine: "postgres",
    // The reference page's exact wiring: a { query } wrapper over a postgres.js pool.
    open: (schema, options = {}) =>
      createPostgresGlobalCtxDb(driver === "postgres-js" ? sql : { query: (text: string, params: any) => sql.unsafe(text, params) }, { schema, ...options }),
    raw: async (text, params = []) => [...(await sql.unsafe(text, params as any[]))],
    close: () => sql.end({ timeout: 1 }),
  };
}

async function caught(fn: () => Promise<unknown>) {
  try {
    await fn();
    return null;
  } catch (e: any) {
    return {
      name: e?.name,
      code: e?.code,
      message: String(e?.message),
      isValidation: e instanceof ValidationError,
      isUnsupported: e instanceof UnsupportedValueError,
      isNotFound: e instanceof DocumentNotFoundError,
      isConflict: e instanceof ConflictError,
      isMigration: e instanceof SchemaMigrationError,
      isConfiguration: e instanceof StoreConfigurationError,
      differences: e?.differences,
      table: e?.table,
      id: e?.id,
    };
  }
}

const q = (engine: string, name: string) => (engine === "mysql" ? `\`${name}\`` : `"${name}"`);

function itemsTable() {
  return defineTable({
    name: v.string(),
    price: v.number(),
    qty: v.int64(),
    active: v.boolean(),
    status: v.union(v.literal("open"), v.literal("closed")),
    rating: v.nullable(v.number()),
    note: v.optional(v.string()),
    blob: v.optional(v.bytes()),
    tags: v.array(v.string()),
    meta: v.optional(v.any()),
    owner: v.optional(v.id("users")),
  }).index("by_name", ["name"]);
}

export const storeScenarios: Record<string, (d: Opened, table: string) => Promise<unknown>> = {
  async crud(d, t) {
    const schema = defineSchema({ [t]: itemsTable().global(), users: defineTable({ n: v.string() }) });
    const db = d.open(schema);
    const report = await db.migrate();
    const again = await db.migrate();
    const full = {
      name: "ada",
      price: d.engine === "postgres" ? -0 : 1.25,
      qty: 9007199254740993n,
      active: true,
      status: "open",
      rating: null,
      blob: new Uint8Array([0, 1, 255]).buffer,
      tags: ["a", "b"],
      meta: { big: -(2n ** 63n), bytes: new Uint8Array([7]).buffer, nested: [1.5, "x", null, true] },
    };
    const id = await db.mutation((w: any) => w.insert(t, full));
    const got = await db.query((r: any) => r.get(id));
    const gotByTable = await db.query((r: any) => r.get(t, id));
    const wrongTable = await db.query((r: any) => r.get("users", id));
    const normalized = await db.query(async (r: any) => [r.normalizeId(t, id), r.normalizeId(t, "nope"), r.normalizeId(t, id.slice(0, -1) + (id.endsWith("1") ? "2" : "1")), r.normalizeId("users", id)]);

    await db.mutation(async (w: any) => w.patch(id, { note: "hello", rating: 4.5, blob: undefined }));
    const patched = await db.query((r: any) => r.get(id));
    await db.mutation(async (w: any) => w.replace(id, { name: "bob", price: 2, qty: -1n, active: false, status: "closed", rating: null, tags: [] }));
    const replaced = await db.query((r: any) => r.get(id));

    const before = (await d.raw(`select count(*) as n from ${q(d.engine, t)}`))[0].n;
    const invalid = await caught(() => db.mutation((w: any) => w.insert(t, { ...full, qty: 5 })));
    const extraField = await caught(() => db.mutation((w: any) => w.insert(t, { ...full, bogus: 1 })));
    const refusesSpecials = d.engine !== "postgres";
    const nanRefused = refusesSpecials ? await caught(() => db.mutation((w: any) => w.insert(t, { ...full, price: NaN }))) : null;
    const negZeroRefused = refusesSpecials ? await caught(() => db.mutation((w: any) => w.insert(t, { ...full, price: -0 }))) : null;
    // A bad write after a good one: the whole mutation is refused, nothing lands.
    const halfWritten = await caught(() =>
      db.mutation(async (w: any) => {
        await w.insert(t, { ...full, name: "first" });
        await w.insert(t, { ...full, tags: "not an array" });
      }),
    );
    const after = (await d.raw(`select count(*) as n from ${q(d.engine, t)}`))[0].n;
    const nanStored = d.engine === "postgres" ? await db.mutation(async (w: any) => {
      const nid = await w.insert(t, { ...full, price: NaN, rating: -Infinity });
      return w.get(nid);
    }) : null;

    await db.mutation((w: any) => w.delete(id));
    const deleted = await db.query((r: any) => r.get(id));
    const patchMissing = await caught(() => db.mutation((w: any) => w.patch(id, { name: "x" })));
    const deleteMissing = await caught(() => db.mutation((w: any) => w.delete("not-an-id")));
    const systemField = await caught(() => db.mutation((w: any) => w.insert(t, { ...full, _id: "x" })));

    // Reads inside a mutation see its own writes; creation times increase.
    const own = await db.mutation(async (w: any) => {
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push(await w.insert(t, { ...full, name: `n${i}` }));
      await w.patch(ids[0], { name: "renamed" });
      await w.delete(ids[1]);
      const seen = await w.query(t).collect();
      return {
        first: (await w.get(ids[0]))?.name,
        second: await w.get(ids[1]),
        count: seen.length,
        times: seen.map((doc: any) => doc._creationTime),
      };
    });
    // Other tools can read the table: one typed column per field.
    // (SQLite hands INTEGER to JS as a lossy number: read it as text, and its storage class.)
    const qty = d.engine === "sqlite" ? "CAST(qty AS TEXT) AS qty, typeof(qty) AS qtyType" : "qty";
    const rawRow = (await d.raw(`select name, ${qty}, active, price from ${q(d.engine, t)} where name = 'renamed'`))[0];
    return { report, again, got, gotByTable, wrongTable, normalized, patched, replaced, before, invalid, extraField, nanRefused, negZeroRefused, halfWritten, after, nanStored, deleted, patchMissing, deleteMissing, systemField, own, rawRow, id };
  },

  // Every validator type, written and read back (by get and by an index query).
  async roundtrip(d, t) {
    const schema = defineSchema({
      [t]: defineTable({
        s: v.string(),
        f: v.number(),
        i: v.int64(),
        b: v.boolean(),
        nul: v.null(),
        bytes: v.bytes(),
        ref: v.optional(v.id(t)),
        lit: v.literal("fixed"),
        litNum: v.literal(3),
        litBool: v.literal(false),
        litBig: v.literal(42n),
        arr: v.array(v.object({ x: v.int64(), y: v.optional(v.string()) })),
        obj: v.object({ deep: v.object({ list: v.array(v.union(v.string(), v.number(), v.null())) }), flag: v.boolean() }),
        rec: v.record(v.string(), v.int64()),
        uni: v.union(v.string(), v.number()),
        opt: v.optional(v.string()),
        nullable: v.nullable(v.int64()),
        anything: v.any(),
      })
        .index("by_i", ["i"])
        .global(),
    });
    const db = d.open(schema);
    const base = {
      s: `héllo ${d.engine !== "postgres" ? "\u0000 " : ""}🌍 'quote' "dq" \`bt\` ; -- /* */`,
      f: 1 / 3,
      i: -(2n ** 63n),
      b: true,
      nul: null,
      bytes: new Uint8Array([0, 255, 128, 1]).buffer,
      lit: "fixed",
      litNum: 3,
      litBool: false,
      litBig: 42n,
      arr: [{ x: 2n ** 63n - 1n, y: "why" }, { x: 0n }],
      obj: { deep: { list: ["a", 1.5, null] }, flag: false },
      rec: { "key with space": 1n, "é": -1n },
      uni: 7.25,
      nullable: null,
      anything: { nested: [new Uint8Array([9]).buffer, 123456789012345678n, { q: "x" }], n: 1e300 },
    };
    const first = await db.mutation((w: any) => w.insert(t, base));
    const second = await db.mutation((w: any) =>
      w.insert(t, { ...base, i: 5n, ref: first, uni: "text", opt: "present", nullable: 9007199254740993n, anything: "just a string" }),
    );
    const strip = (doc: any) => {
      const { _id, _creationTime, ...rest } = doc;
      return rest;
    };
    const got = await db.query(async (r: any) => [strip(await r.get(first)), strip(await r.get(second))]);
    const queried = await db.query(async (r: any) => (await r.query(t).withIndex("by_i").collect()).map(strip));
    const nul = await caught(() => db.mutation((w: any) => w.insert(t, { ...base, s: "a\u0000b" })));
    return { got, queried, secondRef: got[1].ref === first, nul, s: base.s };
  },

  async atomic(d, t) {
    const schema = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number() }).index("by_name", ["name"]).global() });
    const db = d.open(schema, { maxRetries: 0 });
    const [a, b] = await db.mutation(async (w: any) => [await w.insert(t, { name: "a", n: 1 }), await w.insert(t, { name: "b", n: 1 })]);
    // Another writer bumps b's _version after the mutation read it: the LAST write's guard fails.
    const failed = await caught(() =>
      db.mutation(async (w: any) => {
        const docA = await w.get(a);
        const docB = await w.get(b);
        await w.patch(a, { n: docA.n + 10 });
        await w.insert(t, { name: "c", n: 0 });
        await d.raw(`update ${q(d.engine, t)} set ${q(d.engine, "_version")} = ${q(d.engine, "_version")} + 1 where ${q(d.engine, "_id")} = ${d.engine === "postgres" ? "$1" : "?"}`, [b]);
        await w.patch(b, { n: docB.n + 10 });
      }),
    );
    const rows = await db.query((r: any) => r.query(t).collect());
    // With retries the same mutation succeeds on its second run.
    const retrying = d.open(schema, { maxRetries: 3 });
    let runs = 0;
    await retrying.mutation(async (w: any) => {
      runs += 1;
      const docB = await w.get(b);
      if (runs === 1) await d.raw(`update ${q(d.engine, t)} set ${q(d.engine, "_version")} = ${q(d.engine, "_version")} + 1 where ${q(d.engine, "_id")} = ${d.engine === "postgres" ? "$1" : "?"}`, [b]);
      await w.patch(b, { n: docB.n + 1 });
    });
    const finalB = await db.query((r: any) => r.get(b));
    return { failed, names: rows.map((r: any) => [r.name, r.n]).sort(), runs, finalB: finalB.n, b, table: t };
  },

  // A read-modify-write: a refused patch throws from the patch call (caught there or not,
  // followed by other operations or not), later operations see the patch, and a _version
  // guard that fails because another writer changed the document re-runs the mutation.
  async readModifyWrite(d, t) {
    const schema = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number() }).index("by_name", ["name"]).global() });
    const db = d.open(schema);
    const [a, b] = await db.mutation(async (w: any) => [await w.insert(t, { name: "a", n: 1 }), await w.insert(t, { name: "b", n: 1 })]);
    // A refused last patch throws from the patch call, where the code may catch it.
    let where: string[] = [];
    let runs = 0;
    const handled = await db.mutation(async (w: any) => {
      runs += 1;
      where = [];
      await w.get(a);
      try {
        await w.patch(a, { n: "x" });
        where.push("patched");
      } catch (e: any) {
        where.push(`patch threw ${e.code}`);
        return "handled";
      }
      return "not thrown";
    });
    const caughtAtPatch = { handled, where, runs };
    const uncaught = await caught(() => db.mutation(async (w: any) => w.get(a).then((doc: any) => w.patch(a, { n: doc.n, name: 5 }))));
    // A refused patch followed by another operation: the patch call throws it, not the next one.
    where = [];
    const next = await caught(() =>
      db.mutation(async (w: any) => {
        where = [];
        await w.get(a);
        try {
          await w.patch(a, { n: "x" });
        } catch (e: any) {
          where.push(`patch threw ${e.code}`);
          throw e;
        }
        where.push("patched");
        await w.get(b);
        where.push("got b");
      }),
    );
    const thenNext = { error: next, where };
    // The function throws after its last patch: the patch's error if the core refuses it, else its own.
    const throwsAfterRefused = await caught(() =>
      db.mutation(async (w: any) => {
        await w.get(a);
        await w.patch(a, { n: "x" });
        throw new Error("the function's own error");
      }),
    );
    const throwsAfterValid = await caught(() =>
      db.mutation(async (w: any) => {
        await w.get(a);
        await w.patch(a, { n: 99 });
        throw new Error("the function's own error");
      }),
    );
    // A patch followed by other operations: each sees it, and every write lands.
    const seen = await db.mutation(async (w: any) => {
      const docA = await w.get(a);
      await w.patch(a, { n: docA.n + 1 });
      const again = await w.get(a);
      const byName = await w.query(t).withIndex("by_name", (q: any) => q.eq("name", "a")).collect();
      const docB = await w.get(b);
      await w.patch(b, { n: docB.n + again.n });
      await w.replace(a, { name: "a", n: again.n + 10 });
      return [again.n, byName.map((x: any) => x.n)];
    });
    // Two patches not awaited one after the other: both reach the core.
    await db.mutation(async (w: any) => {
      const [docA, docB] = await Promise.all([w.get(a), w.get(b)]);
      await Promise.all([w.patch(a, { n: docA.n + 100 }), w.patch(b, { n: docB.n + 100 })]);
    });
    // Another writer changes the document between the read and the commit: the _version guard
    // fails, and the mutation re-runs and reads the other writer's value.
    let conflictRuns = 0;
    await db.mutation(async (w: any) => {
      conflictRuns += 1;
      const doc = await w.get(b);
      if (conflictRuns === 1) {
        await d.raw(
          `update ${q(d.engine, t)} set ${q(d.engine, "n")} = ${q(d.engine, "n")} + 1000, ${q(d.engine, "_version")} = ${q(d.engine, "_version")} + 1 where ${q(d.engine, "_id")} = ${d.engine === "postgres" ? "$1" : "?"}`,
          [b],
        );
      }
      await w.patch(b, { n: doc.n + 1 });
    });
    const final = await db.query(async (r: any) => [(await r.get(a)).n, (await r.get(b)).n]);
    return { caughtAtPatch, uncaught, thenNext, throwsAfterRefused, throwsAfterValid, seen, conflictRuns, final };
  },

  async migrations(d, t) {
    const v1 = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number() }).global() });
    const db1 = d.open(v1);
    const created = await db1.migrate();
    for (const [name, n] of [["b", 2], ["a", 1], ["c", 3]] as const) await db1.mutation((w: any) => w.insert(t, { name, n }));
    const v2 = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number(), extra: v.optional(v.string()) }).index("by_n", ["n"]).global() });
    const db2 = d.open(v2);
    const evolved = await db2.migrate();
    const idempotent = await db2.migrate();
    const keys = await d.raw(`select count(*) as n from ${q(d.engine, t)} where ${q(d.engine, "_k_by_n")} is not null`);
    const docs = await db2.query((r: any) => r.query(t).collect());
    const v3 = defineSchema({ [t]: defineTable({ name: v.number(), n: v.number(), extra: v.optional(v.string()), must: v.string() }).index("by_n", ["n"]).global() });
    const refused = await caught(() => d.open(v3).migrate());
    const columnsAfter = await d.raw(
      d.engine === "sqlite"
        ? `select name as c from pragma_table_info(?) order by name`
        : d.engine === "mysql"
        ? `select column_name as c from information_schema.columns where table_schema = database() and table_name = ? order by column_name`
        : `select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = $1 order by column_name`,
      [t],
    );
    return { created, evolved, idempotent, keys: Number(keys[0].n), docs: docs.map((x: any) => [x.name, x.n, x.extra ?? null]), refused, columnsAfter: columnsAfter.map((r: any) => r.c ?? r.C) };
  },

  // SQLite: migrate() is one atomic batch. Two injected failures midway (a conflicting object
  // for a table created after the other table's DDL, and a backfill whose index key is too
  // long) leave the schema exactly as it was; once the blocker is gone everything lands.
  async migrationAtomic(d, t) {
    const blocker = `${t}_new`;
    const columns = async (table: string) =>
      (await d.raw(`select name as c from pragma_table_info(?) order by name`, [table])).map((r: any) => r.c);
    const indexes = async (table: string) =>
      (await d.raw(`select name as i from pragma_index_list(?) order by name`, [table])).map((r: any) => r.i);
    const v1 = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number() }).global() });
    const db1 = d.open(v1);
    await db1.migrate();
    for (const [name, n] of [["b", 2], ["a", 1], ["c", 3]] as const) await db1.mutation((w: any) => w.insert(t, { name, n }));
    const before = { columns: await columns(t), indexes: await indexes(t) };
    // An index named like the table v2 creates: its CREATE TABLE fails after t's DDL ran in the batch.
    await d.raw(`CREATE INDEX "${blocker}" ON "${t}" ("n")`);
    const v2 = defineSchema({
      [t]: defineTable({ name: v.string(), n: v.number(), extra: v.optional(v.string()) }).index("by_n", ["n"]).global(),
      [blocker]: defineTable({ x: v.string() }).index("by_x", ["x"]).global(),
    });
    const conflict = await caught(() => d.open(v2).migrate());
    const afterConflict = { columns: await columns(t), indexes: await indexes(t), blocker: await columns(blocker) };
    await d.raw(`DROP INDEX "${blocker}"`);
    // A backfill that cannot complete: an existing row whose index key would exceed 1 KiB.
    await db1.mutation((w: any) => w.insert(t, { name: "x".repeat(2000), n: 4 }));
    const v3 = defineSchema({ [t]: defineTable({ name: v.string(), n: v.number(), extra: v.optional(v.string()) }).index("by_name", ["name"]).global() });
    const tooLong = await caught(() => d.open(v3).migrate());
    const afterTooLong = { columns: await columns(t), indexes: await indexes(t) };
    // Nothing in the way any more: all of v2 lands, existing rows backfilled.
    const report = await d.open(v2).migrate();
    const keys = await d.raw(`select count(*) as n from "${t}" where "_k_by_n" is not null`);
    const after = { columns: await columns(t), indexes: await indexes(t), blocker: await columns(blocker) };
    return { table: t, before, conflict, afterConflict, tooLong, afterTooLong, report, keys: Number(keys[0].n), after };
  },

  // SQLite: text vs JSON and int64 vs boolean share a column type; migrate() records kinds in
  // _lunora_columns and refuses such a change, also after the field was dropped and re-added.
  async kindChanges(d, t) {
    const v1 = defineSchema({ [t]: defineTable({ s: v.optional(v.string()), b: v.boolean() }).global() });
    const db1 = d.open(v1);
    const created = await db1.migrate();
    await db1.mutation((w: any) => w.insert(t, { s: "x", b: true }));
    const changed = await caught(() => d.open(defineSchema({ [t]: defineTable({ s: v.optional(v.any()), b: v.int64() }).global() })).migrate());
    const again = await d.open(v1).migrate();
    const dropped = await d.open(defineSchema({ [t]: defineTable({ b: v.boolean() }).global() })).migrate();
    const readded = await caught(() => d.open(defineSchema({ [t]: defineTable({ b: v.boolean(), s: v.optional(v.any()) }).global() })).migrate());
    const recorded = await d.raw(`select "column" as c, kind as k from _lunora_columns where "table" = ? order by "column"`, [t]);
    const docs = await db1.query((r: any) => r.query(t).collect());
    return { created, changed, again, dropped, readded, recorded: recorded.map((r: any) => [r.c, r.k]), docs: docs.map((x: any) => [x.s, x.b]) };
  },

  // A patch writes only the columns it names (and the index keys that moved): a column changed
  // outside the store meanwhile is left as it is, and the index stays exact.
  async "patch-columns"(d, t) {
    const schema = defineSchema({ [t]: defineTable({ label: v.string(), n: v.number(), note: v.optional(v.string()) }).index("by_label", ["label"]).global() });
    const db = d.open(schema);
    await db.migrate();
    const id = await db.mutation((w: any) => w.insert(t, { label: "a", n: 1 }));
    const outside = async (value: string) => d.raw(`UPDATE ${q(d.engine, t)} SET ${q(d.engine, "note")} = ${d.engine === "postgres" ? "$1" : "?"} WHERE ${q(d.engine, "_id")} = ${d.engine === "postgres" ? "$2" : "?"}`, [value, id]);
    const read = async () => {
      const doc = await db.query((r: any) => r.get(id));
      return { label: doc.label, n: doc.n, note: doc.note ?? null };
    };
    const byLabel = (label: string) => db.query(async (r: any) => (await r.query(t).withIndex("by_label", (x: any) => x.eq("label", label)).collect()).map((x: any) => x.n));

    // Between the mutation's read and its commit, and without a _version change (so the
    // store's guard cannot see it): a whole-row UPDATE would put back the note it read.
    await db.mutation(async (w: any) => {
      await w.patch(id, { n: 2 });
      await outside("outside");
    });
    const afterPatch = await read();
    await db.mutation((w: any) => w.patch(id, { label: "b", n: 3 }));
    const afterKeyPatch = await read();
    const indexed = { a: await byLabel("a"), b: await byLabel("b") };
    await db.mutation(async (w: any) => {
      await w.patch(id, { n: 4 });
      await w.patch(id, { note: undefined });
    });
    const afterTwoPatches = await read();
    await db.mutation(async (w: any) => {
      await w.replace(id, { label: "c", n: 5 });
      await outside("again");
    });
    const afterReplace = await read();

    // The same inside a group commit: three concurrent patches of the field `n`
    // commit together (a long window), after one of them changed every note outside.
    const grouped = d.open(schema, { groupCommitWindowMs: 500 });
    const ids = await grouped.mutation(async (w: any) => [await w.insert(t, { label: "g0", n: 0 }), await w.insert(t, { label: "g1", n: 0 }), await w.insert(t, { label: "g2", n: 0 })]);
    const noteAll = () => d.raw(`UPDATE ${q(d.engine, t)} SET ${q(d.engine, "note")} = 'outside' WHERE ${q(d.engine, "label")} LIKE 'g%'`);
    await Promise.all(ids.map((gid: string, i: number) => grouped.mutation(async (w: any) => {
      await w.patch(gid, { n: i + 10 });
      if (i === 0) await noteAll();
    })));
    const group = await grouped.query(async (r: any) => (await r.query(t).withIndex("by_label", (x: any) => x.gte("label", "g")).collect()).map((x: any) => [x.label, x.n, x.note ?? null]));
    return { afterPatch, afterKeyPatch, indexed, afterTwoPatches, afterReplace, c: await byLabel("c"), group };
  },

  async collation(d, t) {
    const db = d.open(defineSchema({ [t]: defineTable({ s: v.string() }).index("by_s", ["s"]).global() }));
    await db.mutation(async (w: any) => {
      for (const s of ["x", "x ", "X", "é", "z"]) await w.insert(t, { s });
    });
    const eq = await d.raw(`select count(*) as n from ${q(d.engine, t)} where s = 'x'`);
    const ordered = await d.raw(`select s from ${q(d.engine, t)} order by s`);
    return { eq: Number(eq[0].n), ordered: ordered.map((r: any) => r.s) };
  },

  // As wide as SQLite on Cloudflare allows (100 columns: 3 system + 95 fields + 2 index keys,
  // so an update binds exactly 100 parameters), a value larger than a 100 KB statement, and big
  // group commits: legal mutations that must never fail on any engine.
  async wide(d, t) {
    const fields: Record<string, any> = {};
    for (let i = 0; i < 95; i++) fields[`f${i}`] = i % 2 === 0 ? v.string() : v.optional(v.int64());
    const db = d.open(defineSchema({ [t]: defineTable(fields).index("by_f0", ["f0"]).index("by_f1", ["f1"]).global() }));
    const tooWide = await caught(() =>
      d.open(defineSchema({ [`${t}_w`]: defineTable({ ...fields, extra: v.string() }).index("by_f0", ["f0"]).index("by_f1", ["f1"]).global() })).migrate(),
    );
    const doc: Record<string, unknown> = {};
    for (let i = 0; i < 95; i++) doc[`f${i}`] = i % 2 === 0 ? `s${i}` : 2n ** 62n + BigInt(i);
    doc.f2 = "x".repeat(300_000); // one 300 KB value: larger than a 100 KB statement, but bound
    const id = await db.mutation((w: any) => w.insert(t, doc));
    const got = await db.query((r: any) => r.get(id));
    const patch: Record<string, unknown> = {};
    for (let i = 1; i < 95; i += 2) patch[`f${i}`] = -(2n ** 63n) + BigInt(i);
    await db.mutation((w: any) => w.patch(id, patch));
    const patched = await db.query((r: any) => r.get(id));
    // 300 wide inserts in one mutation, then 40 concurrent mutations (group commit).
    const small = (n: number) => Object.fromEntries(Object.keys(fields).map((f, i) => [f, i % 2 === 0 ? `g${n}` : BigInt(n)]));
    await db.mutation(async (w: any) => {
      for (let n = 0; n < 300; n++) await w.insert(t, small(n));
    });
    await Promise.all(Array.from({ length: 40 }, (_, n) => db.mutation((w: any) => w.insert(t, small(1000 + n)))));
    const count = (await db.query((r: any) => r.query(t).collect())).length;
    const byF1 = (await db.query((r: any) => r.query(t).withIndex("by_f1", (q: any) => q.eq("f1", 1010n)).collect())).map((x: any) => x.f0);
    const strip = (x: any) => {
      const { _id, _creationTime, ...rest } = x;
      return rest;
    };
    return { doc, got: strip(got), patched: strip(patched), expectedPatched: { ...doc, ...patch }, count, byF1, tooWide };
  },
};

export const queryScenarios: Record<string, (d: Opened, table: string) => Promise<unknown>> = {
  async queries(d, t) {
    const schema = defineSchema({
      [t]: defineTable({ cat: v.string(), price: v.number(), n: v.int64(), any: v.optional(v.any()) })
        .index("by_cat", ["cat", "price"])
        .index("by_any", ["any"])
        .global(),
    });
    const db = d.open(schema);
    const rows: [string, number, bigint][] = [["a", 3, 1n], ["b", 1, 2n], ["a", 1, 3n], ["a", 2, 4n], ["c", 5, 5n], ["a", 2, 6n]];
    await db.mutation(async (w: any) => {
      for (const [cat, price, n] of rows) await w.insert(t, { cat, price, n });
    });
    const names = (docs: any[]) => docs.map((x) => `${x.cat}${x.price}:${x.n}`);
    const r: Record<string, unknown> = {};
    await db.query(async (q: any) => {
      r.byCat = names(await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).collect());
      r.byCatDesc = names(await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).order("desc").collect());
      r.range = names(await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a").gt("price", 1).lte("price", 3)).collect());
      r.whole = names(await q.query(t).withIndex("by_cat").collect());
      r.creation = names(await q.query(t).collect());
      r.creationDesc = names(await q.query(t).order("desc").take(2));
      r.take = names(await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).take(2));
      r.first = names([await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "c")).first()]);
      r.none = await q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "zzz")).first();
      r.unique = await caught(() => q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).unique());
      r.badRange = await caught(() => q.query(t).withIndex("by_cat", (x: any) => x.eq("price", 1)).collect());
      r.badIndex = await caught(() => q.query(t).withIndex("nope").collect());
      r.filtered = names(await q.query(t).filter((f: any) => f.and(f.eq(f.field("cat"), "a"), f.gte(f.field("price"), 2))).collect());
      r.filterInt = names(await q.query(t).filter((f: any) => f.eq(f.mod(f.field("n"), 2n), 0n)).collect());
      r.iterated = [];
      for await (const doc of q.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a"))) (r.iterated as string[]).push(names([doc])[0]!);
    });

    // Pagination: keyset pages stay correct while rows come and go between pages.
    const pageQuery = (q: any) => q.query(t).withIndex("by_cat");
    const first = await db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor: null }));
    const again = await db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor: null }));
    await db.mutation(async (w: any) => {
      await w.insert(t, { cat: "a", price: 0, n: 100n }); // before the cursor: not seen
      await w.insert(t, { cat: "b", price: 9, n: 101n }); // after the cursor: seen
    });
    const pages = [names(first.page)];
    let cursor = first.continueCursor;
    let done = first.isDone;
    while (!done) {
      const page = await db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor }));
      pages.push(names(page.page));
      cursor = page.continueCursor;
      done = page.isDone;
    }
    const afterDone = await db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor }));
    const otherQuery = await caught(() => db.query((q: any) => q.query(t).withIndex("by_cat").order("desc").paginate({ numItems: 2, cursor: first.continueCursor })));
    const forged = await caught(() => db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor: "c1.eyJmIjoiMDAwMDAwMDAwMDAwMDAwMCIsImsiOiIwMCJ9" })));
    const garbage = await caught(() => db.query((q: any) => pageQuery(q).paginate({ numItems: 2, cursor: "not a cursor" })));

    // Cross-type order of an index over v.any(): missing < null < int64 < float64 < boolean < string < bytes < array < object.
    const anyValues: unknown[] = [{ a: 1 }, [1], new Uint8Array([1]).buffer, "s", true, 1.5, 7n, null, undefined, d.engine !== "postgres" ? -1e308 : -Infinity, "", false];
    const anyTable = `${t}_any`;
    const anyDb = d.open(defineSchema({ [anyTable]: defineTable({ label: v.string(), any: v.optional(v.any()) }).index("by_any", ["any"]).global() }));
    await anyDb.mutation(async (w: any) => {
      for (const [i, value] of anyValues.entries()) await w.insert(anyTable, value === undefined ? { label: `v${i}` } : { label: `v${i}`, any: value });
    });
    const anyOrder = (await anyDb.query((q: any) => q.query(anyTable).withIndex("by_any").collect())).map((x: any) => x.label);
    const anyRange = (await anyDb.query((q: any) => q.query(anyTable).withIndex("by_any", (x: any) => x.gt("any", null).lt("any", "zz")).collect())).map((x: any) => x.label);

    // Inside a mutation, queries see the mutation's own writes in index order.
    const own = await db.mutation(async (w: any) => {
      await w.insert(t, { cat: "a", price: 1.5, n: 200n });
      const some = await w.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).collect();
      await w.delete(some[0]._id);
      return names(await w.query(t).withIndex("by_cat", (x: any) => x.eq("cat", "a")).collect());
    });
    return { ...r, firstPage: names(first.page), firstIsDone: first.isDone, same: first.continueCursor === again.continueCursor && names(first.page).join() === names(again.page).join(), pages, afterDone, otherQuery, forged, garbage, anyOrder, anyRange, own };
  },

  async occ(d, t) {
    const schema = defineSchema({ [t]: defineTable({ k: v.string(), n: v.number() }).index("by_k", ["k"]).global() });
    const db = d.open(schema, { maxRetries: 20, retryBaseDelayMs: 1 });
    const id = await db.mutation((w: any) => w.insert(t, { k: "counter", n: 0 }));
    // 20 concurrent read-modify-write mutations: serializable means no lost update.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.mutation(async (w: any) => {
          const doc = await w.get(id);
          await w.patch(id, { n: doc.n + 1 });
        }),
      ),
    );
    const counter = (await db.query((r: any) => r.get(id))).n;
    // A range read is invalidated by an insert into the range (a phantom), not by one outside it.
    let runs = 0;
    let outsideRuns = 0;
    const phantom = await db.mutation(async (w: any) => {
      runs += 1;
      const seen = await w.query(t).withIndex("by_k", (x: any) => x.eq("k", "x")).collect();
      if (runs === 1) await db.mutation((other: any) => other.insert(t, { k: "x", n: 1 }));
      await w.insert(t, { k: "count-of-x", n: seen.length });
      return seen.length;
    });
    await db.mutation(async (w: any) => {
      outsideRuns += 1;
      await w.query(t).withIndex("by_k", (x: any) => x.eq("k", "y")).collect();
      if (outsideRuns === 1) await db.mutation((other: any) => other.insert(t, { k: "z", n: 1 }));
      await w.insert(t, { k: "count-of-y", n: 0 });
    });
    return { counter, runs, phantom, outsideRuns };
  },
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

export const reactivityScenarios: Record<string, (d: Opened, table: string) => Promise<unknown>> = {
  async subscriptions(d, t) {
    const schema = defineSchema({ [t]: defineTable({ k: v.string(), n: v.number() }).index("by_k", ["k"]).global() });
    const db = d.open(schema);
    const batches: unknown[] = [];
    const stopFeed = db.onChange((batch: any) =>
      batches.push({ commitTs: batch.commitTs, writes: batch.writes.map((w: any) => [w.op, w.before?.n ?? null, w.after?.n ?? null]) }),
    );
    const seen: number[][] = [];
    let runs = 0;
    const log: string[] = [];
    const unsubscribe = db.subscribe(
      async (q: any) => {
        runs += 1;
        return (await q.query(t).withIndex("by_k", (x: any) => x.eq("k", "a")).collect()).map((doc: any) => doc.n);
      },
      (value: number[]) => seen.push(value),
      (error: unknown) => log.push(String(error)),
    );
    const step = async (name: string, fn: () => Promise<unknown>) => {
      const before = runs;
      await fn();
      await settle();
      log.push(`${name}: ${runs - before} re-run(s)`);
    };
    // The first result (the store also migrates on first use) before any write.
    for (let i = 0; i < 200 && seen.length === 0; i++) await settle();
    let b = "";
    await step("insert into range", () => db.mutation((w: any) => w.insert(t, { k: "a", n: 1 })));
    await step("insert outside range", async () => {
      b = await db.mutation((w: any) => w.insert(t, { k: "b", n: 2 }));
    });
    await step("update outside range", () => db.mutation((w: any) => w.patch(b, { n: 3 })));
    await step("move into range", () => db.mutation((w: any) => w.patch(b, { k: "a" })));
    await step("move out of range", () => db.mutation((w: any) => w.patch(b, { k: "c" })));
    await step("read-only mutation", () => db.mutation((w: any) => w.query(t).collect()));
    unsubscribe();
    await step("after unsubscribe", () => db.mutation((w: any) => w.insert(t, { k: "a", n: 9 })));
    stopFeed();
    // A point read re-runs on a write to that document only.
    const pointSeen: unknown[] = [];
    const stopPoint = db.subscribe((q: any) => q.get(b), (doc: any) => pointSeen.push(doc?.n ?? null));
    for (let i = 0; i < 200 && pointSeen.length === 0; i++) await settle();
    await db.mutation((w: any) => w.insert(t, { k: "a", n: 10 }));
    await settle();
    await db.mutation((w: any) => w.patch(b, { n: 4 }));
    await settle();
    stopPoint();
    return { seen, log, batches, pointSeen };
  },
};

export async function foundRowsRefusal(env: Env, t: string) {
  const { connectionString } = createHyperdrive(env.HYPERDRIVE_MYSQL);
  const pool = mysql.createPool({ uri: connectionString, disableEval: true, flags: ["-FOUND_ROWS"] });
  try {
    const refused = await caught(async () => createMysqlGlobalCtxDb(pool, { schema: defineSchema({ [t]: defineTable({ s: v.string() }).global() }) }).migrate());
    const [rows] = await pool.query(`select count(*) as n from information_schema.tables where table_schema = database() and table_name = ?`, [t]);
    return { refused, tableExists: Number((rows as any)[0].n) > 0 };
  } finally {
    await pool.end();
  }
}
