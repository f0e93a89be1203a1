/**
 * The messages between `createPoolEngine` (the calling thread) and `pool-worker.ts` (a Node
 * worker thread hosting one GDAL engine on host files). Everything here is structured-cloneable;
 * callbacks never cross: progress and warnings come back as messages, and the files GDAL read
 * come back with each answer so the caller can record them in its own async context.
 */
import type { GdalOperations } from './engine.js';
import type { FileAccess } from './file-access.js';
import type { GdalWarning } from './gdal-call.js';
import type { WasmInstantiation } from './gdal-wasm-instantiate.js';
import type { ProgressMessage, SerializedError } from './worker-protocol.js';

/** The GDAL operations a pool worker serves (file methods run on the calling thread). */
export type PoolMethod = keyof GdalOperations;

/** One call of a GDAL operation. The call options lose `onProgress`; `progress` says whether to report it. */
export interface PoolCall {
  type: 'call';
  id: number;
  method: PoolMethod;
  args: unknown[];
  progress: boolean;
}

/**
 * gdal3.js's WebAssembly compiled once by the pool (`module`, shared with the thread, not copied),
 * or why there is none (`reason`): then the thread compiles the file itself. Sent once per thread.
 */
export type PoolWasm = { type: 'wasm'; module: WebAssembly.Module } | { type: 'wasm'; module: null; reason: string };

/** What the pool sends a worker thread. */
export type PoolMessage = PoolCall | PoolWasm;

export type PoolAnswer =
  | { type: 'result'; id: number; value: unknown; access: FileAccess[] }
  | { type: 'error'; id: number; error: SerializedError; access: FileAccess[] }
  | ProgressMessage
  | { type: 'warning'; warning: GdalWarning }
  | { type: 'instantiated'; how: WasmInstantiation };

/** What a worker thread is started with (`workerData`). */
export interface PoolWorkerData {
  /** Whether to post GDAL warnings back (the pool was given `onWarning`). */
  warnings: boolean;
}
