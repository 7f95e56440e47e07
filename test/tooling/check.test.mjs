// The wrangler.jsonc binding check: a matrix of configs, exit codes, and no password in any output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { copyFixture, fixtures, run, toolingUrl } from "./support.mjs";

const CREATE = 'npx wrangler hyperdrive create <name> --connection-string="postgres://USER:PASSWORD@HOST:5432/DATABASE"';
const ENTRY = [
  "{",
  '  "binding": "HYPERDRIVE",',
  '  "id": "<id printed by wrangler hyperdrive create>",',
  '  "localConnectionString": "postgres://USER:PASSWORD@localhost:5432/DATABASE"',
  "}",
];
const help = (lines) => lines.map((l) => `  help: ${l}`);
const SNIPPET_TOP_LEVEL = help([
  "create the Hyperdrive config (it prints the id):",
  `  ${CREATE}`,
  "then add this to wrangler.jsonc:",
  '  "hyperdrive": [',
  ...ENTRY.map((l) => `    ${l}`),
  "  ]",
]);
const SNIPPET_IN_ARRAY = help([
  "create the Hyperdrive config (it prints the id):",
  `  ${CREATE}`,
  'then add this entry to the "hyperdrive" array:',
  ...ENTRY.map((l) => `  ${l}`),
]);
const NOT_WRITTEN = "lunora-hyperdrive does not write it for you: the id is a remote resource only wrangler can create.";
const ID_HELP = `  help: create one with: ${CREATE}, then put the id it prints here`;

const check = (name, args = []) => run(["check", ...args], join(fixtures, "check", name));
const lines = (...l) => `${l.join("\n")}\n`;

test("check: a correct binding (JSONC with comments and trailing commas) passes", () => {
  const res = check("ok");
  assert.equal(res.stdout, 'wrangler.jsonc: binding "HYPERDRIVE" looks right\n');
  assert.equal(res.code, 0);
  const json = JSON.parse(check("ok", ["--format", "json"]).stdout);
  assert.deepEqual(json, {
    config: "wrangler.jsonc", binding: "HYPERDRIVE", env: null, diagnostics: [], errors: 0, warnings: 0, importers: [], backends: [], hyperdrive: true,
  });
});

test("check: a missing binding is an error with the snippet, the create command and the importing file", () => {
  const res = check("missing-binding");
  assert.equal(
    res.stdout,
    lines(
      `wrangler.jsonc:4:17 error hyperdrive_binding_missing: no Hyperdrive binding "HYPERDRIVE" in "hyperdrive" (found "DB"). lunora/orders.ts imports @lunora/hyperdrive. ${NOT_WRITTEN}`,
      ...SNIPPET_IN_ARRAY,
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 1 error, 0 warnings',
    ),
  );
  assert.equal(res.code, 1);
  // The same config is fine for the binding it does declare.
  assert.equal(check("missing-binding", ["--binding", "DB"]).code, 0);
});

test("check: the app imports @lunora/hyperdrive but wrangler.jsonc has no hyperdrive at all: the hint", () => {
  const res = check("no-hyperdrive");
  assert.equal(
    res.stdout,
    lines(
      `wrangler.jsonc:1:1 error hyperdrive_binding_missing: no Hyperdrive binding "HYPERDRIVE" in "hyperdrive". src/worker.ts imports @lunora/hyperdrive. ${NOT_WRITTEN}`,
      ...SNIPPET_TOP_LEVEL,
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 1 error, 0 warnings',
    ),
  );
  assert.equal(res.code, 1);
  const json = JSON.parse(check("no-hyperdrive", ["--format", "json"]).stdout);
  assert.deepEqual(json.importers, [{ file: "src/worker.ts", line: 2, column: 50 }]);
  assert.equal(json.diagnostics[0].rule, "hyperdrive_binding_missing");
});

test("check: no config file at all is an error with the snippet", () => {
  const res = check("no-config");
  assert.equal(
    res.stdout,
    lines(
      'wrangler.jsonc:1:1 error hyperdrive_config_missing: no wrangler.jsonc (or wrangler.json) in ., so there is no binding "HYPERDRIVE".',
      ...SNIPPET_TOP_LEVEL,
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 1 error, 0 warnings',
    ),
  );
  assert.equal(res.code, 1);
});

