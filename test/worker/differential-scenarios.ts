// The differential test, inside workerd: one seeded random sequence of writes and queries run
// against a real engine through the store, every answer checked against the core's brute-force
// reference model (wasm/include/lunora/query/reference_model.hpp) over the documents the
// test itself knows the table holds (a shadow copy kept from its own writes, itself checked
// against a full scan). test/integration/differential.test.mjs runs the same seeds on Postgres
// MariaDB, D1 and Durable Object SQLite and also requires the engines' traces to be identical.
//
// Route: GET /store/<driver>/differential-<seed>[-special][-large]?table=<name>. "special" adds
// the float64 values MySQL refuses (NaN, +-Infinity, -0); without it the sequence is the same
// on every engine. "large" starts from 700 documents and asks for big pages, so that SQL
// batches (500 rows) end inside a page.
import type { GlobalCtxDb } from "@lunora/hyperdrive/global";
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";

interface Driver {
  open(schema: any, options?: Record<string, unknown>): GlobalCtxDb<any>;
  engine: "postgres" | "mysql" | "sqlite";
}

interface TestingHook {
  referenceQuery(docs: Record<string, unknown>[], query: unknown, cursor: string | null, limit: number): Promise<{ ids: string[]; done: boolean; cursor: string }>;
}

const STEPS = 36;          // mutations
const QUERY_EVERY = 3;     // a round of queries after every this many mutations
const QUERIES = 5;         // queries per round
const MAX_PAGES = 60;
const INITIAL_DOCUMENTS = 30;

// ---- randomness -------------------------------------------------------------------------

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ["", "a", "a ", "ab", "b", "B", "ä", "😀", "a\u0001", "zz"];
const FLOATS = [-1e300, -2.5, -1, 0, 0.30000000000000004, 1, 1.5, 2, 1e-300, 2 ** 53 + 2, 1e300];
const SPECIAL_FLOATS = [-0, NaN, Infinity, -Infinity, 5e-324];
const INTS = [-(2n ** 63n), -5n, -1n, 0n, 1n, 2n, 3n, 2n ** 53n + 1n, 2n ** 63n - 1n];
const BYTES = [[], [0], [0, 0], [1], [255], [0, 255]];

