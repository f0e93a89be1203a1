/**
 * geodata for browsers: the whole API, with the cache in IndexedDB and GDAL working in its
 * in-memory file system. Nothing here imports a Node builtin.
 */
import { browserPlatform } from './browser/platform-browser.js';
import { setPlatform } from './platform.js';

setPlatform(browserPlatform);

export * from './api.js';
export { createMemoryEngine, defaultGdalAssets, gdalAssetsAt, type GdalAssets } from '../wasm/index.js';
