/**
 * The GDAL engine, Node entry: everything of the browser-safe entry plus the engine on host
 * files and the process's shared gdal3.js module.
 */
export * from './index.js';
export { createNodeEngine, type NodeEngineOptions } from './node-engine.js';
export { nodeGdalLoader, nodeGdalModule, type NodeGdalLoaderOptions } from './gdal-module-node.js';
export type { WasmInstantiation } from './gdal-wasm-instantiate.js';
export { createPoolEngine, type PoolEngine, type PoolEngineOptions } from './pool-engine.js';
