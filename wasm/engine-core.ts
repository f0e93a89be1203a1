import { CrsError, GdalError, InvalidInputError } from '../src/errors.js';
import type { CallOptions, CrsInfo, DemMode, DemOptions, EngineFiles, GdalEngine, RasterInfo, VectorInfo } from './engine.js';
import * as apps from './gdal-apps.js';
import { splitConfigArgs, type CallContext, type GdalWarning } from './gdal-call.js';
import * as crs from './gdal-crs.js';
import { reportFileAccess, type FileAccess } from './file-access.js';
import type { SharedGdalModule } from './gdal-module.js';
import type { GdalRuntime } from './gdal-runtime.js';

/** How an engine reaches the module: acquire on first use, or peek without loading. */
export interface RuntimeAccess {
  acquire(): Promise<GdalRuntime>;
  /** The runtime if gdal3.js is loaded already (by any engine); never loads it. */
  loaded(): GdalRuntime | undefined;
}

/**
 * The part of an engine that differs between host files (Node) and GDAL's in-memory file system
 * (browser): how caller paths become GDAL paths, and the file methods.
 */
/** What a watched call did with files: what it read, and why a write failed where GDAL does not say. */
export interface WatchedAccess extends FileAccess {
  /** A sentence naming the file and the cause (a full disk), for a failed call's error. */
  writeFailure?: string;
}

/** A failed call's GdalError with the cause of its failed write added ("Write error" says nothing of a full disk). */
function withWriteFailure(error: unknown, writeFailure: string | undefined): unknown {
  if (!writeFailure || !(error instanceof GdalError)) return error;
  const { operation, path, gdalMessage } = error.details;
  // The cause first: GDAL's own messages after a failed write run long.
  const message = path && gdalMessage ? `${operation} failed for ${path}: ${writeFailure} (GDAL: ${gdalMessage})` : `${error.message}; ${writeFailure}`;
  return new GdalError(message, error.details, { cause: error });
}

export interface EngineFileSystem extends EngineFiles {
  /**
   * GDAL's path for each caller path, with GDAL's view of them made current (mounts, links,
   * cached directory entries). Runs synchronously just before a GDAL call.
   */
  prepare(runtime: GdalRuntime, paths: readonly string[]): string[];
  /** Rewrites GDAL's paths inside a message or JSON text into the caller's. */
  describe(text: string): string;
  /** GDAL configuration every call gets (a call's own configuration wins). */
  readonly callConfig?: Record<string, string>;
  /**
   * Starts watching which files GDAL reads during one synchronous call (`inputs` and `dest` are
   * the caller's paths); the returned function stops watching and says what was read.
   */
  watch?(runtime: GdalRuntime, inputs: readonly string[], dest: string | undefined): () => WatchedAccess;
}

/** Options every engine accepts. */
export interface EngineOptions {
  /**
   * Receives GDAL's warnings (the call still succeeds). Default: the debug log
   * (`GEODATA_DEBUG=gdal`).
   */
  onWarning?: (warning: GdalWarning) => void;
}

const DEM_MODES: readonly DemMode[] = ['hillshade', 'slope', 'aspect', 'color-relief', 'TRI', 'TPI', 'roughness'];

/** Options whose value is a file, per operation: mapped like the inputs. */
export const PATH_OPTIONS: Record<string, readonly string[]> = {
  warp: ['-cutline'],
  buildVrt: ['-input_file_list'],
};

/**
 * gdalbuildvrt's `-input_file_list FILE` read here, its names (one a line, as native
 * gdalbuildvrt reads them: relative to the working folder) added after the sources: gdal3.js's
 * library form of the tool refuses the option ("not supported in non binary mode").
 */
async function withFileLists(args: string[], readFile: (path: string) => Promise<Uint8Array>): Promise<{ args: string[]; sources: string[] }> {
  const kept: string[] = [];
  const sources: string[] = [];
  for (let index = 0; index < args.length; index++) {
    if (args[index] !== '-input_file_list') {
      kept.push(args[index]!);
      continue;
    }
    const list = checkPath(args[++index], '-input_file_list', 'buildVrt');
    let text: string;
    try {
      text = new TextDecoder().decode(await readFile(list));
    } catch (error) {
      throw new InvalidInputError(`buildVrt: cannot read the -input_file_list file ${list}: ${(error as Error).message}`, { cause: error });
    }
    sources.push(...text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line !== ''));
  }
  return { args: kept, sources };
}

export function checkPath(value: unknown, what: string, operation: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(`${operation}: ${what} must be a non-empty path string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function checkCrs(value: unknown, what: string, operation: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CrsError(`${operation}: ${what} must be a CRS string such as "EPSG:3035", WKT or a PROJ string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function checkArgs(args: unknown, operation: string): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) {
    throw new InvalidInputError(`${operation}: args must be an array of strings (command-line arguments), got ${JSON.stringify(args)}`);
  }
  return args as string[];
}

