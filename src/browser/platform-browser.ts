import type { GdalEngine } from '../../wasm/engine.js';
import { getConfig } from '../config.js';
import { WebInputHasher } from '../fingerprint/input-hasher-web.js';
import { FetchModuleReader } from '../fingerprint/module-reader.js';
import type { Platform, Workspace } from '../platform.js';
import { fetchBytes } from '../sources/fetch-or-fail.js';
import { indexedDbStore } from '../store/indexeddb.js';
import { createBrowserEngine } from './browser-engine.js';

const webHasher = new WebInputHasher();
// One per page: the served scripts are fetched once.
const moduleReader = new FetchModuleReader();

/**
 * Browsers: fetch for paths (URLs), IndexedDB for the cache (one database per root), GDAL in a
 * Web Worker (on this thread where there are no workers) with its in-memory file system as the
 * workspace.
 */
export const browserPlatform: Platform = {
  name: 'browser',
  readFile: fetchBytes,
  createStore: (root) => indexedDbStore({ dbName: root === '.' ? 'geodata' : `geodata:${root}` }),
  createEngine: () => createBrowserEngine(),
  // Browsers have no file to remember digests in; Blobs cannot change, so one hasher serves all.
  inputHasher: () => webHasher,
  moduleReader: () => moduleReader,
  workspace: () => engineWorkspace(getConfig().engine),
  resolvePath: (path) => path,
};

/** The workspace of a browser: the engine's in-memory file system. */
export function engineWorkspace(engine: GdalEngine): Workspace {
  return {
    tempFolder: '/tmp',
    readFile: (path) => engine.readFile(path),
    writeFile: (path, bytes) => engine.writeFile(path, bytes),
    exists: (path) => engine.exists(path),
    size: (path) => engine.size(path),
    rename: (from, to) => engine.rename(from, to),
    remove: (path) => engine.remove(path),
    removeFolder: (path) => engine.removeTree(path),
    mkdir: (path) => engine.mkdir(path),
  };
}
