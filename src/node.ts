/**
 * geodata for Node: the whole API, with the filesystem store and GDAL reading and writing files
 * on this machine in place.
 */
import './node/setup-node.js';

export * from './api.js';
export { fsStore, type FsStore, type FsStoreOptions } from './store/node.js';
export { createNodeEngine, createMemoryEngine } from '../wasm/node.js';
export { NodeInputHasher } from './fingerprint/input-hasher-node.js';
// The Node versions of these replace the browser-safe ones of api.js: they also clean the fs
// store's staging folders, and read and write archive files.
export { cleanCache, type NodeCleanCacheOptions } from './cache/clean-cache-node.js';
export { exportEntries, importArchive } from './cache/export-import-node.js';
export { startBrowseServer, type BrowseServer, type BrowseServerOptions } from './registry-ui/server-node.js';
