import type { GdalAssets } from '../../wasm/assets.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { lazyStart } from '../../wasm/lazy-start-engine.js';
import { createMemoryEngine } from '../../wasm/memory-engine.js';
import { createWebWorkerPool, type WebWorkerPoolOptions } from '../../wasm/web-worker-pool.js';
import { createWorkerEngine } from '../../wasm/worker-engine.js';

/** Options of `createBrowserEngine`: those of the Web Worker pool, and whether to use workers. */
export interface BrowserEngineOptions extends WebWorkerPoolOptions {
  /**
   * `'worker'` (default where `Worker` exists): GDAL in module Web Workers, the page stays
   * responsive. `'main-thread'`: GDAL on this thread (default where there are no workers, for
   * example inside a worker of your own that has no nested workers).
   */
  mode?: 'worker' | 'main-thread';
}

/**
 * The GDAL engine a browser page should use: a pool of Web Workers where the environment has
 * them (`workers`, default the browser's cores up to 4; independent steps run in parallel), else
 * GDAL on the main thread. This is what the browser entry configures by default; call it yourself
 * to change where the assets or the worker script are served, or how many workers run. GDAL
 * starts on the first GDAL call only: until then files written to the engine (figures drawn in
 * JavaScript, cache hits handed to `produce`) stay in the page, so a run whose every step is
 * cached downloads none of GDAL.
 *
 * @example
 * import { createBrowserEngine, gdalAssetsAt, getConfig } from 'geodata';
 * getConfig().update({ engine: createBrowserEngine({ assets: gdalAssetsAt('/static/gdal/'), worker: '/static/engine-worker.js', workers: 2 }) });
 */
export function createBrowserEngine(options: BrowserEngineOptions = {}): GdalEngine {
  const { mode = typeof Worker === 'undefined' ? 'main-thread' : 'worker', worker, workers, warm, ...rest } = options;
  if (mode === 'main-thread') {
    return lazyStart(createMemoryEngine({ ...(rest.assets ? { assets: rest.assets } : {}), ...(rest.onWarning ? { onWarning: rest.onWarning } : {}) }));
  }
  if (workers === 1) return lazyStart(createWorkerEngine({ ...rest, ...(worker ? { worker } : {}) }));
  return createWebWorkerPool({ ...rest, ...(worker ? { worker } : {}), ...(workers !== undefined ? { workers } : {}), ...(warm !== undefined ? { warm } : {}) });
}

export type { GdalAssets };
