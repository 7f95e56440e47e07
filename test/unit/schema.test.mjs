// @lunora/hyperdrive/schema at runtime: the exact schema JSON and the builders' errors.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LunoraHyperdriveError } from "@lunora/hyperdrive";
import {
  defineSchema,
  defineTable,
  isValidator,
  schemaToJson,
  SchemaDefinitionError,
  v,
} from "@lunora/hyperdrive/schema";

describe("schema JSON", () => {
  test("every builder serialises exactly as docs/internals/wire-formats.md says", () => {
    const schema = defineSchema({
      orders: defineTable({
        customer: v.id("users"),
        total: v.number(),
        weight: v.float64(),
        quantity: v.int64(),
        paid: v.boolean(),
        nothing: v.null(),
        receipt: v.bytes(),
        anything: v.any(),
        name: v.string(),
        kind: v.literal("retail"),
        rank: v.literal(3),
        flag: v.literal(false),
        big: v.literal(-(2n ** 63n)),
        negativeZero: v.literal(-0),
        tags: v.array(v.string()),
        address: v.object({ city: v.string(), zip: v.optional(v.string()) }),
        counts: v.record(v.string(), v.int64()),
        status: v.union(v.literal("open"), v.literal("shipped")),
        note: v.optional(v.string()),
        parent: v.nullable(v.id("orders")),
      })
        .index("by_customer", ["customer"])
        .index("by_status_total", ["status", "total"])
        .global(),
      users: defineTable(v.object({ name: v.string() })),
      events: defineTable(v.union(v.object({ a: v.string() }), v.object({ b: v.int64() }))).index("by_b", ["b"]).global(),
    });
    const expected = {
      tables: {
        orders: {
          global: true,
          document: {
            kind: "object",
            fields: {
              customer: { kind: "id", table: "users" },
              total: { kind: "float64" },
              weight: { kind: "float64" },
              quantity: { kind: "int64" },
              paid: { kind: "boolean" },
              nothing: { kind: "null" },
              receipt: { kind: "bytes" },
              anything: { kind: "any" },
              name: { kind: "string" },
              kind: { kind: "literal", value: "retail" },
              rank: { kind: "literal", value: 3 },
              flag: { kind: "literal", value: false },
              big: { kind: "literal", value: { $integer: "AAAAAAAAAIA=" } },
              negativeZero: { kind: "literal", value: { $float: "AAAAAAAAAIA=" } },
              tags: { kind: "array", items: { kind: "string" } },
              address: {
                kind: "object",
                fields: { city: { kind: "string" }, zip: { kind: "optional", value: { kind: "string" } } },
              },
              counts: { kind: "record", keys: { kind: "string" }, values: { kind: "int64" } },
              status: {
                kind: "union",
                members: [
                  { kind: "literal", value: "open" },
                  { kind: "literal", value: "shipped" },
                ],
              },
              note: { kind: "optional", value: { kind: "string" } },
              parent: { kind: "union", members: [{ kind: "id", table: "orders" }, { kind: "null" }] },
            },
          },
          indexes: [
            { name: "by_customer", fields: ["customer"] },
            { name: "by_status_total", fields: ["status", "total"] },
          ],
        },
        users: {
          global: false,
          document: { kind: "object", fields: { name: { kind: "string" } } },
          indexes: [],
        },
        events: {
          global: true,
          document: {
            kind: "union",
            members: [
              { kind: "object", fields: { a: { kind: "string" } } },
              { kind: "object", fields: { b: { kind: "int64" } } },
            ],
          },
          indexes: [{ name: "by_b", fields: ["b"] }],
        },
      },
    };
    const json = schemaToJson(schema);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(json)), expected);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(schema)), expected);
    // Field and table order is declaration order.
    assert.deepStrictEqual(Object.keys(json.tables), ["orders", "users", "events"]);
    assert.deepStrictEqual(Object.keys(json.tables.orders.document.fields).slice(0, 3), ["customer", "total", "weight"]);
    assert.equal(
      JSON.stringify(defineSchema({ t: defineTable({ a: v.string() }).global() })),
      '{"tables":{"t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"}}},"indexes":[]}}}',
    );
  });

  test("validators expose kind, isOptional and frozen JSON", () => {
    const note = v.optional(v.string());
    assert.equal(note.kind, "optional");
    assert.equal(note.isOptional, "optional");
    assert.equal(v.string().isOptional, "required");
    assert.equal(v.number().kind, "float64");
    assert.ok(isValidator(note) && !isValidator({ kind: "string" }));
    assert.ok(Object.isFrozen(note.json) && Object.isFrozen(v.object({ a: v.string() }).json.fields));
    assert.deepStrictEqual(JSON.parse(JSON.stringify(v.array(v.bytes()))), { kind: "array", items: { kind: "bytes" } });
  });

  test("a table is changed in place by .index() and .global(), as in Convex", () => {
    const table = defineTable({ a: v.string() });
    assert.equal(table.isGlobal, false);
    table.index("by_a", ["a"]);
    table.global();
    assert.equal(table.isGlobal, true);
    assert.deepStrictEqual(table.indexes, [{ name: "by_a", fields: ["a"] }]);
    assert.equal(table.validator.kind, "object");
  });

  test("record keys may be ids, string literals and unions of them", () => {
    for (const key of [v.id("users"), v.literal("a"), v.union(v.literal("a"), v.string())]) {
      assert.equal(v.record(key, v.any()).kind, "record");
    }
  });
});

