// The value wire format (docs/internals/wire-formats.md, "Lunora JSON") from the JS side.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LunoraHyperdriveError } from "@lunora/hyperdrive";
import {
  decodeValue,
  decodeValueText,
  encodeValue,
  encodeValueText,
  InvalidValueError,
} from "../../js-shim/dist/values/wire.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Test-only reference: base64 of the 8 little-endian bytes the DataView writes. */
function le8(write) {
  const view = new DataView(new ArrayBuffer(8));
  write(view);
  return Buffer.from(view.buffer).toString("base64");
}
const int = (n) => ({ $integer: le8((d) => d.setBigInt64(0, n, true)) });
const float = (x) => ({ $float: le8((d) => d.setFloat64(0, x, true)) });
const bytes = (...b) => new Uint8Array(b).buffer;

function roundTrip(value, json) {
  const encoded = encodeValue(value);
  if (json !== undefined) assert.deepStrictEqual(encoded, json);
  const text = encodeValueText(value);
  assert.deepStrictEqual(JSON.parse(text), encoded);
  return { tree: decodeValue(encoded), text: decodeValueText(text) };
}

describe("encode and decode", () => {
  test("exact encodings", () => {
    assert.deepStrictEqual(encodeValue(0n), { $integer: "AAAAAAAAAAA=" });
    assert.deepStrictEqual(encodeValue(1n), { $integer: "AQAAAAAAAAA=" });
    assert.deepStrictEqual(encodeValue(-1n), { $integer: "//////////8=" });
    assert.deepStrictEqual(encodeValue(INT64_MIN), { $integer: "AAAAAAAAAIA=" });
    assert.deepStrictEqual(encodeValue(INT64_MAX), { $integer: "/////////38=" });
    assert.deepStrictEqual(encodeValue(-0), { $float: "AAAAAAAAAIA=" });
    assert.deepStrictEqual(encodeValue(Infinity), { $float: "AAAAAAAA8H8=" });
    assert.deepStrictEqual(encodeValue(-Infinity), { $float: "AAAAAAAA8P8=" });
    assert.deepStrictEqual(encodeValue(NaN), float(NaN));
    assert.deepStrictEqual(encodeValue(bytes(0, 255)), { $bytes: "AP8=" });
    assert.deepStrictEqual(encodeValue(new Uint8Array(0)), { $bytes: "" });
    assert.equal(encodeValueText({ a: 5, b: [true, null, "x"] }), '{"a":5,"b":[true,null,"x"]}');
    assert.equal(encodeValueText(2n ** 40n), '{"$integer":"AAAAAAABAAA="}');
  });

  test("scalars round-trip", () => {
    const cases = [
      [null, null], [true, true], [false, false], ["", ""], ["héllo ✓ 😀 \u0000 \n", "héllo ✓ 😀 \u0000 \n"],
      [0, 0], [5, 5], [-1.5, -1.5], [Number.MAX_VALUE, Number.MAX_VALUE], [Number.MIN_VALUE, Number.MIN_VALUE],
      [2 ** 53 + 2, 2 ** 53 + 2],
      [0n, int(0n)], [1n, int(1n)], [-1n, int(-1n)], [INT64_MIN, int(INT64_MIN)], [INT64_MAX, int(INT64_MAX)],
      [-0, float(-0)], [Infinity, float(Infinity)], [-Infinity, float(-Infinity)],
    ];
    for (const [value, json] of cases) {
      const { tree, text } = roundTrip(value, json);
      assert.ok(Object.is(tree, value), `${String(value)} -> ${String(tree)}`);
      assert.ok(Object.is(text, value), `${String(value)} -> ${String(text)}`);
    }
    const { tree, text } = roundTrip(NaN);
    assert.ok(Number.isNaN(tree) && Number.isNaN(text));
  });

  test("bytes round-trip to ArrayBuffer, from any view", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const sources = [
      [new ArrayBuffer(0), []],
      [bytes(0), [0]],
      [bytes(255), [255]],
      [bytes(0, 255, 0), [0, 255, 0]],
      [all, [...all]],
      [all.subarray(250, 253), [250, 251, 252]],
      [new Uint16Array([0xff00, 1]), [0x00, 0xff, 1, 0]],
      [new DataView(all.buffer, 1, 2), [1, 2]],
      [new Int8Array([-1, 0]), [255, 0]],
      [new Uint8Array(100_000).fill(255), new Array(100_000).fill(255)],
    ];
    for (const [source, expected] of sources) {
      const json = encodeValue(source);
      assert.equal(json.$bytes, Buffer.from(expected).toString("base64"));
      const { tree, text } = roundTrip(source);
      for (const decoded of [tree, text]) {
        assert.ok(decoded instanceof ArrayBuffer);
        assert.deepStrictEqual([...new Uint8Array(decoded)], expected);
      }
    }
    // Every length mod 3 and every byte value at every position of a group.
    for (let n = 0; n < 40; n++) {
      const source = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
      assert.equal(encodeValue(source).$bytes, Buffer.from(source).toString("base64"));
      assert.deepStrictEqual(new Uint8Array(decodeValue(encodeValue(source))), source);
    }
  });

  test("nested structures", () => {
    const value = {
      name: "Ada",
      empty: {},
      list: [],
      items: [{ qty: 2n, price: 9.5, when: -0 }, [null, [Infinity, "x"]], bytes(1, 2, 3)],
      deep: { a: { b: { c: { d: [INT64_MIN] } } } },
      "odd key": "ok",
      "": "empty key",
      __proto__: null,
    };
    const json = {
      name: "Ada",
      empty: {},
      list: [],
      items: [{ qty: int(2n), price: 9.5, when: float(-0) }, [null, [float(Infinity), "x"]], { $bytes: "AQID" }],
      deep: { a: { b: { c: { d: [int(INT64_MIN)] } } } },
      "odd key": "ok",
      "": "empty key",
    };
    const encoded = encodeValue(value);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(encoded)), json);
    const expected = { ...value, items: [{ qty: 2n, price: 9.5, when: -0 }, [null, [Infinity, "x"]], bytes(1, 2, 3)] };
    delete expected.__proto__;
    const { tree, text } = roundTrip(value);
    assert.deepStrictEqual(tree, expected);
    assert.deepStrictEqual(text, expected);
    assert.ok(Object.is(tree.items[0].when, -0));
  });

  test("undefined fields are dropped; keys keep their order", () => {
    assert.deepStrictEqual(encodeValue({ a: 1, b: undefined, c: { d: undefined }, e: 2 }), { a: 1, c: {}, e: 2 });
    assert.deepStrictEqual(Object.keys(encodeValue({ z: 1, a: undefined, y: 1n, b: 2 })), ["z", "y", "b"]);
  });

  test("a field named __proto__ stays a field", () => {
    const value = JSON.parse('{"__proto__": 7, "a": 1}'); // an own field, as JSON.parse makes it
    value.b = 1n; // forces a copy, which must not set the copy's prototype
    const encoded = encodeValue(value);
    assert.equal(Object.getPrototypeOf(encoded), Object.prototype);
    assert.deepStrictEqual(Object.keys(encoded), ["__proto__", "a", "b"]);
    assert.equal(Object.getOwnPropertyDescriptor(encoded, "__proto__").value, 7);
    const tagged = {};
    Object.defineProperty(tagged, "__proto__", { value: 1n, enumerable: true });
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(encodeValue(tagged), "__proto__").value, int(1n));
    const decoded = decodeValueText('{"a":1,"__proto__":{"$integer":"AQAAAAAAAAA="}}');
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(decoded, "__proto__").value, 1n);
  });

  test("plain JSON is not copied (copy-on-write)", () => {
    const doc = { a: 1, b: ["x", { c: true }], d: null };
    assert.equal(encodeValue(doc), doc);
    assert.equal(decodeValue(doc), doc);
    const mixed = { plain: { x: 1 }, big: 1n };
    const encoded = encodeValue(mixed);
    assert.equal(encoded.plain, mixed.plain);
    assert.deepStrictEqual(mixed, { plain: { x: 1 }, big: 1n }, "the input is not changed");
  });

  test("objects without a prototype are plain", () => {
    const value = Object.create(null);
    value.a = 1n;
    assert.deepStrictEqual(encodeValue(value), { a: int(1n) });
  });
});

