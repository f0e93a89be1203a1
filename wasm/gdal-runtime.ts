import { GdalError } from '../src/errors.js';
import { debugLog } from './debug-log.js';
import type { EmscriptenModule } from './emscripten.js';
import { bindGdalApi, CPL_LEVEL, type GdalApi } from './gdal-api.js';

/** One message GDAL emitted through `CPLError` during a call. */
export interface GdalMessage {
  level: 'debug' | 'warning' | 'failure' | 'fatal';
  /** `CPLErrorNum` (1 = application defined, 4 = open failed, 10 = illegal argument...). */
  errorNumber: number;
  message: string;
}

/** Receives GDAL's progress as a fraction in [0, 1]. */
export type ProgressListener = (fraction: number, message?: string) => void;

const LEVELS: Record<number, GdalMessage['level']> = {
  [CPL_LEVEL.debug]: 'debug',
  [CPL_LEVEL.warning]: 'warning',
  [CPL_LEVEL.failure]: 'failure',
  [CPL_LEVEL.fatal]: 'fatal',
};

interface CallState {
  messages: GdalMessage[];
  progress?: ProgressListener;
  progressError?: { error: unknown };
}

/**
 * A loaded gdal3.js module with its bindings and the two callbacks the engine installs once:
 * an error handler (so GDAL's messages are collected per call instead of printed) and a progress
 * trampoline (so one function-table slot serves every call's `onProgress`).
 *
 * GDAL runs synchronously on the calling thread, so a "call" is one synchronous stretch of C
 * calls; `collect` nests (a nested call's messages go to the innermost collector).
 */
export class GdalRuntime {
  readonly api: GdalApi;
  /**
   * A `GDALProgressFunc` pointer, or 0 when the module's function table cannot grow: progress
   * is then reported only at the end of a call.
   */
  readonly progressPointer: number;
  private readonly calls: CallState[] = [];

  constructor(readonly module: EmscriptenModule) {
    this.api = bindGdalApi(module);
    const handler = module.addFunction(((level: number, errorNumber: number, text: number) => {
      this.onMessage(level, errorNumber, module.UTF8ToString(text));
    }) as (...args: never[]) => unknown, 'viii');
    this.api.CPLSetErrorHandler(handler);
    this.progressPointer = this.installProgress();
  }

  /**
   * Runs `body` with GDAL's messages appended to `messages` (warnings and errors; debug output
   * goes to the debug log). A progress listener that throws cancels the GDAL operation; its error
   * is rethrown here in place of whatever GDAL reported about the cancellation.
   */
  collect<T>(messages: GdalMessage[], body: () => T, progress?: ProgressListener): T {
    const call: CallState = { messages, ...(progress ? { progress } : {}) };
    this.calls.push(call);
    this.api.CPLErrorReset();
    try {
      const value = body();
      if (call.progressError) throw call.progressError.error;
      return value;
    } catch (error) {
      if (call.progressError) throw call.progressError.error;
      throw error;
    } finally {
      this.calls.pop();
      this.api.CPLErrorReset();
    }
  }

  private onMessage(level: number, errorNumber: number, message: string): void {
    const entry: GdalMessage = { level: LEVELS[level] ?? 'failure', errorNumber, message };
    const call = this.calls.at(-1);
    if (call && entry.level !== 'debug') call.messages.push(entry);
    else debugLog('gdal', `${entry.level} ${errorNumber}: ${message}`);
  }

  private installProgress(): number {
    try {
      return this.module.addFunction(((fraction: number, text: number) => {
        const call = this.calls.at(-1);
        if (!call?.progress || call.progressError) return call?.progressError ? 0 : 1;
        try {
          call.progress(Math.min(1, Math.max(0, fraction)), text ? this.module.UTF8ToString(text) || undefined : undefined);
          return 1;
        } catch (error) {
          // Throwing through WebAssembly frames would leave GDAL's datasets open and its heap
          // inconsistent: cancel cleanly (return FALSE) and rethrow once GDAL has unwound.
          call.progressError = { error };
          return 0;
        }
      }) as (...args: never[]) => unknown, 'idii');
    } catch (error) {
      debugLog('gdal', `progress callbacks unavailable (function table cannot grow): ${String(error)}`);
      return 0;
    }
  }
}

/** Wraps a module's first use: bindings or callbacks that cannot be installed are a GdalError. */
export function createRuntime(module: EmscriptenModule): GdalRuntime {
  try {
    return new GdalRuntime(module);
  } catch (error) {
    throw new GdalError(`cannot set up GDAL WebAssembly: ${(error as Error).message}`, { operation: 'init' }, { cause: error });
  }
}
