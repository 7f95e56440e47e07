// wrangler/esbuild turn `import m from "./x.wasm"` into a compiled WebAssembly.Module.
declare module "*.wasm" {
  const compiled: WebAssembly.Module;
  export default compiled;
}
