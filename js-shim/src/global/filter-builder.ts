// Convex's query filter builder: `query(t).filter(q => q.and(q.eq(q.field("a.b"), 1n), ...))`.
//
// buildFilter runs the user's function against the builder and returns the filter JSON that the
// WASM core evaluates (docs/internals/wire-formats.md, "Filter JSON"):
//
//   q.field("a.b")            {"field": "a.b"}
//   a plain JS value x        {"literal": encodeValue(x)}       (bigint, ArrayBuffer, -0, NaN, ...)
//   undefined (comparisons)   {"undefined": true}               the missing value
//   q.eq(l, r) ... q.neg(x)   {"op": "eq", "args": [l, r]} ...
//
// Expressions are instances of a class with a private brand, so a plain object that happens to
// look like one (`{ field: "a" }`) is a literal object, never an expression.
import { LunoraHyperdriveError } from "../errors.js";
import { encodeValue } from "../values/wire.js";

/** The filter JSON the core parses (see the module comment). */
export type FilterNode =
  | { field: string }
  | { literal: unknown }
  | { undefined: true }
  | { op: FilterOp; args: FilterNode[] };

export type FilterOp =
  | "eq" | "neq" | "lt" | "lte" | "gt" | "gte"
  | "and" | "or" | "not"
  | "add" | "sub" | "mul" | "div" | "mod" | "neg";

/** A filter builder was misused: wrong argument count, a bad field path, a misplaced `undefined`. */
export class InvalidFilterError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("INVALID_FILTER", message);
  }
}

let makeExpression: (node: FilterNode) => FilterExpression<never>;
let nodeOfExpression: (value: unknown) => FilterNode | undefined;

/**
 * An opaque filter expression whose value has type `T` (as Convex's `Expression<T>`). Only the
 * builder makes them.
 */
export class FilterExpression<T = unknown> {
  readonly #node: FilterNode;
  /** Type-level only: the type of the value this expression evaluates to. */
  declare readonly __valueType?: T;

  private constructor(node: FilterNode) {
    this.#node = node;
  }

  static {
    makeExpression = (node) => new FilterExpression<never>(node);
    nodeOfExpression = (value) =>
      typeof value === "object" && value !== null && #node in value ? (value as FilterExpression).#node : undefined;
  }
}

/** An expression, or a plain value used as a literal. */
export type ExpressionOrValue<T> = FilterExpression<T> | T;

type Numeric = number | bigint;

/** The `q` handed to `.filter(q => ...)`. */
export interface FilterBuilder {
  /** A document field; `a.b` reads field `b` of the object in field `a`. Missing is `undefined`. */
  field(fieldPath: string): FilterExpression<any>;
  /** `l === r` in Convex's value order (`undefined` compares as the missing value). */
  eq<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  neq<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  lt<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  lte<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  gt<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  gte<T>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<boolean>;
  /** True when every operand is `true` (at least one operand; non-booleans count as false). */
  and(...exprs: ExpressionOrValue<boolean>[]): FilterExpression<boolean>;
  or(...exprs: ExpressionOrValue<boolean>[]): FilterExpression<boolean>;
  not(x: ExpressionOrValue<boolean>): FilterExpression<boolean>;
  /** Two int64 (bigint, wrapping) or two float64 (number) operands; anything else fails. */
  add<T extends Numeric>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<T>;
  sub<T extends Numeric>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<T>;
  mul<T extends Numeric>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<T>;
  /** bigint division truncates; bigint division or modulo by 0n fails the query. */
  div<T extends Numeric>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<T>;
  mod<T extends Numeric>(l: ExpressionOrValue<T>, r: ExpressionOrValue<T>): FilterExpression<T>;
  neg<T extends Numeric>(x: ExpressionOrValue<T>): FilterExpression<T>;
}

const UNDEFINED_NODE: FilterNode = Object.freeze({ undefined: true as const });

/** `fn`'s result as filter JSON. A plain value result (e.g. `true`) becomes a literal. */
export function buildFilter(fn: (q: FilterBuilder) => FilterExpression<unknown> | boolean): FilterNode {
  if (typeof fn !== "function") {
    throw new InvalidFilterError("filter() takes a function such as q => q.eq(q.field(\"name\"), \"ada\")");
  }
  const result: unknown = fn(builder);
  if (result === undefined) {
    throw new InvalidFilterError(
      "the filter function returned undefined; it must return an expression such as q.eq(q.field(\"name\"), \"ada\")",
    );
  }
  return operand(result, "filter()", 0, false);
}

/** The JSON of one expression (for callers that hold a FilterExpression). */
export function filterExpressionToJSON(expression: FilterExpression<unknown>): FilterNode {
  const node = nodeOfExpression(expression);
  if (node === undefined) throw new InvalidFilterError("not a filter expression made by the filter builder");
  return node;
}

function operand(value: unknown, method: string, index: number, undefinedAllowed: boolean): FilterNode {
  const node = nodeOfExpression(value);
  if (node !== undefined) return node;
  if (value === undefined) {
    if (undefinedAllowed) return UNDEFINED_NODE;
    throw new InvalidFilterError(
      `${method}: argument ${index + 1} is undefined; undefined is only allowed in a comparison ` +
        "(q.eq(q.field(\"x\"), undefined) matches documents without the field)",
    );
  }
  return { literal: encodeValue(value) };
}

function checkCount(method: string, args: readonly unknown[], min: number, max: number): void {
  if (args.length >= min && args.length <= max) return;
  const plural = (n: number) => (n === 1 ? "argument" : "arguments");
  const expected = max === Infinity ? `at least ${min} ${plural(min)}` : `${min} ${plural(min)}`;
  throw new InvalidFilterError(`${method} takes ${expected}, got ${args.length}`);
}

function operation(op: FilterOp, min: number, max: number, undefinedAllowed: boolean) {
  const method = `q.${op}()`;
  return (...args: unknown[]): FilterExpression<never> => {
    checkCount(method, args, min, max);
    const nodes = new Array<FilterNode>(args.length);
    for (let i = 0; i < args.length; i++) nodes[i] = operand(args[i], method, i, undefinedAllowed);
    return makeExpression({ op, args: nodes });
  };
}

function field(...args: unknown[]): FilterExpression<never> {
  checkCount("q.field()", args, 1, 1);
  const path = args[0];
  if (typeof path !== "string") {
    throw new InvalidFilterError(`q.field() takes a field path string, got ${path === null ? "null" : typeof path}`);
  }
  if (path.split(".").some((step) => step === "")) {
    throw new InvalidFilterError(
      `q.field(${JSON.stringify(path)}): a field path is a dot-separated list of non-empty field names`,
    );
  }
  return makeExpression({ field: path });
}

const builder: FilterBuilder = Object.freeze({
  field,
  eq: operation("eq", 2, 2, true),
  neq: operation("neq", 2, 2, true),
  lt: operation("lt", 2, 2, true),
  lte: operation("lte", 2, 2, true),
  gt: operation("gt", 2, 2, true),
  gte: operation("gte", 2, 2, true),
  and: operation("and", 1, Infinity, false),
  or: operation("or", 1, Infinity, false),
  not: operation("not", 1, 1, false),
  add: operation("add", 2, 2, false),
  sub: operation("sub", 2, 2, false),
  mul: operation("mul", 2, 2, false),
  div: operation("div", 2, 2, false),
  mod: operation("mod", 2, 2, false),
  neg: operation("neg", 1, 1, false),
});
