// The advisor lint hyperdrive_outside_action, through the bin (golden text and JSON, exit
// codes) and through the exported function.
import assert from "node:assert/strict";
import { join } from "node:path";
import test from "node:test";
import { copyFixture, fixtures, run, toolingUrl } from "./support.mjs";

const HELP =
  "help: SQL over Hyperdrive is non-deterministic and non-reactive, so only actions may use ctx.sql: " +
  "move this access into an action (action/internalAction; a mutation can schedule one). To keep the data " +
  "reactive, use the projection pattern: read over ctx.sql in the action, write the rows into a Lunora table " +
  "with ctx.runMutation, and let queries read (and clients subscribe to) that table.";

const LINT_APP_TEXT = [
  'lunora/builder.ts:9:10 error hyperdrive_outside_action: query "builderDirect" reaches ctx.sql; only actions may use it',
  "  path: builderDirect -> ctx.sql",
  'lunora/builder.ts:12:80 error hyperdrive_outside_action: mutation "builderDestructured" reaches ctx.sql (via `{ sql }`); only actions may use it',
  "  path: builderDestructured -> ctx.sql",
  'lunora/builder.ts:18:10 error hyperdrive_outside_action: query "builderOpts" reaches ctx.sql (via `c?.sql`); only actions may use it',
  "  path: builderOpts -> ctx.sql",
  'lunora/lib/rows.ts:2:3 error hyperdrive_outside_action: query "orderTotals" reaches ctx.sql; only actions may use it',
  "  path: orderTotals -> loadTotals (lunora/lib/totals.ts:3) -> fetchRows (lunora/lib/rows.ts:1) -> ctx.sql",
  'lunora/lib/tree.ts:11:22 error hyperdrive_outside_action: query "builderRecursion" reaches ctx.sql (via `{ sql }`); only actions may use it',
  "  path: builderRecursion -> walkTree (lunora/lib/tree.ts:2) -> visitLeaf (lunora/lib/tree.ts:11) -> ctx.sql",
  'lunora/orders.ts:10:12 error hyperdrive_outside_action: query "listOrders" reaches ctx.sql; only actions may use it',
  "  path: listOrders -> ctx.sql",
  'lunora/orders.ts:17:13 error hyperdrive_outside_action: query "countOrders" reaches ctx.sql (via `{ sql }`); only actions may use it',
  "  path: countOrders -> ctx.sql",
  'lunora/orders.ts:26:11 error hyperdrive_outside_action: mutation "renameOrder" reaches ctx.sql (via `c.sql`); only actions may use it',
  "  path: renameOrder -> ctx.sql",
  'lunora/orders.ts:33:21 error hyperdrive_outside_action: internalQuery "peekOrder" reaches ctx.sql (via `ctx?.sql`); only actions may use it',
  "  path: peekOrder -> ctx.sql",
  'lunora/orders.ts:34:21 error hyperdrive_outside_action: internalQuery "peekOrder" reaches ctx.sql (via `ctx["sql"]`); only actions may use it',
  "  path: peekOrder -> ctx.sql",
  "",
  "10 problems (hyperdrive_outside_action) in 4 files",
  HELP,
  "",
].join("\n");

// [file, line, column, endLine, endColumn, kind, function, access, path]
const LINT_APP_FINDINGS = [
  ["lunora/builder.ts", 9, 10, 9, 17, "query", "builderDirect", "ctx.sql", "builderDirect -> ctx.sql"],
  ["lunora/builder.ts", 12, 80, 12, 83, "mutation", "builderDestructured", "{ sql }", "builderDestructured -> ctx.sql"],
  ["lunora/builder.ts", 18, 10, 18, 16, "query", "builderOpts", "c?.sql", "builderOpts -> ctx.sql"],
  ["lunora/lib/rows.ts", 2, 3, 2, 10, "query", "orderTotals", "ctx.sql",
    "orderTotals -> loadTotals (lunora/lib/totals.ts:3) -> fetchRows (lunora/lib/rows.ts:1) -> ctx.sql"],
  ["lunora/lib/tree.ts", 11, 22, 11, 25, "query", "builderRecursion", "{ sql }",
    "builderRecursion -> walkTree (lunora/lib/tree.ts:2) -> visitLeaf (lunora/lib/tree.ts:11) -> ctx.sql"],
  ["lunora/orders.ts", 10, 12, 10, 19, "query", "listOrders", "ctx.sql", "listOrders -> ctx.sql"],
  ["lunora/orders.ts", 17, 13, 17, 16, "query", "countOrders", "{ sql }", "countOrders -> ctx.sql"],
  ["lunora/orders.ts", 26, 11, 26, 16, "mutation", "renameOrder", "c.sql", "renameOrder -> ctx.sql"],
  ["lunora/orders.ts", 33, 21, 33, 29, "internalQuery", "peekOrder", "ctx?.sql", "peekOrder -> ctx.sql"],
  ["lunora/orders.ts", 34, 21, 34, 31, "internalQuery", "peekOrder", 'ctx["sql"]', "peekOrder -> ctx.sql"],
];

