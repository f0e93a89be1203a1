import type { DeflateCodec } from '../formats/deflate-codec.js';
import { webDeflateCodec } from '../formats/deflate-codec.js';
import type { Band } from '../render/band.js';
import { renderRasterHere, type RenderPngOptions } from '../render/render-raster.js';
import { copyInSlices, isTypedArray } from '../copy-in-slices.js';
import { decodeInSlices } from '../decode-in-slices.js';
import { atCaller, deserializeError } from '../../wasm/worker-protocol.js';
import { isCrossOriginScript, startCrossOriginWorker, startModuleWorker } from '../../wasm/module-worker.js';
import type { ComputeRequest, ComputeResponse, ComputeWork } from './compute-protocol.js';

/** Where the compute worker comes from (see `configureComputeWorker`). */
export interface ComputeWorkerOptions {
  /**
   * The URL of the built `compute-worker.js` (a module worker), a function that starts one, or
   * `false` to do the work on the page's thread. Default: `compute-worker.js` next to this module.
   */
  worker?: string | URL | (() => Worker) | false;
}

/** Off-thread work of the browser platform; each method falls back to this thread when no worker can run. */
export interface ComputeWorker {
  renderPng(band: Band, options: RenderPngOptions): Promise<Uint8Array>;
  /** DEFLATE (level 6: the Compression Streams API has no levels) and inflate in the worker. */
  readonly deflateCodec: DeflateCodec;
  /**
   * A script's text fetched in the worker (on this thread without one); undefined when the
   * request fails. Taking in a multi-megabyte body held a page's thread for 0.3-0.5 s in Chromium.
   */
  fetchText(url: string): Promise<string | undefined>;
  /** How many requests the worker answered (for tests: the work did leave the page). */
  readonly answered: number;
  close(): void;
}

function defaultWorker(): Worker {
  // Next to geodata's module, which may be on another origin (a bundle imported from a CDN).
  if (isCrossOriginScript(new URL('./compute-worker.js', import.meta.url))) return startCrossOriginWorker(new URL('./compute-worker.js', import.meta.url));
  return new Worker(new URL('./compute-worker.js', import.meta.url), { type: 'module' });
}

/** A worker that failed to load: the work is done on the page's thread from then on. */
class WorkerUnavailable extends Error {}

/**
 * The page's client of `compute-worker.ts`: starts the worker on first use; if the script cannot
 * be loaded (not served next to the bundle, no Worker in this context) it says so once on the
 * console and does the work on the page's thread, with the same results.
 */
