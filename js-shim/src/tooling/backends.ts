// Which backends does the app use? `check` asks so that an app storing its `.global()` tables
// in D1 or in a Durable Object's SQLite storage is not told to create a Hyperdrive binding, and
// is told instead what D1 / Durable Object SQL need in wrangler.jsonc.
//
// Each source file is parsed with the TypeScript compiler API (syntax only, no type checking):
// imports from "@lunora/hyperdrive" (named, aliased, namespace) are resolved to the package's
// export names, then calls of those exports are read:
//   Hyperdrive: createHyperdrive, fromPostgresJs, fromNodePg, fromMysql2,
//     createPostgresGlobalCtxDb, createMysqlGlobalCtxDb, buildPgExec, buildMysqlExec,
//     postgresJsDriver, mysql2Driver (imported is enough), `createHyperdriveGlobalCtxDb` /
//     `defineStoreHost` with an engine other than the literal "sqlite", and `<x>.HYPERDRIVE`
//     (the checked binding's name) read anywhere;
//   D1: buildD1Exec(env.DB), createSqliteGlobalCtxDb(env.DB) (the binding is the last property);
//   Durable Object SQLite: buildDurableObjectSqlExec(...), createSqliteGlobalCtxDb(x.storage)
//     (the class is the enclosing class), defineStoreHost({ engine: "sqlite" }) (the class is
//     the variable or class it is assigned to / extended by); an engine chosen at run time
//     whose expression mentions "sqlite" counts as both Hyperdrive and Durable Object SQLite.
// TypeScript is an optional peer dependency: without it the answer is null (unknown) and
// `check` keeps to the Hyperdrive binding, as before.
import { readFileSync } from "node:fs";
import type TS from "typescript";
import { displayPath, listSourceFiles } from "./files.js";
import { loadTypeScript } from "./typescript.js";

export type Backend = "hyperdrive" | "d1" | "durable-object-sqlite";

export interface BackendUse {
  backend: Backend;
  /** What shows it: the export called or imported, or the binding read (`env.HYPERDRIVE`). */
  via: string;
  /** D1: the binding read (`env.DB` -> "DB"), when the argument names one. */
  binding?: string;
  /** Durable Object SQLite: the class whose storage holds the store, when it can be named. */
  className?: string;
  file: string;
  line: number;
  column: number;
}

const PACKAGE = /^@lunora\/hyperdrive(?:\/[^/]+)?$/;
const HYPERDRIVE_EXPORTS: ReadonlySet<string> = new Set([
  "createHyperdrive",
  "fromPostgresJs",
  "fromNodePg",
  "fromMysql2",
  "createPostgresGlobalCtxDb",
  "createMysqlGlobalCtxDb",
  "buildPgExec",
  "buildMysqlExec",
  "postgresJsDriver",
  "mysql2Driver",
]);

/** The backends the app's source files use, sorted by position; null when TypeScript is not installed. */
export async function detectBackends(appDir: string, cwd: string, hyperdriveBinding: string): Promise<BackendUse[] | null> {
  let ts: typeof TS;
  try {
    ts = await loadTypeScript();
  } catch {
    return null;
  }
  const out: BackendUse[] = [];
  for (const path of listSourceFiles(appDir)) {
    const text = readFileSync(path, "utf8");
    if (!text.includes("@lunora/hyperdrive") && !text.includes(hyperdriveBinding)) continue;
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(ts, path));
    scanFile(ts, sf, displayPath(path, cwd), hyperdriveBinding, out);
  }
  return out;
}

