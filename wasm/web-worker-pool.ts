/**
 * A pool of GDAL engines in module Web Workers, behind the one engine interface: the browser's
 * counterpart of the Node worker-thread pool (`pool-engine.ts`). Independent calls (two entries
 * computed under `Promise.all`) run on different workers, so they use different cores.
 *
 * Node's workers share the machine's files; Web Workers share nothing, each GDAL has its own
 * in-memory file system. So the pool keeps the files in the page (`page-files.ts`, as `Blob`s)
 * and, before each call, brings the chosen worker's files up to date (only what changed since it
 * last ran a call, sent as `Blob` handles and read by GDAL on demand: `blob-mirror.ts`); after the
 * call the worker hands back what GDAL wrote. File methods run in the page and never start GDAL.
 */
import { copyInSlices } from '../src/copy-in-slices.js';
import { ConfigError } from '../src/errors.js';
import { checkedFiles } from './engine-core.js';
import type { CallOptions, DemMode, DemOptions, GdalEngine } from './engine.js';
import type { LazyStartEngine } from './lazy-start-engine.js';
import { PageFiles } from './page-files.js';
import { normalizePosixPath } from './paths.js';
import { IssueOrder, namesVsimem, scopeOf } from './pool-order.js';
import { connectionOptions, connectWorker, type CallOutcome, type WorkerConnection } from './web-worker-connection.js';
import type { WorkerEngineOptions } from './worker-engine.js';
import { atCaller, type MirrorChanges, type MirrorSync, type WorkerMethod } from './worker-protocol.js';

/** Options of `createWebWorkerPool`. */
export interface WebWorkerPoolOptions extends WorkerEngineOptions {
  /**
   * How many Web Workers (GDAL engines) at most. Default: the number of cores the browser reports
   * (`navigator.hardwareConcurrency`), at most 4: each started worker holds its own gdal3.js,
   * 200–300 MB.
   */
  workers?: number;
  /**
   * Start every worker on the pool's first GDAL call (default true), so that a second call under
   * `Promise.all` finds its worker ready instead of waiting for GDAL to load. `false` starts a
   * worker only when a call finds every started one busy.
   */
  warm?: boolean;
}

/** A `GdalEngine` whose GDAL calls run on a pool of Web Workers, with its files in the page. */
export interface WebWorkerPool extends LazyStartEngine {
  readonly fs: GdalEngine['fs'] & { readonly kind: 'memory' };
  /** The most workers the pool starts. */
  readonly workers: number;
  /** How many workers run now (0 until the first GDAL call: file methods start none). */
  readonly running: number;
}

interface Slot {
  connection: WorkerConnection;
  /** The version of each file this worker holds (see `PageFiles`). */
  known: Map<string, number>;
  /** The worker's files are unknown (a call failed to reach it): its next call starts from none. */
  reset: boolean;
  busy: boolean;
}

/** Operations that touch no file: they skip the files' synchronisation. */
const WITHOUT_FILES: ReadonlySet<WorkerMethod> = new Set(['crsToWkt', 'crsInfo', 'transformPoints']);

function defaultWorkers(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(4, Number.isInteger(cores) && cores! > 0 ? cores! : 2));
}

/**
 * A GDAL engine running gdal3.js on up to `workers` module Web Workers at once, with the same
 * files, calls, progress and errors as `createWorkerEngine` (one worker). Creating the pool starts
 * nothing; file methods are answered in the page; the first GDAL call starts the workers.
 * `close()` ends every worker and drops the files; a later call starts again.
 *
 * Each worker downloads (from the browser's cache after the first) and compiles gdal3.js. A
 * single large step is not split over the workers here (the Node pool does that).
 *
 * @example
 * const engine = createWebWorkerPool({ assets: gdalAssetsAt('/gdal/'), worker: '/engine-worker.js', workers: 2 });
 * await engine.fs.writeFile('/in/dem.tif', bytes);
 * await Promise.all([
 *   engine.warp(['/in/dem.tif'], '/out/a.tif', ['-t_srs', 'EPSG:3035']),
 *   engine.warp(['/in/dem.tif'], '/out/b.tif', ['-t_srs', 'EPSG:4326']),
 * ]); // on two workers
 */
