/**
 * Node only: gdal3.js's WebAssembly (`gdal3WebAssembly.wasm`, 28 MB) compiled once per process,
 * for the pool's worker threads to instantiate instead of each compiling its own copy.
 *
 * A `WebAssembly.Module` posted to a worker thread is shared, not copied: its compiled code, and
 * the optimised code V8 tiers hot functions up to later, serve every thread. Compiling the file
 * costs about 0.3 s of CPU and V8 does not deduplicate compiles of the same bytes, so each thread
 * compiling its own copy paid it again (plus its own tier-up and a 28 MB read).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileError } from '../src/errors.js';
import { GDAL_ASSET_FILES } from './assets.js';
import { gdalPackageFolder } from './gdal-module-node.js';

let held: WeakRef<WebAssembly.Module> | undefined;
let pending: Promise<WebAssembly.Module> | undefined;

/** The absolute path of the installed gdal3.js's `.wasm` file. */
export function gdalWasmFile(): string {
  return path.join(gdalPackageFolder(), GDAL_ASSET_FILES.wasm);
}

/**
 * gdal3.js's WebAssembly compiled, once per process while anyone holds it: the result is kept
 * only weakly here (callers keep it alive, as an open pool does), so a process that stopped using
 * GDAL gets the compiled code's memory back. Rejects with a `FileError` when the file cannot be
 * read or is not valid WebAssembly (the caller then lets each thread load gdal3.js as usual).
 */
export function compiledGdalWasm(): Promise<WebAssembly.Module> {
  const alive = held?.deref();
  if (alive) return Promise.resolve(alive);
  if (!pending) {
    const compiling = compile();
    pending = compiling;
    compiling.then(
      (module) => {
        held = new WeakRef(module);
        if (pending === compiling) pending = undefined;
      },
      () => {
        // Not cached: the next pool tries again (after a fix of the install).
        if (pending === compiling) pending = undefined;
      },
    );
  }
  return pending;
}

async function compile(): Promise<WebAssembly.Module> {
  const file = gdalWasmFile();
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    // readFile gives a Buffer of its own ArrayBuffer, never a shared one.
    bytes = (await readFile(file)) as Uint8Array<ArrayBuffer>;
  } catch (error) {
    throw new FileError(`cannot read GDAL WebAssembly ${file}: ${(error as Error).message}; reinstall gdal3.js@2.8.1`, file, { cause: error });
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new FileError(`GDAL WebAssembly ${file} does not compile: ${(error as Error).message}; reinstall gdal3.js@2.8.1`, file, { cause: error });
  }
}
