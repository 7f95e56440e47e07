// A JSON encoding that keeps JS types across the Worker -> test-runner boundary, so the
// runner can assert on the exact values the code under test saw inside workerd.
//   bigint -> {$t:"bigint"}   Uint8Array/Buffer -> {$t:"bytes", ctor}   Date -> {$t:"date"}
//   ArrayBuffer -> {$t:"arraybuffer"}   NaN/Infinity/-0 -> {$t:"number"}   undefined -> {$t:"undefined"}   other classes -> {$t:"object", ctor}

export function tag(value) {
  if (value === undefined) return { $t: "undefined" };
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $t: "number", v: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (typeof value === "bigint") return { $t: "bigint", v: value.toString() };
  if (value instanceof Uint8Array) {
    return { $t: "bytes", ctor: value.constructor.name, hex: [...value].map((b) => b.toString(16).padStart(2, "0")).join("") };
  }
  if (value instanceof ArrayBuffer) {
    return { $t: "arraybuffer", hex: [...new Uint8Array(value)].map((b) => b.toString(16).padStart(2, "0")).join("") };
  }
  if (value instanceof Date) return { $t: "date", v: Number.isNaN(value.getTime()) ? "invalid" : value.toISOString() };
  if (Array.isArray(value)) return value.map(tag);
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return { $t: "object", ctor: value.constructor?.name ?? "?", v: tagEntries(value) };
    return tagEntries(value);
  }
  return { $t: typeof value };
}

function tagEntries(value) {
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = tag(v);
  return out;
}

export function untag(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(untag);
  switch (value.$t) {
    case "undefined": return undefined;
    case "number": return value.v === "-0" ? -0 : Number(value.v);
    case "bigint": return BigInt(value.v);
    case "bytes": {
      const bytes = Uint8Array.from((value.hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
      return value.ctor === "Uint8Array" ? bytes : { ctor: value.ctor, bytes };
    }
    case "arraybuffer":
      return Uint8Array.from((value.hex.match(/../g) ?? []).map((h) => parseInt(h, 16))).buffer;
    case "date": return value.v === "invalid" ? new Date(NaN) : new Date(value.v);
    case "object": return { ctor: value.ctor, value: untag(value.v) };
    case undefined: {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = untag(v);
      return out;
    }
    default: return value;
  }
}
