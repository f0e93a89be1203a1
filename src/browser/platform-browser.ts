import { getConfig } from '../config.js';
import { WebInputHasher } from '../fingerprint/input-hasher-web.js';
import { engineWorkspace } from '../engine-workspace.js';
import { FetchModuleReader } from '../fingerprint/module-reader.js';
import { browserImageCodecs, registerTiffDecoders } from '../formats/tiff-decoders.js';
import type { Platform } from '../platform.js';
import { ConfigError } from '../errors.js';
import { fetchBytes } from '../sources/fetch-or-fail.js';
import { indexedDbStore } from '../store/indexeddb.js';
import { createBrowserEngine } from './browser-engine.js';
import { computeWorker } from './compute-client.js';

const webHasher = new WebInputHasher();
// One per page: the served scripts are fetched once, in the compute worker (a bundle is
// megabytes; taking its body in held the page's thread for 0.3-0.5 s).
const moduleReader = new FetchModuleReader({ fetchText: (url) => computeWorker().fetchText(url) });

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
  // Figures and the DEFLATE of outputs in a worker: the page's thread stays free for the page.
  renderPng: (band, options) => computeWorker().renderPng(band, options),
  get deflateCodec() {
    return computeWorker().deflateCodec;
  },
  prepareGeotiff: (geotiff) => registerTiffDecoders(geotiff, browserImageCodecs),
  workspace: () => engineWorkspace(getConfig().engine),
  resolvePath: (path) => path,
  svgDocument: async () => {
    if (typeof document === 'undefined') {
      throw new ConfigError('svgDocument() needs a DOM: this browser context (a worker?) has no document; draw the chart on the page');
    }
    return document;
  },
  loadHdf5: async () => {
    const h5 = await import('h5wasm');
    await h5.ready;
    return h5;
  },
};
