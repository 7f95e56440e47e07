// Pure logic of the JS shim and the WASM core, from Node against the built package.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import {
  CoreError,
  createHyperdrive,
  DriverMismatchError,
  fromMysql2,
  fromNodePg,
  fromPostgresJs,
  HyperdriveBindingError,
} from "@lunora/hyperdrive";
import { buildD1Exec, buildDurableObjectSqlExec, coreVersion, createSqliteGlobalCtxDb, mysqlDialect, postgresDialect, sqliteDialect } from "@lunora/hyperdrive/global";
import { decodeRows, decodeTimestamp, decodeBytea, parseArrayLiteral, decoderFor } from "../../js-shim/dist/adapters/pg-values.js";
import { encodePgParams } from "../../js-shim/dist/adapters/pg-params.js";
import { redact, registerSecret } from "../../js-shim/dist/secrets.js";

describe("WASM core from Node", () => {
  test("dialects come from C++", () => {
    assert.equal(coreVersion(), "0.1.0");
    assert.equal(postgresDialect.name, "postgres");
    assert.equal(postgresDialect.placeholderStyle, "dollar");
    assert.equal(postgresDialect.capabilities.maxIdentifierBytes, 63);
    assert.equal(mysqlDialect.capabilities.floatNanInfinity, false);
    assert.equal(postgresDialect.quoteIdentifier("_creationTime"), '"_creationTime"');
    assert.equal(mysqlDialect.quoteIdentifier("orders"), "`orders`");
    assert.equal(postgresDialect.placeholder(3), "$3");
    assert.equal(mysqlDialect.placeholder(3), "?");
    assert.throws(() => postgresDialect.placeholder(0), RangeError);
    assert.equal(sqliteDialect.name, "sqlite");
    assert.equal(sqliteDialect.placeholder(3), "?");
    assert.equal(sqliteDialect.quoteIdentifier("orders"), '"orders"');
    assert.equal(sqliteDialect.capabilities.maxParamsPerStatement, 100);
    assert.equal(sqliteDialect.capabilities.maxColumnsPerTable, 100);
    assert.equal(sqliteDialect.capabilities.floatNanInfinity, false);
    assert.equal(sqliteDialect.capabilities.stringsHoldNul, true);
    assert.equal(postgresDialect.capabilities.updateReturnsOldRow, true);
    assert.equal(mysqlDialect.capabilities.updateReturnsOldRow, false);
    assert.equal(sqliteDialect.capabilities.updateReturnsOldRow, false);
  });

  test("hostile identifiers are refused with a typed error", () => {
    for (const name of ['a"; drop table x; --', "a`b", "", "x".repeat(64), "naïve", "a\u0000b"]) {
      assert.throws(() => postgresDialect.quoteIdentifier(name), (e) => e instanceof CoreError && e.code === "INVALID_IDENTIFIER", name);
    }
    assert.throws(() => mysqlDialect.quoteIdentifier("x".repeat(65)), /is 65 bytes; the limit is 64/);
  });
});

describe("Postgres value decoding", () => {
  test("timestamps: zones, fractions, BC, infinity", () => {
    assert.deepEqual(decodeTimestamp("2024-01-02 03:04:05.678+05:30", true), new Date("2024-01-01T21:34:05.678Z"));
    assert.deepEqual(decodeTimestamp("2024-01-02 03:04:05-08", true), new Date("2024-01-02T11:04:05Z"));
    assert.deepEqual(decodeTimestamp("2024-01-02 03:04:05.123456", false), new Date("2024-01-02T03:04:05.123Z"));
    assert.equal(decodeTimestamp("0044-03-15 00:00:00+00 BC", true).getUTCFullYear(), -43);
    assert.equal(decodeTimestamp("infinity", true), Infinity);
    assert.ok(Number.isNaN(decodeTimestamp("garbage", true).getTime()));
  });

  test("bytea in hex and escape formats", () => {
    assert.deepEqual(decodeBytea("\\x00ff10"), new Uint8Array([0, 255, 16]));
    assert.deepEqual(decodeBytea("a\\\\b\\001"), new Uint8Array([97, 92, 98, 1]));
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeBytea("\\x" + Buffer.from(every).toString("hex")), every);
    assert.deepEqual(decodeBytea("\\xABcd"), new Uint8Array([0xab, 0xcd]));
    assert.deepEqual(decodeBytea("\\x"), new Uint8Array([]));
  });

  test("raw cells may be text, a Buffer or plain UTF-8 bytes", () => {
    const columns = [{ name: "a", oid: 25 }, { name: "b", oid: 25 }, { name: "c", oid: 20 }, { name: "d", oid: 25 }];
    const text = "héllo 🌍";
    const rows = decodeRows(columns, [[text, Buffer.from(text), new TextEncoder().encode("-9223372036854775808"), null]]);
    assert.deepEqual(rows, [{ a: text, b: text, c: -9223372036854775808n, d: null }]);
  });

  test("array literals: quoting, escapes, NULL, nesting, dimensions", () => {
    const text = decoderFor(1009);
    assert.deepEqual(text('{"a\\\\b","c\\"d",NULL,"NULL",plain}'), ["a\\b", 'c"d', null, "NULL", "plain"]);
    assert.deepEqual(parseArrayLiteral("[0:1]={1,2}", Number), [1, 2]);
    assert.deepEqual(decoderFor(1007)("{{1,2},{3,4}}"), [[1, 2], [3, 4]]);
    assert.deepEqual(decoderFor(1016)("{}"), []);
    assert.throws(() => parseArrayLiteral("{1,2", Number), SyntaxError);
  });

  test("a column named __proto__ becomes an own property", () => {
    const [row] = decodeRows([{ name: "__proto__", oid: 25 }, { name: "x", oid: 23 }], [["evil", "1"]]);
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(row, "__proto__").value, "evil");
    assert.equal(row.x, 1);
  });
});

