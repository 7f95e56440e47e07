// @lunora/hyperdrive/global: the reactive .global() backend. The store itself lands with the
// store issues; the engine dialects are already defined by the WASM core.
export { mysqlDialect, postgresDialect } from "../core/dialects.js";
export type { Dialect, DialectCapabilities } from "../core/dialects.js";
export { coreVersion } from "./version.js";
