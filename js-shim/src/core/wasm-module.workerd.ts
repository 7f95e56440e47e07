// workerd cannot compile WASM from bytes: the module must be imported so that wrangler's
// bundler hands it over precompiled. Selected by the "workerd"/"worker" import condition.
import compiled from "./generated/lunora_core.wasm";

export function loadWasmModule(): WebAssembly.Module {
  return compiled;
}
