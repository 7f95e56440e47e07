// createHyperdrive: lift the connection details off a Hyperdrive binding.
import { HyperdriveBindingError } from "./errors.js";
import { registerSecret } from "./secrets.js";

/** The subset of Cloudflare's `Hyperdrive` binding the package reads. */
export interface HyperdriveLike {
  readonly connectionString: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
}

export type Engine = "postgres" | "mysql";

export interface HyperdriveConnection {
  /** Non-enumerable: not printed by console.log or JSON.stringify. */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Non-enumerable: not printed by console.log or JSON.stringify. */
  readonly password: string;
  readonly database: string;
  readonly engine: Engine;
}

const SETUP_HINT = [
  "Add a Hyperdrive binding to wrangler.jsonc:",
  '  "hyperdrive": [',
  '    { "binding": "HYPERDRIVE", "id": "<id printed by wrangler hyperdrive create>",',
  '      "localConnectionString": "postgres://user:password@localhost:5432/db" }',
  "  ]",
  "create the Hyperdrive config (this prints the id) with:",
  '  npx wrangler hyperdrive create <config-name> --connection-string="postgres://user:password@host:5432/db"',
  "and pass the binding in: createHyperdrive(env.HYPERDRIVE).",
].join("\n");

const SCHEMES: Record<string, Engine> = {
  "postgres:": "postgres",
  "postgresql:": "postgres",
  "mysql:": "mysql",
  "mariadb:": "mysql",
};
const DEFAULT_PORTS: Record<Engine, number> = { postgres: 5432, mysql: 3306 };

export function createHyperdrive(binding: HyperdriveLike | undefined): HyperdriveConnection {
  if (binding === undefined || binding === null) {
    throw new HyperdriveBindingError(
      `createHyperdrive() received no binding (is env.HYPERDRIVE undefined?).`, SETUP_HINT,
    );
  }
  if (typeof binding !== "object" && typeof binding !== "function") {
    throw new HyperdriveBindingError(
      `createHyperdrive() expects a Hyperdrive binding object, got ${typeof binding}.`, SETUP_HINT,
    );
  }
  registerSecret(binding.password);
  const connectionString = binding.connectionString;
  if (typeof connectionString !== "string" || connectionString.length === 0) {
    throw new HyperdriveBindingError(
      `the Hyperdrive binding has no connectionString; it does not look like a Hyperdrive binding.`, SETUP_HINT,
    );
  }

  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    // Never echo the string: it may hold a password.
    throw new HyperdriveBindingError(
      `the Hyperdrive binding's connectionString is not a valid URL.`, SETUP_HINT,
    );
  }
  const urlPassword = safeDecode(url.password);
  registerSecret(urlPassword);

  const engine = SCHEMES[url.protocol];
  if (engine === undefined) {
    throw new HyperdriveBindingError(
      `the Hyperdrive binding's connectionString has scheme "${url.protocol.slice(0, 20)}"; ` +
        `expected postgres://, postgresql:// or mysql://.`, SETUP_HINT,
    );
  }

  const port = binding.port ?? (url.port ? Number(url.port) : DEFAULT_PORTS[engine]);
  const connection = {
    host: binding.host ?? url.hostname,
    port: Number(port),
    user: binding.user ?? safeDecode(url.username),
    database: binding.database ?? safeDecode(url.pathname.replace(/^\//, "")),
    engine,
  };
  Object.defineProperties(connection, {
    connectionString: { value: connectionString, enumerable: false },
    password: { value: binding.password ?? urlPassword, enumerable: false },
  });
  return Object.freeze(connection) as HyperdriveConnection;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
