import { LunoraHyperdriveError } from "../errors.js";

/** A schema builder was misused (unknown index field, duplicate index, bad literal, ...). */
export class SchemaDefinitionError extends LunoraHyperdriveError {
  constructor(message: string) {
    super("SCHEMA_DEFINITION", message);
  }
}
