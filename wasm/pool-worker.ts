/**
 * Node only: one worker thread of `createPoolEngine`. It hosts a GDAL engine on host files
 * (its own gdal3.js module, loaded on the first call) and serves its GDAL operations one at a
 * time over `parentPort` (protocol: `pool-protocol.ts`).
 *
 * This file must not import geotiff.js (its `web-worker` dependency crashes in a worker thread)
 * nor anything of `src/` beyond the error classes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from './engine-core.js';
import { onFileAccess, type FileAccess } from './file-access.js';
import { SharedGdalModule } from './gdal-module.js';
import { nodeGdalLoader } from './gdal-module-node.js';
import { hostFileSystem } from './host-fs-node.js';
import type { PoolAnswer, PoolCall, PoolMessage, PoolWorkerData } from './pool-protocol.js';
import { argsWithProgress, serializeError } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('pool-worker.ts runs only as a worker thread of createPoolEngine');

const data = workerData as PoolWorkerData;
const post = (message: PoolAnswer) => port.postMessage(message);

// The pool sends gdal3.js's WebAssembly compiled once per process (or why it has none); GDAL
// loads on the first call, from that module, when it has arrived.
let receiveWasm!: (module: WebAssembly.Module) => void;
let noWasm!: (reason: Error) => void;
const sharedWasm = new Promise<WebAssembly.Module>((resolve, reject) => ((receiveWasm = resolve), (noWasm = reject)));
sharedWasm.catch(() => undefined);
const loader = nodeGdalLoader({ compiled: () => sharedWasm, onInstantiate: (how) => post({ type: 'instantiated', how }) });
const engine = createEngine(new SharedGdalModule(loader), hostFileSystem, data.warnings ? { onWarning: (warning) => post({ type: 'warning', warning }) } : {});

// The files GDAL reads during the current call: sent back with its answer, so the caller records
// them in the async context of the computation that asked (it has no view of this thread's).
let reads: FileAccess[] = [];
onFileAccess((access) => reads.push(access));

async function run(call: PoolCall): Promise<void> {
  const args = argsWithProgress(call, post);
  reads = [];
  try {
    const value = await (engine[call.method] as (...input: unknown[]) => Promise<unknown>).apply(engine, args);
    post({ type: 'result', id: call.id, value, access: reads });
  } catch (error) {
    post({ type: 'error', id: call.id, error: serializeError(error), access: reads });
  } finally {
    reads = [];
  }
}

// The pool sends one call at a time to a worker; the queue is a guard all the same: GDAL's state
// (configuration, error handlers) is per module and must not change under a running call.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: PoolMessage) => {
  if (message.type === 'call') queue = queue.then(() => run(message));
  else if (message.type === 'wasm') {
    if (message.module) receiveWasm(message.module);
    else noWasm(new Error(message.reason));
  }
});
