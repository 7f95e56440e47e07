// @lunora/hyperdrive/tooling: what the `lunora-hyperdrive` bin runs, as functions. Not part of
// the runtime entry ("@lunora/hyperdrive" never imports this); TypeScript and jsonc-parser
// are loaded only when a function needs them.
export { lint, formatLintText, formatLintJson, lintExitCode, RULE_ID } from "./lint.js";
export type { LintFinding, LintOptions, LintResult } from "./lint.js";
export { codegen, formatCodegenText, renderActionCtxDeclaration, GENERATED_MARKER } from "./codegen.js";
export type { CodegenOptions, CodegenResult, CodegenStatus } from "./codegen.js";
export {
  check,
  formatCheckText,
  formatCheckJson,
  checkExitCode,
  bindingSnippet,
  d1Snippet,
  isPlaceholderId,
  isLocalHost,
  LOCAL_ENV_PREFIX,
} from "./check.js";
export type { CheckDiagnostic, CheckOptions, CheckResult, CheckRule } from "./check.js";
export { detectBackends } from "./backends.js";
export type { Backend, BackendUse } from "./backends.js";
export type { FunctionKind, Hop, Position, SyntaxProblem } from "./analysis.js";
export { ToolingUsageError } from "./typescript.js";
export { isPlaceholderPassword, maskSecrets, styleFor } from "./output.js";
export type { Severity, Style } from "./output.js";