function scriptKind(ts: typeof TS, path: string): TS.ScriptKind {
  if (/\.tsx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(path)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function scanFile(ts: typeof TS, sf: TS.SourceFile, file: string, hyperdriveBinding: string, out: BackendUse[]): void {
  const named = new Map<string, string>(); // local name -> export name
  const namespaces = new Set<string>();
  const at = (node: TS.Node): { file: string; line: number; column: number } => {
    const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file, line: pos.line + 1, column: pos.character + 1 };
  };
  const add = (use: Omit<BackendUse, "file" | "line" | "column">, node: TS.Node): void => {
    out.push({ ...use, ...at(node) });
  };

  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || !PACKAGE.test(stmt.moduleSpecifier.text)) continue;
    const clause = stmt.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const spec of bindings.elements) {
        if (spec.isTypeOnly) continue;
        const exported = (spec.propertyName ?? spec.name).text;
        named.set(spec.name.text, exported);
        if (HYPERDRIVE_EXPORTS.has(exported)) add({ backend: "hyperdrive", via: exported }, spec);
      }
    }
  }

  /** The package export a callee names (`createSqliteGlobalCtxDb`, `global.buildD1Exec`), if any. */
  const exportOf = (callee: TS.Expression): string | undefined => {
    if (ts.isIdentifier(callee)) return named.get(callee.text);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text)) {
      return callee.name.text;
    }
    return undefined;
  };

  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = exportOf(node.expression);
      if (name !== undefined) callUse(name, node, !ts.isIdentifier(node.expression));
    } else if (ts.isPropertyAccessExpression(node) && node.name.text === hyperdriveBinding && !isCallee(node)) {
      add({ backend: "hyperdrive", via: `${node.getText(sf).replace(/\s+/g, "")}` }, node);
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) && node.argumentExpression.text === hyperdriveBinding) {
      add({ backend: "hyperdrive", via: `${node.getText(sf).replace(/\s+/g, "")}` }, node);
    }
    ts.forEachChild(node, visit);
  };

  const isCallee = (node: TS.Node): boolean => ts.isCallExpression(node.parent) && node.parent.expression === node;

  const callUse = (name: string, call: TS.CallExpression, viaNamespace: boolean): void => {
    const arg = call.arguments[0];
    if (HYPERDRIVE_EXPORTS.has(name)) {
      // A named import was recorded where it is imported.
      if (viaNamespace) add({ backend: "hyperdrive", via: name }, call);
      return;
    }
    switch (name) {
      case "buildD1Exec": {
        const binding = arg ? lastProperty(arg) : undefined;
        add({ backend: "d1", via: name, ...(binding ? { binding } : {}) }, call);
        return;
      }
      case "buildDurableObjectSqlExec":
        add({ backend: "durable-object-sqlite", via: name, ...classOf(call) }, call);
        return;
      case "createSqliteGlobalCtxDb": {
        const prop = arg ? lastProperty(arg) : undefined;
        if (prop === "storage") add({ backend: "durable-object-sqlite", via: name, ...classOf(call) }, call);
        else if (prop !== undefined) add({ backend: "d1", via: name, binding: prop }, call);
        // Anything else (a SqlExec built elsewhere): the builder's own call says which.
        return;
      }
      case "createHyperdriveGlobalCtxDb":
      case "defineStoreHost": {
        const engine = arg && ts.isObjectLiteralExpression(arg) ? property(arg, "engine") : undefined;
        const literal = engine && (ts.isStringLiteral(engine) || ts.isNoSubstitutionTemplateLiteral(engine)) ? engine.text : undefined;
        if (literal === "sqlite") {
          if (name === "defineStoreHost") add({ backend: "durable-object-sqlite", via: `${name}({ engine: "sqlite" })`, ...hostClass(call) }, call);
        } else {
          add({ backend: "hyperdrive", via: literal ? `${name}({ engine: "${literal}" })` : name }, call);
          // An engine chosen at run time (`(env) => env.X === "y" ? "sqlite" : "postgres"`) that
          // may be "sqlite": the host's class needs SQL storage too.
          if (name === "defineStoreHost" && literal === undefined && engine !== undefined && mentionsSqlite(engine)) {
            add({ backend: "durable-object-sqlite", via: `${name}({ engine: ... "sqlite" ... })`, ...hostClass(call) }, call);
          }
        }
        return;
      }
    }
  };

  const mentionsSqlite = (node: TS.Node): boolean =>
    ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.text === "sqlite") || (ts.forEachChild(node, (c) => mentionsSqlite(c) || undefined) ?? false);

  const property = (obj: TS.ObjectLiteralExpression, key: string): TS.Expression | undefined => {
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key) return p.initializer;
    }
    return undefined;
  };

  /** `env.DB`, `this.env.DB`, `env["DB"]`, `ctx.storage` -> the last property name. */
  const lastProperty = (expr: TS.Expression): string | undefined => {
    let e = expr;
    while (ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    if (ts.isPropertyAccessExpression(e)) return e.name.text;
    if (ts.isElementAccessExpression(e) && ts.isStringLiteral(e.argumentExpression)) return e.argumentExpression.text;
    return undefined;
  };

  /** The class a call sits in (a Durable Object using its own storage). */
  const classOf = (node: TS.Node): { className?: string } => {
    for (let n: TS.Node | undefined = node.parent; n; n = n.parent) {
      if ((ts.isClassDeclaration(n) || ts.isClassExpression(n)) && n.name) return { className: n.name.text };
      if (ts.isClassExpression(n) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name)) return { className: n.parent.name.text };
    }
    return {};
  };

  /** `export const StoreHost = defineStoreHost(...)` / `class StoreHost extends defineStoreHost(...)`. */
  const hostClass = (call: TS.CallExpression): { className?: string } => {
    let n: TS.Node = call;
    while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent)) n = n.parent;
    const parent = n.parent;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return { className: parent.name.text };
    if (ts.isExpressionWithTypeArguments(parent)) {
      const cls = parent.parent?.parent;
      if (cls && (ts.isClassDeclaration(cls) || ts.isClassExpression(cls)) && cls.name) return { className: cls.name.text };
    }
    return {};
  };

  visit(sf);
}