const compact = (f) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.kind, f.function, f.access, f.path];

test("lint: golden text output and exit status 1 on the fixture app (default folder ./lunora)", () => {
  const { code, stdout, stderr } = run(["lint"], join(fixtures, "lint-app"));
  assert.equal(stderr, "");
  assert.equal(stdout, LINT_APP_TEXT);
  assert.equal(code, 1);
});

test("lint --format json: every finding with exact positions, kinds, names and call paths", () => {
  const { code, stdout } = run(["lint", "lunora", "--format", "json"], join(fixtures, "lint-app"));
  assert.equal(code, 1);
  const out = JSON.parse(stdout);
  assert.equal(out.ruleId, "hyperdrive_outside_action");
  assert.deepEqual(out.findings.map(compact), LINT_APP_FINDINGS);
  assert.equal(out.checked, 11); // 6 in orders.ts + 5 in builder.ts; actions are not counted
  assert.deepEqual(out.files, ["lunora/builder.ts", "lunora/lib/rows.ts", "lunora/lib/totals.ts", "lunora/lib/tree.ts", "lunora/orders.ts"]);
  assert.deepEqual(out.syntaxErrors, []);
  // One finding in full: the helper chain across two files, with where each hop is called.
  assert.deepEqual(
    out.findings.find((f) => f.function === "orderTotals"),
    {
      ruleId: "hyperdrive_outside_action",
      severity: "error",
      file: "lunora/lib/rows.ts",
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 10,
      function: "orderTotals",
      kind: "query",
      definedAt: { file: "lunora/orders.ts", line: 39, column: 14 },
      access: "ctx.sql",
      hops: [
        { name: "loadTotals", file: "lunora/lib/totals.ts", line: 3, column: 23, calledAt: { file: "lunora/orders.ts", line: 41, column: 38 } },
        { name: "fetchRows", file: "lunora/lib/rows.ts", line: 1, column: 14, calledAt: { file: "lunora/lib/totals.ts", line: 4, column: 22 } },
      ],
      path: "orderTotals -> loadTotals (lunora/lib/totals.ts:3) -> fetchRows (lunora/lib/rows.ts:1) -> ctx.sql",
      message: `query "orderTotals" reaches ctx.sql. ${HELP.slice("help: ".length)}`,
    },
  );
});

test("lint: actions and clean queries are never flagged", () => {
  const { stdout } = run(["lint", "--format", "json"], join(fixtures, "lint-app"));
  const names = new Set(JSON.parse(stdout).findings.map((f) => f.function));
  for (const clean of ["importOrders", "importLegacyOrders", "cleanQuery", "builderClean"]) {
    assert.equal(names.has(clean), false, `${clean} must not be flagged`);
  }
});