test("check: a placeholder id and an empty id are warnings (exit 0)", () => {
  const placeholder = check("placeholder-id");
  assert.equal(
    placeholder.stdout,
    lines(
      'wrangler.jsonc:6:13 warning hyperdrive_binding_id: binding "HYPERDRIVE" has a placeholder id "<your-hyperdrive-id>": it cannot connect once deployed',
      ID_HELP,
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 0 errors, 1 warning',
    ),
  );
  assert.equal(placeholder.code, 0);
  const empty = check("empty-id");
  assert.equal(
    empty.stdout,
    lines(
      'wrangler.jsonc:4:38 warning hyperdrive_binding_id: binding "HYPERDRIVE" has an empty id: it cannot connect once deployed',
      ID_HELP,
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 0 errors, 1 warning',
    ),
  );
  assert.equal(empty.code, 0);
});

test("check: placeholder ids are recognised, real-looking ones are not", async () => {
  const { isPlaceholderId } = await import(toolingUrl);
  for (const id of ["<id>", "<your-id>", "your-id", "YOUR_HYPERDRIVE_ID", "xxx", "xxxx-xxxx", "00000000", "00000000-0000-0000-0000-000000000000",
    "0123456789abcdef0123456789abcdef", "placeholder", "REPLACE_ME", "${HYPERDRIVE_ID}", "id", "todo", "..."]) {
    assert.equal(isPlaceholderId(id), true, id);
  }
  for (const id of ["6a3f9c1e2b7d4e8f9a0b1c2d3e4f5a6b", "lunora-demo-local-only", "a0b1c2d3"]) {
    assert.equal(isPlaceholderId(id), false, id);
  }
});

test("check: a localConnectionString without a password is a warning (miniflare refuses it)", () => {
  const res = check("no-password");
  assert.equal(
    res.stdout,
    lines(
      'wrangler.jsonc:8:32 warning hyperdrive_local_no_password: binding "HYPERDRIVE": localConnectionString postgres://app@localhost:5432/app has no password; miniflare (wrangler dev) refuses a Hyperdrive connection string without one',
      "  help: give the local database user a password and write it as user:password@host (or set CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE in a git-ignored .env file)",
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 0 errors, 1 warning',
    ),
  );
  assert.equal(res.code, 0);
});

test("check: a missing nodejs_compat flag is a warning", () => {
  const res = check("no-nodejs-compat");
  assert.equal(
    res.stdout,
    lines(
      `wrangler.jsonc:2:26 warning hyperdrive_nodejs_compat: compatibility_flags has no "nodejs_compat": the Postgres/MySQL drivers need Node's net, tls and crypto APIs in workerd`,
      '  help: add "nodejs_compat" to compatibility_flags',
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 0 errors, 1 warning',
    ),
  );
  assert.equal(res.code, 0);
});

test("check --env: environments do not inherit hyperdrive bindings; an unknown env is a usage error", () => {
  const res = check("envs", ["--env", "staging", "--format", "json"]);
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.env, "staging");
  assert.deepEqual(
    out.diagnostics.map((d) => [d.severity, d.rule, d.line, d.column]),
    [["error", "hyperdrive_binding_missing", 8, 16]],
  );
  assert.equal(check("envs").code, 0);
  const unknown = check("envs", ["--env", "prod"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'lunora-hyperdrive check: wrangler.jsonc has no environment "prod" (env.prod)\n');
});

test("check: invalid JSONC is a parse error (exit 2) with its position", () => {
  const res = check("invalid");
  assert.equal(res.code, 2);
  assert.equal(res.stdout, "");
  assert.equal(res.stderr, "lunora-hyperdrive check: wrangler.jsonc:3:3: not valid JSONC (CommaExpected)\n");
  const json = check("invalid", ["--format", "json"]);
  assert.equal(json.code, 2);
  assert.deepEqual(JSON.parse(json.stdout), { error: "wrangler.jsonc:3:3: not valid JSONC (CommaExpected)" });
});