export function createWebWorkerPool(options: WebWorkerPoolOptions = {}): WebWorkerPool {
  if (typeof Worker === 'undefined') {
    throw new ConfigError('createWebWorkerPool needs Web Workers, which this environment lacks; use createMemoryEngine() (GDAL on this thread) instead');
  }
  const size = options.workers ?? defaultWorkers();
  if (!Number.isInteger(size) || size < 1) {
    throw new ConfigError(`createWebWorkerPool: workers must be a whole number of at least 1, got ${String(size)}`);
  }
  const warm = options.warm ?? true;
  const connecting = connectionOptions(options);
  const files = new PageFiles();
  const slots: Slot[] = [];
  const waiting: Array<(slot: Slot) => void> = [];

  const newSlot = (): Slot => {
    const connection = connectWorker(connecting);
    const slot: Slot = { connection, known: new Map(), reset: false, busy: true };
    slots.push(slot);
    return slot;
  };

  // Calls that need the first worker (see `namesVsimem`), waiting for it.
  const waitingFirst: Array<(slot: Slot) => void> = [];

  const release = (slot: Slot): void => {
    const next = (slot === slots[0] ? waitingFirst.shift() : undefined) ?? waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };

  /** Loads GDAL in every worker not started yet, while the first call runs. */
  const warmOthers = (): void => {
    while (slots.length < size) {
      const slot = newSlot();
      slot.connection.call('exists', ['/']).then(
        () => release(slot),
        () => release(slot),
      );
    }
  };

  /** A free worker: a running one first, else a new one while the pool has room, else the next freed. */
  const acquire = (first: boolean): Promise<Slot> => {
    if (first) {
      // GDAL's `/vsimem/` is per worker: calls that name it all run on the first, where they see
      // each other's files as on one worker engine (`exactGrid` writes a VRT there, then reads it).
      const slot = slots[0];
      if (!slot) return Promise.resolve(newSlot());
      if (!slot.busy) {
        slot.busy = true;
        return Promise.resolve(slot);
      }
      return new Promise((resolve) => waitingFirst.push(resolve));
    }
    const idle = slots.find((slot) => !slot.busy && slot.connection.running) ?? slots.find((slot) => !slot.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (slots.length < size) return Promise.resolve(newSlot());
    return new Promise((resolve) => waiting.push(resolve));
  };

  /** What `slot`'s worker must change to hold the page's files now. */
  const syncFor = async (slot: Slot): Promise<MirrorSync> => {
    // A worker about to start has no files: whatever it held before is gone.
    if (!slot.connection.running) {
      slot.known.clear();
      slot.reset = false;
    }
    const now = await files.versions();
    const put: MirrorSync['put'] = [];
    for (const [path, version] of now) {
      // Changed again since (a file deferred anew): the worker gets it with its next call.
      if (slot.known.get(path) === version || files.version(path) !== version) continue;
      const blob = await files.blob(path);
      if (files.version(path) !== version) continue;
      put.push({ path, blob });
      slot.known.set(path, version);
    }
    const remove = [...slot.known.keys()].filter((path) => !now.has(path));
    for (const path of remove) slot.known.delete(path);
    const sync: MirrorSync = { reset: slot.reset, folders: files.folders(), put, remove };
    slot.reset = false;
    return sync;
  };

  /** Takes over what a call wrote and removed in `slot`'s worker. */
  const take = (slot: Slot, changes: MirrorChanges): void => {
    for (const folder of changes.foldersAdded) files.addFolder(folder);
    for (const { path, bytes, kept } of changes.written) {
      const version = files.put(path, bytes);
      if (kept) slot.known.set(normalizePosixPath(path), version);
      else slot.known.delete(normalizePosixPath(path));
    }
    for (const path of changes.removed) {
      const at = normalizePosixPath(path);
      // Removed by the call, unless the page wrote a newer file there meanwhile.
      if (files.version(at) === slot.known.get(at)) files.drop(at);
      slot.known.delete(at);
    }
    for (const folder of changes.foldersRemoved) files.dropFolder(folder);
  };

  // One worker engine runs everything in the order it was asked; the pool keeps that order
  // wherever two operations touch the same files (see `pool-order.ts`).
  const order = new IssueOrder();
  const vrtText = (path: string) => files.vrtText(path);
  const scope = (method: WorkerMethod, args: unknown[]) => {
    try {
      return scopeOf(method, args, vrtText);
    } catch {
      // Arguments no engine takes: ordered against everything (the call then rejects with why).
      return { names: [], writes: () => true, all: true };
    }
  };
  const inOrder = <T>(method: WorkerMethod, args: unknown[], body: () => Promise<T>): Promise<T> => order.run(() => scope(method, args), body);

  // The order queue starts the call from its own continuation, where the caller's async frames are
  // gone: a worker's error gets the caller's frames here, where the caller awaits.
  const run = async <T>(method: WorkerMethod, args: unknown[]): Promise<T> => {
    try {
      return await inOrder(method, args, () => runNow<T>(method, args));
    } catch (error) {
      throw atCaller(error);
    }
  };

  const runNow = async <T>(method: WorkerMethod, args: unknown[]): Promise<T> => {
    if (warm) warmOthers();
    const slot = await acquire(namesVsimem(args));
    let outcome: CallOutcome;
    try {
      if (WITHOUT_FILES.has(method)) {
        outcome = await slot.connection.call(method, args);
      } else {
        outcome = await slot.connection.call(method, args, { sync: await syncFor(slot) });
        // No changes: the worker could not take the files (GDAL failed to load, say), so what
        // it holds is unknown; its next call starts from none.
        if (!outcome.changes) {
          slot.known.clear();
          slot.reset = true;
        }
      }
    } catch (error) {
      // The call never reached the worker, or the worker ended under it: its files are unknown.
      slot.known.clear();
      slot.reset = true;
      release(slot);
      throw error;
    }
    if (outcome.changes) take(slot, outcome.changes);
    release(slot);
    if (!outcome.ok) throw outcome.error;
    return outcome.value as T;
  };

  return {
    get workers() {
      return size;
    },
    get running() {
      return slots.filter((slot) => slot.connection.running).length;
    },
    get started() {
      return slots.some((slot) => slot.connection.running);
    },
    deferFile: (path, fileSize, read) => inOrder('writeFile', [path], async () => files.defer(path, fileSize, read)),
    info: (path, args) => run('info', [path, args]),
    vectorInfo: (path, args) => run('vectorInfo', [path, args]),
    warp: (sources: string[], dest: string, args: string[], callOptions?: CallOptions) => run('warp', [sources, dest, args, callOptions]),
    translate: (source: string, dest: string, args: string[], callOptions?: CallOptions) => run('translate', [source, dest, args, callOptions]),
    rasterize: (source: string, dest: string, args: string[], callOptions?: CallOptions) => run('rasterize', [source, dest, args, callOptions]),
    buildVrt: (sources: string[], dest: string, args: string[], callOptions?: CallOptions) => run('buildVrt', [sources, dest, args, callOptions]),
    vectorTranslate: (source: string, dest: string, args: string[], callOptions?: CallOptions) => run('vectorTranslate', [source, dest, args, callOptions]),
    dem: (mode: DemMode, source: string, dest: string, args: string[], demOptions?: DemOptions) => run('dem', [mode, source, dest, args, demOptions]),
    crsToWkt: (crs) => run('crsToWkt', [crs]),
    crsInfo: (crs) => run('crsInfo', [crs]),
    transformPoints: (srcCrs, dstCrs, points) => run('transformPoints', [srcCrs, dstCrs, points]),
    fs: checkedFiles({
      kind: 'memory',
      readFile: (path) => inOrder('readFile', [path], () => files.readFile(path)),
      writeFile: (path, bytes) => {
        // Copied from now (in slices that yield, as one worker engine copies what it sends): the
        // write may wait for a call still running, and the caller may change its array meanwhile.
        const own = copyInSlices(bytes);
        return inOrder('writeFile', [path], async () => files.writeOwn(path, await own));
      },
      remove: (path) => inOrder('remove', [path], () => files.remove(path)),
      removeTree: (path) => inOrder('removeTree', [path], () => files.removeTree(path)),
      exists: (path) => inOrder('exists', [path], () => files.exists(path)),
      size: (path) => inOrder('size', [path], () => files.size(path)),
      rename: (from, to) => inOrder('rename', [from, to], () => files.rename(from, to)),
      mkdir: (path) => inOrder('mkdir', [path], () => files.mkdir(path)),
    }) as WebWorkerPool['fs'],
    // After every operation made before it, as one worker engine closes after its queued calls.
    close: () =>
      inOrder('close', [], async () => {
        await Promise.all(slots.map((slot) => slot.connection.close()));
        for (const slot of slots) slot.known.clear();
        // The files go with the workers, as closing a worker engine drops its file system; after
        // them, so that what a call finishing meanwhile wrote goes too.
        await files.removeTree('/');
      }),
  };
}
