import { ConfigError } from '../src/errors.js';
import { resolveGdalAssets, type GdalAssets } from './assets.js';
import { CROSS_ORIGIN_HINT, isCrossOriginScript, startCrossOriginWorker, startModuleWorker } from './module-worker.js';
import type { CallOptions } from './engine.js';
import type { GdalWarning } from './gdal-call.js';
import {
  absoluteAssets,
  CALL_OPTIONS_INDEX,
  deserializeError,
  type CallMessage,
  type InitMessage,
  type MirrorChanges,
  type MirrorSync,
  type WorkerMessage,
  type WorkerMethod,
} from './worker-protocol.js';

/** How to start the engine's module Web Worker: its URL, or a function that starts one. */
export type WorkerSource = string | URL | (() => Worker);

/** How a call ended in the worker, with the files it changed when the call carried a `sync`. */
export type CallOutcome = { ok: true; value: unknown; changes?: MirrorChanges } | { ok: false; error: Error; changes?: MirrorChanges };

/**
 * One module Web Worker running `engine-worker.ts`, started on the first call and started again
 * after it ended (closed, or failed to load): what `createWorkerEngine` and each worker of the
 * Web Worker pool talk through.
 */
export interface WorkerConnection {
  /**
   * Sends one call; resolves with its outcome (a failure in GDAL is an outcome, not a rejection).
   * Rejects only when the call cannot reach the worker or the worker dies under it.
   */
  call(method: WorkerMethod, args: unknown[], extra?: { transfer?: Transferable[]; sync?: MirrorSync }): Promise<CallOutcome>;
  /** Counts the workers started: a new worker starts with an empty file system. */
  readonly generation: number;
  /** Whether a worker runs now. */
  readonly running: boolean;
  /** Ends the worker (after its queued calls) and the files in it. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (outcome: CallOutcome) => void;
  reject: (error: unknown) => void;
  onProgress?: CallOptions['onProgress'];
}

function defaultWorker(): Worker {
  // Next to geodata's module, which may be on another origin (a bundle imported from a CDN).
  if (isCrossOriginScript(new URL('./engine-worker.js', import.meta.url))) return startCrossOriginWorker(new URL('./engine-worker.js', import.meta.url));
  return new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
}

/**
 * Names the worker in messages: what the caller passed, or the default with the URL it resolves to
 * (a page's author cannot know where "next to geodata" is once a bundler has moved geodata).
 */
export function describeWorker(worker: WorkerSource | undefined): string {
  if (typeof worker === 'function') return 'the worker from options.worker';
  if (worker === undefined) return `the worker script ${new URL('./engine-worker.js', import.meta.url).href} (geodata's default, next to its module)`;
  return `the worker script ${String(worker)}`;
}

/** What to do when the worker script cannot be loaded. */
const WORKER_REMEDY =
  "serve geodata's engine-worker.js at that URL (`npx geodata assets <folder>` copies it into the folder your bundle is served from), " +
  "or give its URL: createBrowserEngine({ worker }) or createWorkerEngine({ worker })";

/** What a connection needs: the worker to start, GDAL's files as absolute URLs, where warnings go. */
export interface ConnectionOptions {
  worker?: WorkerSource;
  assets: InitMessage['assets'];
  onWarning?: (warning: GdalWarning) => void;
}

/**
 * A connection's options from an engine's: GDAL's files resolved against the page's address, as
 * a worker (whose own address is its script's) cannot resolve them.
 */
export function connectionOptions(options: { assets?: Partial<GdalAssets>; worker?: WorkerSource; onWarning?: (warning: GdalWarning) => void }): ConnectionOptions {
  return {
    assets: absoluteAssets(resolveGdalAssets(options.assets), (globalThis as { location?: { href?: string } }).location?.href),
    ...(options.worker ? { worker: options.worker } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };
}

/** Opens a connection; nothing starts until its first call. */
export function connectWorker(options: ConnectionOptions): WorkerConnection {
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let generation = 0;
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
    const changes = message.changes ? { changes: message.changes } : {};
    if (message.type === 'result') call.resolve({ ok: true, value: message.value, ...changes });
    else call.resolve({ ok: false, error: deserializeError(message.error), ...changes });
  };

  const start = (): Worker => {
    if (worker) return worker;
    let started: Worker;
    try {
      const source = options.worker ?? defaultWorker;
      started = typeof source === 'function' ? source() : startModuleWorker(source);
    } catch (error) {
      throw new ConfigError(`cannot start ${describeWorker(options.worker)}: ${(error as Error).message}; pass createWorkerEngine({ worker }) the URL of the built engine-worker.js`, { cause: error });
    }
    const scriptUrl = options.worker ?? new URL('./engine-worker.js', import.meta.url);
    const crossOrigin = typeof scriptUrl !== 'function' && isCrossOriginScript(scriptUrl);
    started.addEventListener('message', onMessage);
    started.addEventListener('error', (event) => {
      // A script that fails to load or evaluate: nothing queued will ever be answered.
      event.preventDefault();
      if (worker === started) worker = undefined;
      started.terminate();
      failAll(new ConfigError(`${describeWorker(options.worker)} failed: ${event.message || `it could not be loaded (wrong URL, or not served as JavaScript${crossOrigin ? `; ${CROSS_ORIGIN_HINT}` : ''})`}; ${WORKER_REMEDY}`));
    });
    started.addEventListener('messageerror', () => failAll(new ConfigError('a message from the GDAL worker could not be read (structured clone failed)')));
    const init: InitMessage = { type: 'init', assets: options.assets, warnings: Boolean(options.onWarning) };
    started.postMessage(init);
    worker = started;
    generation += 1;
    return started;
  };

  const call: WorkerConnection['call'] = (method, args, extra = {}) =>
    new Promise<CallOutcome>((resolve, reject) => {
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
      pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      const message: CallMessage = { type: 'call', id, method, args: sent, progress: typeof onProgress === 'function', ...(extra.sync ? { sync: extra.sync } : {}) };
      try {
        thread.postMessage(message, extra.transfer ?? []);
      } catch (error) {
        pending.delete(id);
        reject(new ConfigError(`cannot send ${method} to the GDAL worker: ${(error as Error).message} (arguments must be plain data: strings, numbers, arrays, Uint8Arrays)`, { cause: error }));
      }
    });

  return {
    call,
    get generation() {
      return generation;
    },
    get running() {
      return worker !== undefined;
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
