// The binding check: reads wrangler.jsonc (JSONC: comments and trailing commas) and reports
// what would stop the Hyperdrive binding from working, locally or deployed. It never writes the
// binding: the id is a remote resource only `wrangler hyperdrive create` can mint.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Node as JsonNode, ParseError } from "jsonc-parser";
import { detectBackends } from "./backends.js";
import type { BackendUse } from "./backends.js";
import { displayPath, listSourceFiles } from "./files.js";
import { isPlaceholderPassword, location, maskSecrets, plural } from "./output.js";
import type { Severity, Style } from "./output.js";
import { ToolingUsageError } from "./typescript.js";

export type CheckRule =
  | "hyperdrive_config_missing"
  | "hyperdrive_binding_missing"
  | "hyperdrive_binding_duplicate"
  | "hyperdrive_binding_id"
  | "hyperdrive_local_no_password"
  | "hyperdrive_local_connection_string"
  | "hyperdrive_local_connection_missing"
  | "hyperdrive_nodejs_compat"
  | "hyperdrive_committed_credentials"
  | "d1_binding_missing"
  | "d1_database_id"
  | "durable_object_sqlite_migration";

export interface CheckDiagnostic {
  severity: Severity;
  rule: CheckRule;
  file: string;
  line: number;
  column: number;
  message: string;
  /** What to do, possibly several lines (a snippet, a command). */
  help?: string;
}

export interface CheckOptions {
  /** The app's root folder (where wrangler.jsonc lives); default process.cwd(). */
  appDir?: string;
  /** The config file; default `<appDir>/wrangler.jsonc`, else `<appDir>/wrangler.json`. */
  config?: string;
  /** The binding's name; default "HYPERDRIVE". */
  binding?: string;
  /** A wrangler environment (`env.<name>`): its bindings are not inherited from the top level. */
  env?: string;
  /** Output paths are relative to it; default process.cwd(). */
  cwd?: string;
  /** Environment variables to consult (CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_*); default process.env. */
  processEnv?: NodeJS.ProcessEnv;
}

export interface CheckResult {
  /** The config file read (display path), or null when there is none. */
  config: string | null;
  binding: string;
  env: string | null;
  diagnostics: CheckDiagnostic[];
  errors: number;
  warnings: number;
  /** App files that import @lunora/hyperdrive. */
  importers: Array<{ file: string; line: number; column: number }>;
  /** What the app's code shows it uses (Hyperdrive, D1, Durable Object SQLite), read with the
   * TypeScript compiler API; null when TypeScript is not installed (then only the Hyperdrive
   * binding is checked). The Hyperdrive binding is checked unless the app is seen to use only
   * SQLite backends. */
  backends: BackendUse[] | null;
  /** Whether the Hyperdrive binding was checked. */
  hyperdrive: boolean;
  /** Passwords seen in the config, that every output is masked against. Non-enumerable, so
   * neither JSON.stringify nor console.log shows it. */
  readonly secrets: readonly string[];
}

export const LOCAL_ENV_PREFIX = "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_";

/** The snippet and the command that create a binding (placeholders only, never a secret). */
export function bindingSnippet(binding: string, inArray: boolean): string {
  const entry = [
    "{",
    `  "binding": ${JSON.stringify(binding)},`,
    `  "id": "<id printed by wrangler hyperdrive create>",`,
    `  "localConnectionString": "postgres://USER:PASSWORD@localhost:5432/DATABASE"`,
    "}",
  ];
  const body = inArray ? entry : [`"hyperdrive": [`, ...entry.map((l) => `  ${l}`), "]"];
  return [
    "create the Hyperdrive config (it prints the id):",
    `  npx wrangler hyperdrive create <name> --connection-string="postgres://USER:PASSWORD@HOST:5432/DATABASE"`,
    inArray ? `then add this entry to the "hyperdrive" array:` : "then add this to wrangler.jsonc:",
    ...body.map((l) => `  ${l}`),
  ].join("\n");
}

