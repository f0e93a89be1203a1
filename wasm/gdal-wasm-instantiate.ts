/**
 * Node worker threads only: makes gdal3.js instantiate its WebAssembly from a module compiled
 * once per process (`gdal-wasm-node.ts`) instead of reading and compiling the 28 MB file itself.
 *
 * Emscripten's own hook for this (`Module.instantiateWasm`) is out of reach: gdal3.js builds its
 * Emscripten module object privately and copies only a few configuration fields onto it. So for
 * the duration of one load, and only on a thread that belongs to the pool, two functions are
 * replaced: `fs.readFileSync` answers gdal3.js's read of the `.wasm` file with a marker instead
 * of 28 MB, and `WebAssembly.instantiate` answers that marker with an instance of the compiled
 * module. Every other call passes through unchanged, and both are restored when the load ends.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
// The CommonJS `fs` object: the one gdal3.js (a CommonJS bundle) calls `readFileSync` on.
const fs = require('node:fs') as typeof import('node:fs');

/** How a load got its WebAssembly instance. */
export type WasmInstantiation = { shared: true } | { shared: false; reason: string };

/**
 * Runs `load` (which loads gdal3.js) so that gdal3.js's WebAssembly is instantiated from
 * `compiled`, the module of `wasmFile`. Falls back to reading and compiling `wasmFile` when the
 * module does not instantiate (another gdal3.js build); `report` says which happened.
 */
export async function withCompiledWasm<T>(compiled: WebAssembly.Module, wasmFile: string, load: () => Promise<T>, report: (how: WasmInstantiation) => void): Promise<T> {
  const readFileSync = fs.readFileSync;
  const instantiate = WebAssembly.instantiate;
  const target = path.resolve(wasmFile);
  // A valid, empty WebAssembly header: what gdal3.js gets for its read of the file.
  const marker = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  let outcome: WasmInstantiation | undefined;

  fs.readFileSync = function (this: unknown, file: unknown, options?: unknown) {
    if (options === undefined && typeof file === 'string' && path.resolve(file) === target) return marker;
    return (readFileSync as (...args: unknown[]) => unknown).apply(this, [...arguments]);
  } as typeof fs.readFileSync;
  WebAssembly.instantiate = function (this: unknown, source: unknown, imports?: WebAssembly.Imports) {
    if (source !== marker) return (instantiate as (...args: unknown[]) => unknown).apply(WebAssembly, [...arguments]);
    return instantiate(compiled, imports).then(
      (instance) => {
        outcome = { shared: true };
        return { instance, module: compiled };
      },
      (error: unknown) => {
        outcome = { shared: false, reason: `the shared compiled module did not instantiate (${(error as Error)?.message ?? String(error)}), so this thread compiled ${target} itself` };
        return instantiate(readFileSync(target), imports);
      },
    );
  } as typeof WebAssembly.instantiate;
  try {
    return await load();
  } finally {
    fs.readFileSync = readFileSync;
    WebAssembly.instantiate = instantiate;
    report(outcome ?? { shared: false, reason: `gdal3.js did not read ${target} through fs.readFileSync as gdal3.js 2.8.1 does, so it loaded its WebAssembly itself` });
  }
}
