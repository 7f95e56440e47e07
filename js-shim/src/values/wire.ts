// Lunora values <-> Lunora JSON, the value wire format of docs/internals/wire-formats.md.
//
//   JS value                         Lunora JSON
//   null, boolean, string            themselves (strings must be well-formed UTF-16)
//   number, finite and not -0        itself
//   number, NaN / +-Infinity / -0    {"$float": base64 of the 8 bytes, little-endian}
//   bigint in int64 range            {"$integer": base64 of the 8 bytes, little-endian}
//   ArrayBuffer or any view of one   {"$bytes": base64}; decodes to an ArrayBuffer (as Convex)
//   array                            array (undefined elements and holes refused)
//   plain object                     object (undefined fields dropped; `$` keys refused)
//
// This runs on every document, so both directions are copy-on-write: a subtree that needs no
// change is returned as is, and a JSON-only document is not copied at all. Results may
// therefore share parts with their input; treat them as read-only.
import { base64ByteLength, bytesToBase64, decodeBase64Into } from "./base64.js";
import { InvalidValueError } from "./errors.js";

export { InvalidValueError } from "./errors.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Deeper than any document the store accepts; only here so a cyclic value fails cleanly.
const MAX_DEPTH = 1024;
const DOLLAR = 36;

// One 8-byte scratch for every $integer and $float: JS is single-threaded and none of the
// functions using it re-enter.
const scratch = new ArrayBuffer(8);
const scratchView = new DataView(scratch);
const scratchBytes = new Uint8Array(scratch);

/** JS Lunora value -> Lunora JSON tree. Throws InvalidValueError naming the path. */
export function encodeValue(value: unknown): unknown {
  try {
    return encode(value, 0);
  } catch (e) {
    throw located(e);
  }
}

/** Lunora JSON tree -> JS Lunora value (bytes as ArrayBuffer). Throws InvalidValueError. */
export function decodeValue(json: unknown): unknown {
  try {
    return decode(json, 0);
  } catch (e) {
    throw located(e);
  }
}

/** JS Lunora value -> Lunora JSON text. */
export function encodeValueText(value: unknown): string {
  // Written directly; a value it would refuse goes through encodeValue, which names the problem.
  return textOf(value, 0) ?? JSON.stringify(encodeValue(value));
}

/** Lunora JSON text -> JS Lunora value. */
export function decodeValueText(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidValueError("", `not JSON text (${(e as Error).message})`);
  }
  return decodeValue(json);
}

function encode(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
      if (!isWellFormed(value)) refuse(LONE_SURROGATE);
      return value;
    case "number":
      // value - value is NaN for NaN and +-Infinity; 1 / -0 is -Infinity
      if (value - value === 0 && (value !== 0 || 1 / value > 0)) return value;
      scratchView.setFloat64(0, value, true);
      return { $float: bytesToBase64(scratchBytes) };
    case "boolean":
      return value;
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) refuse(`bigint ${value} is outside the int64 range`);
      scratchView.setBigInt64(0, value, true);
      return { $integer: bytesToBase64(scratchBytes) };
    case "object": {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) refuse(TOO_DEEP);
      if (Array.isArray(value)) return mapArray(value, depth, encode);
      if (isPlainObject(value)) return mapObject(value as Record<string, unknown>, Object.keys(value), depth, encode, true);
      const bytes = bytesOf(value);
      if (bytes !== undefined) return { $bytes: bytesToBase64(bytes) };
      return refuse(`${describeObject(value)} is not a Lunora value (objects must be plain objects, arrays, ArrayBuffers or ArrayBuffer views)`);
    }
    case "undefined":
      return refuse("undefined is not a Lunora value (an object field set to undefined is omitted; elsewhere use null)");
    default:
      return refuse(`a ${typeof value} is not a Lunora value`);
  }
}

