// Types of the Emscripten/embind glue (lunora_core.mjs), built from bindings/embind.cpp.
export interface LunoraCoreModule {
  coreVersion(): string;
  dialectInfo(dialect: string): string;
  quoteIdentifier(dialect: string, identifier: string): string;
}

export interface LunoraCoreModuleArg {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): WebAssembly.Exports;
  locateFile(path: string): string;
}

// Emscripten 3.1.6 returns the module object it was given (with a `ready` promise), with
// the embind exports attached once start-up has run.
declare function createLunoraCore(
  moduleArg: LunoraCoreModuleArg,
): Partial<LunoraCoreModule> & { ready?: Promise<unknown> };
export default createLunoraCore;
