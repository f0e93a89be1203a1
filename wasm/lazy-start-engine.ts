/**
 * An in-memory engine that starts GDAL only when GDAL itself is needed. Until then its files live
 * in JavaScript (bytes, or a reader for bytes that are elsewhere, such as a cache entry in
 * IndexedDB): a page whose every step is a cache hit, or whose figures are drawn in JavaScript,
 * never starts the worker nor downloads the 40 MB of `.wasm` and `.data`. The first GDAL call
 * (warp, info, ...) starts the engine and first writes those files into its file system.
 */
import type { CallOptions, DemMode, DemOptions, GdalEngine } from './engine.js';
import { FileError } from '../src/errors.js';
import { normalizePosixPath } from './paths.js';

/** A memory engine with files that may wait, in JavaScript, for GDAL to start. */
export interface LazyStartEngine extends GdalEngine {
  /** Whether GDAL has started (a GDAL call ran, or a file call that needed it). */
  readonly started: boolean;
  /**
   * A file GDAL may need later: `read` gives its bytes, and is called only if GDAL starts while
   * the file is still there (until then `size`, `exists` and `readFile` answer without GDAL).
   */
  deferFile(path: string, size: number, read: () => Promise<Uint8Array>): Promise<void>;
}

type Pending = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'deferred'; size: number; read: () => Promise<Uint8Array> };

/** Whether an engine can hold files until GDAL starts (see {@link lazyStart}). */
export function isLazyStartEngine(engine: GdalEngine): engine is LazyStartEngine {
  return typeof (engine as Partial<LazyStartEngine>).deferFile === 'function';
}

/**
 * Wraps a freshly created memory engine (nothing started, nothing written) so that file calls
 * are answered in JavaScript until a GDAL call needs the engine. Only for an engine nobody else
 * uses: files written to `inner` directly are invisible to the wrapper until it starts.
 * @example const engine = lazyStart(createWorkerEngine({ worker }));
 */
export function lazyStart(inner: GdalEngine): LazyStartEngine {
  let started = false;
  let starting: Promise<void> | undefined;
  const files = new Map<string, Pending>();
  const folders = new Set<string>();

  const start = (): Promise<void> => {
    if (started) return Promise.resolve();
    starting ??= (async () => {
      for (const folder of [...folders].sort()) await inner.mkdir(folder);
      for (const [path, file] of files) await inner.writeFile(path, file.kind === 'bytes' ? file.bytes : await file.read());
      files.clear();
      folders.clear();
      started = true;
    })().finally(() => {
      starting = undefined;
    });
    return starting;
  };
  const gdal =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await start();
      return call(...args);
    };
  // Answered in JavaScript while GDAL has not started (and nothing is starting it), else by GDAL.
  const file =
    <A extends [string, ...unknown[]], R>(local: (...args: A) => R | Promise<R>, remote: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (started || starting || !isPlainPath(args[0])) {
        await start();
        return remote(...args);
      }
      return local(...args);
    };
  const key = (path: string) => normalizePosixPath(path.startsWith('/') ? path : `/${path}`);
  const under = (folder: string, path: string) => path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
  const noFile = (path: string) => new FileError(`cannot read ${path}: no such file in the engine's memory file system (write it with writeFile first)`, path);

  return {
    fileSystem: 'memory',
    get started() {
      return started;
    },
    async deferFile(path, size, read) {
      if (started || starting) {
        // GDAL runs already: the file is written now.
        await start();
        await inner.writeFile(path, await read());
        return;
      }
      files.set(key(path), { kind: 'deferred', size, read });
    },
    info: gdal((path: string, args?: string[]) => inner.info(path, args)),
    vectorInfo: gdal((path: string, args?: string[]) => inner.vectorInfo(path, args)),
    warp: gdal((sources: string[], dest: string, args: string[], options?: CallOptions) => inner.warp(sources, dest, args, options)),
    translate: gdal((source: string, dest: string, args: string[], options?: CallOptions) => inner.translate(source, dest, args, options)),
    rasterize: gdal((source: string, dest: string, args: string[], options?: CallOptions) => inner.rasterize(source, dest, args, options)),
    buildVrt: gdal((sources: string[], dest: string, args: string[], options?: CallOptions) => inner.buildVrt(sources, dest, args, options)),
    vectorTranslate: gdal((source: string, dest: string, args: string[], options?: CallOptions) => inner.vectorTranslate(source, dest, args, options)),
    dem: gdal((mode: DemMode, source: string, dest: string, args: string[], options?: DemOptions) => inner.dem(mode, source, dest, args, options)),
    crsToWkt: gdal((crs: string) => inner.crsToWkt(crs)),
    crsInfo: gdal((crs: string) => inner.crsInfo(crs)),
    transformPoints: gdal((src: string, dst: string, points: Array<[number, number]>) => inner.transformPoints(src, dst, points)),
    readFile: file(
      async (path: string) => {
        const found = files.get(key(path));
        if (!found) throw noFile(path);
        return found.kind === 'bytes' ? found.bytes.slice() : found.read();
      },
      (path: string) => inner.readFile(path),
    ),
    writeFile: file(
      (path: string, bytes: Uint8Array) => {
        // A copy, as GDAL's file system keeps one: the caller may reuse its buffer.
        files.set(key(path), { kind: 'bytes', bytes: bytes.slice() });
      },
      (path: string, bytes: Uint8Array) => inner.writeFile(path, bytes),
    ),
    remove: file(
      (path: string) => {
        files.delete(key(path));
      },
      (path: string) => inner.remove(path),
    ),
    exists: file(
      (path: string) => {
        const k = key(path);
        return files.has(k) || [...folders].some((f) => under(k, f)) || [...files.keys()].some((f) => f.startsWith(`${k}/`));
      },
      (path: string) => inner.exists(path),
    ),
    size: file(
      (path: string) => {
        const found = files.get(key(path));
        return found ? (found.kind === 'bytes' ? found.bytes.length : found.size) : undefined;
      },
      (path: string) => inner.size(path),
    ),
    rename: file(
      (from: string, to: string) => {
        const found = files.get(key(from));
        if (!found) throw noFile(from);
        files.delete(key(from));
        files.set(key(to), found);
      },
      (from: string, to: string) => inner.rename(from, to),
    ),
    removeTree: file(
      (path: string) => {
        const k = key(path);
        for (const f of [...files.keys()]) if (under(k, f)) files.delete(f);
        for (const f of [...folders]) if (under(k, f)) folders.delete(f);
      },
      (path: string) => inner.removeTree(path),
    ),
    mkdir: file(
      (path: string) => {
        folders.add(key(path));
      },
      (path: string) => inner.mkdir(path),
    ),
    async close() {
      // Files held here go with the engine's, as closing a worker drops its file system.
      files.clear();
      folders.clear();
      if (!started) return;
      started = false;
      await inner.close();
    },
  };
}

/** A path of the in-memory file system itself (not `/vsicurl/...` nor another GDAL virtual path). */
function isPlainPath(path: string): boolean {
  return !path.startsWith('/vsi');
}