export function createComputeWorker(options: ComputeWorkerOptions = {}): ComputeWorker {
  const pending = new Map<number, { resolve: (value: Uint8Array) => void; reject: (error: unknown) => void }>();
  let worker: Worker | undefined;
  let unavailable = options.worker === false || typeof Worker === 'undefined';
  let nextId = 1;
  let answered = 0;

  const giveUp = (why: string) => {
    if (!unavailable) console.warn(`geodata: the compute worker is not available (${why}); figures and compression run on the page's thread. Serve compute-worker.js next to geodata's bundle or call configureComputeWorker({ worker })`);
    unavailable = true;
    worker?.terminate();
    worker = undefined;
    for (const call of pending.values()) call.reject(new WorkerUnavailable(why));
    pending.clear();
  };

  const start = (): Worker | undefined => {
    if (unavailable) return undefined;
    if (worker) return worker;
    try {
      const source = options.worker || defaultWorker;
      worker = typeof source === 'function' ? source() : startModuleWorker(source);
    } catch (error) {
      giveUp((error as Error).message);
      return undefined;
    }
    worker.addEventListener('message', (event: MessageEvent<ComputeResponse>) => {
      const call = pending.get(event.data.id);
      if (!call) return;
      pending.delete(event.data.id);
      answered += 1;
      if ('value' in event.data) call.resolve(event.data.value);
      else call.reject(deserializeError(event.data.error, 'the compute worker'));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      giveUp(event.message || 'its script could not be loaded');
    });
    return worker;
  };

  const call = async (request: ComputeWork, here: () => Promise<Uint8Array>, transfer: Transferable[] = []): Promise<Uint8Array> => {
    const thread = start();
    if (!thread) return here();
    const id = nextId++;
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.postMessage({ ...request, id } as ComputeRequest, transfer);
      });
    } catch (error) {
      if (error instanceof WorkerUnavailable) return here();
      throw atCaller(error);
    }
  };

  return {
    // The bands are copied (the caller's raster stays usable) in slices that yield to the page,
    // and the copies are transferred: a structured clone of a large band in postMessage is one
    // long copy on the page's thread (70 ms for 2000x2000 Float32 on a loaded machine).
    renderPng: async (band, renderOptions) => {
      const transfer: ArrayBuffer[] = [];
      const own = async (b: Band): Promise<Band> => {
        if (!isTypedArray(b.data)) return plainBand(b);
        const data = await copyInSlices(b.data);
        transfer.push(data.buffer as ArrayBuffer);
        return { ...plainBand(b), data };
      };
      const hillshade = renderOptions.hillshade ? { hillshade: await own(renderOptions.hillshade) } : {};
      return call({ op: 'renderPng', band: await own(band), options: { ...renderOptions, ...hillshade } }, () => renderRasterHere(band, renderOptions), transfer);
    },
    // The bytes come over (transferred) and are decoded here in slices that yield: a text of
    // megabytes, decoded or copied in one piece, is a long task of the page.
    fetchText: async (url) => {
      try {
        return await decodeInSlices(await call({ op: 'fetch', url }, () => fetchBodyHere(url)));
      } catch {
        return undefined;
      }
    },
    deflateCodec: {
      // A copy is handed over, never the block itself: if the worker turns out to be unavailable
      // after the message left (its script failed to load), the block is deflated here, and a
      // transferred block would be empty by then.
      deflate: (bytes) => {
        const copy = bytes.slice();
        return call({ op: 'deflate', bytes: copy }, () => deflateHere(bytes), [copy.buffer as ArrayBuffer]);
      },
      // Inflated there too: the Compression Streams API answers in microtasks, so on the page a
      // whole raster's tiles would inflate in one task. The stored bytes are a view of the file: copied.
      inflate: (bytes) => {
        const copy = bytes.slice();
        return call({ op: 'inflate', bytes: copy }, () => inflateHere(bytes), [copy.buffer as ArrayBuffer]);
      },
      parallel: 4,
      levels: false,
    },
    get answered() {
      return answered;
    },
    close() {
      worker?.terminate();
      worker = undefined;
    },
  };
}

/**
 * DEFLATE on this thread, after a turn of the event loop: the Compression Streams API answers in
 * microtasks, so without it a whole file's blocks would compress in one task of the page.
 */
async function deflateHere(bytes: Uint8Array): Promise<Uint8Array> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return webDeflateCodec.deflate(bytes, 6);
}

/** Inflate on this thread, after a turn of the event loop (see `deflateHere`). */
async function inflateHere(bytes: Uint8Array): Promise<Uint8Array> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return webDeflateCodec.inflate(bytes);
}

/** A script's bytes by fetch on this thread (no worker). */
async function fetchBodyHere(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A band as plain data (a Raster's band view, or any ArrayLike, cloned as a typed array or array). */
function plainBand(band: Band): Band {
  return { width: band.width, height: band.height, data: band.data, nodata: band.nodata ?? null };
}

let shared: ComputeWorker | undefined;
let sharedOptions: ComputeWorkerOptions = {};

/** The page's compute worker (one per page). */
export function computeWorker(): ComputeWorker {
  shared ??= createComputeWorker(sharedOptions);
  return shared;
}

/**
 * Where the browser platform's compute worker comes from: by default `compute-worker.js` next to
 * geodata's module; name its URL when a bundler put geodata elsewhere, or pass `false` to keep the
 * work on the page's thread. Takes effect for work started afterwards.
 * @example configureComputeWorker({ worker: '/static/compute-worker.js' });
 */
export function configureComputeWorker(options: ComputeWorkerOptions): void {
  shared?.close();
  shared = undefined;
  sharedOptions = options;
}
