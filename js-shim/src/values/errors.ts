import { LunoraHyperdriveError } from "../errors.js";

/**
 * A JS value that is not a Lunora value (Date, Map, class instance, function, `$`-prefixed
 * key, bigint outside int64, ...), or Lunora JSON that does not decode. `path` locates it
 * inside the value, e.g. `.items[2].when` (empty for the value itself).
 */
export class InvalidValueError extends LunoraHyperdriveError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super("INVALID_VALUE", path === "" ? `Invalid value: ${problem}` : `Invalid value at ${path}: ${problem}`);
    this.path = path;
  }
}
