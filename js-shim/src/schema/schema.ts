// defineSchema({ table: defineTable(...) }) and the types derived from a schema.
import { SchemaDefinitionError } from "./errors.js";
import { checkName, describe } from "./names.js";
import { TableDefinition } from "./table.js";
import type { DocumentValidator, GenericTableIndexes, TableJSON } from "./table.js";
import type { Expand, Id, Infer } from "./validators.js";

export type GenericTableDefinition = TableDefinition<DocumentValidator, GenericTableIndexes, boolean>;
export type GenericTables = Record<string, GenericTableDefinition>;

export interface SchemaJSON {
  readonly tables: { readonly [table: string]: TableJSON };
}

export interface SchemaOptions {
  /** Accepted for Convex compatibility; the store validates every write regardless. */
  readonly schemaValidation?: boolean;
  readonly strictTableNameTypes?: boolean;
}

export class SchemaDefinition<Tables extends GenericTables = GenericTables> {
  readonly tables: Tables;
  readonly options: SchemaOptions;

  /** @internal use defineSchema() */
  constructor(tables: Tables, options: SchemaOptions) {
    this.tables = tables;
    this.options = options;
  }

  /** The schema JSON form of docs/internals/wire-formats.md, which the core parses. */
  toJSON(): SchemaJSON {
    const tables: Record<string, TableJSON> = {};
    for (const [name, table] of Object.entries(this.tables)) tables[name] = table.toJSON();
    return { tables };
  }
}

export type GenericSchema = SchemaDefinition<GenericTables>;

export function defineSchema<Tables extends GenericTables>(tables: Tables, options: SchemaOptions = {}): SchemaDefinition<Tables> {
  const where = "defineSchema()";
  if (tables === null || typeof tables !== "object" || Array.isArray(tables)) {
    throw new SchemaDefinitionError(`${where}: expected an object of tables, got ${describe(tables)}`);
  }
  for (const [name, table] of Object.entries(tables)) {
    checkName(where, "table name", name);
    if (!(table instanceof TableDefinition)) {
      throw new SchemaDefinitionError(`${where}: table "${name}" must be defineTable(...), got ${describe(table)}`);
    }
  }
  return new SchemaDefinition({ ...tables }, options);
}

/** The schema JSON form of `schema` (the same as `schema.toJSON()`). */
export function schemaToJson(schema: GenericSchema): SchemaJSON {
  if (!(schema instanceof SchemaDefinition)) {
    throw new SchemaDefinitionError(`schemaToJson(): expected defineSchema(...), got ${describe(schema)}`);
  }
  return schema.toJSON();
}

type TablesOf<S extends GenericSchema> = S["tables"];

/** The names of the schema's tables. */
export type TableNames<S extends GenericSchema> = keyof TablesOf<S> & string;

/** The names of the schema's `.global()` tables: those the Hyperdrive store owns. */
export type GlobalTableNames<S extends GenericSchema> = {
  [T in TableNames<S>]: TablesOf<S>[T]["isGlobal"] extends true ? T : never;
}[TableNames<S>];

export type SystemFields<TableName extends string> = { _id: Id<TableName>; _creationTime: number };

/** What `insert(table, doc)` and `replace(id, doc)` take: the document without system fields. */
export type DocInput<S extends GenericSchema, T extends TableNames<S>> = Infer<TablesOf<S>[T]["validator"]>;

/** What `patch(id, partial)` takes (per union member, for a union document). */
export type DocPatch<S extends GenericSchema, T extends TableNames<S>> =
  DocInput<S, T> extends infer D ? { [K in keyof D]?: D[K] } : never;

/** A stored document of table `T`: its fields plus `_id` and `_creationTime`. */
export type Doc<S extends GenericSchema, T extends TableNames<S>> = Expand<SystemFields<T> & DocInput<S, T>>;

/** `D` without `_id` and `_creationTime` (per union member). */
export type WithoutSystemFields<D> = D extends unknown ? Expand<Omit<D, keyof SystemFields<string>>> : never;

/** Per table: its document, insert input and indexes (index name -> fields). */
export type DataModelFromSchema<S extends GenericSchema> = {
  [T in TableNames<S>]: {
    document: Doc<S, T>;
    input: DocInput<S, T>;
    indexes: TablesOf<S>[T]["indexTypes"];
    isGlobal: TablesOf<S>[T]["isGlobal"];
  };
};
