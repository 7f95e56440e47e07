import { getCore } from "../core/core.js";

/** The WASM core's version (instantiates the core on first call). */
export function coreVersion(): string {
  return getCore().coreVersion();
}