export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const jsonc = (await import("jsonc-parser")).default;
  const cwd = resolve(options.cwd ?? process.cwd());
  const appDir = resolve(cwd, options.appDir ?? ".");
  const binding = options.binding ?? "HYPERDRIVE";
  const processEnv = options.processEnv ?? process.env;
  if (!existsSync(appDir)) throw new ToolingUsageError(`no such folder: ${options.appDir}`);
  const configPath = findConfig(cwd, appDir, options.config);
  const diagnostics: CheckDiagnostic[] = [];
  const secrets = new Set<string>();
  const importers = findImporters(appDir, cwd);
  const backends = await detectBackends(appDir, cwd, binding);
  // Hyperdrive is checked unless the code shows SQLite backends and nothing of Hyperdrive.
  const hyperdrive = backends === null || backends.length === 0 || backends.some((b) => b.backend === "hyperdrive");
  const d1Uses = backends?.filter((b) => b.backend === "d1") ?? [];
  const doUses = backends?.filter((b) => b.backend === "durable-object-sqlite") ?? [];
  const result: CheckResult = {
    config: configPath ? displayPath(configPath, cwd) : null,
    binding,
    env: options.env ?? null,
    diagnostics,
    errors: 0,
    warnings: 0,
    importers,
    backends,
    hyperdrive,
    secrets: [],
  };
  Object.defineProperty(result, "secrets", { enumerable: false, writable: true, value: [] });
  const usedBy =
    importers.length > 0
      ? ` ${importers.map((i) => i.file).slice(0, 3).join(", ")}${importers.length > 3 ? ", ..." : ""} import${importers.length === 1 ? "s" : ""} @lunora/hyperdrive.`
      : "";

  if (configPath === undefined) {
    const needs = hyperdrive ? `binding "${binding}"` : subjects(result).join(", ");
    diagnostics.push({
      severity: "error",
      rule: "hyperdrive_config_missing",
      file: displayPath(join(appDir, "wrangler.jsonc"), cwd),
      line: 1,
      column: 1,
      message: `no wrangler.jsonc (or wrangler.json) in ${displayPath(appDir, cwd)}, so there is no ${needs}.${usedBy}`,
      ...(hyperdrive ? { help: bindingSnippet(binding, false) } : d1Uses[0] ? { help: d1Snippet(d1Uses[0].binding ?? "DB", false) } : {}),
    });
    return finish(result, secrets);
  }

  const file = displayPath(configPath, cwd);
  const text = readFileSync(configPath, "utf8");
  const parseErrors: ParseError[] = [];
  const root = jsonc.parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const at = (offset: number): { line: number; column: number } => lineColumn(text, offset);
  if (parseErrors.length > 0 || root === undefined || root.type !== "object") {
    const first = parseErrors[0];
    const pos = at(first?.offset ?? 0);
    const what = first ? jsonc.printParseErrorCode(first.error) : "the top level is not an object";
    throw new ToolingUsageError(`${location(file, pos.line, pos.column)}: not valid JSONC (${what})`);
  }
  const value = (path: Array<string | number>): JsonNode | undefined => jsonc.findNodeAtLocation(root, path);
  const diag = (severity: Severity, rule: CheckRule, node: JsonNode | undefined, message: string, help?: string): void => {
    const pos = at(node?.offset ?? 0);
    diagnostics.push({ severity, rule, file, ...pos, message, ...(help === undefined ? {} : { help }) });
  };

  // Credentials anywhere in the file (vars, bindings, ...) are collected first, so that every
  // message below is masked against them.
  const credentials = collectCredentials(root);
  for (const c of credentials) for (const p of [c.password, c.rawPassword]) if (p) secrets.add(p);

  // The binding itself. Wrangler environments do not inherit `hyperdrive` from the top level.
  const base: Array<string | number> = options.env ? ["env", options.env] : [];
  if (options.env && value(base)?.type !== "object") {
    throw new ToolingUsageError(`${file} has no environment "${options.env}" (env.${options.env})`);
  }
  if (hyperdrive) checkHyperdrive();
  checkD1(d1Uses, base, where0(options.env, "d1_databases"), value, diag, jsonc.findNodeAtLocation, root);
  checkDurableObjectSqlite(doUses, base, value, diag, root);

  // Real credentials in a file that is (or will be) committed.
  const exposed = credentials.filter((c) => c.password && !isPlaceholderPassword(c.password) && !isLocalHost(c.host));
  if (exposed.length > 0) {
    const state = gitState(configPath);
    if (state !== "ignored") {
      const why =
        state === "tracked"
          ? `${file} is committed to git`
          : state === "untracked"
            ? `${file} is not git-ignored, so it is about to be committed`
            : `${file} is a file you commit`;
      for (const c of exposed) {
        const name = `${LOCAL_ENV_PREFIX}${c.bindingOf ?? ""}`;
        diag(
          "warning",
          "hyperdrive_committed_credentials",
          c.node,
          `${c.key} embeds credentials for ${c.host} (${c.masked}) and ${why}: anyone with the repository has the password`,
          c.bindingOf
            ? `remove them from ${file}: for wrangler dev set ${name} in your shell or a git-ignored .env file ` +
                "(wrangler reads it); production credentials belong only in the Hyperdrive config (wrangler hyperdrive create / update). Then rotate the password"
            : `remove them from ${file}: keep secrets in a git-ignored .dev.vars file for wrangler dev and set them with ` +
                "wrangler secret put when deployed. Then rotate the password",
        );
      }
    }
  }
  return finish(result, secrets);

  function checkHyperdrive(): void {
    const list = value([...base, "hyperdrive"]);
    const entries = list?.type === "array" ? (list.children ?? []) : [];
    const matches = entries.filter((e) => {
      const b = e.type === "object" ? jsonc.findNodeAtLocation(e, ["binding"]) : undefined;
      return b?.value === binding;
    });
    const where = options.env ? `env.${options.env}.hyperdrive` : `"hyperdrive"`;
    if (list !== undefined && list.type !== "array") {
      diag("error", "hyperdrive_binding_missing", list, `${where} must be an array of bindings`, bindingSnippet(binding, false));
    } else if (matches.length === 0) {
      const others = entries
        .map((e) => (e.type === "object" ? jsonc.findNodeAtLocation(e, ["binding"])?.value : undefined))
        .filter((b): b is string => typeof b === "string");
      const found = others.length > 0 ? ` (found ${others.map((b) => `"${b}"`).join(", ")})` : "";
      diag(
        "error",
        "hyperdrive_binding_missing",
        list ?? value(base) ?? root,
        `no Hyperdrive binding "${binding}" in ${where}${found}.${usedBy} ` +
          "lunora-hyperdrive does not write it for you: the id is a remote resource only wrangler can create.",
        bindingSnippet(binding, list !== undefined),
      );
    } else {
      if (matches.length > 1) {
        diag("error", "hyperdrive_binding_duplicate", matches[1], `binding "${binding}" is declared ${matches.length} times in ${where}`);
      }
      checkEntry(matches[0] as JsonNode, binding, diag, jsonc.findNodeAtLocation, appDir, processEnv);
    }

    // nodejs_compat: the drivers (postgres, pg, mysql2) need Node's net/tls/crypto APIs.
    const flagsNode = value([...base, "compatibility_flags"]) ?? value(["compatibility_flags"]);
    const flags = flagsNode?.type === "array" ? (flagsNode.children ?? []).map((c) => c.value) : [];
    if (!flags.includes("nodejs_compat") && !flags.includes("nodejs_compat_v2")) {
      diag(
        "warning",
        "hyperdrive_nodejs_compat",
        flagsNode ?? root,
        `compatibility_flags has no "nodejs_compat": the Postgres/MySQL drivers need Node's net, tls and crypto APIs in workerd`,
        flagsNode ? `add "nodejs_compat" to compatibility_flags` : `add: "compatibility_flags": ["nodejs_compat"]`,
      );
    }
  }
}

