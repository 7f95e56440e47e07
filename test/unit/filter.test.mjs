// The query filter builder: the exact filter JSON of docs/internals/wire-formats.md ("Filter JSON").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LunoraHyperdriveError } from "@lunora/hyperdrive";
import {
  buildFilter,
  filterExpressionToJSON,
  InvalidFilterError,
} from "../../js-shim/dist/global/filter-builder.js";
import { InvalidValueError } from "../../js-shim/dist/values/wire.js";

// Test-only references for int64 / float64 literals (8 bytes, little-endian, base64).
const int = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return { $integer: b.toString("base64") };
};
const float = (x) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return { $float: b.toString("base64") };
};
const field = (path) => ({ field: path });
const lit = (json) => ({ literal: json });
const UNDEF = { undefined: true };

function refused(fn, ErrorClass, message) {
  assert.throws(
    () => buildFilter(fn),
    (e) => {
      assert.ok(e instanceof ErrorClass, `${e?.constructor?.name}: ${e?.message}`);
      assert.ok(e instanceof LunoraHyperdriveError);
      if (message !== undefined) assert.equal(e.message, message);
      return true;
    },
  );
}

describe("filter builder JSON", () => {
  test("q.field", () => {
    assert.deepStrictEqual(buildFilter((q) => q.field("done")), field("done"));
    assert.deepStrictEqual(buildFilter((q) => q.field("a.b.c")), field("a.b.c"));
    assert.deepStrictEqual(buildFilter((q) => q.field("_creationTime")), field("_creationTime"));
  });

  for (const op of ["eq", "neq", "lt", "lte", "gt", "gte"]) {
    test(`q.${op}`, () => {
      assert.deepStrictEqual(buildFilter((q) => q[op](q.field("n"), 5)), { op, args: [field("n"), lit(5)] });
      assert.deepStrictEqual(buildFilter((q) => q[op]("x", q.field("s"))), { op, args: [lit("x"), field("s")] });
      assert.deepStrictEqual(buildFilter((q) => q[op](q.field("a"), q.field("b.c"))), {
        op,
        args: [field("a"), field("b.c")],
      });
    });
  }

  for (const op of ["add", "sub", "mul", "div", "mod"]) {
    test(`q.${op}`, () => {
      assert.deepStrictEqual(buildFilter((q) => q.eq(q[op](q.field("n"), 2n), 10n)), {
        op: "eq",
        args: [{ op, args: [field("n"), lit(int(2n))] }, lit(int(10n))],
      });
      assert.deepStrictEqual(buildFilter((q) => q.gt(q[op](1.5, q.field("x")), 0)), {
        op: "gt",
        args: [{ op, args: [lit(1.5), field("x")] }, lit(0)],
      });
    });
  }

  test("q.neg", () => {
    assert.deepStrictEqual(buildFilter((q) => q.lt(q.neg(q.field("n")), -1)), {
      op: "lt",
      args: [{ op: "neg", args: [field("n")] }, lit(-1)],
    });
    assert.deepStrictEqual(buildFilter((q) => q.eq(q.neg(7n), q.field("n"))), {
      op: "eq",
      args: [{ op: "neg", args: [lit(int(7n))] }, field("n")],
    });
  });

  test("q.and / q.or take one or more operands, q.not one", () => {
    assert.deepStrictEqual(buildFilter((q) => q.and(q.field("a"))), { op: "and", args: [field("a")] });
    assert.deepStrictEqual(
      buildFilter((q) => q.and(q.eq(q.field("a"), 1), q.neq(q.field("b"), null), true)),
      {
        op: "and",
        args: [
          { op: "eq", args: [field("a"), lit(1)] },
          { op: "neq", args: [field("b"), lit(null)] },
          lit(true),
        ],
      },
    );
    assert.deepStrictEqual(buildFilter((q) => q.or(q.field("x"), false)), { op: "or", args: [field("x"), lit(false)] });
    assert.deepStrictEqual(buildFilter((q) => q.not(q.or(q.field("x"), q.field("y")))), {
      op: "not",
      args: [{ op: "or", args: [field("x"), field("y")] }],
    });
  });

  test("a plain value returned by the function is a literal", () => {
    assert.deepStrictEqual(buildFilter(() => true), lit(true));
    assert.deepStrictEqual(buildFilter(() => false), lit(false));
  });
});

