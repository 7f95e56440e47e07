// Demo: Lunora actions reading and writing a legacy Postgres through Hyperdrive with ctx.sql.
// Actions are the only functions that get `ctx.sql` (non-deterministic, non-reactive I/O).
import { createHyperdrive, fromPostgresJs, SqlError, type SqlClient } from "@lunora/hyperdrive";
import postgres from "postgres";
import { page } from "./page";

interface Env {
  HYPERDRIVE: Hyperdrive;
}
interface ActionCtx {
  env: Env;
  sql: SqlClient;
}
type Action = (ctx: ActionCtx, args: Record<string, unknown>) => Promise<unknown>;

interface Order {
  id: string;
  org: string;
  customer: string;
  total: string;
  updated_at: Date;
}

const actions: Record<string, Action> = {
  // The reference page's canonical recipe: read legacy rows from an action.
  async importLegacyOrders(ctx, { orgId }) {
    return ctx.sql.query<Order>(
      "select id, org, customer, total::text as total, updated_at from orders where org = $1 order by id",
      [String(orgId)],
    );
  },

  // A write with a transaction: adjust an order's total and keep an audit row, atomically.
  async adjustOrderTotal(ctx, { id, delta }) {
    const change = Number(delta);
    if (!Number.isFinite(change)) throw new Error("delta must be a number");
    return ctx.sql.transaction(async (tx) => {
      const updated = await tx.execute("update orders set total = total + $1, updated_at = now() where id = $2", [change, String(id)]);
      if (updated.rowsAffected !== 1) throw new Error(`no order ${String(id)}`);
      await tx.execute("insert into order_audit (order_id, delta) values ($1, $2)", [String(id), change]);
      const [row] = await tx.query<{ total: string }>("select total::text as total from orders where id = $1", [String(id)]);
      return row;
    });
  },
};

async function runAction(name: string, env: Env, args: Record<string, unknown>): Promise<unknown> {
  const action = actions[name];
  if (!action) throw new Error(`unknown action ${name}`);
  const { connectionString } = createHyperdrive(env.HYPERDRIVE);
  const client = postgres(connectionString, { fetch_types: false, max: 1 });
  try {
    return await action({ env, sql: fromPostgresJs(client) }, args);
  } finally {
    await client.end({ timeout: 1 });
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const match = /^\/api\/actions\/(\w+)$/.exec(url.pathname);
    if (match && request.method === "POST") {
      try {
        const args = (await request.json().catch(() => ({}))) as Record<string, unknown>;
        return Response.json({ ok: true, value: await runAction(match[1]!, env, args) });
      } catch (e) {
        const error = e as Error & { code?: string; sqlState?: string };
        const status = e instanceof SqlError ? 502 : 400;
        return Response.json({ ok: false, code: error.code ?? "ACTION_FAILED", sqlState: error.sqlState, message: error.message }, { status });
      }
    }
    if (url.pathname === "/") return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    return new Response("not found", { status: 404 });
  },
};
