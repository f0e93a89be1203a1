/**
 * geodata for browsers: the whole API, with the cache in IndexedDB and GDAL in a Web Worker
 * (on the page's thread where there are no workers), working in its in-memory file system.
 * Nothing here imports a Node builtin.
 */
import { browserPlatform } from './browser/platform-browser.js';
import { setPlatform } from './platform.js';

setPlatform(browserPlatform);

export * from './api.js';
export { createMemoryEngine, defaultGdalAssets, gdalAssetsAt, type GdalAssets } from '../wasm/index.js';
export { createWorkerEngine, type WorkerEngine, type WorkerEngineOptions } from '../wasm/worker-engine.js';
export { createWebWorkerPool, type WebWorkerPool, type WebWorkerPoolOptions } from '../wasm/web-worker-pool.js';
export { createBrowserEngine, type BrowserEngineOptions } from './browser/browser-engine.js';
export { configureComputeWorker, type ComputeWorkerOptions } from './browser/compute-client.js';
export { requestPersistentStorage, type PersistentStorageState } from './browser/persistent-storage.js';
