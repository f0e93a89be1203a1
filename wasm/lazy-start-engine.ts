/**
 * An in-memory engine that starts GDAL only when GDAL itself is needed. Until then its files live
 * in JavaScript (bytes, or a reader for bytes that are elsewhere, such as a cache entry in
 * IndexedDB): a page whose every step is a cache hit, or whose figures are drawn in JavaScript,
 * never starts the worker nor downloads the 40 MB of `.wasm` and `.data`. The first GDAL call
 * (warp, info, ...) starts the engine and first writes those files into its file system.
 */
import { checkedFiles, checkPath } from './engine-core.js';
import type { CallOptions, DemMode, DemOptions, EngineFiles, GdalEngine } from './engine.js';
import { PageFiles } from './page-files.js';
import { copyInSlices } from '../src/copy-in-slices.js';

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
  // The same files as the Web Worker pool keeps in the page, with the same answers as GDAL's
  // in-memory file system (a path inside a file, a folder read as a file... are refused alike).
  let files = new PageFiles();
  /** Counts `close()` calls: a deferred file read across one is not written into the new engine. */
  let closes = 0;
  // Calls answered in JavaScript run one after another, in the order they were made, as GDAL's
  // file system runs them: a write copies its bytes in slices that yield, and a call made
  // meanwhile (a rename of that file, the GDAL call that starts the engine) must not overtake it.
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = <R>(call: () => Promise<R>): Promise<R> => {
    const run = queue.then(call);
    queue = run.catch(() => undefined);
    return run;
  };
  // The page holds normalised paths: one that reads `/vsimem/x` there came from a plain path
  // (`//vsimem/x`, `a/../vsimem/x`), a file of the engine's own file system, which GDAL would
  // take for its `/vsimem/` if written under that name.
  const asPlain = (path: string) => (isPlainPath(path) ? path : `/${path}`);
  const intoGdal: Pick<EngineFiles, 'mkdir' | 'writeFile'> = {
    mkdir: (path) => inner.fs.mkdir(asPlain(path)),
    writeFile: (path, bytes) => inner.fs.writeFile(asPlain(path), bytes),
  };

  const start = (): Promise<void> => {
    if (started) return Promise.resolve();
    starting ??= (async () => {
      const moving = files;
      await queue;
      await moving.moveInto(intoGdal);
      started = true;
    })().finally(() => {
      starting = undefined;
    });
    return starting;
  };
  // Started, and the calls made before this one done: a deferFile once GDAL runs reads its bytes
  // before it writes them, and a call made after it must find them (as before GDAL started).
  const ready = async (): Promise<void> => {
    const before = queue;
    await start();
    await before;
  };
  const gdal =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ready();
      return call(...args);
    };
  // Answered in JavaScript while GDAL has not started (and nothing is starting it), else by GDAL.
  const file =
    <A extends [string, ...unknown[]], R>(local: (held: PageFiles, ...args: A) => () => Promise<R>, remote: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      // Both paths of a rename: `/vsimem/...` is GDAL's, wherever it appears.
      const plain = args.every((arg) => typeof arg !== 'string' || isPlainPath(arg));
      if (started || starting || !plain) {
        try {
          await ready();
        } catch (error) {
          // The start failed (a deferred file could not be read): GDAL does not run, so a call
          // made while it was starting is answered as before it, not failed for another file.
          if (!plain || started || starting) throw error;
          const held = files;
          return inOrder(local(held, ...args));
        }
        return remote(...args);
      }
      // The files as they are now: a call waiting its turn when the engine closes goes with them.
      const held = files;
      return inOrder(local(held, ...args));
    };

  return {
    get started() {
      return started;
    },
    async deferFile(path, size, read) {
      checkPath(path, 'path', 'deferFile');
      if (started || starting || !isPlainPath(path)) {
        // GDAL runs already (or the path is GDAL's own): the file is written now, in its turn.
        // The start is asked for here: it waits for the calls in turn before it, not this one.
        const running = start();
        running.catch(() => undefined);
        const opened = closes;
        return inOrder(async () => {
          try {
            await running;
          } catch (error) {
            // As a file call made while a start failed (see `file`): held here, as before it.
            if (!isPlainPath(path) || started || starting) throw error;
            return files.defer(path, size, read);
          }
          const bytes = await read();
          // Closed while it was read: the file went with the engine, which it must not reopen.
          if (closes !== opened) return;
          await inner.fs.writeFile(path, bytes);
        });
      }
      const holding = files;
      return inOrder(async () => holding.defer(path, size, read));
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
    // Arguments checked as the engine checks them, with its messages, before anything is answered.
    fs: checkedFiles({
      kind: 'memory',
      readFile: file((held: PageFiles, path: string) => () => held.readFile(path), (path: string) => inner.fs.readFile(path)),
      writeFile: file(
        (held: PageFiles, path: string, bytes: Uint8Array) => {
          // Copied from now (in slices that yield), as a worker engine copies what it sends: the
          // caller may change its array while the write waits its turn.
          const own = copyInSlices(bytes);
          return async () => held.writeOwn(path, await own);
        },
        (path: string, bytes: Uint8Array) => inner.fs.writeFile(path, bytes),
      ),
      remove: file((held: PageFiles, path: string) => () => held.remove(path), (path: string) => inner.fs.remove(path)),
      exists: file((held: PageFiles, path: string) => () => held.exists(path), (path: string) => inner.fs.exists(path)),
      size: file((held: PageFiles, path: string) => () => held.size(path), (path: string) => inner.fs.size(path)),
      rename: file((held: PageFiles, from: string, to: string) => () => held.rename(from, to), (from: string, to: string) => inner.fs.rename(from, to)),
      removeTree: file((held: PageFiles, path: string) => () => held.removeTree(path), (path: string) => inner.fs.removeTree(path)),
      mkdir: file((held: PageFiles, path: string) => () => held.mkdir(path), (path: string) => inner.fs.mkdir(path)),
    }),
    async close() {
      closes += 1;
      // Files held here go with the engine's, as closing a worker drops its file system.
      files = new PageFiles();
      // A start under way ends first, so that the engine it started is closed with the rest.
      if (starting) await starting.catch(() => undefined);
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