// Credentials are written by the test (never committed): a password that is not a placeholder,
// for a remote host, in the binding and in vars; percent-encoded in one place.
const PASSWORD = "hunter2-Zq8vW3xK";
const ENCODED_PASSWORD = "p@ss-Zq8vW3xK";
const CREDENTIALS_CONFIG = `{
  // real-looking credentials: check must warn and never echo them
  "compatibility_flags": ["nodejs_compat"],
  "vars": { "DATABASE_URL": "postgres://admin:${PASSWORD}@db.prod.example.com:5432/orders" },
  "hyperdrive": [
    {
      "binding": "HYPERDRIVE",
      "id": "6a3f9c1e2b7d4e8f9a0b1c2d3e4f5a6b",
      "localConnectionString": "postgres://admin:${encodeURIComponent(ENCODED_PASSWORD)}@db.prod.example.com:5432/orders",
    },
  ],
}
`;

function assertNoPassword(text) {
  for (const secret of [PASSWORD, ENCODED_PASSWORD, encodeURIComponent(ENCODED_PASSWORD), "Zq8vW3xK"]) {
    assert.equal(text.includes(secret), false, `output contains the password (${secret}):\n${text}`);
  }
}

test("check: credentials in a committed wrangler.jsonc are a warning, masked, with the env-variable advice", (t) => {
  const dir = copyFixture(t, "check/no-config");
  writeFileSync(join(dir, "wrangler.jsonc"), CREDENTIALS_CONFIG);
  const res = run(["check"], dir);
  assertNoPassword(res.stdout + res.stderr);
  assert.equal(
    res.stdout,
    lines(
      "wrangler.jsonc:4:29 warning hyperdrive_committed_credentials: vars.DATABASE_URL embeds credentials for db.prod.example.com (postgres://admin:***@db.prod.example.com:5432) and wrangler.jsonc is a file you commit: anyone with the repository has the password",
      "  help: remove them from wrangler.jsonc: keep secrets in a git-ignored .dev.vars file for wrangler dev and set them with wrangler secret put when deployed. Then rotate the password",
      "wrangler.jsonc:9:32 warning hyperdrive_committed_credentials: hyperdrive[0].localConnectionString embeds credentials for db.prod.example.com (postgres://admin:***@db.prod.example.com:5432) and wrangler.jsonc is a file you commit: anyone with the repository has the password",
      "  help: remove them from wrangler.jsonc: for wrangler dev set CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE in your shell or a git-ignored .env file (wrangler reads it); production credentials belong only in the Hyperdrive config (wrangler hyperdrive create / update). Then rotate the password",
      "",
      'wrangler.jsonc: binding "HYPERDRIVE": 0 errors, 2 warnings',
    ),
  );
  assert.equal(res.code, 0);
  const json = run(["check", "--format", "json"], dir);
  assertNoPassword(json.stdout + json.stderr);
  assert.deepEqual(
    JSON.parse(json.stdout).diagnostics.map((d) => [d.rule, d.line, d.column]),
    [["hyperdrive_committed_credentials", 4, 29], ["hyperdrive_committed_credentials", 9, 32]],
  );
});

test("check: credentials warning follows git (untracked: about to be committed; git-ignored: no warning)", (t) => {
  const dir = copyFixture(t, "check/no-config");
  writeFileSync(join(dir, "wrangler.jsonc"), CREDENTIALS_CONFIG);
  const git = spawnSync("git", ["init", "-q", "."], { cwd: dir });
  if (git.status !== 0) return t.skip("git is not available");
  const untracked = run(["check"], dir);
  assertNoPassword(untracked.stdout);
  assert.match(untracked.stdout, /and wrangler\.jsonc is not git-ignored, so it is about to be committed: /);
  writeFileSync(join(dir, ".gitignore"), "wrangler.jsonc\n");
  const ignored = run(["check"], dir);
  assert.equal(ignored.stdout, 'wrangler.jsonc: binding "HYPERDRIVE" looks right\n');
});