/** Asserts that `fn` throws InvalidValueError with exactly `message` and `path`. */
function refused(fn, message, path) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof InvalidValueError, `not an InvalidValueError: ${e}`);
    assert.ok(e instanceof LunoraHyperdriveError);
    assert.equal(e.code, "INVALID_VALUE");
    assert.equal(e.name, "InvalidValueError");
    assert.equal(e.message, message);
    if (path !== undefined) assert.equal(e.path, path);
    return true;
  });
}

describe("refusals", () => {
  const NOT_PLAIN = "is not a Lunora value (objects must be plain objects, arrays, ArrayBuffers or ArrayBuffer views)";

  test("values that are not Lunora values, with their path", () => {
    refused(() => encodeValue({ items: [1, 2, { when: new Date(0) }] }), `Invalid value at .items[2].when: a Date ${NOT_PLAIN}`, ".items[2].when");
    refused(() => encodeValue(new Map()), `Invalid value: a Map ${NOT_PLAIN}`, "");
    refused(() => encodeValue([new Set()]), `Invalid value at [0]: a Set ${NOT_PLAIN}`);
    class Point {}
    refused(() => encodeValue({ p: new Point() }), `Invalid value at .p: a Point ${NOT_PLAIN}`);
    refused(() => encodeValue({ e: new Error("x") }), `Invalid value at .e: an Error ${NOT_PLAIN}`);
    refused(() => encodeValue({ p: Promise.resolve() }), `Invalid value at .p: a Promise ${NOT_PLAIN}`);
    refused(() => encodeValue({ f: () => 1 }), "Invalid value at .f: a function is not a Lunora value");
    refused(() => encodeValue({ a: { "b c": Symbol("s") } }), 'Invalid value at .a["b c"]: a symbol is not a Lunora value');
    refused(() => encodeValue(undefined), "Invalid value: undefined is not a Lunora value (an object field set to undefined is omitted; elsewhere use null)");
    refused(() => encodeValue({ list: [1, undefined] }), "Invalid value at .list[1]: undefined is not a Lunora value (an object field set to undefined is omitted; elsewhere use null)");
    // eslint-disable-next-line no-sparse-arrays
    refused(() => encodeValue([1, , 3]), "Invalid value at [1]: undefined is not a Lunora value (an object field set to undefined is omitted; elsewhere use null)");
    refused(() => encodeValue({ n: INT64_MAX + 1n }), "Invalid value at .n: bigint 9223372036854775808 is outside the int64 range", ".n");
    refused(() => encodeValue([INT64_MIN - 1n]), "Invalid value at [0]: bigint -9223372036854775809 is outside the int64 range");
    refused(() => encodeValue({ a: [{ $b: 1 }] }), 'Invalid value at .a[0].$b: field name "$b" starts with "$" (reserved for Lunora JSON tags)');
    refused(() => encodeValue({ $integer: "AAAAAAAAAAA=" }), 'Invalid value at .$integer: field name "$integer" starts with "$" (reserved for Lunora JSON tags)');
    refused(() => encodeValue({ s: "a\uD800b" }), "Invalid value at .s: string contains a lone surrogate (not valid UTF-8)");
    refused(() => encodeValue({ ["\uDC00"]: 1 }), 'Invalid value at ["\\udc00"]: field name contains a lone surrogate (not valid UTF-8)');
    const cyclic = { a: [] };
    cyclic.a.push(cyclic);
    assert.throws(() => encodeValue(cyclic), (e) => e instanceof InvalidValueError && /nested deeper than 1024 levels \(is the value cyclic\?\)$/.test(e.message));
  });

  test("malformed Lunora JSON", () => {
    refused(() => decodeValue({ a: { $integer: "AAAA" } }), "Invalid value at .a: $integer must be the base64 of exactly 8 bytes", ".a");
    refused(() => decodeValue({ $integer: 5 }), "Invalid value: $integer must be the base64 of exactly 8 bytes");
    refused(() => decodeValue({ $float: "AAAAAAAAAA!=" }), "Invalid value: $float must be the base64 of exactly 8 bytes");
    refused(() => decodeValue([{ $bytes: "AP8" }]), "Invalid value at [0]: $bytes must be a base64 string");
    refused(() => decodeValue({ $bytes: "AP9=" }), "Invalid value: $bytes must be a base64 string");
    refused(() => decodeValue({ $bytes: "A=P=" }), "Invalid value: $bytes must be a base64 string");
    refused(() => decodeValue({ $bytes: null }), "Invalid value: $bytes must be a base64 string");
    refused(() => decodeValue({ x: { $date: 1 } }), 'Invalid value at .x: unknown tag "$date" (field names may not start with "$")');
    refused(() => decodeValue({ $integer: "AAAAAAAAAAA=", extra: 1 }), 'Invalid value at .$integer: field name "$integer" starts with "$" (reserved for Lunora JSON tags)');
    refused(() => decodeValue({ n: NaN }), 'Invalid value at .n: NaN must be written as {"$float": ...}');
    refused(() => decodeValue({ u: undefined }), "Invalid value at .u: undefined is not Lunora JSON");
    refused(() => decodeValue([1n]), "Invalid value at [0]: a bigint is not Lunora JSON");
    refused(() => decodeValue({ d: new Date(0) }), "Invalid value at .d: a Date is not Lunora JSON");
    assert.throws(() => decodeValueText("{"), (e) => e instanceof InvalidValueError && /^Invalid value: not JSON text \(.+\)$/.test(e.message));
    refused(() => decodeValueText('{"a":{"$bytes":"?"}}'), "Invalid value at .a: $bytes must be a base64 string");
  });
});

