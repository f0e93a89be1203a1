/**
 * The messages between `createWorkerEngine` (the page) and `engine-worker.ts` (a module Web
 * Worker hosting `createMemoryEngine`), and how errors cross that boundary. Everything here is
 * structured-cloneable; callbacks never cross: progress and warnings come back as messages.
 */
import { ConfigError, CrsError, FileError, FingerprintError, GdalError, GeodataError, InvalidInputError, PipelineError, StoreError } from '../src/errors.js';
import type { GdalAssets } from './assets.js';
import { FILE_METHODS, type CallOptions, type EngineFiles, type GdalOperations } from './engine.js';
import type { GdalWarning } from './gdal-call.js';
import { throttledProgress } from './throttled-progress.js';

/** Engine methods the worker serves: GDAL operations, the file methods of `engine.fs`, and `close`. */
export type WorkerMethod = keyof GdalOperations | keyof Omit<EngineFiles, 'kind'> | 'close';

/** Whether a method is one of `engine.fs`'s (served by the worker engine's `fs`). */
export function isFileMethod(method: WorkerMethod): method is (typeof FILE_METHODS)[number] {
  return (FILE_METHODS as readonly string[]).includes(method);
}

/** Where the `CallOptions` argument sits, for the methods that take one. */
export const CALL_OPTIONS_INDEX: Partial<Record<WorkerMethod, number>> = {
  warp: 3,
  translate: 3,
  rasterize: 3,
  buildVrt: 3,
  vectorTranslate: 3,
  dem: 4,
};

/** A progress report sent back for call `id`. */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  fraction: number;
  message?: string;
}

/**
 * The arguments of a call received by a worker, with an `onProgress` in its options that sends
 * progress messages through `send` when the caller asked for progress (`progress`; callbacks do
 * not cross threads). Throttled: a message per GDAL report would be one per block of scanlines
 * (see `throttledProgress`), each a task on the receiving thread.
 */
export function argsWithProgress(call: { id: number; method: WorkerMethod; args: readonly unknown[]; progress: boolean }, send: (message: ProgressMessage) => void): unknown[] {
  const args = [...call.args];
  const index = CALL_OPTIONS_INDEX[call.method];
  if (index !== undefined && call.progress) {
    const options = { ...((args[index] as CallOptions | undefined) ?? {}) };
    options.onProgress = throttledProgress((fraction, message) => send({ type: 'progress', id: call.id, fraction, ...(message ? { message } : {}) }));
    args[index] = options;
  }
  return args;
}

/** The first message: how the worker loads gdal3.js. */
export interface InitMessage {
  type: 'init';
  /** Absolute URLs (the worker's own location is not the page's). */
  assets: { wasm: string; data: string; js?: string };
  /** Whether to post GDAL warnings back (the page gave `onWarning`). */
  warnings: boolean;
}

/** A call of one engine method. The call options lose `onProgress`; `progress` says whether to report it. */
export interface CallMessage {
  type: 'call';
  id: number;
  method: WorkerMethod;
  args: unknown[];
  progress: boolean;
  /**
   * Set by the Web Worker pool (`web-worker-pool.ts`), whose files live in the page: the files to
   * make current in this worker before the call. The answer then carries the call's `changes`.
   */
  sync?: MirrorSync;
}

/**
 * What a pool worker must change in its file system before a call so that it holds the page's
 * files (caller paths). Files arrive as `Blob`s, which cross threads without copying their bytes.
 */
export interface MirrorSync {
  /** Start from an empty file system (a worker whose state the page lost track of). */
  reset: boolean;
  /** Every folder of the page's files: folders not listed are removed, with what is in them. */
  folders: string[];
  /** Files new or changed since this worker last held them. */
  put: Array<{ path: string; blob: Blob }>;
  /** Files this worker holds that the page no longer has. */
  remove: string[];
}

/** What a call changed in a pool worker's file system, for the page to take over. */
export interface MirrorChanges {
  /** Files the call created or wrote, with their new bytes; `kept`: the worker holds them too. */
  written: Array<{ path: string; bytes: Uint8Array; kept: boolean }>;
  /** Files the call removed. */
  removed: string[];
  foldersAdded: string[];
  foldersRemoved: string[];
}

export type PageMessage = InitMessage | CallMessage;

