// Compile-time checks of the schema's static types; `tsc -p test/unit/tsconfig.types.json`
// must pass (schema-types.test.mjs runs it). Every `@ts-expect-error` proves a wrong use fails.
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import type { DataModelFromSchema, Doc, DocInput, DocPatch, GlobalTableNames, Id, Infer, WithoutSystemFields } from "@lunora/hyperdrive/schema";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

const schema = defineSchema({
  users: defineTable({ name: v.string(), email: v.optional(v.string()) }).index("by_name", ["name"]).global(),
  orders: defineTable(
    v.object({
      customer: v.id("users"),
      total: v.number(),
      quantity: v.int64(),
      paid: v.boolean(),
      receipt: v.nullable(v.bytes()),
      status: v.union(v.literal("open"), v.literal("shipped")),
      tags: v.array(v.string()),
      extra: v.record(v.string(), v.any()),
      note: v.optional(v.string()),
    }),
  )
    .index("by_customer", ["customer", "total"])
    .global(),
  events: defineTable(
    v.union(v.object({ kind: v.literal("click"), x: v.number() }), v.object({ kind: v.literal("key"), key: v.string() })),
  ).index("by_kind", ["kind"]),
});

declare function insert<T extends GlobalTableNames<typeof schema>>(table: T, doc: DocInput<typeof schema, T>): Promise<Id<T>>;
declare function patch<T extends GlobalTableNames<typeof schema>>(id: Id<T>, partial: DocPatch<typeof schema, T>): Promise<void>;
declare const userId: Id<"users">;
type Order = Doc<typeof schema, "orders">;
type Event = Doc<typeof schema, "events">;

// Never called: the statements below are for the type checker. (Newer Node versions run
// .ts files under test/ with `node --test`; this keeps that harmless.)
export function typeChecks(): void {
  // --- Infer -----------------------------------------------------------------------------------
  assertType<Equal<Infer<ReturnType<typeof v.int64>>, bigint>>();
  assertType<Equal<Infer<ReturnType<typeof v.bytes>>, ArrayBuffer>>();
  assertType<Equal<Infer<ReturnType<typeof v.number>>, number>>();
  const status = v.union(v.literal("a"), v.literal(2), v.literal(3n), v.literal(true), v.null());
  assertType<Equal<Infer<typeof status>, "a" | 2 | 3n | true | null>>();
  const rec = v.record(v.id("users"), v.array(v.float64()));
  assertType<Equal<Infer<typeof rec>, Record<Id<"users">, number[]>>>();
  const obj = v.object({ a: v.string(), b: v.optional(v.int64()), c: v.object({ d: v.nullable(v.boolean()) }) });
  assertType<Equal<Infer<typeof obj>, { a: string; b?: bigint | undefined; c: { d: boolean | null } }>>();

  // --- Doc and inputs --------------------------------------------------------------------------
  assertType<Equal<Order["_id"], Id<"orders">>>();
  assertType<Equal<Order["_creationTime"], number>>();
  assertType<Equal<Order["quantity"], bigint>>();
  assertType<Equal<Order["customer"], Id<"users">>>();
  assertType<Equal<WithoutSystemFields<Order>, DocInput<typeof schema, "orders">>>();
  assertType<Equal<GlobalTableNames<typeof schema>, "users" | "orders">>();
  assertType<Equal<DataModelFromSchema<typeof schema>["orders"]["indexes"], { by_customer: ["customer", "total"] }>>();
  // @ts-expect-error an id of one table is not an id of another
  const wrongId: Id<"users"> = "" as Id<"orders">;
  // @ts-expect-error a plain string is not an id
  const plainId: Id<"users"> = "abc";


  const good = {
    customer: userId,
    total: 9.5,
    quantity: 2n,
    paid: false,
    receipt: null,
    status: "open",
    tags: [],
    extra: { anything: [1, "x"] },
  } as const;
  void insert("orders", { ...good, tags: [] });
  void insert("orders", { ...good, tags: ["a"], note: "leave at door", receipt: new ArrayBuffer(4) });
  void insert("users", { name: "Ada" });
  void patch(userId, { email: "ada@example.com" });
  // @ts-expect-error int64 fields take bigint, not number
  void insert("orders", { ...good, tags: [], quantity: 2 });
  // @ts-expect-error a required field is missing
  void insert("users", {});
  // @ts-expect-error unknown field
  void insert("users", { name: "Ada", age: 3 });
  // @ts-expect-error not one of the literals
  void insert("orders", { ...good, tags: [], status: "lost" });
  // @ts-expect-error a users id is required, not any string
  void insert("orders", { ...good, tags: [], customer: "u1" });
  // @ts-expect-error _id is a system field
  void insert("users", { name: "Ada", _id: userId });
  // @ts-expect-error "events" is not a .global() table
  void insert("events", { kind: "click", x: 1 });
  // @ts-expect-error optional fields do not accept null
  void insert("users", { name: "Ada", email: null });
  // @ts-expect-error patch checks field types too
  void patch(userId, { name: 5 });

  // Union documents: each member is a complete shape.
  const click: Event = { _id: "" as Id<"events">, _creationTime: 0, kind: "click", x: 1 };
  // @ts-expect-error a click has no key
  const mixed: Event = { _id: "" as Id<"events">, _creationTime: 0, kind: "click", key: "a" };

  // --- builder misuse caught statically ----------------------------------------------------------
  // @ts-expect-error unknown index field
  defineTable({ a: v.string() }).index("by_b", ["b"]);
  // @ts-expect-error an index needs at least one field
  defineTable({ a: v.string() }).index("by_a", []);
  // @ts-expect-error optional only as an object field
  v.array(v.optional(v.string()));
  // @ts-expect-error record keys are strings
  v.record(v.number(), v.string());
  // @ts-expect-error literals are strings, numbers, booleans or bigints
  v.literal(null);
  defineTable(v.union(v.object({ a: v.string() }), v.object({ b: v.string() }))).index("by_b", ["b"]);
}
