// Convex-compatible validators (`v.string()`, `v.object({...})`, ...). Each one carries its
// static type (`Infer<typeof validator>`) and, eagerly built and frozen, its schema JSON form
// (docs/internals/wire-formats.md), which is all the core ever sees of it.
import { encodeValue } from "../values/wire.js";
import { InvalidValueError } from "../values/errors.js";
import { SchemaDefinitionError } from "./errors.js";
import { checkName, describe } from "./names.js";

/** A document id of `TableName`: a string at runtime, branded so ids of tables do not mix. */
export type Id<TableName extends string> = string & { readonly __tableName: TableName };

export type OptionalProperty = "required" | "optional";

export type ValidatorJSON =
  | { readonly kind: "string" | "float64" | "int64" | "boolean" | "null" | "bytes" | "any" }
  | { readonly kind: "id"; readonly table: string }
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "array"; readonly items: ValidatorJSON }
  | { readonly kind: "object"; readonly fields: { readonly [field: string]: ValidatorJSON } }
  | { readonly kind: "record"; readonly keys: ValidatorJSON; readonly values: ValidatorJSON }
  | { readonly kind: "union"; readonly members: readonly ValidatorJSON[] }
  | { readonly kind: "optional"; readonly value: ValidatorJSON };

export type ValidatorKind = ValidatorJSON["kind"];

/**
 * A validator. `Type` is the TypeScript type of the values it accepts; `IsOptional` is
 * "optional" only for `v.optional(...)`, which may stand only as an object field.
 */
export class Validator<Type = unknown, IsOptional extends OptionalProperty = OptionalProperty, Kind extends ValidatorKind = ValidatorKind> {
  /** Phantom, for types only: never set at runtime. */
  declare readonly type: Type;
  readonly kind: Kind;
  readonly isOptional: IsOptional;
  /** The schema JSON form (frozen). */
  readonly json: ValidatorJSON;

  /** @internal use the `v` builders */
  constructor(json: ValidatorJSON, isOptional: IsOptional) {
    this.kind = json.kind as Kind;
    this.isOptional = isOptional;
    this.json = Object.freeze(json);
  }

  toJSON(): ValidatorJSON {
    return this.json;
  }
}

export type GenericValidator = Validator<any, OptionalProperty, ValidatorKind>;
export type RequiredValidator = Validator<any, "required", ValidatorKind>;
export type PropertyValidators = Record<string, GenericValidator>;

export type VString = Validator<string, "required", "string">;
export type VFloat64 = Validator<number, "required", "float64">;
export type VInt64 = Validator<bigint, "required", "int64">;
export type VBoolean = Validator<boolean, "required", "boolean">;
export type VNull = Validator<null, "required", "null">;
export type VBytes = Validator<ArrayBuffer, "required", "bytes">;
export type VAny = Validator<any, "required", "any">;
export type VId<TableName extends string> = Validator<Id<TableName>, "required", "id"> & { readonly tableName: TableName };
export type VLiteral<T extends LiteralValue> = Validator<T, "required", "literal"> & { readonly value: T };
export type VArray<Element extends RequiredValidator> = Validator<Infer<Element>[], "required", "array"> & {
  readonly element: Element;
};
export type VRecord<Key extends RequiredValidator, Value extends RequiredValidator> = Validator<
  Record<Infer<Key>, Infer<Value>>,
  "required",
  "record"
> & { readonly key: Key; readonly value: Value };
export type VObject<Fields extends PropertyValidators> = Validator<ObjectType<Fields>, "required", "object"> & {
  readonly fields: Fields;
};
export type VUnion<Members extends readonly RequiredValidator[]> = Validator<Infer<Members[number]>, "required", "union"> & {
  readonly members: Members;
};
export type VOptional<Inner extends RequiredValidator> = Validator<Infer<Inner> | undefined, "optional", "optional"> & {
  readonly value: Inner;
};

export type LiteralValue = string | number | bigint | boolean;

/** The TypeScript type of the values `V` accepts. */
export type Infer<V extends GenericValidator> = V["type"];

/** Flattens an intersection into one object type (for readable hovers), per union member. */
export type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

type OptionalKeys<Fields extends PropertyValidators> = {
  [K in keyof Fields]: Fields[K]["isOptional"] extends "optional" ? K : never;
}[keyof Fields];
type RequiredKeys<Fields extends PropertyValidators> = Exclude<keyof Fields, OptionalKeys<Fields>>;

/** The object type of `v.object(Fields)`: `v.optional` fields become optional properties. */
export type ObjectType<Fields extends PropertyValidators> = Expand<
  { [K in RequiredKeys<Fields>]: Infer<Fields[K]> } & { [K in OptionalKeys<Fields>]?: Infer<Fields[K]> }
>;

const MAX_OBJECT_FIELDS = 1024;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function isValidator(value: unknown): value is GenericValidator {
  return value instanceof Validator;
}