test("check: no password ever appears in any output, whatever the case", (t) => {
  const dir = copyFixture(t, "check/no-config");
  const secret = "s3cr3t-Pa55-XyZ";
  const cases = [
    // binding missing while another binding holds credentials
    `{ "hyperdrive": [{ "binding": "OTHER", "id": "", "localConnectionString": "mysql://root:${secret}@10.0.0.7:3306/app" }] }`,
    // broken URL with a password, no nodejs_compat
    `{ "hyperdrive": [{ "binding": "HYPERDRIVE", "id": "x", "localConnectionString": "redis://u:${secret}@h" }] }`,
    // local URL (no warning about credentials) but other warnings
    `{ "hyperdrive": [{ "binding": "HYPERDRIVE", "id": "<id>", "localConnectionString": "postgres://u:${secret}@localhost/db" }] }`,
    // invalid JSONC around a password
    `{ "hyperdrive": [{ "binding": "HYPERDRIVE" "localConnectionString": "postgres://u:${secret}@db.example.com/db" }] }`,
  ];
  for (const config of cases) {
    writeFileSync(join(dir, "wrangler.jsonc"), config);
    for (const format of ["text", "json"]) {
      const res = run(["check", "--format", format], dir);
      assert.ok(res.stdout.length + res.stderr.length > 0);
      assert.equal((res.stdout + res.stderr).includes(secret), false, `${format}: ${res.stdout}${res.stderr}`);
    }
  }
});

