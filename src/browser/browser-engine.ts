import type { GdalAssets } from '../../wasm/assets.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { lazyStart } from '../../wasm/lazy-start-engine.js';
import { createMemoryEngine } from '../../wasm/memory-engine.js';
import { createWorkerEngine, type WorkerEngineOptions } from '../../wasm/worker-engine.js';

/** Options of `createBrowserEngine`: those of the worker engine, and whether to use one. */
export interface BrowserEngineOptions extends WorkerEngineOptions {
  /**
   * `'worker'` (default where `Worker` exists): GDAL in a module Web Worker, the page stays
   * responsive. `'main-thread'`: GDAL on this thread (default where there are no workers, for
   * example inside a worker of your own that has no nested workers).
   */
  mode?: 'worker' | 'main-thread';
}

/**
 * The GDAL engine a browser page should use: in a Web Worker where the environment has them,
 * else on the main thread. This is what the browser entry configures by default; call it yourself
 * to change where the assets or the worker script are served. GDAL starts on the first GDAL call
 * only: until then files written to the engine (figures drawn in JavaScript, cache hits handed to
 * `produce`) stay in the page, so a run whose every step is cached downloads none of GDAL.
 *
 * @example
 * import { createBrowserEngine, gdalAssetsAt, getConfig } from 'geodata';
 * getConfig().update({ engine: createBrowserEngine({ assets: gdalAssetsAt('/static/gdal/'), worker: '/static/engine-worker.js' }) });
 */
export function createBrowserEngine(options: BrowserEngineOptions = {}): GdalEngine {
  const { mode = typeof Worker === 'undefined' ? 'main-thread' : 'worker', worker, ...rest } = options;
  if (mode === 'main-thread') {
    return lazyStart(createMemoryEngine({ ...(rest.assets ? { assets: rest.assets } : {}), ...(rest.onWarning ? { onWarning: rest.onWarning } : {}) }));
  }
  return lazyStart(createWorkerEngine({ ...rest, ...(worker ? { worker } : {}) }));
}

export type { GdalAssets };