describe("filter literals", () => {
  test("are Lunora JSON: bigint, bytes, -0, NaN, Infinity survive", () => {
    const eqLit = (value) => buildFilter((q) => q.eq(q.field("v"), value)).args[1];
    assert.deepStrictEqual(eqLit(2n ** 63n - 1n), lit(int(2n ** 63n - 1n)));
    assert.deepStrictEqual(eqLit(-1n), lit(int(-1n)));
    assert.deepStrictEqual(eqLit(new Uint8Array([1, 2, 3]).buffer), lit({ $bytes: "AQID" }));
    assert.deepStrictEqual(eqLit(new Uint8Array([255])), lit({ $bytes: "/w==" }));
    assert.deepStrictEqual(eqLit(-0), lit(float(-0)));
    assert.deepStrictEqual(eqLit(NaN), lit(float(NaN)));
    assert.deepStrictEqual(eqLit(-Infinity), lit(float(-Infinity)));
    assert.deepStrictEqual(eqLit(0), lit(0));
    assert.deepStrictEqual(eqLit("é"), lit("é"));
    assert.deepStrictEqual(eqLit(null), lit(null));
    assert.deepStrictEqual(eqLit([1n, "x", [true]]), lit([int(1n), "x", [true]]));
    assert.deepStrictEqual(eqLit({ b: 1n, a: { c: null }, gone: undefined }), lit({ b: int(1n), a: { c: null } }));
  });

  test("a plain object shaped like an expression is a literal object", () => {
    assert.deepStrictEqual(buildFilter((q) => q.eq(q.field("v"), { field: "a" })), {
      op: "eq",
      args: [field("v"), lit({ field: "a" })],
    });
    assert.deepStrictEqual(buildFilter((q) => q.eq(q.field("v"), { op: "eq", args: [] })), {
      op: "eq",
      args: [field("v"), lit({ op: "eq", args: [] })],
    });
  });

  test("undefined is the missing value in comparisons", () => {
    for (const op of ["eq", "neq", "lt", "lte", "gt", "gte"]) {
      assert.deepStrictEqual(buildFilter((q) => q[op](q.field("x"), undefined)), { op, args: [field("x"), UNDEF] });
      assert.deepStrictEqual(buildFilter((q) => q[op](undefined, q.field("x"))), { op, args: [UNDEF, field("x")] });
    }
  });

  test("values that are not Lunora values are refused with InvalidValueError", () => {
    refused((q) => q.eq(q.field("x"), new Date(0)), InvalidValueError);
    refused((q) => q.eq(q.field("x"), 2n ** 64n), InvalidValueError);
    refused((q) => q.eq(q.field("x"), { $tag: 1 }), InvalidValueError);
    refused((q) => q.eq(q.field("x"), [q.field("y")]), InvalidValueError);
    refused((q) => q.eq(q.field("x"), () => 1), InvalidValueError);
    refused((q) => q.eq(q.field("x"), [undefined]), InvalidValueError);
  });
});

describe("filter builder errors", () => {
  test("undefined outside a comparison", () => {
    const tail = "undefined is only allowed in a comparison (q.eq(q.field(\"x\"), undefined) matches documents without the field)";
    refused((q) => q.add(q.field("x"), undefined), InvalidFilterError, `q.add(): argument 2 is undefined; ${tail}`);
    refused((q) => q.neg(undefined), InvalidFilterError, `q.neg(): argument 1 is undefined; ${tail}`);
    refused((q) => q.and(true, undefined), InvalidFilterError, `q.and(): argument 2 is undefined; ${tail}`);
    refused((q) => q.not(undefined), InvalidFilterError, `q.not(): argument 1 is undefined; ${tail}`);
  });

  test("argument counts", () => {
    refused((q) => q.eq(q.field("x")), InvalidFilterError, "q.eq() takes 2 arguments, got 1");
    refused((q) => q.lt(1, 2, 3), InvalidFilterError, "q.lt() takes 2 arguments, got 3");
    refused((q) => q.and(), InvalidFilterError, "q.and() takes at least 1 argument, got 0");
    refused((q) => q.or(), InvalidFilterError, "q.or() takes at least 1 argument, got 0");
    refused((q) => q.not(true, false), InvalidFilterError, "q.not() takes 1 argument, got 2");
    refused((q) => q.neg(), InvalidFilterError, "q.neg() takes 1 argument, got 0");
    refused((q) => q.field(), InvalidFilterError, "q.field() takes 1 argument, got 0");
  });

  test("field paths", () => {
    refused((q) => q.field(1), InvalidFilterError, "q.field() takes a field path string, got number");
    refused((q) => q.field(null), InvalidFilterError, "q.field() takes a field path string, got null");
    for (const path of ["", "a..b", ".a", "a."]) {
      refused(
        (q) => q.field(path),
        InvalidFilterError,
        `q.field(${JSON.stringify(path)}): a field path is a dot-separated list of non-empty field names`,
      );
    }
  });

  test("the function and its result", () => {
    refused(
      () => undefined,
      InvalidFilterError,
      "the filter function returned undefined; it must return an expression such as q.eq(q.field(\"name\"), \"ada\")",
    );
    assert.throws(() => buildFilter("x"), InvalidFilterError);
    const e = (() => {
      try {
        buildFilter((q) => q.and());
      } catch (err) {
        return err;
      }
    })();
    assert.equal(e.code, "INVALID_FILTER");
  });
});

describe("filter expressions", () => {
  test("are opaque and reusable", () => {
    let kept;
    buildFilter((q) => (kept = q.eq(q.field("a"), 1)));
    assert.deepStrictEqual(Object.keys(kept), []);
    assert.equal(JSON.stringify(kept), "{}");
    assert.deepStrictEqual(filterExpressionToJSON(kept), { op: "eq", args: [field("a"), lit(1)] });
    assert.deepStrictEqual(buildFilter((q) => q.not(kept)), { op: "not", args: [{ op: "eq", args: [field("a"), lit(1)] }] });
    assert.throws(() => filterExpressionToJSON({ op: "eq", args: [] }), InvalidFilterError);
  });

  test("the builder is frozen", () => {
    buildFilter((q) => {
      assert.ok(Object.isFrozen(q));
      return true;
    });
  });
});