/**
 * Builds a `GdalEngine` from a shared gdal3.js module and a file system. Creating it loads
 * nothing; the first method that needs GDAL does (file methods of the host file system never do).
 */
export function createEngine(shared: SharedGdalModule, fileSystem: (access: RuntimeAccess) => EngineFileSystem, options: EngineOptions = {}): GdalEngine {
  let acquired: Promise<GdalRuntime> | undefined;
  const access: RuntimeAccess = {
    acquire() {
      if (!acquired) {
        const pending = shared.acquire();
        acquired = pending;
        pending.catch(() => {
          if (acquired === pending) acquired = undefined;
        });
      }
      return acquired;
    },
    loaded: () => shared.loaded,
  };
  const files = fileSystem(access);

  function context(operation: string, callOptions: CallOptions | undefined, argConfig: Record<string, string>): Omit<CallContext, 'subject'> {
    return {
      operation,
      config: { ...(files.callConfig ?? {}), ...(callOptions?.config ?? {}), ...argConfig },
      ...(callOptions?.onProgress ? { onProgress: callOptions.onProgress } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      describe: (text) => files.describe(text),
    };
  }

  /** Maps inputs, output and file-valued options; clears the output; runs the operation. */
  async function produce(
    operation: string,
    inputs: readonly string[],
    dest: string,
    rawArgs: unknown,
    callOptions: CallOptions | undefined,
    run: (runtime: GdalRuntime, ctx: Omit<CallContext, 'subject'>, inputs: apps.MappedPath[], dest: apps.MappedPath, args: string[]) => void,
  ): Promise<void> {
    inputs.forEach((input, index) => checkPath(input, inputs.length > 1 ? `source ${index + 1}` : 'source', operation));
    checkPath(dest, 'dest', operation);
    const { args, config } = splitConfigArgs(checkArgs(rawArgs, operation));
    const runtime = await access.acquire();
    const [gdalDest, ...gdalInputs] = files.prepare(runtime, [dest, ...inputs]);
    if (gdalInputs.includes(gdalDest!)) throw new InvalidInputError(`${operation}: dest ${dest} is also an input; write to another file`);
    const pathOptions = PATH_OPTIONS[operation] ?? [];
    const mappedArgs = args.map((arg, index) => (index > 0 && pathOptions.includes(args[index - 1]!) ? files.prepare(runtime, [arg])[0]! : arg));
    apps.clearOutput(runtime.module.FS, gdalDest!);
    watched(runtime, inputs, dest, () =>
      run(
        runtime,
        context(operation, callOptions, config),
        inputs.map((path, index) => ({ path, gdal: gdalInputs[index]! })),
        { path: dest, gdal: gdalDest! },
        mappedArgs,
      ),
    );
  }

  /** Runs one synchronous GDAL call, reporting the files it read (see `onFileAccess`). */
  function watched<T>(runtime: GdalRuntime, inputs: readonly string[], dest: string | undefined, call: () => T): T {
    const stop = files.watch?.(runtime, inputs, dest);
    if (!stop) return call();
    let access: WatchedAccess | undefined;
    try {
      return call();
    } catch (error) {
      access = stop();
      throw withWriteFailure(error, access.writeFailure);
    } finally {
      const { writeFailure: _, ...files } = access ?? stop();
      reportFileAccess(files);
    }
  }

  async function inspect<T>(operation: string, path: string, rawArgs: unknown, run: (runtime: GdalRuntime, ctx: Omit<CallContext, 'subject'>, source: apps.MappedPath, args: string[]) => T): Promise<T> {
    checkPath(path, 'path', operation);
    const { args, config } = splitConfigArgs(checkArgs(rawArgs, operation));
    const runtime = await access.acquire();
    const [gdal] = files.prepare(runtime, [path]);
    return watched(runtime, [path], undefined, () => run(runtime, context(operation, undefined, config), { path, gdal: gdal! }, args));
  }

  return {

    info: (path, args) => inspect<RasterInfo>('info', path, args, (rt, ctx, source, argv) => apps.rasterInfo(rt, ctx, source, argv)),
    vectorInfo: (path, args) => inspect<VectorInfo>('vectorInfo', path, args, (rt, ctx, source, argv) => apps.vectorInfo(rt, ctx, source, argv)),

    async warp(sources, dest, args, callOptions) {
      if (!Array.isArray(sources) || sources.length === 0) throw new InvalidInputError(`warp: sources must be a non-empty array of paths, got ${JSON.stringify(sources)}`);
      await produce('warp', sources, dest, args, callOptions, (rt, ctx, inputs, out, argv) => apps.warp(rt, ctx, inputs, out, argv));
    },
    async translate(source, dest, args, callOptions) {
      await produce('translate', [source], dest, args, callOptions, (rt, ctx, [input], out, argv) => apps.translate(rt, ctx, input!, out, argv));
    },
    async rasterize(source, dest, args, callOptions) {
      await produce('rasterize', [source], dest, args, callOptions, (rt, ctx, [input], out, argv) => apps.rasterize(rt, ctx, input!, out, argv));
    },
    async buildVrt(sources, dest, args, callOptions) {
      if (!Array.isArray(sources)) throw new InvalidInputError(`buildVrt: sources must be an array of paths, got ${JSON.stringify(sources)}`);
      const listed = await withFileLists(checkArgs(args, 'buildVrt'), (path) => files.readFile(path));
      const all = [...sources, ...listed.sources];
      if (all.length === 0) throw new InvalidInputError(`buildVrt: no sources: give sources, or a non-empty -input_file_list file, got ${JSON.stringify(sources)}`);
      await produce('buildVrt', all, dest, listed.args, callOptions, (rt, ctx, inputs, out, argv) => apps.buildVrt(rt, ctx, inputs, out, argv));
    },
    async vectorTranslate(source, dest, args, callOptions) {
      await produce('vectorTranslate', [source], dest, args, callOptions, (rt, ctx, [input], out, argv) => apps.vectorTranslate(rt, ctx, input!, out, argv));
    },
    async dem(mode, source, dest, args, demOptions?: DemOptions) {
      if (!DEM_MODES.includes(mode)) throw new InvalidInputError(`dem: mode ${JSON.stringify(mode)} is not one of ${DEM_MODES.join(', ')}`);
      const colorFile = demOptions?.colorFile;
      if (mode === 'color-relief' && !colorFile) throw new InvalidInputError('dem: color-relief needs options.colorFile (a color table file in the engine file system)');
      const inputs = colorFile ? [source, checkPath(colorFile, 'colorFile', 'dem')] : [source];
      await produce('dem', inputs, dest, args, demOptions, (rt, ctx, [input, color], out, argv) => apps.dem(rt, ctx, mode, input!, out, argv, color));
    },

    async crsToWkt(definition) {
      const runtime = await access.acquire();
      return crs.crsToWkt(runtime, context('crsToWkt', undefined, {}), checkCrs(definition, 'crs', 'crsToWkt'));
    },
    async crsInfo(definition): Promise<CrsInfo> {
      const runtime = await access.acquire();
      return crs.crsInfo(runtime, context('crsInfo', undefined, {}), checkCrs(definition, 'crs', 'crsInfo'));
    },
    async transformPoints(srcCrs, dstCrs, points) {
      checkCrs(srcCrs, 'srcCrs', 'transformPoints');
      checkCrs(dstCrs, 'dstCrs', 'transformPoints');
      if (!Array.isArray(points) || points.some((point) => !Array.isArray(point) || point.length < 2 || point.some((value) => typeof value !== 'number'))) {
        throw new InvalidInputError(`transformPoints: points must be an array of [x, y] number pairs, got ${JSON.stringify(points).slice(0, 120)}`);
      }
      const runtime = await access.acquire();
      return crs.transformPoints(runtime, context('transformPoints', undefined, {}), srcCrs, dstCrs, points);
    },

    fs: checkedFiles(files),

    async close() {
      const pending = acquired;
      acquired = undefined;
      if (!pending) return;
      try {
        await pending;
      } catch {
        return; // a failed load holds nothing
      }
      shared.release();
    },
  };
}

/**
 * The engine's file methods with their arguments checked; async, so that a bad argument rejects
 * the promise like every other failure.
 */
export function checkedFiles(files: EngineFiles): EngineFiles {
  return {
    kind: files.kind,
    readFile: async (path) => files.readFile(checkPath(path, 'path', 'readFile')),
    writeFile: async (path, bytes) => {
      if (!(bytes instanceof Uint8Array)) throw new InvalidInputError(`writeFile: bytes for ${String(path)} must be a Uint8Array`);
      return files.writeFile(checkPath(path, 'path', 'writeFile'), bytes);
    },
    remove: async (path) => files.remove(checkPath(path, 'path', 'remove')),
    removeTree: async (path) => files.removeTree(checkPath(path, 'path', 'removeTree')),
    exists: async (path) => files.exists(checkPath(path, 'path', 'exists')),
    size: async (path) => files.size(checkPath(path, 'path', 'size')),
    rename: async (from, to) => files.rename(checkPath(from, 'from', 'rename'), checkPath(to, 'to', 'rename')),
    mkdir: async (path) => files.mkdir(checkPath(path, 'path', 'mkdir')),
  };
}
