/**
 * Node only: Emscripten's `instantiateWasm` hook for gdal3.js, instantiating its WebAssembly from
 * a module compiled once per process (`gdal-wasm-node.ts`) instead of reading and compiling the
 * 28 MB file in every thread that loads GDAL.
 */
import { readFile } from 'node:fs/promises';

/** How a load got its WebAssembly instance. */
export type WasmInstantiation = { shared: true } | { shared: false; reason: string };

/** Emscripten's `Module.instantiateWasm(imports, receive)`: returns `{}` and calls `receive` once instantiated. */
export type InstantiateWasmHook = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => object;

/**
 * The hook instantiating `compiled`. When it does not instantiate (a module of another gdal3.js
 * build, whose imports differ), the hook compiles `wasmFile` instead; `report` says which
 * happened, and `abort` fails the load when neither works.
 */
export function instantiateFromCompiled(
  compiled: WebAssembly.Module,
  wasmFile: string,
  report: (how: WasmInstantiation) => void,
  abort: (message: string) => void,
): InstantiateWasmHook {
  return (imports, receive) => {
    WebAssembly.instantiate(compiled, imports).then(
      (instance) => {
        report({ shared: true });
        receive(instance, compiled);
      },
      async (error: unknown) => {
        report({ shared: false, reason: `the shared compiled module did not instantiate (${(error as Error)?.message ?? String(error)}), so this thread compiled ${wasmFile} itself` });
        try {
          const own = await WebAssembly.instantiate(await readFile(wasmFile), imports);
          receive(own.instance, own.module);
        } catch (failure) {
          abort(`cannot instantiate GDAL WebAssembly ${wasmFile}: ${(failure as Error)?.message ?? String(failure)}`);
        }
      },
    );
    return {};
  };
}
