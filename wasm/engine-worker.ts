/**
 * The module Web Worker behind `createWorkerEngine`: hosts one `createMemoryEngine` and serves
 * its methods over `postMessage` (protocol: `worker-protocol.ts`). GDAL's synchronous work
 * happens here, so the page keeps painting and answering input while a warp runs.
 *
 * Bundlers that understand `new Worker(new URL('./engine-worker.js', import.meta.url))` (Vite,
 * webpack 5, Parcel) bundle this file on their own; otherwise build it as a separate ES module
 * and pass its URL to `createWorkerEngine({ worker })`.
 */
import { resolveGdalAssets } from './assets.js';
import { BlobMirror } from './blob-mirror.js';
import type { GdalEngine } from './engine.js';
import { browserGdalLoader, SharedGdalModule } from './gdal-module.js';
import { createMemoryEngine } from './memory-engine.js';
import { argsWithProgress, isFileMethod, serializeError, type CallMessage, type MirrorChanges, type PageMessage, type WorkerMessage } from './worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<PageMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let engine: GdalEngine | undefined;
let shared: SharedGdalModule | undefined;
// The files of a Web Worker pool's calls (created on the first call that carries `sync`).
let mirror: BlobMirror | undefined;
// Calls run one after the other, as on a single engine: GDAL's state (config options, error
// handlers) is per module, and the memory file system must not change under a running call.
let queue: Promise<void> = Promise.resolve();

function post(message: WorkerMessage, transfer?: Transferable[]): void {
  scope.postMessage(message, transfer);
}

async function run(call: CallMessage): Promise<void> {
  if (!engine) {
    post({ type: 'error', id: call.id, error: { name: 'ConfigError', message: 'the GDAL worker received a call before its init message' } });
    return;
  }
  const args = argsWithProgress(call, post);
  let collect: (() => { changes: MirrorChanges; transfer: ArrayBuffer[] }) | undefined;
  try {
    if (call.sync) collect = await applySync(call.sync);
    const target = isFileMethod(call.method) ? engine.fs : engine;
    const value = await (target[call.method as keyof typeof target] as (...input: unknown[]) => Promise<unknown>).apply(target, args);
    const collected = collect?.();
    collect = undefined;
    // The memory engine's readFile returns a fresh copy: hand its buffer over instead of copying again.
    const transfer = value instanceof Uint8Array && value.byteOffset === 0 && value.buffer instanceof ArrayBuffer ? [value.buffer] : [];
    post({ type: 'result', id: call.id, value, ...(collected ? { changes: collected.changes } : {}) }, [...transfer, ...(collected?.transfer ?? [])]);
  } catch (error) {
    // A failed call may have written files too (a partial output), as on a single engine.
    let collected: { changes: MirrorChanges; transfer: ArrayBuffer[] } | undefined;
    try {
      collected = collect?.();
    } catch {
      // Not collected: the page then resets this worker's files (an answer without changes).
    }
    post({ type: 'error', id: call.id, error: serializeError(error), ...(collected ? { changes: collected.changes } : {}) }, collected?.transfer ?? []);
  }
}

/** Makes this worker's files the page's (see `blob-mirror.ts`); returns how to collect the call's changes. */
async function applySync(sync: NonNullable<CallMessage['sync']>): Promise<() => { changes: MirrorChanges; transfer: ArrayBuffer[] }> {
  const runtime = await shared!.acquire();
  try {
    mirror ??= new BlobMirror(runtime.module);
    const own = mirror;
    const before = own.apply(sync);
    return () => own.collect(before);
  } finally {
    shared!.release();
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    shared = new SharedGdalModule(browserGdalLoader(resolveGdalAssets(message.assets)));
    engine = createMemoryEngine({
      module: shared,
      ...(message.warnings ? { onWarning: (warning) => post({ type: 'warning', warning }) } : {}),
    });
    return;
  }
  if (message.type === 'call') queue = queue.then(() => run(message));
};