test("check(): the exported function; its result never serialises a password", async (t) => {
  const { check: checkFn, checkExitCode } = await import(toolingUrl);
  const dir = copyFixture(t, "check/no-config");
  writeFileSync(join(dir, "wrangler.jsonc"), CREDENTIALS_CONFIG);
  const result = await checkFn({ cwd: dir });
  assert.equal(checkExitCode(result), 0);
  assert.equal(result.warnings, 2);
  assertNoPassword(JSON.stringify(result));
  assert.deepEqual(Object.keys(result), ["config", "binding", "env", "diagnostics", "errors", "warnings", "importers", "backends", "hyperdrive"]);
  const missing = await checkFn({ cwd: dir, binding: "NOPE" });
  assert.equal(checkExitCode(missing), 1);
  assert.deepEqual(
    missing.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.line}:${d.column}`),
    ["warning hyperdrive_committed_credentials 4:29", "error hyperdrive_binding_missing 5:17", "warning hyperdrive_committed_credentials 9:32"],
  );
  assertNoPassword(JSON.stringify(missing));
});

// Backends: the app's code (parsed with the TypeScript compiler API) says whether it needs a
// Hyperdrive binding at all, and which D1 bindings / SQLite Durable Objects it needs instead.
const D1_HELP = (binding, inArray) => help([
  "create the database (it prints the id):",
  "  npx wrangler d1 create <name>",
  ...(inArray
    ? ['then add this entry to the "d1_databases" array:', "  {", `    "binding": "${binding}",`, '    "database_name": "<name>",', '    "database_id": "<id printed by wrangler d1 create>"', "  }"]
    : ["then add this to wrangler.jsonc:", '  "d1_databases": [', "    {", `      "binding": "${binding}",`, '      "database_name": "<name>",', '      "database_id": "<id printed by wrangler d1 create>"', "    }", "  ]"]),
]);

test("check: a D1-only app needs no Hyperdrive binding (no hint, no nodejs_compat warning)", () => {
  const res = check("d1-ok");
  assert.equal(res.stdout, 'wrangler.jsonc: D1 binding "DB" looks right (SQLite only: no Hyperdrive binding needed)\n');
  assert.equal(res.code, 0);
  const json = JSON.parse(check("d1-ok", ["--format", "json"]).stdout);
  assert.equal(json.hyperdrive, false);
  assert.deepEqual(json.diagnostics, []);
  assert.deepEqual(json.backends, [{ backend: "d1", via: "createSqliteGlobalCtxDb", binding: "DB", file: "src/worker.ts", line: 7, column: 16 }]);
});

test("check: a D1 binding the code reads but wrangler.jsonc lacks is an error; an empty database_id a warning", () => {
  const res = check("d1-bindings");
  assert.equal(
    res.stdout,
    lines(
      'wrangler.jsonc:3:19 error d1_binding_missing: no D1 binding "ARCHIVE" in "d1_databases" (found "DB", "CACHE"), but src/worker.ts:8:73 (buildD1Exec) reads it. ' +
        "lunora-hyperdrive does not write it for you: the database id is a remote resource only wrangler can create.",
      ...D1_HELP("ARCHIVE", true),
      'wrangler.jsonc:4:66 warning d1_database_id: D1 binding "DB" has an empty database_id: it cannot be deployed',
      "  help: create the database with: npx wrangler d1 create <name>, then put the database_id it prints here",
      "",
      'wrangler.jsonc: D1 binding "DB", D1 binding "ARCHIVE": 1 error, 1 warning (SQLite only: no Hyperdrive binding needed)',
    ),
  );
  assert.equal(res.code, 1);
  const json = JSON.parse(check("d1-bindings", ["--format", "json"]).stdout);
  assert.equal(json.hyperdrive, false);
  assert.deepEqual(
    json.diagnostics.map((d) => [d.severity, d.rule, d.line, d.column]),
    [["error", "d1_binding_missing", 3, 19], ["warning", "d1_database_id", 4, 66]],
  );
  // createHyperdriveGlobalCtxDb({ engine: "sqlite" }) is not Hyperdrive; the namespace import is followed.
  assert.deepEqual(
    json.backends.map((b) => [b.backend, b.via, b.binding, `${b.line}:${b.column}`]),
    [["d1", "createSqliteGlobalCtxDb", "DB", "7:9"], ["d1", "buildD1Exec", "ARCHIVE", "8:73"]],
  );
});

test("check: a placeholder database_id is a warning; no config at all names the D1 binding and its snippet", (t) => {
  const dir = copyFixture(t, "check/d1-ok");
  writeFileSync(join(dir, "wrangler.jsonc"), '{ "d1_databases": [{ "binding": "DB", "database_name": "orders", "database_id": "<your-database-id>" }] }\n');
  const res = run(["check"], dir);
  assert.equal(
    res.stdout,
    lines(
      'wrangler.jsonc:1:81 warning d1_database_id: D1 binding "DB" has a placeholder database_id "<your-database-id>": it cannot be deployed',
      "  help: create the database with: npx wrangler d1 create <name>, then put the database_id it prints here",
      "",
      'wrangler.jsonc: D1 binding "DB": 0 errors, 1 warning (SQLite only: no Hyperdrive binding needed)',
    ),
  );
  assert.equal(res.code, 0);
  rmSync(join(dir, "wrangler.jsonc"));
  const none = run(["check"], dir);
  assert.equal(
    none.stdout,
    lines(
      'wrangler.jsonc:1:1 error hyperdrive_config_missing: no wrangler.jsonc (or wrangler.json) in ., so there is no D1 binding "DB". src/schema.ts, src/worker.ts import @lunora/hyperdrive.',
      ...D1_HELP("DB", false),
      "",
      'wrangler.jsonc: D1 binding "DB": 1 error, 0 warnings (SQLite only: no Hyperdrive binding needed)',
    ),
  );
  assert.equal(none.code, 1);
});

test("check: a store host with engine sqlite whose class is in new_sqlite_classes passes", () => {
  const res = check("do-sqlite-ok");
  assert.equal(res.stdout, 'wrangler.jsonc: Durable Object "StoreHost" (SQLite) looks right (SQLite only: no Hyperdrive binding needed)\n');
  assert.equal(res.code, 0);
  const json = JSON.parse(check("do-sqlite-ok", ["--format", "json"]).stdout);
  assert.deepEqual(json.backends, [
    { backend: "durable-object-sqlite", via: 'defineStoreHost({ engine: "sqlite" })', className: "StoreHost", file: "src/worker.ts", line: 5, column: 26 },
  ]);
});

test("check: a Durable Object using SQL storage without new_sqlite_classes is a warning (new_classes, or no migration)", () => {
  const res = check("do-sqlite-missing");
  assert.equal(
    res.stdout,
    lines(
      `wrangler.jsonc:10:17 warning durable_object_sqlite_migration: Durable Object "Orders" is in no migration's new_sqlite_classes, but lunora/orders.ts:6:8 (createSqliteGlobalCtxDb) uses its SQL storage: Durable Object SQL storage needs it`,
      '  help: add a migration: "migrations": [{ "tag": "v2", "new_sqlite_classes": ["Orders"] }] (a class cannot be switched to SQLite storage after it was deployed with new_classes)',
      'wrangler.jsonc:10:49 warning durable_object_sqlite_migration: Durable Object "StoreHost" is created by new_classes (key-value storage), but lunora/host.ts:4:32 (defineStoreHost({ engine: "sqlite" })) uses its SQL storage, which needs new_sqlite_classes',
      '  help: add a migration: "migrations": [{ "tag": "v2", "new_sqlite_classes": ["StoreHost"] }] (a class cannot be switched to SQLite storage after it was deployed with new_classes)',
      "",
      'wrangler.jsonc: Durable Object "StoreHost" (SQLite), Durable Object "Orders" (SQLite): 0 errors, 2 warnings (SQLite only: no Hyperdrive binding needed)',
    ),
  );
  assert.equal(res.code, 0);
  const json = JSON.parse(check("do-sqlite-missing", ["--format", "json"]).stdout);
  assert.equal(json.hyperdrive, false);
  assert.deepEqual(
    json.diagnostics.map((d) => [d.severity, d.rule, d.line, d.column]),
    [["warning", "durable_object_sqlite_migration", 10, 17], ["warning", "durable_object_sqlite_migration", 10, 49]],
  );
  assert.deepEqual(json.backends.map((b) => [b.via, b.className]), [['defineStoreHost({ engine: "sqlite" })', "StoreHost"], ["createSqliteGlobalCtxDb", "Orders"]]);
});