/**
 * The Lunora JSON text of `value`, as JSON.stringify(encode(value)) writes it, or undefined
 * where encode would refuse. Every document written goes through this: it reads each field
 * once and builds no tree and no copy, and leaves JSON.stringify to strings that need escapes.
 */
function textOf(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return stringText(value);
    case "number":
      if (value - value === 0 && (value !== 0 || 1 / value > 0)) return String(value);
      scratchView.setFloat64(0, value, true);
      return `{"$float":"${bytesToBase64(scratchBytes)}"}`;
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) return undefined;
      scratchView.setBigInt64(0, value, true);
      return `{"$integer":"${bytesToBase64(scratchBytes)}"}`;
    case "object": {
      if (value === null) return "null";
      if (depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(value)) return arrayText(value, depth);
      if (isPlainObject(value)) return objectText(value as Record<string, unknown>, depth);
      const bytes = bytesOf(value);
      return bytes === undefined ? undefined : `{"$bytes":"${bytesToBase64(bytes)}"}`;
    }
    default:
      return undefined;
  }
}

function arrayText(array: readonly unknown[], depth: number): string | undefined {
  let out = "[";
  for (let i = 0; i < array.length; i++) {
    const item = textOf(array[i], depth + 1);
    if (item === undefined) return undefined;
    out += i === 0 ? item : `,${item}`;
  }
  return `${out}]`;
}

function objectText(object: Record<string, unknown>, depth: number): string | undefined {
  const keys = Object.keys(object);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const name = key.charCodeAt(0) === DOLLAR ? undefined : stringText(key);
    if (name === undefined) return undefined;
    const field = object[key];
    if (field === undefined) continue;
    const text = textOf(field, depth + 1);
    if (text === undefined) return undefined;
    out += out.length === 1 ? `${name}:${text}` : `,${name}:${text}`;
  }
  return `${out}}`;
}

/** A JSON string literal; undefined for a string with a lone surrogate. */
function stringText(text: string): string | undefined {
  // Short strings (most field values and every name) are checked here; JSON.stringify escapes
  // the others and any that needs it.
  if (text.length <= 64) {
    let i = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) break;
    }
    if (i === text.length) return `"${text}"`;
  }
  return isWellFormed(text) ? JSON.stringify(text) : undefined;
}

type Step = (value: unknown, depth: number) => unknown;

function mapArray(array: readonly unknown[], depth: number, step: Step): unknown {
  let out: unknown[] | undefined;
  let i = 0;
  try {
    for (; i < array.length; i++) {
      const item = array[i];
      const mapped = step(item, depth + 1);
      if (out === undefined) {
        if (mapped === item) continue;
        out = array.slice(0, i);
      }
      out.push(mapped);
    }
  } catch (e) {
    throw within(e, i);
  }
  return out ?? array;
}

/** `dropUndefined`: an undefined field is omitted (encoding) rather than refused (decoding). */
function mapObject(object: Record<string, unknown>, keys: readonly string[], depth: number, step: Step, dropUndefined: boolean): unknown {
  let out: Record<string, unknown> | undefined;
  let key = "";
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i]!;
      checkKey(key);
      const field = object[key];
      const mapped = field === undefined && dropUndefined ? undefined : step(field, depth + 1);
      if (out === undefined) {
        if (mapped === field && field !== undefined) continue;
        out = copyFields(object, keys, i);
      }
      if (mapped !== undefined) setField(out, key, mapped);
    }
  } catch (e) {
    throw within(e, key);
  }
  return out ?? object;
}

