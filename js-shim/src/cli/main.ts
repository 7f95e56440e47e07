#!/usr/bin/env node
// The `lunora-hyperdrive` bin: lint, codegen and check. Exit status: 0 clean, 1 findings or
// errors, 2 usage or parse errors.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { check, checkExitCode, formatCheckJson, formatCheckText } from "../tooling/check.js";
import { codegen, formatCodegenText } from "../tooling/codegen.js";
import { functionsDir } from "../tooling/files.js";
import { formatLintJson, formatLintText, lint, lintExitCode } from "../tooling/lint.js";
import { maskSecrets, styleFor } from "../tooling/output.js";
import { ToolingUsageError } from "../tooling/typescript.js";

const USAGE = `Usage: lunora-hyperdrive <command> [options]

Commands:
  lint [paths...]     Flag ctx.sql reached from a query or mutation (rule hyperdrive_outside_action).
                      paths: files or folders; default ./lunora when it exists, else the current folder.
  codegen [appDir]    Write <appDir>/lunora/_generated/hyperdrive.d.ts, which adds sql: SqlClient to
                      ActionCtx, when an action uses ctx.sql; remove it when none does.
  check [appDir]      Check the Hyperdrive binding in <appDir>/wrangler.jsonc. Never writes it.

Options:
  --format text|json  Output format (default: text).
  codegen:  --out FILE            the declaration file to write
            --functions DIR       the Lunora functions folder (default: <appDir>/lunora, else appDir)
            --server-module SPEC  the module declaring ActionCtx, as seen from --out (default: ./server)
            --check               write nothing; exit 1 when the file is out of date
  check:    --binding NAME        the binding to check (default: HYPERDRIVE)
            --config FILE         the wrangler config (default: <appDir>/wrangler.jsonc)
            --env NAME            check env.NAME's bindings (wrangler environments)
  -h, --help                      this text
  -v, --version                   the package version

Exit status: 0 clean; 1 lint findings, check errors, or codegen --check out of date; 2 usage or parse errors.
`;

const COMMON = {
  format: { type: "string", default: "text" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

const OPTIONS = {
  lint: { ...COMMON },
  codegen: {
    ...COMMON,
    out: { type: "string" },
    functions: { type: "string" },
    "server-module": { type: "string" },
    check: { type: "boolean", default: false },
  },
  check: {
    ...COMMON,
    binding: { type: "string", default: "HYPERDRIVE" },
    config: { type: "string" },
    env: { type: "string" },
  },
} as const satisfies Record<string, ParseArgsConfig["options"]>;

type Command = keyof typeof OPTIONS;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "-h" || command === "--help") {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "-v" || command === "--version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (!Object.hasOwn(OPTIONS, command)) return usageError(`unknown command "${command}"`);
  const cmd = command as Command;
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS[cmd], allowPositionals: true, strict: true });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = values.format;
  if (format !== "text" && format !== "json") return usageError(`--format must be text or json, not "${String(format)}"`);
  const json = format === "json";
  const positionals = parsed.positionals;
  if (cmd !== "lint" && positionals.length > 1) return usageError(`${cmd} takes one app folder, got ${positionals.length}`);
  const style = styleFor(process.stdout);

  try {
    switch (cmd) {
      case "lint": {
        const paths = positionals.length > 0 ? positionals : [functionsDir(process.cwd())];
        const result = await lint(paths);
        process.stdout.write(json ? formatLintJson(result) : formatLintText(result, style));
        return lintExitCode(result);
      }
      case "codegen": {
        const dryRun = values.check === true;
        const result = await codegen({
          ...(positionals[0] === undefined ? {} : { appDir: positionals[0] }),
          ...(typeof values.out === "string" ? { out: values.out } : {}),
          ...(typeof values.functions === "string" ? { functionsDir: values.functions } : {}),
          ...(typeof values["server-module"] === "string" ? { serverModule: values["server-module"] } : {}),
          dryRun,
        });
        process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatCodegenText(result, dryRun));
        if (result.syntaxErrors.length > 0) return 2;
        return dryRun && result.changed ? 1 : 0;
      }
      case "check": {
        const result = await check({
          ...(positionals[0] === undefined ? {} : { appDir: positionals[0] }),
          binding: String(values.binding),
          ...(typeof values.config === "string" ? { config: values.config } : {}),
          ...(typeof values.env === "string" ? { env: values.env } : {}),
        });
        process.stdout.write(json ? formatCheckJson(result) : formatCheckText(result, style));
        return checkExitCode(result);
      }
    }
  } catch (e) {
    const message = maskSecrets(e instanceof Error ? e.message : String(e));
    if (json) process.stdout.write(`${JSON.stringify({ error: message }, null, 2)}\n`);
    process.stderr.write(`lunora-hyperdrive ${cmd}: ${message}\n`);
    if (!(e instanceof ToolingUsageError) && e instanceof Error && process.env.LUNORA_HYPERDRIVE_DEBUG) {
      process.stderr.write(`${maskSecrets(e.stack ?? "")}\n`);
    }
    return 2;
  }
}

function usageError(message: string): number {
  process.stderr.write(`lunora-hyperdrive: ${message}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`lunora-hyperdrive: ${maskSecrets(e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = 2;
  },
);