type Diag = (severity: Severity, rule: CheckRule, node: JsonNode | undefined, message: string, help?: string) => void;
type Find = (root: JsonNode, path: Array<string | number>) => JsonNode | undefined;

function where0(env: string | undefined, key: string): string {
  return env ? `env.${env}.${key}` : `"${key}"`;
}

/** What the check is about, for its summary line: `binding "HYPERDRIVE"`, `D1 binding "DB"`, ... */
function subjects(result: CheckResult): string[] {
  const out: string[] = result.hyperdrive ? [`binding "${result.binding}"`] : [];
  const seen = new Set<string>();
  for (const use of result.backends ?? []) {
    const text =
      use.backend === "d1"
        ? use.binding ? `D1 binding "${use.binding}"` : "D1"
        : use.backend === "durable-object-sqlite"
          ? use.className ? `Durable Object "${use.className}" (SQLite)` : "Durable Object SQLite"
          : undefined;
    if (text !== undefined && !seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}

/** The snippet and the command that create a D1 database binding. */
export function d1Snippet(binding: string, inArray: boolean): string {
  const entry = ["{", `  "binding": ${JSON.stringify(binding)},`, `  "database_name": "<name>",`, `  "database_id": "<id printed by wrangler d1 create>"`, "}"];
  const body = inArray ? entry : [`"d1_databases": [`, ...entry.map((l) => `  ${l}`), "]"];
  return [
    "create the database (it prints the id):",
    "  npx wrangler d1 create <name>",
    inArray ? `then add this entry to the "d1_databases" array:` : "then add this to wrangler.jsonc:",
    ...body.map((l) => `  ${l}`),
  ].join("\n");
}

/** Every D1 binding the code reads must be declared; its database_id must be real. */
function checkD1(uses: BackendUse[], base: Array<string | number>, where: string, value: (path: Array<string | number>) => JsonNode | undefined, diag: Diag, find: Find, root: JsonNode): void {
  if (uses.length === 0) return;
  const list = value([...base, "d1_databases"]);
  const entries = list?.type === "array" ? (list.children ?? []) : [];
  const declared = entries.map((e) => (e.type === "object" ? find(e, ["binding"])?.value : undefined));
  const names = [...new Set(uses.map((u) => u.binding))];
  for (const name of names) {
    const use = uses.find((u) => u.binding === name)!;
    const from = `${use.file}:${use.line}:${use.column} (${use.via})`;
    if (name === undefined) {
      if (entries.length === 0) {
        diag("error", "d1_binding_missing", list ?? value(base) ?? root, `no D1 binding in ${where}, but ${from} stores the app's tables in D1`, d1Snippet("DB", list !== undefined));
      }
      continue;
    }
    const index = declared.indexOf(name);
    if (list !== undefined && list.type !== "array") {
      diag("error", "d1_binding_missing", list, `${where} must be an array of bindings`, d1Snippet(name, false));
      return;
    }
    if (index === -1) {
      const others = declared.filter((b): b is string => typeof b === "string");
      const found = others.length > 0 ? ` (found ${others.map((b) => `"${b}"`).join(", ")})` : "";
      diag("error", "d1_binding_missing", list ?? value(base) ?? root, `no D1 binding "${name}" in ${where}${found}, but ${from} reads it. lunora-hyperdrive does not write it for you: the database id is a remote resource only wrangler can create.`, d1Snippet(name, list !== undefined));
      continue;
    }
    const entry = entries[index]!;
    const idNode = find(entry, ["database_id"]);
    const id = idNode?.value;
    const help = "create the database with: npx wrangler d1 create <name>, then put the database_id it prints here";
    if (idNode === undefined || typeof id !== "string" || id.trim() === "") {
      diag("warning", "d1_database_id", idNode ?? entry, `D1 binding "${name}" has ${idNode === undefined ? "no" : "an empty"} database_id: it cannot be deployed`, help);
    } else if (isPlaceholderId(id)) {
      const shown = id.length > 40 ? `${id.slice(0, 37)}...` : id;
      diag("warning", "d1_database_id", idNode, `D1 binding "${name}" has a placeholder database_id ${JSON.stringify(shown)}: it cannot be deployed`, help);
    }
  }
}

/** A Durable Object keeping the store in its SQL storage must be created by new_sqlite_classes. */
function checkDurableObjectSqlite(uses: BackendUse[], base: Array<string | number>, value: (path: Array<string | number>) => JsonNode | undefined, diag: Diag, root: JsonNode): void {
  if (uses.length === 0) return;
  // Migrations may be given per environment; otherwise the top-level ones apply.
  const migrations = (base.length > 0 ? value([...base, "migrations"]) : undefined) ?? value(["migrations"]);
  const steps = migrations?.type === "array" ? (migrations.children ?? []) : [];
  const listed = (key: string): Map<string, JsonNode> => {
    const out = new Map<string, JsonNode>();
    for (const step of steps) {
      const arr = step.type === "object" ? step.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1] : undefined;
      for (const c of arr?.type === "array" ? (arr.children ?? []) : []) if (typeof c.value === "string") out.set(c.value, c);
      if (key === "renamed_classes") {
        for (const r of arr?.type === "array" ? (arr.children ?? []) : []) {
          const to = r.type === "object" ? r.children?.find((p) => p.children?.[0]?.value === "to")?.children?.[1] : undefined;
          if (typeof to?.value === "string") out.set(to.value, to);
        }
      }
    }
    return out;
  };
  const sqlite = listed("new_sqlite_classes");
  const kv = listed("new_classes");
  const renamed = listed("renamed_classes");
  const names = [...new Set(uses.map((u) => u.className))];
  for (const name of names) {
    const use = uses.find((u) => u.className === name)!;
    const from = `${use.file}:${use.line}:${use.column} (${use.via})`;
    const snippet = `add a migration: "migrations": [{ "tag": "v${steps.length + 1}", "new_sqlite_classes": [${JSON.stringify(name ?? "<YourDurableObject>")}] }] (a class cannot be switched to SQLite storage after it was deployed with new_classes)`;
    if (name === undefined) {
      if (sqlite.size === 0) {
        diag("warning", "durable_object_sqlite_migration", migrations ?? root, `${from} uses a Durable Object's SQL storage, but no migration has new_sqlite_classes: Durable Object SQL storage needs a SQLite-backed class`, snippet);
      }
      continue;
    }
    if (sqlite.has(name) || renamed.has(name)) continue;
    if (kv.has(name)) {
      diag("warning", "durable_object_sqlite_migration", kv.get(name), `Durable Object "${name}" is created by new_classes (key-value storage), but ${from} uses its SQL storage, which needs new_sqlite_classes`, snippet);
    } else {
      diag("warning", "durable_object_sqlite_migration", migrations ?? root, `Durable Object "${name}" is in no migration's new_sqlite_classes, but ${from} uses its SQL storage: Durable Object SQL storage needs it`, snippet);
    }
  }
}

function checkEntry(
  entry: JsonNode,
  binding: string,
  diag: Diag,
  find: (root: JsonNode, path: Array<string | number>) => JsonNode | undefined,
  appDir: string,
  processEnv: NodeJS.ProcessEnv,
): void {
  const idNode = find(entry, ["id"]);
  const id = idNode?.value;
  const create = `create one with: npx wrangler hyperdrive create <name> --connection-string="postgres://USER:PASSWORD@HOST:5432/DATABASE", then put the id it prints here`;
  if (idNode === undefined || typeof id !== "string" || id.trim() === "") {
    diag("warning", "hyperdrive_binding_id", idNode ?? entry, `binding "${binding}" has ${idNode === undefined ? "no" : "an empty"} id: it cannot connect once deployed`, create);
  } else if (isPlaceholderId(id)) {
    const shown = id.length > 40 ? `${id.slice(0, 37)}...` : id;
    diag("warning", "hyperdrive_binding_id", idNode, `binding "${binding}" has a placeholder id ${JSON.stringify(shown)}: it cannot connect once deployed`, create);
  }

  const localNode = find(entry, ["localConnectionString"]);
  const envName = `${LOCAL_ENV_PREFIX}${binding}`;
  if (localNode === undefined) {
    if (!processEnv[envName] && !dotEnvDefines(appDir, envName)) {
      diag(
        "hint",
        "hyperdrive_local_connection_missing",
        entry,
        `binding "${binding}" has no localConnectionString and ${envName} is not set: wrangler dev will refuse to start`,
        `set ${envName} in your shell or a git-ignored .env file, or add "localConnectionString" pointing at a local database`,
      );
    }
    return;
  }
  const local = localNode.value;
  if (typeof local !== "string") {
    diag("warning", "hyperdrive_local_connection_string", localNode, `binding "${binding}": localConnectionString must be a string`);
    return;
  }
  let url: URL;
  try {
    url = new URL(local);
  } catch {
    diag("warning", "hyperdrive_local_connection_string", localNode, `binding "${binding}": localConnectionString is not a URL (scheme://user:password@host:port/database)`);
    return;
  }
  const masked = maskUrl(url);
  const problems: string[] = [];
  if (!["postgres:", "postgresql:", "mysql:"].includes(url.protocol)) problems.push(`scheme "${url.protocol.replace(/:$/, "")}" is not postgres, postgresql or mysql`);
  if (url.hostname === "") problems.push("no host");
  if (url.username === "") problems.push("no user");
  if (url.pathname.replace(/^\//, "") === "") problems.push("no database name");
  if (problems.length > 0) {
    diag("warning", "hyperdrive_local_connection_string", localNode, `binding "${binding}": localConnectionString ${masked} has ${problems.join(", ")}; miniflare refuses it`);
  }
  if (url.password === "") {
    diag(
      "warning",
      "hyperdrive_local_no_password",
      localNode,
      `binding "${binding}": localConnectionString ${masked} has no password; miniflare (wrangler dev) refuses a Hyperdrive connection string without one`,
      `give the local database user a password and write it as user:password@host (or set ${envName} in a git-ignored .env file)`,
    );
  }
}

interface Credential {
  node: JsonNode;
  /** The JSON path, e.g. `hyperdrive[0].localConnectionString`. */
  key: string;
  host: string;
  password: string;
  /** As written (percent-encoded). */
  rawPassword: string;
  masked: string;
  bindingOf?: string;
}

const URL_WITH_CREDENTIALS = /([a-z][a-z0-9+.-]*):\/\/([^\s:/?#@"']*):([^\s@"']*)@([^\s/?#"']*)/gi;

/** Every `scheme://user:password@host` in a string value of the config. */
function collectCredentials(root: JsonNode): Credential[] {
  const out: Credential[] = [];
  const walk = (node: JsonNode, path: string, bindingOf: string | undefined): void => {
    if (node.type === "string" && typeof node.value === "string") {
      for (const m of node.value.matchAll(URL_WITH_CREDENTIALS)) {
        const [, scheme, user, rawPassword, hostPort] = m;
        let password = rawPassword ?? "";
        try {
          password = decodeURIComponent(password);
        } catch {
          /* keep it raw */
        }
        const host = (hostPort ?? "").replace(/:\d*$/, "").replace(/^\[|\]$/g, "");
        out.push({
          node,
          key: path,
          host,
          password,
          rawPassword: rawPassword ?? "",
          masked: `${scheme}://${user}:***@${hostPort}`,
          ...(bindingOf === undefined ? {} : { bindingOf }),
        });
      }
      return;
    }
    const binding = node.type === "object" ? node.children?.find((p) => p.children?.[0]?.value === "binding")?.children?.[1]?.value : undefined;
    const owner = typeof binding === "string" ? binding : bindingOf;
    if (node.type === "object") {
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) walk(v, path ? `${path}.${String(k.value)}` : String(k.value), owner);
      }
    } else if (node.type === "array") {
      (node.children ?? []).forEach((c, i) => walk(c, `${path}[${i}]`, owner));
    }
  };
  walk(root, "", undefined);
  return out;
}

function maskUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  return copy.href;
}

/** Loopback, *.localhost, Docker's host alias, and single-label names (compose services). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1" || h === "0.0.0.0" || h === "host.docker.internal") return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(h)) return true;
  return h !== "" && !h.includes(".") && !h.includes(":");
}

export function isPlaceholderId(id: string): boolean {
  const t = id.trim();
  const lower = t.toLowerCase();
  if (/[<>]|\$\{|\{\{/.test(t)) return true;
  if (/^your[-_ ]?/.test(lower)) return true;
  if (/^x+$/.test(lower) || /^x+(?:-x+)+$/.test(lower)) return true;
  if (/^[0-]+$/.test(t)) return true;
  if (/^0?123456789/.test(t)) return true;
  if (/placeholder|replace|changeme|change[-_]me|insert[-_ ]|paste[-_ ]|fill[-_ ]?in/.test(lower)) return true;
  return /^(?:id|hyperdrive[-_]?id|todo|tbd|fixme|example|dummy|fake|test[-_]?id|none|null|undefined|\.\.\.+)$/.test(lower);
}

function findConfig(cwd: string, appDir: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ToolingUsageError(`no such config file: ${explicit}`);
    return path;
  }
  for (const name of ["wrangler.jsonc", "wrangler.json"]) {
    const path = join(appDir, name);
    if (existsSync(path)) return path;
  }
  if (existsSync(join(appDir, "wrangler.toml"))) {
    throw new ToolingUsageError("check: only wrangler.jsonc / wrangler.json are supported (found wrangler.toml)");
  }
  return undefined;
}

const IMPORT_SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']@lunora\/hyperdrive(?:\/[^"']*)?["']/g;

/** App files that import @lunora/hyperdrive (node_modules and build output are skipped). */
function findImporters(appDir: string, cwd: string): CheckResult["importers"] {
  const out: CheckResult["importers"] = [];
  for (const path of listSourceFiles(appDir)) {
    const text = readFileSync(path, "utf8");
    const m = IMPORT_SPEC.exec(text);
    IMPORT_SPEC.lastIndex = 0;
    if (m) out.push({ file: displayPath(path, cwd), ...lineColumn(text, m.index + m[0].search(/["']/)) });
  }
  return out;
}

function dotEnvDefines(appDir: string, name: string): boolean {
  const path = join(appDir, ".env");
  if (!existsSync(path)) return false;
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .some((line) => new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=\\s*\\S`).test(line));
}

/** tracked: in git's index; ignored: git-ignored; untracked: neither; none: no git here. */
function gitState(file: string): "tracked" | "ignored" | "untracked" | "none" {
  const opts = { cwd: dirname(file), stdio: "ignore" as const };
  try {
    if (spawnSync("git", ["ls-files", "--error-unmatch", "--", basename(file)], opts).status === 0) return "tracked";
    const ignored = spawnSync("git", ["check-ignore", "-q", "--", basename(file)], opts).status;
    return ignored === 0 ? "ignored" : ignored === 1 ? "untracked" : "none";
  } catch {
    return "none";
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function finish(result: CheckResult, secrets: Set<string>): CheckResult {
  const order: Record<Severity, number> = { error: 0, warning: 1, hint: 2 };
  result.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column || order[a.severity] - order[b.severity]);
  result.errors = result.diagnostics.filter((d) => d.severity === "error").length;
  result.warnings = result.diagnostics.filter((d) => d.severity === "warning").length;
  // Only passwords that could not be mistaken for ordinary words are masked verbatim; URL-form
  // credentials are always masked.
  (result as { secrets: readonly string[] }).secrets = [...secrets].filter((s) => s.length >= 6 && !isPlaceholderPassword(s));
  return result;
}

export function formatCheckText(result: CheckResult, style: Style): string {
  const lines: string[] = [];
  for (const d of result.diagnostics) {
    lines.push(`${style.bold(location(d.file, d.line, d.column))} ${style.severity(d.severity, d.severity)} ${d.rule}: ${d.message}`);
    if (d.help) for (const l of d.help.split("\n")) lines.push(`  ${style.dim("help:")} ${l}`);
  }
  const scope = `${result.config ?? "wrangler.jsonc"}${result.env ? ` (env ${result.env})` : ""}`;
  const what = subjects(result);
  const sqliteOnly = result.hyperdrive ? "" : " (SQLite only: no Hyperdrive binding needed)";
  if (result.diagnostics.length === 0) {
    lines.push(`${scope}: ${what.join(", ")} look${what.length === 1 ? "s" : ""} right${sqliteOnly}`);
  } else {
    const hints = result.diagnostics.length - result.errors - result.warnings;
    const parts = [plural(result.errors, "error"), plural(result.warnings, "warning"), ...(hints > 0 ? [plural(hints, "hint")] : [])];
    lines.push("", `${scope}: ${what.join(", ")}: ${parts.join(", ")}${sqliteOnly}`);
  }
  return maskSecrets(`${lines.join("\n")}\n`, result.secrets);
}

export function formatCheckJson(result: CheckResult): string {
  return maskSecrets(`${JSON.stringify(result, null, 2)}\n`, result.secrets);
}

/** 0: no errors (warnings allowed), 1: errors. */
export function checkExitCode(result: CheckResult): number {
  return result.errors > 0 ? 1 : 0;
}
