import { FileError, GdalError } from '../src/errors.js';
import { OPEN_FLAGS } from './gdal-api.js';
import type { GdalMessage, GdalRuntime, ProgressListener } from './gdal-runtime.js';
import { HeapScope } from './heap.js';

/** A warning GDAL emitted during a call that still succeeded. */
export interface GdalWarning {
  /** `warp`, `translate`, `info`... */
  operation: string;
  /** The file the call was about, as the caller named it. */
  path: string;
  message: string;
  errorNumber: number;
}

/** What one engine call is about, for error messages, configuration and progress. */
export interface CallContext {
  operation: string;
  /** The caller's path the call is about (the output, or the input of `info`): named in errors. */
  subject: string;
  config?: Record<string, string>;
  onProgress?: ProgressListener;
  onWarning?: (warning: GdalWarning) => void;
  /** Rewrites GDAL's view of paths inside a message into the caller's (`/host/usr/x` → `/usr/x`). */
  describe: (text: string) => string;
}

/**
 * Splits `--config KEY VALUE` out of command-line arguments: GDAL's `*OptionsNew` parsers do not
 * accept it (the command-line programs handle it before them).
 * @example splitConfigArgs(['-r', 'near', '--config', 'GDAL_CACHEMAX', '64']) // { args: ['-r', 'near'], config: { GDAL_CACHEMAX: '64' } }
 */
export function splitConfigArgs(args: readonly string[]): { args: string[]; config: Record<string, string> } {
  const rest: string[] = [];
  const config: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--config' && index + 2 < args.length) {
      config[args[index + 1]!] = args[index + 2]!;
      index += 2;
    } else if (arg.startsWith('--config=')) {
      const [key, ...value] = arg.slice('--config='.length).split('=');
      if (key) config[key] = value.join('=');
    } else {
      rest.push(arg);
    }
  }
  return { args: rest, config };
}

/**
 * The resources of one GDAL call: a heap scope, datasets to close, and the messages collected.
 * Created by `runGdalCall`; everything is released when the call ends, whatever happens.
 */
export class GdalCall {
  readonly heap: HeapScope;
  readonly messages: GdalMessage[] = [];
  private readonly datasets: number[] = [];

  constructor(
    readonly runtime: GdalRuntime,
    readonly context: CallContext,
  ) {
    this.heap = new HeapScope(runtime.module);
  }

  /** Opens a dataset in GDAL's file system; a null handle becomes an error naming `callerPath`. */
  open(gdalPath: string, callerPath: string, kind: 'raster' | 'vector'): number {
    const flags = OPEN_FLAGS[kind] | OPEN_FLAGS.verboseError;
    const handle = this.runtime.api.GDALOpenEx(this.heap.string(gdalPath), flags, 0, 0, 0);
    if (handle) return this.own(handle);
    const { operation } = this.context;
    if (!gdalPath.startsWith('/vsi') && !this.runtime.module.FS.analyzePath(gdalPath).exists) {
      throw new FileError(`cannot open ${callerPath} for ${operation}: no such file`, callerPath);
    }
    const reason = this.reason(this.failures(), gdalPath) || `GDAL cannot read it as a ${kind} dataset`;
    throw new GdalError(`cannot open ${callerPath} for ${operation}: ${reason}`, {
      operation,
      path: callerPath,
      gdalMessage: reason,
      ...this.errorNumber(),
    });
  }

  /** Closes `handle` when the call ends (an output is closed first, which flushes it). */
  own(handle: number): number {
    this.datasets.push(handle);
    return handle;
  }

  /** Checks what a `GDAL*OptionsNew` returned: NULL means GDAL rejected the arguments. */
  options(pointer: number, args: readonly string[]): number {
    if (pointer) return pointer;
    const reason = this.reason(this.failures()) || 'unknown option or missing value';
    throw new GdalError(`${this.context.operation} failed for ${this.context.subject}: invalid arguments ${JSON.stringify(args)}: ${reason}`, {
      operation: this.context.operation,
      path: this.context.subject,
      gdalMessage: reason,
      ...this.errorNumber(),
    });
  }

  /** Checks an output handle: NULL means the operation failed. */
  result(handle: number): number {
    if (!handle) throw this.failure(this.failures());
    return this.own(handle);
  }

  /** The error for failure messages (or for a NULL result without any message). */
  failure(failures: GdalMessage[]): GdalError {
    const reason = this.reason(failures) || 'GDAL returned no result and no message';
    return new GdalError(`${this.context.operation} failed for ${this.context.subject}: ${reason}`, {
      operation: this.context.operation,
      path: this.context.subject,
      gdalMessage: reason,
      ...this.errorNumber(),
    });
  }

  failures(): GdalMessage[] {
    return this.messages.filter((message) => message.level === 'failure' || message.level === 'fatal');
  }

  /** Closes every dataset, newest first. */
  closeAll(): void {
    for (const handle of this.datasets.splice(0).reverse()) this.runtime.api.GDALClose(handle);
  }

  private reason(failures: GdalMessage[], gdalPath?: string): string {
    const prefix = gdalPath ? `${this.context.describe(gdalPath)}: ` : undefined;
    const texts = failures.map((failure) => {
      const text = this.context.describe(failure.message.trim());
      // GDAL often starts with the file name, which the error message already names.
      return prefix && text.startsWith(prefix) ? text.slice(prefix.length) : text;
    });
    return [...new Set(texts)].join('; ');
  }

  private errorNumber(): { errorNumber?: number } {
    const last = this.failures().at(-1);
    return last ? { errorNumber: last.errorNumber } : {};
  }
}

function applyConfig(call: GdalCall, config: Record<string, string>): () => void {
  const { api } = call.runtime;
  const keys = Object.keys(config);
  for (const key of keys) api.CPLSetThreadLocalConfigOption(call.heap.string(key), call.heap.string(config[key]!));
  // Unsetting the thread-local value brings back the global one (CPLGetConfigOption is not exported).
  return () => {
    for (const key of keys) api.CPLSetThreadLocalConfigOption(call.heap.string(key), 0);
  };
}

/**
 * Runs one GDAL call: applies per-call configuration, collects GDAL's messages, turns failures
 * (CE_Failure/CE_Fatal, including those raised while closing and flushing the output) into a
 * `GdalError` naming the operation and the file, hands warnings to `onWarning`, reports progress
 * 1 at the end when GDAL itself did not, and frees and closes everything.
 */
export function runGdalCall<T>(runtime: GdalRuntime, context: CallContext, body: (call: GdalCall) => T): T {
  const call = new GdalCall(runtime, context);
  let lastFraction = -1;
  const progress: ProgressListener | undefined = context.onProgress
    ? (fraction, message) => {
        lastFraction = fraction;
        context.onProgress!(fraction, message);
      }
    : undefined;
  try {
    const value = runtime.collect(
      call.messages,
      () => {
        const restore = applyConfig(call, context.config ?? {});
        let result: T;
        try {
          result = body(call);
        } finally {
          call.closeAll();
          restore();
        }
        const failures = call.failures();
        if (failures.length > 0) throw call.failure(failures);
        return result;
      },
      progress,
    );
    if (progress && lastFraction < 1) progress(1);
    return value;
  } finally {
    call.heap.free();
    for (const message of call.messages) {
      if (message.level !== 'warning') continue;
      context.onWarning?.({
        operation: context.operation,
        path: context.subject,
        message: context.describe(message.message.trim()),
        errorNumber: message.errorNumber,
      });
    }
  }
}
