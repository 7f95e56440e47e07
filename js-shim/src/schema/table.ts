// defineTable(fields).index(name, fields).global(): one table of a schema.
import { SchemaDefinitionError } from "./errors.js";
import { checkName, describe } from "./names.js";
import { isValidator, v } from "./validators.js";
import type { Expand, GenericValidator, PropertyValidators, RequiredValidator, ValidatorJSON, VObject, VUnion } from "./validators.js";

const MAX_INDEXES = 32;
const MAX_INDEX_FIELDS = 16;
// Convex's built-in indexes; every index also ends in these two fields implicitly.
const RESERVED_INDEX_NAMES = new Set(["by_id", "by_creation_time"]);
const SYSTEM_FIELDS = new Set(["_id", "_creationTime"]);

/** What a table's documents may be: one object validator, or a union of them. */
export type DocumentValidator = VObject<PropertyValidators> | VUnion<VObject<PropertyValidators>[]>;

/** The top-level field names of a document validator (of every member, for a union). */
export type FieldNames<D extends DocumentValidator> = D extends VUnion<infer Members>
  ? Members[number] extends infer M
    ? M extends VObject<infer Fields>
      ? keyof Fields & string
      : never
    : never
  : D extends VObject<infer Fields>
    ? keyof Fields & string
    : never;

export interface IndexDefinition {
  readonly name: string;
  /** Top-level field names; `_creationTime` and `_id` are appended implicitly. */
  readonly fields: readonly string[];
}

export interface TableJSON {
  readonly global: boolean;
  readonly document: ValidatorJSON;
  readonly indexes: readonly IndexDefinition[];
}

export type GenericTableIndexes = Record<string, readonly string[]>;

export class TableDefinition<
  Document extends DocumentValidator = DocumentValidator,
  Indexes extends GenericTableIndexes = {},
  IsGlobal extends boolean = boolean,
> {
  /** Phantom, for types only: index name -> its fields. */
  declare readonly indexTypes: Indexes;
  readonly validator: Document;
  readonly indexes: readonly IndexDefinition[] = [];
  readonly isGlobal: IsGlobal;
  readonly #fieldNames: ReadonlySet<string>;

  /** @internal use defineTable() */
  constructor(validator: Document) {
    this.validator = validator;
    this.isGlobal = false as IsGlobal;
    this.#fieldNames = new Set(topLevelFields(validator));
  }

  /**
   * Adds an index over top-level fields, in order (then `_creationTime`, `_id`). As in Convex
   * the table is changed in place and returned, with the index in its type.
   */
  index<Name extends string, Fields extends [FieldNames<Document>, ...FieldNames<Document>[]]>(
    name: Name,
    fields: Fields,
  ): TableDefinition<Document, Expand<Indexes & Record<Name, Fields>>, IsGlobal> {
    const where = `.index(${typeof name === "string" ? JSON.stringify(name) : ""})`;
    checkName(where, "index name", name);
    if (RESERVED_INDEX_NAMES.has(name)) throw new SchemaDefinitionError(`${where}: "${name}" is reserved for a built-in index`);
    if (this.indexes.some((index) => index.name === name)) {
      throw new SchemaDefinitionError(`${where}: this table already has an index named "${name}"`);
    }
    if (this.indexes.length >= MAX_INDEXES) {
      throw new SchemaDefinitionError(`${where}: a table may have at most ${MAX_INDEXES} indexes`);
    }
    if (!Array.isArray(fields) || fields.length === 0) {
      throw new SchemaDefinitionError(`${where}: fields must be a non-empty array of field names, got ${describe(fields)}`);
    }
    if (fields.length > MAX_INDEX_FIELDS) {
      throw new SchemaDefinitionError(`${where}: ${fields.length} fields; an index may have at most ${MAX_INDEX_FIELDS}`);
    }
    fields.forEach((field: unknown, i) => {
      if (typeof field !== "string") throw new SchemaDefinitionError(`${where}: field ${i} is ${describe(field)}, not a field name`);
      if (SYSTEM_FIELDS.has(field)) {
        throw new SchemaDefinitionError(`${where}: "${field}" is appended to every index implicitly; leave it out`);
      }
      if (field.includes(".")) {
        throw new SchemaDefinitionError(`${where}: nested field paths ("${field}") are not supported yet; index top-level fields`);
      }
      if (!this.#fieldNames.has(field)) {
        const known = [...this.#fieldNames].join(", ") || "none";
        throw new SchemaDefinitionError(`${where}: unknown field "${field}" (the table's fields: ${known})`);
      }
      if ((fields as readonly string[]).indexOf(field) !== i) throw new SchemaDefinitionError(`${where}: field "${field}" is listed twice`);
    });
    (this.indexes as IndexDefinition[]).push(Object.freeze({ name, fields: Object.freeze([...fields]) }));
    return this as never;
  }

  /** Puts the table in the Hyperdrive store (a real SQL table) instead of Lunora's own. */
  global(): TableDefinition<Document, Indexes, true> {
    (this as { isGlobal: boolean }).isGlobal = true;
    return this as never;
  }

  toJSON(): TableJSON {
    return { global: this.isGlobal, document: this.validator.json, indexes: this.indexes };
  }
}

/** The document type a `defineTable` argument stands for. */
export type DocumentOf<T> = T extends DocumentValidator ? T : T extends PropertyValidators ? VObject<T> : never;

/**
 * A table whose documents have `fields` (an object of validators, as in Convex), or match a
 * `v.object(...)` or a `v.union(...)` of `v.object(...)`.
 */
export function defineTable<T extends DocumentValidator | PropertyValidators>(
  document: T,
): TableDefinition<DocumentOf<T>, {}, false> {
  const validator: GenericValidator = isValidator(document) ? document : v.object(document as PropertyValidators);
  if (!isDocumentValidator(validator)) {
    throw new SchemaDefinitionError(
      `defineTable(): expected an object of field validators, a v.object(...) or a v.union(...) of v.object(...), got a validator of kind "${validator.kind}"`,
    );
  }
  for (const field of topLevelFields(validator)) {
    if (field.startsWith("_")) {
      throw new SchemaDefinitionError(`defineTable(): field "${field}" may not start with "_" (reserved for system fields)`);
    }
  }
  return new TableDefinition(validator as DocumentOf<T>);
}

function isDocumentValidator(validator: GenericValidator): validator is DocumentValidator {
  if (validator.kind === "object") return true;
  return validator.kind === "union" && (validator as VUnion<RequiredValidator[]>).members.every((m) => m.kind === "object");
}

function topLevelFields(validator: DocumentValidator): string[] {
  if (validator.kind === "object") return Object.keys((validator as VObject<PropertyValidators>).fields);
  const names = new Set<string>();
  for (const member of (validator as VUnion<VObject<PropertyValidators>[]>).members) {
    for (const name of Object.keys(member.fields)) names.add(name);
  }
  return [...names];
}