test("lint: a single file still follows its imports into other files", () => {
  const { code, stdout } = run(["lint", "lunora/orders.ts", "--format", "json"], join(fixtures, "lint-app"));
  assert.equal(code, 1);
  const out = JSON.parse(stdout);
  assert.deepEqual(
    out.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.function}`),
    [
      "lunora/lib/rows.ts:2:3 orderTotals",
      "lunora/orders.ts:10:12 listOrders",
      "lunora/orders.ts:17:13 countOrders",
      "lunora/orders.ts:26:11 renameOrder",
      "lunora/orders.ts:33:21 peekOrder",
      "lunora/orders.ts:34:21 peekOrder",
    ],
  );
  assert.deepEqual(out.files, ["lunora/lib/rows.ts", "lunora/lib/totals.ts", "lunora/orders.ts"]);
});

test("lint: less common shapes (reassignment, rest, spread, wrapped ctx, default/namespace/aliased imports, shadowing)", () => {
  const { code, stdout } = run(["lint", "--format", "json"], join(fixtures, "edge-app"));
  assert.equal(code, 1);
  assert.deepEqual(JSON.parse(stdout).findings.map(compact), [
    ["lunora/edge.ts", 10, 12, 10, 17, "query", "reassigned", "c.sql", "reassigned -> ctx.sql"],
    ["lunora/edge.ts", 18, 11, 18, 19, "mutation", "restAndSpread", "rest.sql", "restAndSpread -> ctx.sql"],
    ["lunora/edge.ts", 19, 11, 19, 19, "mutation", "restAndSpread", "copy.sql", "restAndSpread -> ctx.sql"],
    ["lunora/edge.ts", 35, 6, 35, 20, "query", "byReference", "{ sql: ctx.found }", "byReference -> ctx.sql"],
    ["lunora/edge.ts", 41, 27, 41, 34, "query", "default", "ctx.sql", "default -> ctx.sql"],
    ["lunora/edge.ts", 55, 52, 55, 59, "query", "directHandler", "ctx.sql", "directHandler -> ctx.sql"],
    ["lunora/lib/object.ts", 1, 65, 1, 77, "query", "wrapped", 'ctx?.["sql"]', "wrapped -> viaObject (lunora/lib/object.ts:1) -> ctx.sql"],
    ["lunora/lib/read.ts", 2, 29, 2, 34, "query", "defaultImport", "x.sql",
      "defaultImport -> readAll (lunora/lib/read.ts:1) -> inner (lunora/lib/read.ts:2) -> ctx.sql"],
  ]);
});

test("lint: a clean app exits 0 and says what it checked", () => {
  const { code, stdout } = run(["lint"], join(fixtures, "clean-app"));
  assert.equal(stdout, "No ctx.sql outside actions: 1 query or mutation in 1 file checked.\n");
  assert.equal(code, 0);
  const json = run(["lint", "--format", "json"], join(fixtures, "clean-app"));
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout).findings, []);
});

test("lint: a parse error exits 2 with its position, and nothing is linted", () => {
  const { code, stdout } = run(["lint"], join(fixtures, "broken-app"));
  assert.equal(stdout, "lunora/broken.ts:5:36 error syntax: ')' expected.\n\n1 syntax error: nothing was linted.\n");
  assert.equal(code, 2);
  const json = run(["lint", "--format", "json"], join(fixtures, "broken-app"));
  assert.equal(json.code, 2);
  assert.deepEqual(JSON.parse(json.stdout).syntaxErrors, [{ file: "lunora/broken.ts", line: 5, column: 36, message: "')' expected." }]);
});

test("lint: usage errors exit 2", () => {
  const cwd = join(fixtures, "lint-app");
  const missing = run(["lint", "no/such/dir"], cwd);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "lunora-hyperdrive lint: no such file or folder: no/such/dir\n");
  const format = run(["lint", "--format", "xml"], cwd);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /^lunora-hyperdrive: --format must be text or json, not "xml"\n/);
  const flag = run(["lint", "--nope"], cwd);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /Unknown option '--nope'/);
  const command = run(["frobnicate"], cwd);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /^lunora-hyperdrive: unknown command "frobnicate"\n/);
  assert.equal(run([], cwd).code, 2);
  const help = run(["--help"], cwd);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: lunora-hyperdrive <command> \[options\]/);
});

test("lint: colour only when asked (FORCE_COLOR), never on a pipe", () => {
  const plain = run(["lint"], join(fixtures, "clean-app"));
  assert.equal(plain.stdout.includes("\u001b["), false);
  const coloured = run(["lint"], join(fixtures, "lint-app"), { FORCE_COLOR: "1", NO_COLOR: undefined });
  assert.ok(coloured.stdout.includes("\u001b[1mlunora/builder.ts:9:10\u001b[0m \u001b[31merror\u001b[0m"));
});

test("lint(): the exported function returns the same findings, with paths relative to cwd", async (t) => {
  const { lint, lintExitCode } = await import(toolingUrl);
  const dir = copyFixture(t, "lint-app");
  const result = await lint(["lunora"], { cwd: dir });
  assert.deepEqual(result.findings.map(compact), LINT_APP_FINDINGS);
  assert.equal(lintExitCode(result), 1);
  const rootRelative = await lint([join(dir, "lunora", "lib", "tree.ts")], { cwd: join(dir, "lunora") });
  assert.deepEqual(rootRelative.findings, []); // helpers alone define no query
  assert.equal(lintExitCode(rootRelative), 0);
});
