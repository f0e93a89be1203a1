import { ConfigError } from '../src/errors.js';
import { resolveGdalAssets, type GdalAssets } from './assets.js';
import { createEngine, type EngineOptions } from './engine-core.js';
import type { GdalEngine } from './engine.js';
import { browserGdalLoader, SharedGdalModule } from './gdal-module.js';
import { memoryFileSystem } from './memory-fs.js';

/** Options of `createMemoryEngine`. */
export interface MemoryEngineOptions extends EngineOptions {
  /** Where the `.wasm`/`.data` (and optionally `gdal3.js`) files are served; default: next to this module. */
  assets?: Partial<GdalAssets>;
  /**
   * The gdal3.js module to use instead of loading one from `assets`. In Node (tests), pass
   * `nodeGdalModule` from `wasm/node.js`.
   */
  module?: SharedGdalModule;
}

/** One module per set of asset URLs, shared by every memory engine of the page or worker. */
const sharedByAssets = new Map<string, SharedGdalModule>();

function sharedFor(assets: GdalAssets): SharedGdalModule {
  const key = JSON.stringify([String(assets.wasm), String(assets.data), assets.js === undefined ? null : String(assets.js)]);
  let shared = sharedByAssets.get(key);
  if (!shared) {
    shared = new SharedGdalModule(browserGdalLoader(assets));
    sharedByAssets.set(key, shared);
  }
  return shared;
}

function isNode(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return Boolean(runtime.process?.versions?.node) && runtime.window === undefined;
}

/**
 * A GDAL engine working in gdal3.js's in-memory file system (`fileSystem: 'memory'`): for
 * browsers (main thread or a worker). Put input bytes in with `writeFile`, take results out with
 * `readFile`. Creating the engine loads nothing; the first call loads gdal3.js (about 40 MB of
 * assets, 0.4–0.65 s once cached by the browser).
 *
 * Every method takes and returns structured-cloneable values, so a worker proxy can offer the
 * same interface over `postMessage` (callbacks aside).
 *
 * @example
 * const engine = createMemoryEngine({ assets: { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data' } });
 * await engine.fs.writeFile('/in/dem.tif', new Uint8Array(await (await fetch('/dem.tif')).arrayBuffer()));
 * await engine.warp(['/in/dem.tif'], '/out/dem-4326.tif', ['-t_srs', 'EPSG:4326']);
 * const bytes = await engine.fs.readFile('/out/dem-4326.tif');
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): GdalEngine {
  let shared = options.module;
  if (!shared) {
    if (isNode()) {
      throw new ConfigError(
        "createMemoryEngine in Node needs { module: nodeGdalModule } (import it from the engine's Node entry, wasm/node.js), or use createNodeEngine() for host files",
      );
    }
    shared = sharedFor(resolveGdalAssets(options.assets));
  }
  return createEngine(shared, memoryFileSystem, options);
}