/** `value` must be a validator, and not `v.optional(...)` (only object fields may be optional). */
function required<V>(where: string, position: string, value: V): V & RequiredValidator {
  if (!(value instanceof Validator)) {
    const hint = typeof value === "function" ? " (did you forget to call it, as in v.string()?)" : "";
    throw new SchemaDefinitionError(`${where}: ${position} must be a validator, got ${describe(value)}${hint}`);
  }
  if (value.isOptional === "optional") {
    throw new SchemaDefinitionError(`${where}: ${position} is v.optional(...), which is only allowed as an object field`);
  }
  return value as V & RequiredValidator;
}

function simple<V extends Validator<any, "required", any>>(kind: ValidatorKind): V {
  return Object.freeze(new Validator({ kind } as ValidatorJSON, "required")) as V;
}

function withParts<V>(json: ValidatorJSON, isOptional: OptionalProperty, parts: object): V {
  return Object.freeze(Object.assign(new Validator(json, isOptional), parts)) as V;
}

function literal<T extends LiteralValue>(value: T): VLiteral<T> {
  const where = "v.literal()";
  const ok =
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX);
  if (!ok) {
    throw new SchemaDefinitionError(
      `${where}: expected a string, a finite number, a boolean or an int64 bigint, got ${describe(value)}`,
    );
  }
  let json: unknown;
  try {
    json = encodeValue(value);
  } catch (e) {
    if (e instanceof InvalidValueError) throw new SchemaDefinitionError(`${where}: ${e.message}`);
    throw e;
  }
  return withParts({ kind: "literal", value: json }, "required", { value });
}

function object<Fields extends PropertyValidators>(fields: Fields): VObject<Fields> {
  const where = "v.object()";
  if (fields === null || typeof fields !== "object" || Array.isArray(fields) || fields instanceof Validator) {
    throw new SchemaDefinitionError(`${where}: expected an object of field validators, got ${describe(fields)}`);
  }
  const names = Object.keys(fields);
  if (names.length > MAX_OBJECT_FIELDS) {
    throw new SchemaDefinitionError(`${where}: ${names.length} fields; the limit is ${MAX_OBJECT_FIELDS}`);
  }
  const json: Record<string, ValidatorJSON> = {};
  for (const name of names) {
    if (name.startsWith("$")) {
      throw new SchemaDefinitionError(`${where}: field name ${JSON.stringify(name)} may not start with "$"`);
    }
    const field: unknown = fields[name];
    if (!(field instanceof Validator)) required(where, `field ${JSON.stringify(name)}`, field);
    Object.defineProperty(json, name, { value: (field as GenericValidator).json, enumerable: true });
  }
  return withParts({ kind: "object", fields: Object.freeze(json) }, "required", { fields: Object.freeze({ ...fields }) });
}

function union<Members extends RequiredValidator[]>(...members: Members): VUnion<Members> {
  const where = "v.union()";
  if (members.length === 0) throw new SchemaDefinitionError(`${where}: needs at least one member`);
  members.forEach((member, i) => required(where, `member ${i}`, member));
  return withParts(
    { kind: "union", members: Object.freeze(members.map((m) => m.json)) },
    "required",
    { members: Object.freeze([...members]) },
  );
}

/** Record keys are strings: v.string(), v.id(...), string literals, or unions of those. */
function isStringValidator(json: ValidatorJSON): boolean {
  switch (json.kind) {
    case "string":
    case "id":
      return true;
    case "literal":
      return typeof json.value === "string";
    case "union":
      return json.members.every(isStringValidator);
    default:
      return false;
  }
}

/** Convex-compatible validator builders. */
export const v = Object.freeze({
  string: (): VString => simple("string"),
  number: (): VFloat64 => simple("float64"),
  float64: (): VFloat64 => simple("float64"),
  int64: (): VInt64 => simple("int64"),
  boolean: (): VBoolean => simple("boolean"),
  null: (): VNull => simple("null"),
  bytes: (): VBytes => simple("bytes"),
  any: (): VAny => simple("any"),

  id<TableName extends string>(tableName: TableName): VId<TableName> {
    checkName("v.id()", "table name", tableName);
    return withParts({ kind: "id", table: tableName }, "required", { tableName });
  },

  literal,

  array<Element extends RequiredValidator>(element: Element): VArray<Element> {
    required("v.array()", "the element", element);
    return withParts({ kind: "array", items: element.json }, "required", { element });
  },

  object,

  record<Key extends Validator<string, "required", any>, Value extends RequiredValidator>(
    key: Key,
    value: Value,
  ): VRecord<Key, Value> {
    const where = "v.record()";
    required(where, "the key", key);
    required(where, "the value", value);
    if (!isStringValidator(key.json)) {
      throw new SchemaDefinitionError(
        `${where}: keys must be v.string(), v.id(...), string literals or a union of those, got kind "${key.kind}"`,
      );
    }
    return withParts({ kind: "record", keys: key.json, values: value.json }, "required", { key, value });
  },

  union,

  optional<Inner extends RequiredValidator>(inner: Inner): VOptional<Inner> {
    required("v.optional()", "the argument", inner);
    return withParts({ kind: "optional", value: inner.json }, "optional", { value: inner });
  },

  nullable<Inner extends RequiredValidator>(inner: Inner): VUnion<[Inner, VNull]> {
    required("v.nullable()", "the argument", inner);
    return union(inner, simple<VNull>("null"));
  },
});
