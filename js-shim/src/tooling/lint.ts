// The advisor lint `hyperdrive_outside_action`: `ctx.sql` reached from a query or mutation.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeFiles, comparePositions, isActionKind } from "./analysis.js";
import type { FunctionKind, Hop, Position, SyntaxProblem } from "./analysis.js";
import { listSourceFiles } from "./files.js";
import { location, plural } from "./output.js";
import type { Style } from "./output.js";
import { ToolingUsageError } from "./typescript.js";

export const RULE_ID = "hyperdrive_outside_action";

export interface LintFinding extends Position {
  ruleId: typeof RULE_ID;
  severity: "error";
  endLine: number;
  endColumn: number;
  /** The query or mutation's exported name. */
  function: string;
  kind: FunctionKind;
  /** Where that query or mutation is defined. */
  definedAt: Position;
  /** The source text that reaches ctx.sql, e.g. `ctx?.sql` or `{ sql }`. */
  access: string;
  /** The helpers called on the way, outermost first. */
  hops: Hop[];
  /** `listOrders -> loadTotals (lib/totals.ts:3) -> ctx.sql` */
  path: string;
  message: string;
}

export interface LintResult {
  findings: LintFinding[];
  /** Files read, followed imports included. */
  files: string[];
  /** Queries and mutations examined. */
  checked: number;
  syntaxErrors: SyntaxProblem[];
}

export interface LintOptions {
  /** Output paths are relative to it; default process.cwd(). */
  cwd?: string;
}

const ADVICE =
  "SQL over Hyperdrive is non-deterministic and non-reactive, so only actions may use ctx.sql: " +
  "move this access into an action (action/internalAction; a mutation can schedule one). " +
  "To keep the data reactive, use the projection pattern: read over ctx.sql in the action, write the rows " +
  "into a Lunora table with ctx.runMutation, and let queries read (and clients subscribe to) that table.";

/** Lints the Lunora function files at `paths` (files or folders). Imports between the app's
 * files are followed, so a helper in another file counts. */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(cwd, path);
    if (!existsSync(full)) throw new ToolingUsageError(`no such file or folder: ${path}`);
    files.push(...listSourceFiles(full));
  }
  const analysis = await analyzeFiles([...new Set(files)], { cwd });
  const findings: LintFinding[] = [];
  let checked = 0;
  for (const def of analysis.definitions) {
    if (isActionKind(def.kind)) continue;
    checked++;
    for (const reach of def.reaches) {
      const path = [def.name, ...reach.hops.map((h) => `${h.name} (${h.file}:${h.line})`), "ctx.sql"].join(" -> ");
      const via = reach.access === "ctx.sql" ? "" : ` (via \`${reach.access}\`)`;
      findings.push({
        ruleId: RULE_ID,
        severity: "error",
        file: reach.file,
        line: reach.line,
        column: reach.column,
        endLine: reach.endLine,
        endColumn: reach.endColumn,
        function: def.name,
        kind: def.kind,
        definedAt: { file: def.file, line: def.line, column: def.column },
        access: reach.access,
        hops: reach.hops,
        path,
        message: `${def.kind} "${def.name}" reaches ctx.sql${via}. ${ADVICE}`,
      });
    }
  }
  findings.sort((a, b) => comparePositions(a, b) || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));
  return { findings, files: analysis.files, checked, syntaxErrors: analysis.syntaxErrors };
}

export function formatLintText(result: LintResult, style: Style): string {
  const lines: string[] = [];
  for (const e of result.syntaxErrors) {
    lines.push(`${style.bold(location(e.file, e.line, e.column))} ${style.severity("error", "error")} syntax: ${e.message}`);
  }
  for (const f of result.findings) {
    const via = f.access === "ctx.sql" ? "" : ` (via \`${f.access}\`)`;
    lines.push(
      `${style.bold(location(f.file, f.line, f.column))} ${style.severity("error", "error")} ${f.ruleId}: ` +
        `${f.kind} "${f.function}" reaches ctx.sql${via}; only actions may use it`,
    );
    lines.push(`  ${style.dim("path:")} ${f.path}`);
  }
  if (result.syntaxErrors.length > 0) {
    lines.push("", `${plural(result.syntaxErrors.length, "syntax error")}: nothing was linted.`);
  } else if (result.findings.length > 0) {
    const files = new Set(result.findings.map((f) => f.file)).size;
    lines.push(
      "",
      style.severity("error", `${plural(result.findings.length, "problem")} (${RULE_ID}) in ${plural(files, "file")}`),
      `${style.dim("help:")} ${ADVICE}`,
    );
  } else {
    lines.push(`No ctx.sql outside actions: ${result.checked} ${result.checked === 1 ? "query or mutation" : "queries and mutations"} in ${plural(result.files.length, "file")} checked.`);
  }
  return `${lines.join("\n")}\n`;
}

export function formatLintJson(result: LintResult): string {
  return `${JSON.stringify(
    {
      ruleId: RULE_ID,
      findings: result.findings,
      checked: result.checked,
      files: result.files,
      syntaxErrors: result.syntaxErrors,
    },
    null,
    2,
  )}\n`;
}

/** 0: clean, 1: findings, 2: the files could not be parsed. */
export function lintExitCode(result: LintResult): number {
  if (result.syntaxErrors.length > 0) return 2;
  return result.findings.length > 0 ? 1 : 0;
}
