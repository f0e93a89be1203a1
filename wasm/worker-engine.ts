import { ConfigError } from '../src/errors.js';
import { copyInSlices } from '../src/copy-in-slices.js';
import type { GdalAssets } from './assets.js';
import type { GdalEngine } from './engine.js';
import type { EngineOptions } from './engine-core.js';
import { connectionOptions, connectWorker, type WorkerSource } from './web-worker-connection.js';
import { atCaller, type WorkerMethod } from './worker-protocol.js';

/** Options of `createWorkerEngine`. */
export interface WorkerEngineOptions extends EngineOptions {
  /**
   * Where the `.wasm`/`.data` (and optionally `gdal3.js`) files are served; default: next to this
   * module. Relative URLs are resolved against the page, not the worker.
   */
  assets?: Partial<GdalAssets>;
  /**
   * The worker: the URL of the built `engine-worker.js` (a module worker), or a function that
   * starts one. Default: `engine-worker.js` next to this module, written as
   * `new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' })` so that
   * bundlers which know that pattern (Vite, webpack 5, Parcel) bundle the worker on their own.
   */
  worker?: WorkerSource;
}

/** A `GdalEngine` whose GDAL runs in a Web Worker. */
export interface WorkerEngine extends GdalEngine {
  readonly fs: GdalEngine['fs'] & { readonly kind: 'memory' };
}

/**
 * A GDAL engine that runs gdal3.js in a module Web Worker, so a long warp never freezes the page.
 * It is the same `GdalEngine` as `createMemoryEngine` (paths are in the worker's in-memory file
 * system), over messages: bytes read from the worker are transferred, not copied; bytes written
 * to it are copied (the caller's array stays usable); progress callbacks and warnings are
 * forwarded; errors arrive as the same classes (`GdalError`, `FileError`, ...) with the same
 * messages. Creating the engine starts nothing: the first call starts the worker, which loads
 * gdal3.js. `close()` ends the worker (and the files in it); a later call starts a new one.
 *
 * @example
 * const engine = createWorkerEngine({ assets: gdalAssetsAt('/gdal/'), worker: '/engine-worker.js' });
 * await engine.fs.writeFile('/in/dem.tif', bytes);
 * await engine.warp(['/in/dem.tif'], '/out/dem.tif', ['-t_srs', 'EPSG:3035'], { onProgress: (f) => bar.value = f });
 */
export function createWorkerEngine(options: WorkerEngineOptions = {}): WorkerEngine {
  if (typeof Worker === 'undefined') {
    throw new ConfigError('createWorkerEngine needs Web Workers, which this environment lacks; use createMemoryEngine() (GDAL on this thread) instead');
  }
  const connection = connectWorker(connectionOptions(options));
  const call = async <T>(method: WorkerMethod, args: unknown[], transfer: Transferable[] = []): Promise<T> => {
    const outcome = await connection.call(method, args, { transfer });
    if (!outcome.ok) throw atCaller(outcome.error);
    return outcome.value as T;
  };

  return {
    info: (path, args) => call('info', [path, args]),
    vectorInfo: (path, args) => call('vectorInfo', [path, args]),
    warp: (sources, dest, args, callOptions) => call('warp', [sources, dest, args, callOptions]),
    translate: (source, dest, args, callOptions) => call('translate', [source, dest, args, callOptions]),
    rasterize: (source, dest, args, callOptions) => call('rasterize', [source, dest, args, callOptions]),
    buildVrt: (sources, dest, args, callOptions) => call('buildVrt', [sources, dest, args, callOptions]),
    vectorTranslate: (source, dest, args, callOptions) => call('vectorTranslate', [source, dest, args, callOptions]),
    dem: (mode, source, dest, args, demOptions) => call('dem', [mode, source, dest, args, demOptions]),
    crsToWkt: (crs) => call('crsToWkt', [crs]),
    crsInfo: (crs) => call('crsInfo', [crs]),
    transformPoints: (srcCrs, dstCrs, points) => call('transformPoints', [srcCrs, dstCrs, points]),
    fs: {
      kind: 'memory',
      readFile: (path) => call('readFile', [path]),
      // A copy made in slices that yield, transferred: a structured clone of the caller's bytes
      // would copy them (with the rest of their buffer, for a view) in one long task of the page.
      writeFile: async (path, bytes) => {
        const own = bytes instanceof Uint8Array ? await copyInSlices(bytes) : bytes;
        return call('writeFile', [path, own], own instanceof Uint8Array ? [own.buffer as ArrayBuffer] : []);
      },
      remove: (path) => call('remove', [path]),
      exists: (path) => call('exists', [path]),
      removeTree: (path) => call('removeTree', [path]),
      mkdir: (path) => call('mkdir', [path]),
      size: (path) => call('size', [path]),
      rename: (from, to) => call('rename', [from, to]),
    },
    close: () => connection.close(),
  };
}
