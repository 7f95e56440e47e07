// The TypeScript compiler is loaded lazily, and only by the tooling: importing
// "@lunora/hyperdrive" at runtime never loads it. It is an optional peer dependency (see
// docs/TOOLING.md), so a missing install is reported as a usage problem, not a crash.
import type TS from "typescript";

export type TypeScript = typeof TS;

let loaded: Promise<TypeScript> | undefined;

export class ToolingUsageError extends Error {
  override readonly name = "ToolingUsageError";
}

export function loadTypeScript(): Promise<TypeScript> {
  loaded ??= import("typescript").then(
    (mod) => (mod as { default?: TypeScript }).default ?? (mod as unknown as TypeScript),
    () => {
      loaded = undefined;
      throw new ToolingUsageError(
        "lunora-hyperdrive lint/codegen parse your code with TypeScript, which is not installed. " +
          "Install it next to @lunora/hyperdrive: npm install --save-dev typescript",
      );
    },
  );
  return loaded;
}
