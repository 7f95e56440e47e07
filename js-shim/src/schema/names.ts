// Name rules shared by the builders (CONTRACT.md "Validation"; the core enforces the same).
import { SchemaDefinitionError } from "./errors.js";

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 64;

/** Table and index names: `[A-Za-z][A-Za-z0-9_]*`, at most 64 characters. */
export function checkName(where: string, what: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new SchemaDefinitionError(
      `${where}: ${what} ${describe(name)} is not valid (use [A-Za-z][A-Za-z0-9_]*, at most ${MAX_NAME_LENGTH} characters)`,
    );
  }
}

/** A short description of an argument for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return "an array";
  const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? `a ${name}` : "an object";
}
