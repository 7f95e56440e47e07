// The one place that creates the WASM core: lazily, once per isolate, synchronously.
//
// Synchronous creation lets plain constructors (adapters, dialect objects) use the core
// without forcing `await` on users. It relies on two facts: the WebAssembly.Module is already
// compiled (imported in workerd, compiled from the shipped file in Node), and the glue is
// linked with WASM_ASYNC_COMPILATION=0, so `receiveInstance` finishes start-up before the
// factory returns (see cmake/EmscriptenFlags.cmake).
import { loadWasmModule } from "#core-wasm";
import { CoreError, errorFromCore } from "../errors.js";
import createLunoraCore, { type LunoraCoreModule } from "./generated/lunora_core.mjs";

let core: LunoraCoreModule | undefined;

/** Milliseconds spent instantiating the core, for benchmarks and diagnostics. */
export let coreInstantiateMs = 0;

export function getCore(): LunoraCoreModule {
  if (core === undefined) core = instantiate();
  return core;
}

function instantiate(): LunoraCoreModule {
  const started = performance.now();
  const compiled = loadWasmModule();
  const moduleArg = {
    instantiateWasm(
      imports: WebAssembly.Imports,
      receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ): WebAssembly.Exports {
      const instance = new WebAssembly.Instance(compiled, imports);
      receiveInstance(instance, compiled);
      return instance.exports;
    },
    locateFile: (path: string) => path,
  };
  const ready = createLunoraCore(moduleArg);
  // Start-up failures surface through the check below, not as an unhandled rejection.
  ready.ready?.catch(() => undefined);
  if (typeof ready.dialectInfo !== "function") {
    throw new CoreError("INTERNAL", "the WASM core did not finish initialising synchronously");
  }
  coreInstantiateMs = performance.now() - started;
  return ready as LunoraCoreModule;
}

interface Envelope<T> {
  ok: boolean;
  value?: T;
  code?: string;
  message?: string;
}

/** Unwraps a core result envelope, throwing the typed error it describes. */
export function unwrap<T>(envelopeJson: string): T {
  const envelope = JSON.parse(envelopeJson) as Envelope<T>;
  if (envelope.ok) return envelope.value as T;
  throw errorFromCore(envelope.code ?? "INTERNAL", envelope.message ?? "unknown core error");
}