describe("encodeValueText", () => {
  // encodeValueText writes documents directly and falls back to encodeValue for anything it
  // would refuse: its text and its errors must be exactly those of JSON.stringify(encodeValue()).
  test("writes what JSON.stringify(encodeValue(value)) writes, and refuses what it refuses", () => {
    let seed = 0x2545f491;
    const rand = (n) => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = (list) => list[rand(list.length)];
    const chars = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "€", "\u2028", "😀", "\uD83D", "\uDE00", "$", "/"];
    const string = () => {
      const long = rand(6) === 0;
      let out = long ? "x".repeat(60 + rand(10)) : "";
      for (let i = rand(long ? 4 : 8); i > 0; i--) out += pick(chars);
      return out;
    };
    const numbers = [0, -0, 1, -1, 0.5, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 2 ** 53, 123456.789];
    const bigints = [0n, -1n, 7n, INT64_MAX, INT64_MIN, INT64_MAX + 1n, INT64_MIN - 1n];
    const value = (depth) => {
      switch (rand(depth > 3 ? 6 : 9)) {
        case 0: return string();
        case 1: return pick(numbers);
        case 2: return pick(bigints);
        case 3: return pick([true, false, null]);
        case 4: return pick([new Uint8Array([1, 2, 250]), new Uint8Array(0).buffer, new DataView(new ArrayBuffer(3)), new Int16Array([-1, 2])]);
        case 5: return pick([undefined, new Date(0), () => 1, Symbol("s"), new Map(), null]);
        case 6: return Array.from({ length: rand(4) }, () => value(depth + 1));
        case 7: {
          const object = rand(5) === 0 ? Object.create(null) : {};
          for (let i = rand(4); i > 0; i--) object[pick(["a", "b c", "é", "__proto__", "$tag", "k\n", "\uDC00", string()])] = value(depth + 1);
          return object;
        }
        default: return pick([[1, , 3], { when: new Date(0) }, { f: undefined, g: 1 }, [undefined], { n: INT64_MAX + 1n }]);
      }
    };
    const outcome = (f) => {
      try {
        return { text: f() };
      } catch (error) {
        return { error: `${error.constructor.name}: ${error.message}` };
      }
    };
    let refusedCount = 0;
    for (let i = 0; i < 20000; i++) {
      const v = value(0);
      const expected = outcome(() => JSON.stringify(encodeValue(v)));
      assert.deepStrictEqual(outcome(() => encodeValueText(v)), expected);
      if (expected.error) refusedCount += 1;
    }
    assert.ok(refusedCount > 1000 && refusedCount < 19000, `refused ${refusedCount}`);
  });

  test("a cyclic value and a getter", () => {
    const cyclic = { a: [] };
    cyclic.a.push(cyclic);
    assert.throws(() => encodeValueText(cyclic), (e) => e instanceof InvalidValueError && /nested deeper than 1024 levels/.test(e.message));
    let reads = 0;
    const doc = Object.defineProperty({ b: 1 }, "a", { enumerable: true, get: () => `read ${++reads}` });
    assert.equal(encodeValueText(doc), '{"b":1,"a":"read 1"}');
    assert.equal(reads, 1);
  });
});
