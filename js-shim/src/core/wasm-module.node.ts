// Node (and any runtime that may compile WASM from bytes): read the file shipped beside the
// glue and compile it synchronously, once.
import { readFileSync } from "node:fs";

export function loadWasmModule(): WebAssembly.Module {
  const bytes = readFileSync(new URL("./generated/lunora_core.wasm", import.meta.url));
  return new WebAssembly.Module(bytes);
}