test("check: an app using Hyperdrive and D1 gets both checked", (t) => {
  const res = check("mixed");
  assert.equal(res.stdout, 'wrangler.jsonc: binding "HYPERDRIVE", D1 binding "SESSIONS" look right\n');
  assert.equal(res.code, 0);
  const json = JSON.parse(check("mixed", ["--format", "json"]).stdout);
  assert.equal(json.hyperdrive, true);
  assert.deepEqual(json.backends.map((b) => [b.backend, b.via]), [["hyperdrive", "createPostgresGlobalCtxDb"], ["hyperdrive", "env.HYPERDRIVE"], ["d1", "createSqliteGlobalCtxDb"]]);
  // Without the Hyperdrive binding: the error and its create command, as for a Hyperdrive-only app.
  const dir = copyFixture(t, "check/mixed");
  writeFileSync(join(dir, "wrangler.jsonc"), '{ "compatibility_flags": ["nodejs_compat"], "d1_databases": [{ "binding": "SESSIONS", "database_name": "s", "database_id": "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9" }] }\n');
  const missing = JSON.parse(run(["check", "--format", "json"], dir).stdout);
  assert.deepEqual(missing.diagnostics.map((d) => [d.severity, d.rule]), [["error", "hyperdrive_binding_missing"]]);
  assert.match(missing.diagnostics[0].help, /npx wrangler hyperdrive create/);
});

test("check: a store host whose engine is chosen at run time and may be sqlite needs both the binding and new_sqlite_classes", (t) => {
  const dir = copyFixture(t, "check/ok");
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "src", "worker.ts"),
    [
      'import { defineStoreHost, postgresJsDriver } from "@lunora/hyperdrive/host";',
      "declare const schema: never, postgres: never;",
      "export const StoreHost = defineStoreHost({",
      "  schema,",
      '  engine: (env: { BACKEND?: string }) => (env.BACKEND === "do-sqlite" ? "sqlite" : "postgres"),',
      "  driver: postgresJsDriver(postgres),",
      "});",
      "",
    ].join("\n"),
  );
  const json = JSON.parse(run(["check", "--format", "json"], dir).stdout);
  assert.equal(json.hyperdrive, true);
  assert.deepEqual(
    json.backends.map((b) => [b.backend, b.via, b.className ?? null]),
    [
      ["hyperdrive", "postgresJsDriver", null],
      ["hyperdrive", "defineStoreHost", null],
      ["durable-object-sqlite", 'defineStoreHost({ engine: ... "sqlite" ... })', "StoreHost"],
    ],
  );
  assert.deepEqual(json.diagnostics.map((d) => [d.severity, d.rule]), [["warning", "durable_object_sqlite_migration"]]);
});
