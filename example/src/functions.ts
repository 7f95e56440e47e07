// The demo's Lunora functions, run by the store host (src/worker.ts).
//   queries and mutations: deterministic, over the `.global()` store (`ctx.db`); no ctx.sql.
//   actions: may do I/O; only they get `ctx.sql` (the legacy database over Hyperdrive, or, with
//   LUNORA_GLOBAL_BACKEND = "do-sqlite", the host Durable Object's own SQLite, where the
//   legacy tables are created and seeded on first use). Their SQL runs on both engines.
import type { SqlClient } from "@lunora/hyperdrive";
import type { ActionCtx, ActionHandler, MutationHandler, QueryHandler } from "@lunora/hyperdrive/host";
import type { Schema } from "./schema";

export interface Env {
  HYPERDRIVE: Hyperdrive;
  STORE: DurableObjectNamespace;
  /** "postgres" (default): `.global()` tables in Postgres; "do-sqlite": in the Durable Object. */
  LUNORA_GLOBAL_BACKEND?: string;
}

interface LegacyOrder {
  id: string;
  org: string;
  customer: string;
  total: string;
  updated_at: Date | string;
}

/** With no external database (do-sqlite), the legacy tables live in the host's SQLite. */
async function legacyDatabase(ctx: ActionCtx<Env>): Promise<SqlClient> {
  if (ctx.sql.dialect === "sqlite") {
    await ctx.sql.execute(
      "create table if not exists orders (id text primary key, org text not null, customer text not null, " +
        "total numeric(12,2) not null, updated_at timestamp not null default current_timestamp)",
    );
    await ctx.sql.execute(
      "create table if not exists order_audit (id integer primary key, order_id text not null references orders(id), " +
        "delta numeric(12,2) not null, at timestamp not null default current_timestamp)",
    );
    await ctx.sql.execute(
      "insert into orders (id, org, customer, total) values ('A-1001', 'acme', 'Wile E. Coyote', 129.90), " +
        "('A-1002', 'acme', 'Road Runner', 15.00), ('A-1003', 'acme', 'Marvin', 87.25), " +
        "('G-2001', 'globex', 'Hank Scorpio', 1999.99) on conflict do nothing",
    );
  }
  return ctx.sql;
}

export const queries: Record<string, QueryHandler<Schema>> = {
  /** The live view: an org's projected orders, in order id order. */
  async projections({ db }, { org }: { org: string }) {
    const docs = await db.query("orderProjections").withIndex("by_org", (q) => q.eq("org", org)).collect();
    return docs.map(({ _id, orderId, customer, total, syncedAt, note }) => ({ _id, orderId, customer, total, syncedAt, note: note ?? "" }));
  },
};

export const mutations: Record<string, MutationHandler<Schema>> = {
  /** Writes one projected order (insert or update): tracked, so live queries re-run. */
  async upsertProjection({ db }, order: { orderId: string; org: string; customer: string; total: number; syncedAt: number }) {
    const existing = await db.query("orderProjections").withIndex("by_order", (q) => q.eq("orderId", order.orderId)).unique();
    if (existing) {
      await db.patch(existing._id, order);
      return existing._id;
    }
    return db.insert("orderProjections", order);
  },
  /** Edits a projection from the page (the query/mutation pair over a `.global()` table). */
  async setNote({ db }, { id, note }: { id: string; note: string }) {
    const doc = db.normalizeId("orderProjections", id);
    if (!doc) throw new Error(`not an order projection id: ${id}`);
    await db.patch(doc, { note: note === "" ? undefined : String(note).slice(0, 200) });
  },
};

export const actions: Record<string, ActionHandler<Env>> = {
  /** The reference page's canonical recipe: read legacy rows from an action over ctx.sql. */
  async importLegacyOrders(ctx, { orgId }: { orgId: string }) {
    const sql = await legacyDatabase(ctx);
    const rows = await sql.query<LegacyOrder>(
      "select id, org, customer, cast(total as text) as total, updated_at from orders where org = $1 order by id",
      [String(orgId)],
    );
    return rows.map((o) => ({ id: o.id, org: o.org, customer: o.customer, total: Number(o.total), updatedAt: new Date(o.updated_at).getTime() }));
  },

  /**
   * The projection pattern: read the legacy row over ctx.sql, then write it through a
   * mutation. Hyperdrive writes are invisible to live queries; this write is not.
   */
  async syncOrder(ctx, { id }: { id: string }) {
    const sql = await legacyDatabase(ctx);
    const [row] = await sql.query<LegacyOrder>("select id, org, customer, cast(total as text) as total from orders where id = $1", [String(id)]);
    if (!row) throw new Error(`no legacy order ${String(id)}`);
    const projection = { orderId: row.id, org: row.org, customer: row.customer, total: Number(row.total), syncedAt: Date.now() };
    await ctx.runMutation("upsertProjection", projection);
    return projection;
  },

  /** A legacy write in a transaction (order + audit row). Not reactive until synced. */
  async adjustOrderTotal(ctx, { id, delta }: { id: string; delta: number }) {
    const change = Number(delta);
    if (!Number.isFinite(change)) throw new Error("delta must be a number");
    const sql = await legacyDatabase(ctx);
    return sql.transaction(async (tx) => {
      const updated = await tx.execute("update orders set total = total + $1, updated_at = current_timestamp where id = $2", [change, String(id)]);
      if (updated.rowsAffected !== 1) throw new Error(`no order ${String(id)}`);
      await tx.execute("insert into order_audit (order_id, delta) values ($1, $2)", [String(id), change]);
      const [row] = await tx.query<{ total: string }>("select cast(total as text) as total from orders where id = $1", [String(id)]);
      return { id: String(id), total: Number(row!.total) };
    });
  },
};
