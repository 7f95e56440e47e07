// A Durable Object with SQLite storage that runs store scenarios on its own database
// (GET /store/do-sqlite/<scenario>?table=<name>, forwarded by the test Worker).
import { tag } from "../support/tagged.mjs";
import { findStoreScenario } from "./store-scenario-routes";
import { openSqliteStoreDriver } from "./store-scenarios";

export class SqliteStoreHost {
  constructor(private readonly ctx: DurableObjectState) {}

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const name = url.pathname.split("/").filter(Boolean)[2] ?? "";
    const scenario = findStoreScenario(name);
    const respond = (value: unknown, status = 200) =>
      new Response(JSON.stringify(tag(value)), { status, headers: { "content-type": "application/json" } });
    if (!scenario) return respond({ error: `unknown store scenario ${name}` }, 404);
    try {
      return respond(await scenario(openSqliteStoreDriver(this.ctx.storage), url.searchParams.get("table") ?? "lunora_store"));
    } catch (e: any) {
      return respond({ error: { name: e?.name, code: e?.code, message: String(e?.message), stack: String(e?.stack) } }, 500);
    }
  }
}