class Gen {
  constructor(readonly rng: Rng, readonly special: boolean) {}
  chance(p: number) {
    return this.rng() < p;
  }
  int(n: number) {
    return Math.floor(this.rng() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  str() {
    return this.pick(STRINGS);
  }
  float() {
    return this.special && this.chance(0.15) ? this.pick(SPECIAL_FLOATS) : this.pick(FLOATS);
  }
  i64() {
    return this.pick(INTS);
  }
  bool() {
    return this.chance(0.5);
  }
  bytes() {
    return new Uint8Array(this.pick(BYTES)).buffer;
  }
  any(depth = 0): unknown {
    const kinds = depth < 2 ? 8 : 6;
    switch (this.int(kinds)) {
      case 0: return null;
      case 1: return this.i64();
      case 2: return this.float();
      case 3: return this.bool();
      case 4: return this.str();
      case 5: return this.bytes();
      case 6: return Array.from({ length: this.int(3) }, () => this.any(depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        for (const key of ["k", "m"]) if (this.chance(0.5)) out[key] = this.any(depth + 1);
        return out;
      }
    }
  }
}

// ---- the table ----------------------------------------------------------------------------

function tableDefinition() {
  return defineTable({
    s: v.string(),
    f: v.number(),
    i: v.int64(),
    b: v.boolean(),
    by: v.bytes(),
    opt: v.optional(v.number()),
    nul: v.nullable(v.string()),
    optNul: v.optional(v.nullable(v.int64())),
    un: v.union(v.string(), v.int64(), v.null(), v.boolean(), v.array(v.number())),
    lit: v.union(v.literal("a"), v.literal("b"), v.literal(3)),
    any: v.optional(v.any()),
    arr: v.array(v.union(v.string(), v.number())),
    obj: v.object({ x: v.number(), y: v.optional(v.string()) }),
  })
    .index("by_s_f", ["s", "f"])
    .index("by_i_b_s", ["i", "b", "s"])
    .index("by_f", ["f"])
    .index("by_by", ["by"])
    .index("by_opt", ["opt"])
    .index("by_nul_i", ["nul", "i"])
    .index("by_optNul", ["optNul"])
    .index("by_un", ["un"])
    .index("by_lit_f", ["lit", "f"])
    .index("by_any", ["any"])
    .index("by_any_s", ["any", "s"])
    .index("by_arr", ["arr"])
    .index("by_obj", ["obj"]);
}

const INDEXES: Record<string, string[]> = {
  by_s_f: ["s", "f"],
  by_i_b_s: ["i", "b", "s"],
  by_f: ["f"],
  by_by: ["by"],
  by_opt: ["opt"],
  by_nul_i: ["nul", "i"],
  by_optNul: ["optNul"],
  by_un: ["un"],
  by_lit_f: ["lit", "f"],
  by_any: ["any"],
  by_any_s: ["any", "s"],
  by_arr: ["arr"],
  by_obj: ["obj"],
  by_creation_time: ["_creationTime"],
};

const OPTIONAL = new Set(["opt", "optNul", "any"]);

// A value for each field; undefined (missing) only for optional ones.
const FIELDS: Record<string, (g: Gen) => unknown> = {
  s: (g) => g.str(),
  f: (g) => g.float(),
  i: (g) => g.i64(),
  b: (g) => g.bool(),
  by: (g) => g.bytes(),
  opt: (g) => (g.chance(0.4) ? undefined : g.float()),
  nul: (g) => (g.chance(0.4) ? null : g.str()),
  optNul: (g) => (g.chance(0.33) ? undefined : g.chance(0.5) ? null : g.i64()),
  un: (g) => {
    switch (g.int(5)) {
      case 0: return g.str();
      case 1: return g.i64();
      case 2: return null;
      case 3: return g.bool();
      default: return Array.from({ length: g.int(3) }, () => g.float());
    }
  },
  lit: (g) => g.pick(["a", "b", 3] as const),
  any: (g) => (g.chance(0.25) ? undefined : g.any()),
  arr: (g) => Array.from({ length: g.int(3) }, () => (g.chance(0.5) ? g.str() : g.float())),
  obj: (g) => (g.chance(0.5) ? { x: g.float() } : { x: g.float(), y: g.str() }),
};

function randomDoc(g: Gen): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [field, gen] of Object.entries(FIELDS)) {
    const value = gen(g);
    if (value !== undefined) doc[field] = value;
  }
  return doc;
}

// ---- comparing values -----------------------------------------------------------------------

function hex(bytes: Uint8Array) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A canonical text of a Lunora value (int64 vs float64, -0, NaN and bytes told apart). */
function canon(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof ArrayBuffer) return `bytes:${hex(new Uint8Array(value))}`;
  if (ArrayBuffer.isView(value)) return `bytes:${hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))}`;
  if (Array.isArray(value)) return `[${value.map(canon).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(record[k])}`).join(",")}}`;
}

// ---- queries ------------------------------------------------------------------------------

type Expr = { k: "field"; path: string } | { k: "lit"; value: unknown } | { k: "undef" } | { k: "op"; op: string; args: Expr[] };

interface QuerySpec {
  index: string | null;   // null: no withIndex (creation order)
  fullScan: boolean;      // index null: call fullTableScan()
  range: { op: "eq" | "gt" | "gte" | "lt" | "lte"; field: string; value: unknown }[];
  order: "asc" | "desc" | null;
  filters: Expr[];
  op: "collect" | "take" | "first" | "unique" | "paginate" | "iterate";
  n: number;
  writeBetweenPages: number;  // probability of a mutation between two pages
}

const FILTER_FIELDS = ["s", "f", "i", "b", "by", "opt", "nul", "optNul", "un", "lit", "any", "arr", "obj", "obj.x", "obj.y", "any.k", "nope", "_creationTime"];

function literalFor(g: Gen, path: string): unknown {
  if (g.chance(0.2)) return g.chance(0.3) ? undefined : g.any();
  const gen = FIELDS[path];
  if (gen) return gen(g);
  if (path === "obj.x") return g.float();
  if (path === "obj.y") return g.str();
  if (path === "_creationTime") return 1_700_000_000_000 + g.int(40) * 1000;
  return g.any();
}

function genOperand(g: Gen): { expr: Expr; path: string } {
  if (g.chance(0.75)) {
    const path = g.pick(FILTER_FIELDS);
    return { expr: { k: "field", path }, path };
  }
  const field = (path: string): Expr => ({ k: "field", path });
  const lit = (value: unknown): Expr => ({ k: "lit", value });
  switch (g.int(5)) {
    case 0: // exact int64 arithmetic (wrapping); div/mod by zero fail the query
      return { expr: { k: "op", op: g.pick(["add", "sub", "mul", "div", "mod"]), args: [field("i"), lit(g.chance(0.05) ? 0n : g.pick([1n, 2n, 3n, -1n, 2n ** 62n]))] }, path: "i" };
    case 1:
      return { expr: { k: "op", op: g.pick(["add", "sub", "mul", "div", "mod"]), args: [field(g.pick(["f", "obj.x"])), lit(g.pick([0.5, 2, -1, 3]))] }, path: "f" };
    case 2:
      return { expr: { k: "op", op: "neg", args: [field(g.pick(["i", "f"]))] }, path: "i" };
    default: // operands that are sometimes missing or of another type: the query fails, on both sides alike
    {
      const operand = field(g.pick(["opt", "optNul", "un", "any"]));
      const expr: Expr = g.chance(0.3)
        ? { k: "op", op: "neg", args: [operand] }
        : { k: "op", op: g.pick(["add", "mul"]), args: [operand, lit(g.chance(0.5) ? 1n : 1)] };
      return { expr, path: "any" };
    }
  }
}

function genFilter(g: Gen, depth = 0): Expr {
  const roll = g.rng();
  if (depth < 2 && roll < 0.25) {
    return { k: "op", op: g.chance(0.5) ? "and" : "or", args: Array.from({ length: 1 + g.int(3) }, () => genFilter(g, depth + 1)) };
  }
  if (depth < 2 && roll < 0.35) return { k: "op", op: "not", args: [genFilter(g, depth + 1)] };
  const { expr, path } = genOperand(g);
  const value = literalFor(g, path);
  const right: Expr = value === undefined ? { k: "undef" } : { k: "lit", value };
  const args = g.chance(0.85) ? [expr, right] : [right, expr];
  return { k: "op", op: g.pick(["eq", "neq", "lt", "lte", "gt", "gte"]), args };
}

function buildExpr(q: any, e: Expr): unknown {
  if (e.k === "field") return q.field(e.path);
  if (e.k === "lit") return e.value;
  if (e.k === "undef") return undefined;
  return q[e.op](...e.args.map((a) => buildExpr(q, a)));
}

function describeExpr(e: Expr): string {
  if (e.k === "field") return `f(${e.path})`;
  if (e.k === "lit") return canon(e.value);
  if (e.k === "undef") return "undefined";
  return `${e.op}(${e.args.map(describeExpr).join(", ")})`;
}

function describe(spec: QuerySpec): string {
  const range = spec.range.map((r) => `${r.op}(${r.field}, ${canon(r.value)})`).join(".");
  const filters = spec.filters.map((f) => `.filter(${describeExpr(f)})`).join("");
  const source = spec.index === null ? (spec.fullScan ? "fullTableScan()" : "") : `withIndex(${spec.index}${range ? ", " + range : ""})`;
  return `${source}${spec.order ? `.order(${spec.order})` : ""}${filters}.${spec.op}(${spec.op === "collect" || spec.op === "first" || spec.op === "unique" || spec.op === "iterate" ? "" : spec.n})`;
}

type Doc = Record<string, unknown> & { _id: string; _creationTime: number };

function genQuery(g: Gen, docs: Doc[], large: boolean): QuerySpec {
  const roll = g.rng();
  const index = roll < 0.12 ? null : roll < 0.2 ? "by_creation_time" : g.pick(Object.keys(INDEXES).filter((n) => n !== "by_creation_time"));
  const range: QuerySpec["range"] = [];
  if (index !== null) {
    const fields = INDEXES[index]!;
    const source = docs.length > 0 && g.chance(0.8) ? g.pick(docs) : undefined;
    const valueOf = (field: string): unknown => {
      if (source && g.chance(0.75)) {
        const value = source[field];
        if (field === "_creationTime" && g.chance(0.3)) return (value as number) + g.pick([-0.0005, 0.0005]);
        return value;
      }
      return field === "_creationTime" ? literalFor(g, field) : g.chance(0.15) ? g.any() : FIELDS[field]!(g);
    };
    const eqs = g.int(fields.length + 1);
    let next = 0;
    for (; next < eqs; next++) {
      const value = valueOf(fields[next]!);
      if (value === undefined) break;
      range.push({ op: "eq", field: fields[next]!, value });
    }
    if (next < fields.length) {
      const field = fields[next]!;
      if (g.chance(0.5)) {
        const value = valueOf(field);
        if (value !== undefined) range.push({ op: g.chance(0.5) ? "gt" : "gte", field, value });
      }
      if (g.chance(0.5)) {
        const value = valueOf(field);
        if (value !== undefined) range.push({ op: g.chance(0.5) ? "lt" : "lte", field, value });
      }
    }
  }
  const filterCount = g.chance(0.5) ? 0 : g.chance(0.7) ? 1 : 2;
  const opRoll = g.rng();
  const op: QuerySpec["op"] =
    opRoll < 0.2 ? "collect" : opRoll < 0.35 ? "take" : opRoll < 0.45 ? "first" : opRoll < 0.5 ? "unique" : opRoll < 0.95 ? "paginate" : "iterate";
  return {
    index,
    fullScan: g.chance(0.5),
    range,
    order: g.chance(0.2) ? null : g.chance(0.5) ? "asc" : "desc",
    filters: Array.from({ length: filterCount }, () => genFilter(g)),
    op,
    n: large && (op === "take" || op === "paginate") ? 150 + g.int(500) : op === "take" ? g.int(7) : 1 + g.int(op === "paginate" ? 6 : 1),
    writeBetweenPages: g.chance(0.4) ? 0.3 : 0,
  };
}

function buildQuery(reader: any, table: string, spec: QuerySpec): any {
  let q = reader.query(table);
  if (spec.index === null) {
    if (spec.fullScan) q = q.fullTableScan();
  } else {
    q = q.withIndex(spec.index, (x: any) => spec.range.reduce((acc: any, r) => acc[r.op](r.field, r.value), x));
  }
  if (spec.order) q = q.order(spec.order);
  for (const f of spec.filters) q = q.filter((fb: any) => buildExpr(fb, f));
  return q;
}

// ---- the scenario ---------------------------------------------------------------------------

type WritePlan =
  | { kind: "insert"; label: string; doc: Record<string, unknown> }
  | { kind: "patch"; label: string; partial: Record<string, unknown> }
  | { kind: "replace"; label: string; doc: Record<string, unknown> }
  | { kind: "delete"; label: string };

function errorText(e: any, table: string): string {
  return `${e?.code ?? e?.name}: ${String(e?.message)}`.replaceAll(table, "<table>");
}

async function differential(d: Driver, table: string, seed: number, special: boolean, large: boolean) {
  const g = new Gen(mulberry32(seed), special);
  let clock = 0;
  const db = d.open(defineSchema({ [table]: tableDefinition().global() }), { now: () => 1_700_000_000_000 + clock * 1000 });
  const testing = (db as any).__testing as TestingHook;
  await db.migrate();

  const shadow = new Map<string, Doc>();       // label -> the document the table must hold
  const labelOf = new Map<string, string>();  // _id -> label
  let inserted = 0;
  const mismatches: unknown[] = [];
  const trace: string[] = [];
  const counts = { mutations: 0, queries: 0, pages: 0, inMutationQueries: 0, errors: 0, rows: 0 };
  const labels = (ids: string[]) => ids.map((id) => labelOf.get(id) ?? `?${id}`);
  const mismatch = (what: string, detail: Record<string, unknown>) => {
    if (mismatches.length < 20) mismatches.push({ what, ...detail });
  };
  const liveDocs = () => [...shadow.values()];

  /** Answers from the store and from the model; null when both fail alike. */
  async function compare(where: string, query: string, real: () => Promise<{ ids: string[]; done?: boolean; cursor?: string }>,
                         model: () => Promise<{ ids: string[]; done: boolean; cursor: string }>, full: boolean) {
    let r: { ids: string[]; done?: boolean; cursor?: string } | undefined;
    let m: { ids: string[]; done: boolean; cursor: string } | undefined;
    let realError: string | undefined;
    let modelError: string | undefined;
    try {
      r = await real();
    } catch (e) {
      realError = errorText(e, table);
    }
    try {
      m = await model();
    } catch (e) {
      modelError = errorText(e, table);
    }
    if (realError !== undefined || modelError !== undefined) {
      if (realError !== modelError) mismatch("error", { where, query, real: realError ?? labels(r!.ids), model: modelError ?? labels(m!.ids) });
      counts.errors++;
      trace.push(`${where} error ${realError}`);
      return null;
    }
    const realLabels = labels(r!.ids);
    const modelLabels = labels(m!.ids);
    counts.rows += realLabels.length;
    if (realLabels.join() !== modelLabels.join()) mismatch("results", { where, query, real: realLabels, model: modelLabels });
    if (full && (r!.done !== m!.done || r!.cursor !== m!.cursor)) {
      mismatch("page", { where, query, real: { isDone: r!.done, cursor: r!.cursor }, model: { isDone: m!.done, cursor: m!.cursor } });
    }
    trace.push(`${where} ${realLabels.join(",")}${full ? ` done=${r!.done}` : ""}`);
    return { real: r!, model: m! };
  }

  async function mutate(where: string, bulkInserts = 0) {
    // Draw the whole plan first, so that the random sequence does not depend on the engine.
    const live = [...shadow.keys()];
    const plan: WritePlan[] = [];
    const used = new Set<string>();
    for (let i = 0; i < bulkInserts; i++) plan.push({ kind: "insert", label: `d${++inserted}`, doc: randomDoc(g) });
    for (let n = bulkInserts > 0 ? 0 : 1 + g.int(3); n > 0; n--) {
      const roll = g.rng();
      const targets = live.filter((l) => !used.has(l));
      if (roll < 0.5 || targets.length === 0) {
        plan.push({ kind: "insert", label: `d${++inserted}`, doc: randomDoc(g) });
        continue;
      }
      const label = g.pick(targets);
      used.add(label);
      if (roll < 0.72) {
        const partial: Record<string, unknown> = {};
        for (const field of Object.keys(FIELDS)) {
          if (!g.chance(0.3)) continue;
          partial[field] = OPTIONAL.has(field) && g.chance(0.3) ? undefined : FIELDS[field]!(g) ?? FIELDS[field]!(g);
        }
        plan.push({ kind: "patch", label, partial });
      } else if (roll < 0.86) {
        plan.push({ kind: "replace", label, doc: randomDoc(g) });
      } else {
        plan.push({ kind: "delete", label });
      }
    }
    const querySpec = g.chance(0.3) ? genQuery(g, liveDocs(), large) : null;
    if (querySpec && !["collect", "take", "first"].includes(querySpec.op)) querySpec.op = "collect";
    clock += 1;

    let outcome: { next: Map<string, Doc>; ids: Map<string, string> } | undefined;
    await db.mutation(async (w: any) => {
      const next = new Map([...shadow].map(([l, doc]) => [l, { ...doc }]));
      const ids = new Map<string, string>();
      for (const step of plan) {
        if (step.kind === "insert") {
          const id = await w.insert(table, step.doc);
          const got = await w.get(id);
          ids.set(id, step.label);
          next.set(step.label, { ...step.doc, _id: id, _creationTime: got._creationTime });
          continue;
        }
        const current = next.get(step.label)!;
        if (step.kind === "patch") {
          await w.patch(current._id, step.partial);
          const merged: Doc = { ...current };
          for (const [k, value] of Object.entries(step.partial)) {
            if (value === undefined) delete merged[k];
            else merged[k] = value;
          }
          next.set(step.label, merged);
        } else if (step.kind === "replace") {
          await w.replace(current._id, step.doc);
          next.set(step.label, { ...step.doc, _id: current._id, _creationTime: current._creationTime });
        } else {
          await w.delete(current._id);
          next.delete(step.label);
        }
      }
      if (querySpec) {
        // Reads inside a mutation see its own writes, in index order.
        for (const [id, label] of ids) labelOf.set(id, label);
        const docs = [...next.values()];
        const limit = querySpec.op === "collect" ? -1 : querySpec.op === "first" ? 1 : querySpec.n;
        counts.inMutationQueries++;
        await compare(`${where} in-mutation`, describe(querySpec), async () => {
          const q = buildQuery(w, table, querySpec);
          const got = querySpec.op === "collect" ? await q.collect() : querySpec.op === "first" ? [await q.first()].filter(Boolean) : await q.take(querySpec.n);
          return { ids: got.map((x: any) => x._id) };
        }, () => testing.referenceQuery(docs, buildQuery(w, table, querySpec), null, limit), false);
      }
      outcome = { next, ids };
    });
    counts.mutations++;
    shadow.clear();
    for (const [label, doc] of outcome!.next) shadow.set(label, doc);
    for (const [id, label] of outcome!.ids) labelOf.set(id, label);
    trace.push(`${where} ${plan.map((p) => `${p.kind}:${p.label}`).join(" ")}`);
  }

  async function checkContents(where: string) {
    const scanned = (await db.query((r: any) => r.query(table).collect())) as Doc[];
    const expected = liveDocs().sort((a, b) => a._creationTime - b._creationTime);
    const a = scanned.map((doc) => `${labelOf.get(doc._id)} ${canon(doc)}`);
    const b = expected.map((doc) => `${labelOf.get(doc._id)} ${canon(doc)}`);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        mismatch("contents", { where, index: i, stored: a[i], expected: b[i] });
        break;
      }
    }
  }

  async function query(where: string) {
    const spec = genQuery(g, liveDocs(), large);
    const text = describe(spec);
    counts.queries++;
    if (spec.op === "paginate") {
      // Draw the writes between pages up front (the page count is engine-independent only
      // when the results are, which is what is being tested).
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        counts.pages++;
        const result = await compare(`${where} page ${page}`, text,
          () => db.query(async (r: any) => {
            const p = await buildQuery(r, table, spec).paginate({ numItems: spec.n, cursor });
            return { ids: p.page.map((x: any) => x._id), done: p.isDone, cursor: p.continueCursor };
          }),
          () => db.query((r: any) => testing.referenceQuery(liveDocs(), buildQuery(r, table, spec), cursor, spec.n)), true);
        if (result === null || result.real.done) return;
        cursor = result.real.cursor!;
        if (spec.writeBetweenPages > 0 && g.chance(spec.writeBetweenPages)) await mutate(`${where} between pages ${page}`);
      }
      mismatch("pagination did not finish", { where, query: text });
      return;
    }
    const limit = spec.op === "collect" || spec.op === "iterate" ? -1 : spec.op === "first" ? 1 : spec.op === "unique" ? 2 : spec.n;
    await compare(where, text,
      () => db.query(async (r: any) => {
        const q = buildQuery(r, table, spec);
        let docs: any[];
        if (spec.op === "collect") docs = await q.collect();
        else if (spec.op === "take") docs = await q.take(spec.n);
        else if (spec.op === "first") docs = [await q.first()].filter(Boolean);
        else if (spec.op === "unique") docs = [await q.unique()].filter(Boolean);
        else {
          docs = [];
          for await (const doc of q) docs.push(doc);
        }
        return { ids: docs.map((x) => x._id) };
      }),
      async () => {
        const answer = await db.query((r: any) => testing.referenceQuery(liveDocs(), buildQuery(r, table, spec), null, limit));
        if (spec.op === "unique" && answer.ids.length > 1) {
          throw Object.assign(new Error(`unique() found more than one document in table "${table}"`), { code: "NOT_UNIQUE" });
        }
        return answer;
      }, false);
  }

  await mutate("initial", large ? 700 : INITIAL_DOCUMENTS);
  const steps = large ? 6 : STEPS;
  for (let step = 1; step <= steps; step++) {
    await mutate(`step ${step}`);
    if (step % QUERY_EVERY === 0) {
      await checkContents(`step ${step}`);
      for (let n = 0; n < (large ? 4 : QUERIES); n++) await query(`step ${step} query ${n}`);
    }
  }
  await checkContents("end");
  return { seed, special, large, engine: d.engine, documents: shadow.size, counts, mismatches, trace };
}

/** The scenario named `differential-<seed>[-special][-large]`, if `name` is one. */
export function differentialScenario(name: string): ((d: Driver, table: string) => Promise<unknown>) | undefined {
  const match = /^differential-(\d+)(-special)?(-large)?$/.exec(name);
  if (!match) return undefined;
  return (d, table) => differential(d, table, Number(match[1]), match[2] !== undefined, match[3] !== undefined);
}
