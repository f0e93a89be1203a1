/**
 * The GDAL engine, browser-safe entry: the interface, the in-memory engine and its assets.
 * Node code imports `wasm/node.js` instead, which adds the engine on host files.
 */
export type { CallOptions, CrsInfo, DemMode, DemOptions, GdalEngine, OutsideDeflate, RasterInfo, VectorInfo } from './engine.js';
export { createMemoryEngine, type MemoryEngineOptions } from './memory-engine.js';
export { defaultGdalAssets, gdalAssetsAt, GDAL_ASSET_FILES, resolveGdalAssets, type GdalAssets } from './assets.js';
export { browserGdalLoader, SharedGdalModule, type GdalModuleLoader } from './gdal-module.js';
export type { EngineOptions } from './engine-core.js';
export type { GdalWarning } from './gdal-call.js';
export { crsFactsFromWkt, parseWkt, type WktCrsFacts, type WktNode } from './wkt.js';
