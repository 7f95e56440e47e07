// Which files the tooling reads, and how it names them in its output.
import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

const SOURCE_EXT = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "_generated", "coverage"]);

export function isSourceFile(path: string): boolean {
  return SOURCE_EXT.test(path) && !/\.d\.[cm]?ts$/.test(path);
}

/** Source files below `dir` (or `dir` itself when it is a file), sorted, without
 * node_modules, build output, generated code and hidden folders. */
export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) walk(full);
      } else if (entry.isFile() && isSourceFile(entry.name)) {
        out.push(full);
      }
    }
  };
  if (statSync(dir).isFile()) return [resolve(dir)];
  walk(resolve(dir));
  return out;
}

/** The folder holding an app's Lunora functions: `<app>/lunora` when it exists, else the app. */
export function functionsDir(appDir: string): string {
  const lunora = join(resolve(appDir), "lunora");
  return existsSync(lunora) && statSync(lunora).isDirectory() ? lunora : resolve(appDir);
}

/** A path as the output shows it: relative to `cwd` with forward slashes, or absolute when
 * it lies outside `cwd`. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === "" ) return ".";
  if (rel.startsWith("..") || isAbsolute(rel)) return path.split(sep).join("/");
  return rel.split(sep).join("/");
}
