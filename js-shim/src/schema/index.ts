// @lunora/hyperdrive/schema: Convex-compatible schema builders with static types, standing in
// for Lunora's own. A schema serialises (toJSON) to the form the WASM core reads.
export { v, isValidator, Validator } from "./validators.js";
export type {
  Expand,
  GenericValidator,
  Id,
  Infer,
  LiteralValue,
  ObjectType,
  OptionalProperty,
  PropertyValidators,
  RequiredValidator,
  ValidatorJSON,
  ValidatorKind,
  VAny,
  VArray,
  VBoolean,
  VBytes,
  VFloat64,
  VId,
  VInt64,
  VLiteral,
  VNull,
  VObject,
  VOptional,
  VRecord,
  VString,
  VUnion,
} from "./validators.js";
export { defineTable, TableDefinition } from "./table.js";
export type { DocumentOf, DocumentValidator, FieldNames, GenericTableIndexes, IndexDefinition, TableJSON } from "./table.js";
export { defineSchema, schemaToJson, SchemaDefinition } from "./schema.js";
export type {
  DataModelFromSchema,
  Doc,
  DocInput,
  DocPatch,
  GenericSchema,
  GenericTableDefinition,
  GenericTables,
  GlobalTableNames,
  SchemaJSON,
  SchemaOptions,
  SystemFields,
  TableNames,
  WithoutSystemFields,
} from "./schema.js";
export { SchemaDefinitionError } from "./errors.js";
