import { ConfigError } from '../src/errors.js';
import { copyInSlices } from '../src/copy-in-slices.js';
import { resolveGdalAssets, type GdalAssets } from './assets.js';
import type { CallOptions, GdalEngine } from './engine.js';
import type { EngineOptions } from './engine-core.js';
import {
  absoluteAssets,
  CALL_OPTIONS_INDEX,
  deserializeError,
  type CallMessage,
  type InitMessage,
  type WorkerMessage,
  type WorkerMethod,
} from './worker-protocol.js';

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
  worker?: string | URL | (() => Worker);
}

/** A `GdalEngine` whose GDAL runs in a Web Worker. */
export interface WorkerEngine extends GdalEngine {
  readonly fs: GdalEngine['fs'] & { readonly kind: 'memory' };
}

interface Pending {
  method: WorkerMethod;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: CallOptions['onProgress'];
}

function defaultWorker(): Worker {
  return new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
}

function describeWorker(worker: WorkerEngineOptions['worker']): string {
  return typeof worker === 'function' ? 'the worker from options.worker' : `the worker script ${String(worker ?? './engine-worker.js (next to geodata)')}`;
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
  const assets = absoluteAssets(resolveGdalAssets(options.assets), (globalThis as { location?: { href?: string } }).location?.href);
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;

  const failAll = (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };

  const onMessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    if (message.type === 'warning') {
      options.onWarning?.(message.warning);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    if (message.type === 'progress') {
      call.onProgress?.(message.fraction, message.message);
      return;
    }
    pending.delete(message.id);
    if (message.type === 'result') call.resolve(message.value);
    else call.reject(deserializeError(message.error));
  };

  const start = (): Worker => {
    if (worker) return worker;
    let started: Worker;
    try {
      const source = options.worker ?? defaultWorker;
      started = typeof source === 'function' ? source() : new Worker(source, { type: 'module' });
    } catch (error) {
      throw new ConfigError(`cannot start ${describeWorker(options.worker)}: ${(error as Error).message}; pass createWorkerEngine({ worker }) the URL of the built engine-worker.js`, { cause: error });
    }
    started.addEventListener('message', onMessage);
    started.addEventListener('error', (event) => {
      // A script that fails to load or evaluate: nothing queued will ever be answered.
      event.preventDefault();
      if (worker === started) worker = undefined;
      started.terminate();
      failAll(new ConfigError(`${describeWorker(options.worker)} failed: ${event.message || 'it could not be loaded (wrong URL, or not served as JavaScript)'}; check createWorkerEngine({ worker })`));
    });
    started.addEventListener('messageerror', () => failAll(new ConfigError('a message from the GDAL worker could not be read (structured clone failed)')));
    const init: InitMessage = { type: 'init', assets, warnings: Boolean(options.onWarning) };
    started.postMessage(init);
    worker = started;
    return started;
  };

  const call = <T>(method: WorkerMethod, args: unknown[], transfer: Transferable[] = []): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const thread = start();
      const id = nextId++;
      const sent = [...args];
      const index = CALL_OPTIONS_INDEX[method];
      let onProgress: CallOptions['onProgress'];
      if (index !== undefined && sent[index] !== undefined && sent[index] !== null) {
        // The callback and the DEFLATE codec stay on this side (functions do not cross to a thread).
      const { onProgress: callback, deflate: _deflate, ...rest } = sent[index] as CallOptions;
        onProgress = callback;
        sent[index] = rest;
      }
      pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
      const message: CallMessage = { type: 'call', id, method, args: sent, progress: typeof onProgress === 'function' };
      try {
        thread.postMessage(message, transfer);
      } catch (error) {
        pending.delete(id);
        reject(new ConfigError(`cannot send ${method} to the GDAL worker: ${(error as Error).message} (arguments must be plain data: strings, numbers, arrays, Uint8Arrays)`, { cause: error }));
      }
    });

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
    async close() {
      const thread = worker;
      if (!thread) return;
      try {
        await call('close', []);
      } finally {
        worker = undefined;
        thread.terminate();
        failAll(new ConfigError('the GDAL worker engine was closed while this call ran; call again to start a new worker'));
      }
    },
  };
}