export type WorkerMessage =
  | { type: 'result'; id: number; value: unknown; changes?: MirrorChanges }
  | { type: 'error'; id: number; error: SerializedError; changes?: MirrorChanges }
  | ProgressMessage
  | { type: 'warning'; warning: GdalWarning };

/** An error as plain data: the class by name, and the fields the typed classes carry. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** FileError's `path`. */
  path?: string;
  /** GdalError's `details`. */
  details?: GdalError['details'];
  cause?: SerializedError;
}

/** Turns anything thrown into plain data, keeping the class name and its fields (and causes, a few deep). */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const serialized: SerializedError = { name: error.name, message: error.message };
  if (error.stack) serialized.stack = error.stack;
  if (error instanceof FileError) serialized.path = error.path;
  if (error instanceof GdalError) serialized.details = { ...error.details };
  if (error.cause !== undefined && depth < 4) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}

const PLAIN_CLASSES: Record<string, new (message: string, options?: { cause?: unknown }) => GeodataError> = {
  GeodataError,
  InvalidInputError,
  ConfigError,
  CrsError,
  FingerprintError,
  StoreError,
  PipelineError,
};

/** JavaScript's own error classes: a TypeError from the worker is a TypeError in the page too. */
const NATIVE_CLASSES: Record<string, new (message: string, options?: { cause?: unknown }) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The worker's side of an error's stack, and which worker, kept for {@link atCaller}. */
const workerStacks = new WeakMap<Error, { where: string; stack: string }>();

/**
 * Re-creates an error from the worker as the same class with the same message, so callers branch
 * on it (`instanceof GdalError`, `instanceof TypeError`) exactly as with an engine in the page.
 * The worker's stack is kept below the page's, under a line naming `where` it ran; the page's
 * frames are those of the message handler until {@link atCaller} replaces them with the caller's.
 */
export function deserializeError(serialized: SerializedError, where = 'the GDAL worker'): Error {
  const cause = serialized.cause ? { cause: deserializeError(serialized.cause, where) } : undefined;
  let error: Error;
  if (serialized.name === 'FileError') error = new FileError(serialized.message, serialized.path ?? '', cause);
  else if (serialized.name === 'GdalError') error = new GdalError(serialized.message, serialized.details ?? { operation: 'unknown' }, cause);
  else if (Object.hasOwn(PLAIN_CLASSES, serialized.name)) error = new PLAIN_CLASSES[serialized.name]!(serialized.message, cause);
  else if (Object.hasOwn(NATIVE_CLASSES, serialized.name)) error = new NATIVE_CLASSES[serialized.name]!(serialized.message, cause);
  else {
    error = new Error(serialized.message, cause);
    error.name = serialized.name;
  }
  if (serialized.stack && error.stack) {
    workerStacks.set(error, { where, stack: serialized.stack });
    error.stack = `${error.stack}\n    --- in ${where} ---\n${serialized.stack}`;
  }
  return error;
}

/**
 * The error from a worker, its page frames now those of the code that made the call. Call it where
 * the caller's async function resumes with the failure (`throw atCaller(outcome.error)`): an error
 * made in a message handler has only the handler's frames, so nothing showed which of the page's
 * calls failed. Errors that did not come from a worker are returned as they are.
 */
export function atCaller(error: unknown): unknown {
  const fromWorker = error instanceof Error ? workerStacks.get(error) : undefined;
  if (!fromWorker) return error;
  const here: { stack?: string } = {};
  // V8 (Chromium, Node) leaves this function out of the frames; elsewhere the first frame is it.
  if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(here, atCaller);
  else here.stack = new Error().stack;
  const frames = (here.stack ?? '').split('\n').filter((line) => /^\s+at\s|@/.test(line));
  const err = error as Error;
  err.stack = [`${err.name}: ${err.message}`, ...frames, `    --- in ${fromWorker.where} ---`, fromWorker.stack].join('\n');
  return err;
}

/** Absolute URLs for the worker: relative ones would resolve against the worker script, not the page. */
export function absoluteAssets(assets: GdalAssets, base: string | undefined): InitMessage['assets'] {
  const absolute = (value: string | URL) => (base ? new URL(String(value), base).href : String(value));
  return { wasm: absolute(assets.wasm), data: absolute(assets.data), ...(assets.js !== undefined ? { js: absolute(assets.js) } : {}) };
}
