// The integration-test Worker (see wrangler.jsonc). Test files call it over fetch:
//   GET /run/<driver>/<scenario>?table=<name>   -> tagged JSON of the scenario's observations
//   GET /binding-errors                         -> how createHyperdrive reports bad bindings
//   GET /secrets/<driver>?binding=<NAME>         -> errors from a connection that must fail
//   GET /core                                   -> the WASM core, instantiated inside workerd
import { createHyperdrive, HyperdriveBindingError } from "@lunora/hyperdrive";
import { coreVersion, mysqlDialect, postgresDialect } from "@lunora/hyperdrive/global";
import { tag } from "../support/tagged.mjs";
import { isMysql, openClient, type DriverName } from "./drivers";
import { scenarios } from "./scenarios";
import { groupCommitScenario } from "./group-commit-scenario";
import { pointReadsScenario } from "./point-reads-scenario";
import { preparedStatementsScenario } from "./prepared-statements-scenario";
import { blindPatchScenario, type BlindPatchDriver } from "./blind-patch-scenario";
import { partialPatchScenario } from "./partial-patch-scenario";
import { findStoreScenario } from "./store-scenario-routes";
import { foundRowsRefusal, openStoreDriver, type StoreDriver } from "./store-scenarios";

export { SqliteStoreHost } from "./sqlite-store-host";

type Env = Record<string, Hyperdrive> & { SQLITE_STORE: DurableObjectNamespace };

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(tag(value)), { status, headers: { "content-type": "application/json" } });

function describeError(e: any) {
  let serialized = "";
  try {
    serialized = JSON.stringify(e);
  } catch {
    serialized = "<unserializable>";
  }
  return {
    name: e?.name,
    code: e?.code,
    sqlState: e?.sqlState,
    driverCode: e?.driverCode,
    message: String(e?.message),
    stack: String(e?.stack),
    string: String(e),
    serialized,
    keys: Object.keys(e ?? {}),
    ownValues: Object.getOwnPropertyNames(e ?? {}).map((k) => String(e[k])),
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter(Boolean);
    try {
      if (parts[0] === "core") {
        const started = performance.now();
        const version = coreVersion();
        const instantiateMs = performance.now() - started;
        return json({
          version,
          instantiateMs,
          postgres: { name: postgresDialect.name, quoted: postgresDialect.quoteIdentifier("orders"), placeholder: postgresDialect.placeholder(2) },
          mysql: { name: mysqlDialect.name, quoted: mysqlDialect.quoteIdentifier("orders"), placeholder: mysqlDialect.placeholder(2) },
        });
      }
      if (parts[0] === "binding-errors") {
        const attempts: Record<string, unknown> = {};
        const cases: Record<string, unknown> = {
          missing: undefined,
          noConnectionString: {},
          malformed: { connectionString: "postgres://lunora:Canary-Secret-9f3a@[not a host" },
          wrongScheme: { connectionString: "redis://u:Canary-Secret-9f3a@h:1/db" },
        };
        for (const [name, binding] of Object.entries(cases)) {
          try {
            createHyperdrive(binding as never);
            attempts[name] = { threw: false };
          } catch (e: any) {
            attempts[name] = { isBindingError: e instanceof HyperdriveBindingError, ...describeError(e) };
          }
        }
        const real = createHyperdrive(env.HYPERDRIVE);
        const realMysql = createHyperdrive(env.HYPERDRIVE_MYSQL);
        return json({
          attempts,
          real: { engine: real.engine, host: real.host, port: real.port, user: real.user, database: real.database, hasConnectionString: real.connectionString.length > 0, serialized: JSON.stringify(real) },
          realMysql: { engine: realMysql.engine },
        });
      }
      if (parts[0] === "run") {
        const driver = parts[1] as DriverName;
        const scenario = scenarios[parts[2] ?? ""];
        if (!scenario) return json({ error: `unknown scenario ${parts[2]}` }, 404);
        const binding = isMysql(driver) ? env.HYPERDRIVE_MYSQL : env.HYPERDRIVE;
        const client = await openClient(driver, binding!);
        try {
          return json(await scenario(client.sql, url.searchParams.get("table") ?? "lunora_t"));
        } finally {
          await client.close();
        }
      }
      if (parts[0] === "group-commit") {
        return json(await groupCommitScenario(parts[1] ?? "", env as never, url.searchParams.get("table") ?? "lunora_group"));
      }
      if (parts[0] === "point-reads") {
        return json(await pointReadsScenario(parts[1] ?? "", env as never, url.searchParams.get("table") ?? "lunora_reads"));
      }
      if (parts[0] === "blind-patch") {
        return json(await blindPatchScenario(parts[1] as BlindPatchDriver, env as never, url.searchParams.get("table") ?? "lunora_blind"));
      }
      if (parts[0] === "partial-patch") {
        return json(await partialPatchScenario(parts[1] as never, env, url.searchParams.get("table") ?? "lunora_partial"));
      }
      if (parts[0] === "prepared-statements") {
        return json(await preparedStatementsScenario(env as never, url.searchParams.get("table") ?? "lunora_prepared"));
      }
      if (parts[0] === "store") {
        const table = url.searchParams.get("table") ?? "lunora_store";
        if (parts[1] === "found-rows") return json(await foundRowsRefusal(env as never, table));
        // Durable Object SQLite: the scenario runs inside a fresh object (one per table).
        if (parts[1] === "do-sqlite") return env.SQLITE_STORE.get(env.SQLITE_STORE.idFromName(table)).fetch(request);
        const scenario = findStoreScenario(parts[2] ?? "");
        if (!scenario) return json({ error: `unknown store scenario ${parts[2]}` }, 404);
        const driver = openStoreDriver(parts[1] as StoreDriver, env as never);
        try {
          return json(await scenario(driver, table));
        } finally {
          await driver.close();
        }
      }
      if (parts[0] === "secrets") {
        const driver = parts[1] as DriverName;
        const binding = env[url.searchParams.get("binding") ?? ""];
        const logs: string[] = [];
        const original = { log: console.log, error: console.error, warn: console.warn };
        for (const level of ["log", "error", "warn"] as const) {
          console[level] = (...args: unknown[]) => {
            logs.push(args.map(String).join(" "));
            original[level](...args);
          };
        }
        try {
          const client = await openClient(driver, binding!, Number(url.searchParams.get("connectTimeoutMs") ?? 10_000));
          try {
            await client.sql.query("select 1 as x");
            return json({ connected: true });
          } catch (e) {
            console.error("query failed:", (e as Error).message);
            return json({ connected: false, error: describeError(e), logs });
          } finally {
            await client.close().catch(() => undefined);
          }
        } catch (e) {
          // Single-connection drivers connect eagerly; that error is the driver's own.
          return json({ connected: false, eager: true, error: describeError(e), logs });
        } finally {
          Object.assign(console, original);
        }
      }
      return json({ error: "not found" }, 404);
    } catch (e) {
      return json({ error: describeError(e) }, 500);
    }
  },
};
