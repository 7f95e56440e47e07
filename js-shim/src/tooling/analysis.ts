// Where does a Lunora function reach `ctx.sql`? Shared by the lint (queries and mutations must
// not) and the codegen (does any action?).
//
// The app's files are loaded into one TypeScript program (relative imports followed, packages
// not), so the checker resolves every identifier to its declaration: shadowing, aliased
// imports, namespace imports and re-exports come for free. Inside each handler a small
// abstract interpretation tracks which bindings hold `ctx` (or an object carrying it, as the
// builder form's `{ ctx, args }`), and follows calls that hand such a value to a helper,
// whatever file it lives in. A helper is analysed once per root and argument shape, so
// recursion terminates.
import { resolve } from "node:path";
import type TS from "typescript";
import { displayPath } from "./files.js";
import { loadTypeScript } from "./typescript.js";

export type FunctionKind = "query" | "mutation" | "internalQuery" | "internalMutation" | "action" | "internalAction";

const KINDS: ReadonlySet<string> = new Set<FunctionKind>([
  "query",
  "mutation",
  "internalQuery",
  "internalMutation",
  "action",
  "internalAction",
]);
const BUILDER_METHODS: ReadonlySet<string> = new Set(["query", "mutation", "action"]);

export function isActionKind(kind: FunctionKind): boolean {
  return kind === "action" || kind === "internalAction";
}

/** A source position, 1-based, with the path as the output shows it. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** One helper call on the way from a definition to `ctx.sql`. */
export interface Hop extends Position {
  /** The helper's name; its position is where it is declared. */
  name: string;
  /** Where the caller calls it. */
  calledAt: Position;
}

export interface SqlReach extends Position {
  endLine: number;
  endColumn: number;
  /** The source text that reaches `ctx.sql`, on one line (`ctx.sql`, `c.sql`, `{ sql }`...). */
  access: string;
  /** "access" for `x.sql` / `x?.sql` / `x["sql"]`, "destructure" for `{ sql }` patterns. */
  how: "access" | "destructure";
  hops: Hop[];
}

export interface Definition extends Position {
  /** The exported (or declared) name: `export const listOrders = query(...)` -> listOrders. */
  name: string;
  kind: FunctionKind;
  form: "object" | "builder";
  reaches: SqlReach[];
}

export interface SyntaxProblem extends Position {
  message: string;
}

export interface AnalysisResult {
  /** Every file read, the followed imports included (display paths, sorted). */
  files: string[];
  definitions: Definition[];
  syntaxErrors: SyntaxProblem[];
}

type Shape = { readonly k: "ctx" } | { readonly k: "sql" } | { readonly k: "obj"; readonly props: ReadonlyMap<string, Shape> };

const CTX: Shape = { k: "ctx" };
const SQL: Shape = { k: "sql" };