describe("Postgres parameter encoding", () => {
  test("every value becomes its text form", () => {
    assert.deepEqual(
      encodePgParams([null, undefined, "s", -0, NaN, -Infinity, 1.5, true, 2n ** 64n, new Uint8Array([1, 171]), new Date(0)]),
      [null, null, "s", "-0", "NaN", "-Infinity", "1.5", "true", "18446744073709551616", "\\x01ab", "1970-01-01T00:00:00.000Z"],
    );
    assert.deepEqual(encodePgParams([{ a: 1n, b: [null] }]), ['{"a":"1","b":[null]}']);
    assert.deepEqual(encodePgParams([["a,b", 'q"', "back\\slash", null, [1, 2]]]), ['{"a,b","q\\"","back\\\\slash",NULL,{"1","2"}}']);
  });

  test("values that cannot be sent are refused", () => {
    assert.throws(() => encodePgParams([Symbol("x")]), TypeError);
    assert.throws(() => encodePgParams([() => 1]), TypeError);
    assert.throws(() => encodePgParams([new Date(NaN)]), /invalid Date/);
    assert.throws(() => encodePgParams("not an array"), TypeError);
  });
});

describe("secrets", () => {
  test("URL credentials and registered passwords are masked", () => {
    assert.equal(redact("failed: postgres://bob:hunter22@db:5432/x"), "failed: postgres://bob:***@db:5432/x");
    registerSecret("p@ss w0rd!");
    assert.equal(redact("auth p@ss w0rd! and p%40ss%20w0rd!"), "auth *** and ***");
    registerSecret("ab"); // too short to mask safely; URL masking still applies
    assert.equal(redact("tab"), "tab");
  });

  test("createHyperdrive keeps the password out of inspect and JSON", () => {
    const hd = createHyperdrive({ connectionString: "mysql://app:s3cr3t-value@db.example:3307/shop" });
    assert.equal(hd.engine, "mysql");
    assert.equal(hd.port, 3307);
    assert.equal(hd.password, "s3cr3t-value");
    assert.equal(hd.connectionString, "mysql://app:s3cr3t-value@db.example:3307/shop");
    assert.ok(!inspect(hd).includes("s3cr3t"));
    assert.ok(!JSON.stringify(hd).includes("s3cr3t"));
    assert.equal(createHyperdrive({ connectionString: "postgresql://u:pppp@h/db" }).port, 5432);
    assert.equal(createHyperdrive({ connectionString: "mysql://u:pppp@h/db" }).port, 3306);
  });

  test("binding fields win over the URL (Hyperdrive's own host/port)", () => {
    const hd = createHyperdrive({ connectionString: "postgres://u:pw12@x.hyperdrive.local:5432/db", host: "x.hyperdrive.local", port: 5432, user: "u", password: "pw12", database: "db" });
    assert.deepEqual({ ...hd }, { host: "x.hyperdrive.local", port: 5432, user: "u", database: "db", engine: "postgres" });
  });

  test("bad bindings", () => {
    assert.throws(() => createHyperdrive(undefined), HyperdriveBindingError);
    assert.throws(() => createHyperdrive("postgres://x"), /expects a Hyperdrive binding object/);
    assert.throws(() => createHyperdrive({ connectionString: "" }), /has no connectionString/);
  });
});

describe("adapters refuse objects that are not their driver", () => {
  test("mismatches are typed errors", () => {
    assert.throws(() => fromPostgresJs({}), DriverMismatchError);
    assert.throws(() => fromNodePg(null), DriverMismatchError);
    assert.throws(() => fromMysql2({ execute() {} }), (e) => e.code === "DRIVER_MISMATCH");
    const client = fromMysql2({ query: async () => [[], []] });
    assert.equal(client.dialect, "mysql");
  });
});

test("SQLite execs refuse what is not a D1 binding or a Durable Object's storage", () => {
  for (const bad of [null, {}, { prepare() {} }, { sql: {} }]) {
    assert.throws(() => buildD1Exec(bad), (e) => e.code === "DRIVER_MISMATCH");
    assert.throws(() => buildDurableObjectSqlExec(bad), (e) => e.code === "DRIVER_MISMATCH");
    assert.throws(() => createSqliteGlobalCtxDb(bad, { schema: { tables: {} } }), (e) => e.code === "DRIVER_MISMATCH");
  }
});
