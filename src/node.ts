/**
 * geodata for Node: the whole API, with the filesystem store and GDAL reading and writing files
 * on this machine in place.
 */
import { nodePlatform } from './node/platform-node.js';
import { setPlatform } from './platform.js';

setPlatform(nodePlatform);

export * from './api.js';
export { fsStore, type FsStore, type FsStoreOptions } from './store/node.js';
export { createNodeEngine, createMemoryEngine } from '../wasm/node.js';
export { NodeInputHasher } from './fingerprint/input-hasher-node.js';
