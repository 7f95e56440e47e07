// The store-host test Worker: /pg/..., /mysql/... and /sqlite/... are forwarded to one Durable
// Object per engine, each a defineStoreHost() class over the same schema (sqlite: the object's
// own storage). Test-only additions:
//   POST <engine>/__reset   drops the instance's in-memory state, as hibernation does
import { defineStoreHost, forwardToStoreHost, mysql2Driver, postgresJsDriver, type StoreHostOptions } from "@lunora/hyperdrive/host";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import mysql from "mysql2/promise";
import postgres from "postgres";

const schema = defineSchema({
  hostItems: defineTable({ run: v.string(), group: v.string(), n: v.number() }).index("by_group", ["run", "group"]).global(),
  hostOther: defineTable({ run: v.string(), note: v.string() }).index("by_run", ["run"]).global(),
  hostProjections: defineTable({ run: v.string(), orderId: v.string(), total: v.number() }).index("by_run", ["run", "orderId"]).global(),
});
type Schema = typeof schema;

const ctxShape = (ctx: object) => ({ keys: Object.keys(ctx).sort(), hasSql: "sql" in ctx });

function functions(engine: "postgres" | "mysql" | "sqlite", legacyTable: string): Omit<StoreHostOptions<Schema, Env>, "engine" | "driver" | "schema"> {
  const q = (name: string) => (engine === "mysql" ? `\`${name}\`` : `"${name}"`);
  const p = (i: number) => (engine === "mysql" ? "?" : `$${i}`);
  return {
    queries: {
      async itemsInGroup({ db }, { run, group }: { run: string; group: string }) {
        const docs = await db.query("hostItems").withIndex("by_group", (r) => r.eq("run", run).eq("group", group)).collect();
        return docs.map((d) => d.n);
      },
      async positiveItems({ db }, { run, group }: { run: string; group: string }) {
        const docs = await db.query("hostItems").withIndex("by_group", (r) => r.eq("run", run).eq("group", group)).collect();
        for (const d of docs) if (d.n < 0) throw new Error(`negative item ${d.n}`);
        return docs.map((d) => d.n);
      },
      async projections({ db }, { run }: { run: string }) {
        const docs = await db.query("hostProjections").withIndex("by_run", (r) => r.eq("run", run)).collect();
        return docs.map((d) => ({ orderId: d.orderId, total: d.total }));
      },
      async values() {
        return { big: 2n ** 60n, bytes: new Uint8Array([1, 2]).buffer, nan: engine === "postgres" ? NaN : 0 };
      },
      ctxShape: (ctx) => ctxShape(ctx),
    },
    mutations: {
      addItem: ({ db }, { run, group, n }: { run: string; group: string; n: number }) => db.insert("hostItems", { run, group, n }),
      setItem: ({ db }, { id, n }: { id: any; n: number }) => db.patch(id, { n }),
      addOther: ({ db }, { run, note }: { run: string; note: string }) => db.insert("hostOther", { run, note }),
      async upsertProjection({ db }, { run, orderId, total }: { run: string; orderId: string; total: number }) {
        const existing = await db.query("hostProjections").withIndex("by_run", (r) => r.eq("run", run).eq("orderId", orderId)).unique();
        if (existing) await db.patch(existing._id, { total });
        else await db.insert("hostProjections", { run, orderId, total });
      },
      echoBig: (_ctx, { big }: { big: bigint }) => ({ big: big + 1n, type: typeof big }),
      ctxShape: (ctx) => ctxShape(ctx),
    },
    actions: {
      async ctxShape(ctx) {
        const [row] = await ctx.sql.query<{ x: unknown }>("select 1 as x");
        return { ...ctxShape(ctx), dialect: ctx.sql.dialect, x: Number(row?.x) };
      },
      // The projection recipe: read the legacy row over ctx.sql, write it through a mutation.
      async syncOrder(ctx, { run, id }: { run: string; id: string }) {
        const [row] = await ctx.sql.query<{ id: string; total: unknown }>(`select id, total from ${legacyTable} where id = ${p(1)}`, [id]);
        if (!row) throw new Error(`no legacy order ${id}`);
        await ctx.runMutation("upsertProjection", { run, orderId: row.id, total: Number(row.total) });
        return ctx.runQuery("projections", { run });
      },
      // The pool's connections (three statements at once hold three connections).
      async connectionIds(ctx) {
        const text = engine === "mysql" ? "select connection_id() as id, sleep(0.2) as s" : "select pg_backend_pid() as id, pg_sleep(0.2) as s";
        const rows = await Promise.all([1, 2, 3].map(() => ctx.sql.query<{ id: unknown }>(text)));
        return { ids: [...new Set(rows.map((r) => String(r[0]?.id)))] };
      },
      // A write over ctx.sql into a store table: not observed by live queries (documented).
      async externalUpdate(ctx, { id, n }: { id: string; n: number }) {
        return ctx.sql.execute(`update ${q("hostItems")} set ${q("n")} = ${p(1)} where ${q("_id")} = ${p(2)}`, [n, id]);
      },
    },
  };
}

interface Env {
  HYPERDRIVE: Hyperdrive;
  HYPERDRIVE_MYSQL: Hyperdrive;
  PG_HOST: DurableObjectNamespace;
  MYSQL_HOST: DurableObjectNamespace;
  SQLITE_HOST: DurableObjectNamespace;
}

const PgBase = defineStoreHost<Schema, Env>({
  schema,
  engine: "postgres",
  binding: "HYPERDRIVE",
  driver: postgresJsDriver(postgres),
  maxConnections: 3,
  ...functions("postgres", "host_legacy_orders"),
});
const MysqlBase = defineStoreHost<Schema, Env>({
  schema,
  engine: "mysql",
  binding: "HYPERDRIVE_MYSQL",
  driver: mysql2Driver(mysql),
  maxConnections: 3,
  ...functions("mysql", "host_legacy_orders"),
});

const SqliteBase = defineStoreHost<Schema, Env>({
  schema,
  engine: "sqlite",
  ...functions("sqlite", "host_legacy_orders"),
});

/** Adds the test-only reset route to a host class. */
function withReset(Base: ReturnType<typeof defineStoreHost<Schema, Env>>) {
  return class extends Base {
    override async fetch(request: Request): Promise<Response> {
      if (new URL(request.url).pathname.endsWith("/__reset")) {
        await this.resetInstanceState();
        return Response.json({ reset: true });
      }
      return super.fetch(request);
    }
  };
}
export const PgStoreHost = withReset(PgBase);
export const MysqlStoreHost = withReset(MysqlBase);
export const SqliteStoreHost = withReset(SqliteBase);

export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    const [engine] = new URL(request.url).pathname.split("/").filter(Boolean);
    if (engine === "pg") return forwardToStoreHost(request, env.PG_HOST);
    if (engine === "mysql") return forwardToStoreHost(request, env.MYSQL_HOST);
    if (engine === "sqlite") return forwardToStoreHost(request, env.SQLITE_HOST);
    return new Response("not found", { status: 404 });
  },
};
