// The demo Worker: the page, and /api/* forwarded to the `.global()` store's Durable Object.
//   POST /api/run {kind, name, args}   run a query, mutation or action by name
//   GET  /api/ws (WebSocket)           live queries: subscribe / unsubscribe
import { defineStoreHost, forwardToStoreHost, postgresJsDriver } from "@lunora/hyperdrive/host";
import postgres from "postgres";
import { actions, mutations, queries, type Env } from "./functions";
import { page } from "./page";
import { schema } from "./schema";

/**
 * One instance hosts the store: every commit meets there, so every subscriber hears it.
 * LUNORA_GLOBAL_BACKEND (wrangler.jsonc vars) picks where the `.global()` tables live:
 * "postgres" through Hyperdrive, or "do-sqlite": this Durable Object's own SQLite.
 */
export const StoreHost = defineStoreHost({
  schema,
  engine: (env: Env) => (env.LUNORA_GLOBAL_BACKEND === "do-sqlite" ? "sqlite" : "postgres"),
  binding: "HYPERDRIVE",
  driver: postgresJsDriver(postgres),
  queries,
  mutations,
  actions,
});

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/api/run" || url.pathname === "/api/ws") return forwardToStoreHost(request, env.STORE);
    if (url.pathname === "/") return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    return new Response("not found", { status: 404 });
  },
};