function shapeKey(shape: Shape | undefined): string {
  if (shape === undefined) return "_";
  if (shape.k !== "obj") return shape.k;
  const props = [...shape.props.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${props.map(([name, s]) => `${JSON.stringify(name)}:${shapeKey(s)}`).join(",")}}`;
}

/** Does a value of this shape carry `ctx` somewhere (so a helper receiving it may reach sql)? */
function carriesCtx(shape: Shape | undefined): boolean {
  if (shape === undefined || shape.k === "sql") return false;
  if (shape.k === "ctx") return true;
  return [...shape.props.values()].some(carriesCtx);
}

function merge(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined) return b;
  if (b === undefined || a.k !== "obj" || b.k !== "obj") return a;
  const props = new Map(a.props);
  for (const [name, s] of b.props) props.set(name, merge(props.get(name), s) ?? s);
  return { k: "obj", props };
}

export interface AnalyzeOptions {
  /** Paths in the output are relative to this folder. */
  cwd: string;
}

export async function analyzeFiles(rootFiles: readonly string[], options: AnalyzeOptions): Promise<AnalysisResult> {
  const ts = await loadTypeScript();
  return new Analyzer(ts, rootFiles, options).run();
}

type FunctionLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;
type Env = Map<TS.Symbol, Shape>;

interface RootState {
  seenFunctions: Set<string>;
  seenSites: Set<string>;
  reaches: SqlReach[];
}

class Analyzer {
  private readonly program: TS.Program;
  private readonly checker: TS.TypeChecker;
  private readonly ids = new Map<TS.Node, number>();

  constructor(
    private readonly ts: typeof TS,
    private readonly rootFiles: readonly string[],
    private readonly options: AnalyzeOptions,
  ) {
    this.program = this.createProgram();
    this.checker = this.program.getTypeChecker();
  }

  run(): AnalysisResult {
    const ts = this.ts;
    const sources = this.program
      .getSourceFiles()
      .filter((sf) => !sf.isDeclarationFile)
      .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
    const syntaxErrors: SyntaxProblem[] = [];
    for (const sf of sources) {
      for (const d of this.program.getSyntacticDiagnostics(sf)) {
        const pos = this.position(sf, d.start ?? 0);
        syntaxErrors.push({ ...pos, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") });
      }
    }
    const roots = new Set(this.rootFiles.map((f) => resolve(f)));
    const definitions: Definition[] = [];
    if (syntaxErrors.length === 0) {
      for (const sf of sources) {
        if (!roots.has(resolve(sf.fileName))) continue;
        const visit = (node: TS.Node): void => {
          if (ts.isCallExpression(node)) {
            const def = this.definitionAt(node, sf);
            if (def) definitions.push(def);
          }
          ts.forEachChild(node, visit);
        };
        visit(sf);
      }
    }
    return {
      files: sources.map((sf) => this.display(sf.fileName)),
      definitions,
      syntaxErrors,
    };
  }

  // ---- program -------------------------------------------------------------------------

  private createProgram(): TS.Program {
    const ts = this.ts;
    const options: TS.CompilerOptions = {
      allowJs: true,
      checkJs: false,
      noLib: true,
      types: [],
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      resolveJsonModule: false,
      jsx: ts.JsxEmit.Preserve,
    };
    const host = ts.createCompilerHost(options, true);
    // Only the app's own relative imports are followed; packages (and the generated server
    // module behind a path alias) have no helpers of the app's to look into.
    host.resolveModuleNameLiterals = (literals, containingFile, _redirect, opts) =>
      literals.map((literal) => {
        const spec = literal.text;
        if (!spec.startsWith("./") && !spec.startsWith("../") && spec !== "." && spec !== "..") {
          return { resolvedModule: undefined };
        }
        const resolved = ts.resolveModuleName(spec, containingFile, opts, host).resolvedModule;
        return { resolvedModule: resolved && !resolved.isExternalLibraryImport ? resolved : undefined };
      });
    return ts.createProgram({ rootNames: this.rootFiles.map((f) => resolve(f)), options, host });
  }

  // ---- definitions ---------------------------------------------------------------------

  /** `query({...})`, `query(handler)`, `server.query({...})`, or the builder form
   * `query.input({...}).query(handler)` (also `.mutation`/`.action`). */
  private definitionAt(call: TS.CallExpression, sf: TS.SourceFile): Definition | undefined {
    const ts = this.ts;
    const callee = skipWrappers(ts, call.expression);
    let kind: FunctionKind | undefined;
    let form: "object" | "builder" = "object";
    if (ts.isIdentifier(callee)) {
      kind = this.kindOf(callee);
    } else if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const target = skipWrappers(ts, callee.expression);
      if (ts.isIdentifier(target) && KINDS.has(method) && this.isNamespaceImport(target)) {
        kind = method as FunctionKind; // import * as server from "./_generated/server"
      } else if (BUILDER_METHODS.has(method) && !ts.isIdentifier(target)) {
        const root = chainRoot(ts, target);
        if (root) {
          kind = this.kindOf(root);
          form = "builder";
        }
      }
    }
    if (kind === undefined) return undefined;
    const arg = call.arguments[0];
    if (arg === undefined) return undefined;
    let handler: FunctionLike | undefined;
    if (form === "builder") {
      handler = this.functionOf(arg);
    } else if (ts.isObjectLiteralExpression(arg)) {
      for (const prop of arg.properties) {
        if (prop.name === undefined || propertyNameText(ts, prop.name) !== "handler") continue;
        if (ts.isMethodDeclaration(prop)) handler = prop;
        else if (ts.isPropertyAssignment(prop)) handler = this.functionOf(prop.initializer);
        else if (ts.isShorthandPropertyAssignment(prop)) {
          handler = this.functionOfSymbol(this.checker.getShorthandAssignmentValueSymbol(prop), 0);
        }
      }
    } else {
      handler = this.functionOf(arg);
    }
    const name = definitionName(ts, call);
    const at = this.position(sf, (name.node ?? call).getStart(sf));
    const reaches: SqlReach[] = [];
    if (handler) {
      const ctxParam = form === "builder" ? objShape({ ctx: CTX }) : CTX;
      const state: RootState = { seenFunctions: new Set(), seenSites: new Set(), reaches };
      this.visitFunction(handler, [ctxParam], [], new Map(), state);
      reaches.sort(comparePositions);
    }
    return { ...at, name: name.text, kind, form, reaches };
  }

  /** The definition kind an identifier names: by its imported name when it is an import
   * (`import { query as q }`), by its own name otherwise. Locals that merely share the name
   * (a parameter, a variable inside a function) are not definitions. */
  private kindOf(id: TS.Identifier): FunctionKind | undefined {
    const ts = this.ts;
    const symbol = this.checker.getSymbolAtLocation(id);
    const decl = symbol?.declarations?.[0];
    let name = id.text;
    if (decl && ts.isImportSpecifier(decl)) name = (decl.propertyName ?? decl.name).text;
    else if (decl && (ts.isParameter(decl) || ts.isBindingElement(decl))) return undefined;
    else if (decl && ts.isVariableDeclaration(decl) && !isTopLevel(ts, decl)) return undefined;
    return KINDS.has(name) ? (name as FunctionKind) : undefined;
  }

  private isNamespaceImport(id: TS.Identifier): boolean {
    const decl = this.checker.getSymbolAtLocation(id)?.declarations?.[0];
    return decl !== undefined && this.ts.isNamespaceImport(decl);
  }

  // ---- functions -----------------------------------------------------------------------

  /** The function an expression denotes: a function literal, or a name bound to one. */
  private functionOf(expr: TS.Expression, depth = 0): FunctionLike | undefined {
    const ts = this.ts;
    const e = skipWrappers(ts, expr);
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return e;
    let nameNode: TS.Node | undefined;
    if (ts.isIdentifier(e)) nameNode = e;
    else if (ts.isPropertyAccessExpression(e)) nameNode = e.name;
    else if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) nameNode = e.argumentExpression;
    if (nameNode === undefined) return undefined;
    return this.functionOfSymbol(this.checker.getSymbolAtLocation(nameNode), depth);
  }

  private functionOfSymbol(symbol: TS.Symbol | undefined, depth: number): FunctionLike | undefined {
    const ts = this.ts;
    if (symbol === undefined || depth > 8) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    for (const decl of symbol.declarations ?? []) {
      if ((ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) && decl.body) return decl;
      let init: TS.Expression | undefined;
      if (ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl)) init = decl.initializer;
      else if (ts.isExportAssignment(decl)) init = decl.expression;
      else if (ts.isShorthandPropertyAssignment(decl)) {
        const found = this.functionOfSymbol(this.checker.getShorthandAssignmentValueSymbol(decl), depth + 1);
        if (found) return found;
      }
      if (init) {
        const found = this.functionOf(init, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  private visitFunction(fn: FunctionLike, args: readonly (Shape | undefined)[], hops: Hop[], outer: Env, state: RootState): void {
    const key = `${this.idOf(fn)}(${args.map(shapeKey).join(",")})`;
    if (state.seenFunctions.has(key)) return; // analysed already for this root (or recursing)
    state.seenFunctions.add(key);
    const ts = this.ts;
    const sf = fn.getSourceFile();
    const env: Env = new Map(outer);
    const report = (node: TS.Node, how: SqlReach["how"]): void => this.report(node, how, hops, state);
    fn.parameters.forEach((param, i) => {
      const shape = param.dotDotDotToken ? undefined : args[i];
      if (shape) this.bindName(param.name, shape, env, report);
    });
    const body = fn.body;
    if (body === undefined) return;
    // Bindings first, to a fixed point (an alias may be assigned after a closure that uses it).
    for (let pass = 0; pass < 8 && this.collectBindings(body, env); pass++);
    const walk = (node: TS.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === "sql") {
        if (this.shapeOf(node.expression, env)?.k === "ctx") report(node, "access");
      } else if (ts.isElementAccessExpression(node) && literalText(ts, node.argumentExpression) === "sql") {
        if (this.shapeOf(node.expression, env)?.k === "ctx") report(node, "access");
      } else if (ts.isVariableDeclaration(node) && node.initializer && !ts.isIdentifier(node.name)) {
        const shape = this.shapeOf(node.initializer, env);
        if (shape) this.bindName(node.name, shape, new Map(), report);
      } else if (isDestructuringAssignment(ts, node)) {
        const shape = this.shapeOf(node.right, env);
        if (shape) this.bindAssignmentPattern(node.left, shape, new Map(), report);
      } else if (ts.isCallExpression(node)) {
        this.followCall(node, env, hops, state, sf);
      }
      ts.forEachChild(node, walk);
    };
    walk(body);
  }

  private followCall(call: TS.CallExpression, env: Env, hops: Hop[], state: RootState, sf: TS.SourceFile): void {
    const args = call.arguments.map((a) => (this.ts.isSpreadElement(a) ? undefined : this.shapeOf(a, env)));
    if (!args.some(carriesCtx)) return;
    const callee = this.functionOf(call.expression);
    if (callee === undefined) return;
    const calleeSf = callee.getSourceFile();
    const nameNode = functionNameNode(this.ts, callee);
    const hop: Hop = {
      name: nameNode ? nameNode.getText(calleeSf) : "<anonymous>",
      ...this.position(calleeSf, (nameNode ?? callee).getStart(calleeSf)),
      calledAt: this.position(sf, call.getStart(sf)),
    };
    this.visitFunction(callee, args, [...hops, hop], env, state);
  }

  private report(node: TS.Node, how: SqlReach["how"], hops: Hop[], state: RootState): void {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    const key = `${sf.fileName}:${start}`;
    if (state.seenSites.has(key)) return;
    state.seenSites.add(key);
    const end = this.position(sf, node.getEnd());
    let access = node.getText(sf).replace(/\s+/g, " ");
    if (how === "destructure") access = `{ ${access} }`;
    if (access.length > 60) access = `${access.slice(0, 57)}...`;
    state.reaches.push({
      ...this.position(sf, start),
      endLine: end.line,
      endColumn: end.column,
      access,
      how,
      hops,
    });
  }

  // ---- the abstract values -------------------------------------------------------------

  /** Records what each binding in `body` holds; true when anything changed. */
  private collectBindings(body: TS.Node, env: Env): boolean {
    const ts = this.ts;
    let changed = false;
    const set = (symbol: TS.Symbol | undefined, shape: Shape | undefined): void => {
      if (symbol === undefined || shape === undefined) return;
      const before = env.get(symbol);
      const after = merge(before, shape);
      if (after !== undefined && shapeKey(after) !== shapeKey(before)) {
        env.set(symbol, after);
        changed = true;
      }
    };
    const bindInto = new Map<TS.Symbol, Shape>();
    const walk = (node: TS.Node): void => {
      if (ts.isVariableDeclaration(node) && node.initializer) {
        const shape = this.shapeOf(node.initializer, env);
        if (shape) this.bindName(node.name, shape, bindInto);
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const shape = this.shapeOf(node.right, env);
        if (shape && ts.isIdentifier(node.left)) set(this.checker.getSymbolAtLocation(node.left), shape);
        else if (shape) this.bindAssignmentPattern(node.left, shape, bindInto);
      }
      ts.forEachChild(node, walk);
    };
    walk(body);
    for (const [symbol, shape] of bindInto) set(symbol, shape);
    return changed;
  }

  /** Binds a declaration name or pattern to a value of `shape`; `report` hears each `sql`
   * taken out of `ctx` by a pattern. */
  private bindName(name: TS.BindingName, shape: Shape, env: Env, report?: (node: TS.Node, how: SqlReach["how"]) => void): void {
    const ts = this.ts;
    if (ts.isIdentifier(name)) {
      const symbol = this.checker.getSymbolAtLocation(name);
      if (symbol) env.set(symbol, merge(env.get(symbol), shape) ?? shape);
      return;
    }
    if (!ts.isObjectBindingPattern(name)) return; // array patterns carry no ctx
    const taken: string[] = [];
    for (const element of name.elements) {
      if (element.dotDotDotToken) continue;
      const key = element.propertyName
        ? propertyNameText(ts, element.propertyName)
        : ts.isIdentifier(element.name)
          ? element.name.text
          : undefined;
      if (key === undefined) continue;
      taken.push(key);
      const sub = this.member(shape, key);
      if (sub === SQL && report) report(element, "destructure");
      if (sub) this.bindName(element.name, sub, env, report);
    }
    const rest = name.elements.find((e) => e.dotDotDotToken);
    if (rest) {
      const restShape = this.rest(shape, taken);
      if (restShape) this.bindName(rest.name, restShape, env, report);
    }
  }

  /** `({ sql } = ctx)` and `({ ctx: { sql } } = opts)` in assignment position. */
  private bindAssignmentPattern(target: TS.Expression, shape: Shape, env: Env, report?: (node: TS.Node, how: SqlReach["how"]) => void): void {
    const ts = this.ts;
    target = skipWrappers(ts, target);
    if (ts.isIdentifier(target)) {
      const symbol = this.checker.getSymbolAtLocation(target);
      if (symbol) env.set(symbol, merge(env.get(symbol), shape) ?? shape);
      return;
    }
    if (!ts.isObjectLiteralExpression(target)) return;
    const taken: string[] = [];
    for (const prop of target.properties) {
      if (ts.isSpreadAssignment(prop)) {
        const restShape = this.rest(shape, taken);
        if (restShape) this.bindAssignmentPattern(prop.expression, restShape, env, report);
        continue;
      }
      if (prop.name === undefined) continue;
      const key = propertyNameText(ts, prop.name);
      if (key === undefined) continue;
      taken.push(key);
      const sub = this.member(shape, key);
      if (sub === undefined) continue;
      if (sub === SQL && report) report(prop, "destructure");
      if (ts.isShorthandPropertyAssignment(prop)) {
        const symbol = this.checker.getShorthandAssignmentValueSymbol(prop);
        if (symbol) env.set(symbol, merge(env.get(symbol), sub) ?? sub);
      } else if (ts.isPropertyAssignment(prop)) {
        this.bindAssignmentPattern(prop.initializer, sub, env, report);
      }
    }
  }

  private member(shape: Shape, key: string): Shape | undefined {
    if (shape.k === "ctx") return key === "sql" ? SQL : undefined;
    if (shape.k === "obj") return shape.props.get(key);
    return undefined;
  }

  /** What `...rest` holds after the named keys were taken out. */
  private rest(shape: Shape, taken: readonly string[]): Shape | undefined {
    if (shape.k === "ctx") return taken.includes("sql") ? undefined : CTX;
    if (shape.k !== "obj") return undefined;
    const props = new Map([...shape.props].filter(([k]) => !taken.includes(k)));
    return props.size > 0 ? { k: "obj", props } : undefined;
  }

  /** The abstract value of an expression: `ctx`, `ctx.sql`, an object carrying them, or
   * nothing of interest (undefined). */
  private shapeOf(expr: TS.Expression, env: Env): Shape | undefined {
    const ts = this.ts;
    const e = skipWrappers(ts, expr);
    if (ts.isIdentifier(e)) {
      const symbol = this.checker.getSymbolAtLocation(e);
      return symbol ? env.get(symbol) : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = this.shapeOf(e.expression, env);
      return base ? this.member(base, e.name.text) : undefined;
    }
    if (ts.isElementAccessExpression(e)) {
      const key = literalText(ts, e.argumentExpression);
      const base = key === undefined ? undefined : this.shapeOf(e.expression, env);
      return base && key !== undefined ? this.member(base, key) : undefined;
    }
    if (ts.isAwaitExpression(e)) return this.shapeOf(e.expression, env);
    if (ts.isConditionalExpression(e)) return merge(this.shapeOf(e.whenTrue, env), this.shapeOf(e.whenFalse, env));
    if (ts.isBinaryExpression(e)) {
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.EqualsToken:
        case ts.SyntaxKind.CommaToken:
          return this.shapeOf(e.right, env);
        case ts.SyntaxKind.QuestionQuestionToken:
        case ts.SyntaxKind.BarBarToken:
        case ts.SyntaxKind.AmpersandAmpersandToken:
          return merge(this.shapeOf(e.left, env), this.shapeOf(e.right, env));
        default:
          return undefined;
      }
    }
    if (ts.isObjectLiteralExpression(e)) {
      let result: Shape | undefined;
      const props = new Map<string, Shape>();
      for (const prop of e.properties) {
        if (ts.isSpreadAssignment(prop)) {
          const spread = this.shapeOf(prop.expression, env);
          if (spread?.k === "ctx") result = CTX; // { ...ctx } still has sql
          else if (spread?.k === "obj") for (const [k, s] of spread.props) props.set(k, s);
          continue;
        }
        const key = prop.name ? propertyNameText(ts, prop.name) : undefined;
        if (key === undefined) continue;
        let value: Shape | undefined;
        if (ts.isPropertyAssignment(prop)) value = this.shapeOf(prop.initializer, env);
        else if (ts.isShorthandPropertyAssignment(prop)) {
          const symbol = this.checker.getShorthandAssignmentValueSymbol(prop);
          value = symbol ? env.get(symbol) : undefined;
        }
        if (value) props.set(key, value);
        else props.delete(key);
      }
      if (result) return result;
      return props.size > 0 ? { k: "obj", props } : undefined;
    }
    return undefined;
  }

  // ---- positions -----------------------------------------------------------------------

  private idOf(node: TS.Node): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(node, id);
    }
    return id;
  }

  private display(fileName: string): string {
    return displayPath(resolve(fileName), this.options.cwd);
  }

  private position(sf: TS.SourceFile, pos: number): Position {
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return { file: this.display(sf.fileName), line: line + 1, column: character + 1 };
  }
}

function objShape(props: Record<string, Shape>): Shape {
  return { k: "obj", props: new Map(Object.entries(props)) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

function skipWrappers(ts: typeof TS, expr: TS.Expression): TS.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(expr) ||
      ts.isAsExpression(expr) ||
      ts.isSatisfiesExpression(expr) ||
      ts.isNonNullExpression(expr) ||
      ts.isTypeAssertionExpression(expr)
    ) {
      expr = expr.expression;
    } else {
      return expr;
    }
  }
}

/** The identifier a builder chain starts from: `query` in `query.input({...}).returns(x)`. */
function chainRoot(ts: typeof TS, expr: TS.Expression): TS.Identifier | undefined {
  let e = skipWrappers(ts, expr);
  let sawCall = false;
  for (;;) {
    if (ts.isCallExpression(e)) {
      sawCall = true;
      e = skipWrappers(ts, e.expression);
    } else if (ts.isPropertyAccessExpression(e)) {
      e = skipWrappers(ts, e.expression);
    } else {
      return sawCall && ts.isIdentifier(e) ? e : undefined;
    }
  }
}

function literalText(ts: typeof TS, expr: TS.Expression): string | undefined {
  return ts.isStringLiteralLike(expr) ? expr.text : undefined;
}

function propertyNameText(ts: typeof TS, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return literalText(ts, name.expression);
  return undefined;
}

function isTopLevel(ts: typeof TS, decl: TS.VariableDeclaration): boolean {
  const statement = decl.parent?.parent;
  return statement !== undefined && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

function isDestructuringAssignment(ts: typeof TS, node: TS.Node): node is TS.BinaryExpression {
  return (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isObjectLiteralExpression(skipWrappers(ts, node.left))
  );
}

/** The name a definition is exported (or declared) under. */
function definitionName(ts: typeof TS, call: TS.CallExpression): { text: string; node?: TS.Node } {
  let node: TS.Node = call;
  while (
    node.parent &&
    (ts.isParenthesizedExpression(node.parent) ||
      ts.isAsExpression(node.parent) ||
      ts.isSatisfiesExpression(node.parent) ||
      ts.isNonNullExpression(node.parent))
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return { text: parent.name.text, node: parent.name };
  if (parent && ts.isPropertyAssignment(parent)) return { text: parent.name.getText(), node: parent.name };
  if (parent && ts.isExportAssignment(parent)) return { text: "default", node: parent };
  return { text: "<anonymous>" };
}

function functionNameNode(ts: typeof TS, fn: FunctionLike): TS.Node | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name;
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name;
  if (parent && ts.isPropertyAssignment(parent)) return parent.name;
  return undefined;
}