/** Asserts that `fn` throws SchemaDefinitionError with exactly `message`. */
function throwsSchema(fn, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof SchemaDefinitionError, `not a SchemaDefinitionError: ${e}`);
    assert.ok(e instanceof LunoraHyperdriveError);
    assert.equal(e.code, "SCHEMA_DEFINITION");
    assert.equal(e.name, "SchemaDefinitionError");
    assert.equal(e.message, message);
    return true;
  });
}

describe("builder misuse is refused eagerly", () => {
  test("literals", () => {
    throwsSchema(() => v.literal(NaN), "v.literal(): expected a string, a finite number, a boolean or an int64 bigint, got NaN");
    throwsSchema(() => v.literal(Infinity), "v.literal(): expected a string, a finite number, a boolean or an int64 bigint, got Infinity");
    throwsSchema(() => v.literal(2n ** 63n), "v.literal(): expected a string, a finite number, a boolean or an int64 bigint, got 9223372036854775808n");
    throwsSchema(() => v.literal(null), "v.literal(): expected a string, a finite number, a boolean or an int64 bigint, got null");
    throwsSchema(() => v.literal({}), "v.literal(): expected a string, a finite number, a boolean or an int64 bigint, got an object");
    throwsSchema(() => v.literal("\uD800"), "v.literal(): Invalid value: string contains a lone surrogate (not valid UTF-8)");
  });

  test("v.optional only as an object field", () => {
    const optional = v.optional(v.string());
    throwsSchema(() => v.array(optional), "v.array(): the element is v.optional(...), which is only allowed as an object field");
    throwsSchema(() => v.union(v.null(), optional), "v.union(): member 1 is v.optional(...), which is only allowed as an object field");
    throwsSchema(() => v.record(v.string(), optional), "v.record(): the value is v.optional(...), which is only allowed as an object field");
    throwsSchema(() => v.optional(optional), "v.optional(): the argument is v.optional(...), which is only allowed as an object field");
    throwsSchema(() => v.nullable(optional), "v.nullable(): the argument is v.optional(...), which is only allowed as an object field");
    throwsSchema(() => defineTable(optional), 'defineTable(): expected an object of field validators, a v.object(...) or a v.union(...) of v.object(...), got a validator of kind "optional"');
    assert.equal(v.object({ a: optional }).fields.a, optional);
  });

  test("arguments that are not validators", () => {
    throwsSchema(() => v.array(v.string), "v.array(): the element must be a validator, got a function (did you forget to call it, as in v.string()?)");
    throwsSchema(() => v.object({ a: "string" }), 'v.object(): field "a" must be a validator, got "string"');
    throwsSchema(() => v.object(v.string()), "v.object(): expected an object of field validators, got a Validator");
    throwsSchema(() => v.object({ $a: v.string() }), 'v.object(): field name "$a" may not start with "$"');
    throwsSchema(() => v.union(), "v.union(): needs at least one member");
    throwsSchema(() => v.union(v.string(), 5), "v.union(): member 1 must be a validator, got 5");
    throwsSchema(() => v.record(v.number(), v.string()), 'v.record(): keys must be v.string(), v.id(...), string literals or a union of those, got kind "float64"');
    throwsSchema(() => v.record(v.literal(1), v.string()), 'v.record(): keys must be v.string(), v.id(...), string literals or a union of those, got kind "literal"');
    throwsSchema(() => v.id("bad name"), 'v.id(): table name "bad name" is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)');
    throwsSchema(() => v.id(), "v.id(): table name undefined is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)");
  });

  test("tables", () => {
    throwsSchema(() => defineTable(v.string()), 'defineTable(): expected an object of field validators, a v.object(...) or a v.union(...) of v.object(...), got a validator of kind "string"');
    throwsSchema(() => defineTable(v.union(v.object({}), v.string())), 'defineTable(): expected an object of field validators, a v.object(...) or a v.union(...) of v.object(...), got a validator of kind "union"');
    throwsSchema(() => defineTable({ _id: v.string() }), 'defineTable(): field "_id" may not start with "_" (reserved for system fields)');
    throwsSchema(() => defineTable({ a: 1 }), 'v.object(): field "a" must be a validator, got 1');
  });

  test("indexes", () => {
    const table = () => defineTable({ a: v.string(), b: v.number() });
    throwsSchema(() => table().index("by_a", ["a"]).index("by_a", ["b"]), '.index("by_a"): this table already has an index named "by_a"');
    throwsSchema(() => table().index("by_c", ["c"]), '.index("by_c"): unknown field "c" (the table\'s fields: a, b)');
    throwsSchema(() => table().index("by_a", []), '.index("by_a"): fields must be a non-empty array of field names, got an array');
    throwsSchema(() => table().index("by_a", "a"), '.index("by_a"): fields must be a non-empty array of field names, got "a"');
    throwsSchema(() => table().index("by_aa", ["a", "a"]), '.index("by_aa"): field "a" is listed twice');
    throwsSchema(() => table().index("by_time", ["_creationTime"]), '.index("by_time"): "_creationTime" is appended to every index implicitly; leave it out');
    throwsSchema(() => table().index("by_nested", ["a.b"]), '.index("by_nested"): nested field paths ("a.b") are not supported yet; index top-level fields');
    throwsSchema(() => table().index("by_id", ["a"]), '.index("by_id"): "by_id" is reserved for a built-in index');
    throwsSchema(() => table().index("1st", ["a"]), '.index("1st"): index name "1st" is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)');
    throwsSchema(() => table().index("x".repeat(65), ["a"]), `.index("${"x".repeat(65)}"): index name "${"x".repeat(65)}" is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)`);
    throwsSchema(() => table().index("by_1", [1]), '.index("by_1"): field 0 is 1, not a field name');
    throwsSchema(() => table().index("wide", Array.from({ length: 17 }, () => "a")), '.index("wide"): 17 fields; an index may have at most 16');
    const many = table();
    for (let i = 0; i < 32; i++) many.index(`i${i}`, ["a"]);
    throwsSchema(() => many.index("i32", ["a"]), '.index("i32"): a table may have at most 32 indexes');
  });

  test("schemas", () => {
    throwsSchema(() => defineSchema({ "bad-name": defineTable({}) }), 'defineSchema(): table name "bad-name" is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)');
    throwsSchema(() => defineSchema({ _users: defineTable({}) }), 'defineSchema(): table name "_users" is not valid (use [A-Za-z][A-Za-z0-9_]*, at most 64 characters)');
    throwsSchema(() => defineSchema({ users: v.object({}) }), 'defineSchema(): table "users" must be defineTable(...), got a Validator');
    throwsSchema(() => defineSchema([]), "defineSchema(): expected an object of tables, got an array");
    throwsSchema(() => schemaToJson({ tables: {} }), "schemaToJson(): expected defineSchema(...), got an object");
  });
});
