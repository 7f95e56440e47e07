# Every Emscripten compile and link flag of the project lives in this file.
#
# Why each link flag (see ../shared/TOOLCHAIN.md):
#   --bind                       embind glue
#   MODULARIZE + EXPORT_ES6      an ES module exporting a factory; the shim calls it once
#   ENVIRONMENT=web              no Node-specific glue; the shim hands the module in itself
#   DYNAMIC_EXECUTION=0          workerd forbids `new Function` / eval
#   INCOMING_MODULE_JS_API       only instantiateWasm (workerd cannot compile bytes, the
#                                WebAssembly.Module is imported) and locateFile (avoids
#                                `new URL(..., import.meta.url)`, which workerd rejects)
#   WASM_ASYNC_COMPILATION=0     instantiation completes synchronously, so the shim can
#                                create the core lazily inside synchronous calls
#   ALLOW_MEMORY_GROWTH          documents up to the 1 MiB limit plus working space
#   FILESYSTEM=0                 no file system emulation
#   MALLOC=emmalloc              a smaller allocator than dlmalloc: fewer code lines per call
#                                (the core's allocations are few and small; its buffers are reused)
#
# -flto: the core's calls inline across its files. With emmalloc, a Postgres insert touches
# ~75 fewer WASM code lines cold, a blind patch ~55 (scripts/bench/cold-footprint.mjs).

set(LUNORA_WASM_COMPILE_FLAGS -O3 -flto)

set(LUNORA_WASM_LINK_FLAGS
  -O3
  -flto
  --bind
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createLunoraCore
  -sENVIRONMENT=web
  -sDYNAMIC_EXECUTION=0
  -sINCOMING_MODULE_JS_API=instantiateWasm,locateFile
  -sWASM_ASYNC_COMPILATION=0
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  -sMALLOC=emmalloc
)

# Profiling builds only (scripts/bench/cold-footprint.mjs): keep the functions' names in the
# module, so V8's profiles name them. The code is the same; the module is larger.
option(LUNORA_WASM_NAMES "Keep function names in the WASM core (profiling builds)" OFF)
if(LUNORA_WASM_NAMES)
  list(APPEND LUNORA_WASM_LINK_FLAGS --profiling-funcs)
endif()