function decode(json: unknown, depth: number): unknown {
  switch (typeof json) {
    case "string":
      if (!isWellFormed(json)) refuse(LONE_SURROGATE);
      return json;
    case "number":
      if (json - json !== 0) refuse(`${json} must be written as {"$float": ...}`);
      return json;
    case "boolean":
      return json;
    case "object": {
      if (json === null) return null;
      if (depth >= MAX_DEPTH) refuse(TOO_DEEP);
      if (Array.isArray(json)) return mapArray(json, depth, decode);
      if (isPlainObject(json)) {
        const object = json as Record<string, unknown>;
        const keys = Object.keys(object);
        if (keys.length === 1 && keys[0]!.charCodeAt(0) === DOLLAR) return decodeTagged(keys[0]!, object[keys[0]!]);
        return mapObject(object, keys, depth, decode, false);
      }
      return refuse(`${describeObject(json)} is not Lunora JSON`);
    }
    case "undefined":
      return refuse("undefined is not Lunora JSON");
    default:
      return refuse(`a ${typeof json} is not Lunora JSON`);
  }
}

function decodeTagged(tag: string, payload: unknown): unknown {
  if (tag === "$integer" || tag === "$float") {
    if (typeof payload !== "string" || base64ByteLength(payload) !== 8 || !decodeBase64Into(payload, scratchBytes)) {
      refuse(`${tag} must be the base64 of exactly 8 bytes`);
    }
    return tag === "$integer" ? scratchView.getBigInt64(0, true) : scratchView.getFloat64(0, true);
  }
  if (tag === "$bytes") {
    const length = typeof payload === "string" ? base64ByteLength(payload) : -1;
    if (length < 0) refuse("$bytes must be a base64 string");
    const buffer = new ArrayBuffer(length);
    if (!decodeBase64Into(payload as string, new Uint8Array(buffer))) refuse("$bytes must be a base64 string");
    return buffer;
  }
  return refuse(`unknown tag ${JSON.stringify(tag)} (field names may not start with "$")`);
}

function checkKey(key: string): void {
  if (key.charCodeAt(0) === DOLLAR) refuse(`field name ${JSON.stringify(key)} starts with "$" (reserved for Lunora JSON tags)`);
  if (!isWellFormed(key)) refuse(`field name contains a lone surrogate (not valid UTF-8)`);
}

function copyFields(object: Record<string, unknown>, keys: readonly string[], end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < end; j++) setField(out, keys[j]!, object[keys[j]!]);
  return out;
}

/** `out[key] = value`, always as an own field ("__proto__" included). */
export function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning "__proto__" would set the prototype instead of creating the field.
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

// As Convex: no prototype, Object.prototype, or another realm's Object.prototype.
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || (proto as { constructor?: { name?: unknown } }).constructor?.name === "Object";
}

/** The bytes of an ArrayBuffer or of any view of one (a $bytes value); undefined for anything else. */
function bytesOf(value: object): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (isArrayBuffer(value)) return new Uint8Array(value);
  return undefined;
}

function isArrayBuffer(value: object): value is ArrayBuffer {
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

function describeObject(value: object): string {
  const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== "string" || name === "") return "an object with a custom prototype";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

const LONE_SURROGATE = "string contains a lone surrogate (not valid UTF-8)";
const TOO_DEEP = `nested deeper than ${MAX_DEPTH} levels (is the value cyclic?)`;

type WellFormed = (this: string) => boolean;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: WellFormed }).isWellFormed;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed: (text: string) => boolean =
  nativeIsWellFormed !== undefined ? (text) => nativeIsWellFormed.call(text) : (text) => !LONE.test(text);

// A refusal travels up as a Refusal collecting path segments (innermost first) and becomes
// an InvalidValueError at the entry point, so the happy path never builds a path.
class Refusal {
  readonly segments: (string | number)[] = [];
  constructor(readonly problem: string) {}
}

function refuse(problem: string): never {
  throw new Refusal(problem);
}

function within(e: unknown, segment: string | number): unknown {
  if (e instanceof Refusal) e.segments.push(segment);
  return e;
}

function located(e: unknown): unknown {
  if (!(e instanceof Refusal)) return e;
  let path = "";
  for (let i = e.segments.length - 1; i >= 0; i--) path += formatSegment(e.segments[i]!);
  return new InvalidValueError(path, e.problem);
}

function formatSegment(segment: string | number): string {
  if (typeof segment === "number") return `[${segment}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}
