/**
 * Node only: a pool of GDAL engines in worker threads, behind the one engine interface.
 *
 * gdal3.js runs GDAL synchronously on the thread that calls it, so one engine uses one core. The
 * pool runs each GDAL operation on a free worker thread (each with its own gdal3.js module), so
 * independent operations (two entries computed under `Promise.all`) use every core; a single
 * large warp or terrain step is split by output windows over the workers (`pool-split.ts`).
 * File methods (`engine.fs`) run on the calling thread: host files need no GDAL.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { ConfigError, GdalError, InvalidInputError } from '../src/errors.js';
import type { EngineOptions, RuntimeAccess } from './engine-core.js';
import { GDAL_OPERATIONS, type CallOptions, type GdalEngine, type GdalOperations } from './engine.js';
import { debugLog } from './debug-log.js';
import { reportFileAccess, type FileAccess } from './file-access.js';
import type { WasmInstantiation } from './gdal-wasm-instantiate.js';
import { compiledGdalWasm } from './gdal-wasm-node.js';
import { inHostCallOrder } from './host-call-order-node.js';
import { hostFileSystem } from './host-fs-node.js';
import type { PoolAnswer, PoolCall, PoolMethod, PoolWasm, PoolWorkerData } from './pool-protocol.js';
import { isSplitScratch, splitDem, splitWarp, type SplitPlanner } from './pool-split.js';
import { atCaller, CALL_OPTIONS_INDEX, deserializeError } from './worker-protocol.js';
import { startWorkerThread, workerExecArgv } from './worker-thread-node.js';

/** Options of `createPoolEngine`. */
export interface PoolEngineOptions extends EngineOptions {
  /**
   * How many worker threads (GDAL engines) at most. Default: `GEODATA_ENGINE_WORKERS` if set,
   * else the number of cores (`os.availableParallelism()`). Each started worker holds its own
   * gdal3.js module, 200-300 MB.
   */
  workers?: number;
  /**
   * Split a single warp or terrain step over every worker when its output has at least this many
   * pixels (default 4,000,000; `Infinity` never splits), always into the pixels of the step run
   * whole (`planWarpSplit`). A warp with the approximate transformer (gdalwarp's default, and
   * the Reprojector's) splits along the chunks GDAL's warper is certain to cut on the tile grid
   * (outputs over the warp memory, uncompressed tiled GeoTIFFs, on a grid whose coordinates are
   * exact in floating point, where the sources' footprints keep their shape); an exact one
   * (`-et 0`, `Reprojector({ errorThreshold: 0 })`) in row strips whose resampling kernel GDAL keeps
   * fixed. Terrain steps split into row strips with a one-row halo.
   */
  splitPixels?: number;
  /**
   * Split steps whose output is compressed too (default false). The strips are joined by one
   * write that compresses the whole output on one worker, inside WebAssembly: measured slower
   * than the step run whole (bench/parallel.ts), so by default only uncompressed outputs split.
   */
  splitCompressed?: boolean;
  /**
   * Split terrain steps (default false): split, a step costs about twice the CPU of the step run
   * whole (strips read through VRTs of themselves and their halo, each cut out and laid), so it
   * measured no faster on this 2-core machine (bench/parallel.ts), even laid tile by tile.
   */
  splitTerrain?: boolean;
  /**
   * Start every worker on the pool's first GDAL call (default true), each loading GDAL (about a
   * second of one core) while the first runs the call: the split of a large step, or a second
   * entry under `Promise.all`, then finds its threads ready instead of waiting for a late one.
   * `false` starts a thread only when a call finds every started one busy.
   */
  warm?: boolean;
  /**
   * Compile gdal3.js's WebAssembly once per process and let every worker thread instantiate that
   * one module, instead of each thread reading and compiling the 28 MB file. Default: true when
   * the pool has two workers or more. Measured on 2 cores (README, "Why both cores stops"),
   * loading GDAL in two threads took about 0.15 s less CPU with it, and in one thread about
   * 0.1 s more (the compile moves to the calling thread and nothing shares it), hence the default.
   */
  sharedWasm?: boolean;
}

/** A Node `GdalEngine` running GDAL in worker threads; `workers` is the pool's size. */
export interface PoolEngine extends GdalEngine {
  readonly workers: number;
  /**
   * How many worker threads this pool has started so far. A thread starts only for a GDAL
   * operation (and loads gdal3.js for it), so 0 means GDAL never ran; file methods start none.
   */
  readonly started: number;
  /**
   * How each started thread got GDAL's WebAssembly, in the order they loaded GDAL: from the
   * pool's one compiled module (`shared: true`), or compiled by the thread itself, with why.
   */
  readonly wasmLoads: readonly WasmInstantiation[];
}

/** How a call ended, with the files GDAL read either way. */
type Settled = { ok: true; value: unknown; access: FileAccess[] } | { ok: false; error: unknown; access: FileAccess[] };

interface Task {
  /** A warm-up call (`warmOthers`): nobody waits for it, and `close()` need not either. */
  warming?: boolean;
  method: PoolMethod;
  args: unknown[];
  onProgress?: CallOptions['onProgress'];
  settle: (result: Settled) => void;
}

interface Slot {
  worker: Worker;
  task?: Task & { id: number; done: Promise<void> };
  /** Set once the thread has ended (crashed or terminated). */
  ended: boolean;
  /** Set by `close()`: no new calls go to this thread. */
  closing?: boolean;
}

const require = createRequire(import.meta.url);

/**
 * How to start a worker thread: the compiled `pool-worker.js` next to this module, or, when
 * geodata runs from its TypeScript sources (tests, tsx), a small script that registers tsx in the
 * thread and imports `pool-worker.ts` (Node 20 does not apply `--import` loaders to a worker's
 * own entry).
 */
function workerScript(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) return { entry: new URL('./pool-worker.js', here), eval: false };
  let api: string;
  try {
    // tsx's ESM API (its `import` condition), found from its package.json: require.resolve
    // would give the CommonJS one, which cannot register hooks from a worker's eval script.
    const manifest = require.resolve('tsx/package.json');
    const exported = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
    api = pathToFileURL(path.join(path.dirname(manifest), exported)).href;
  } catch (error) {
    throw new ConfigError('geodata runs from its TypeScript sources, so its GDAL worker threads need tsx: npm install -D tsx (or build geodata and import dist/)', { cause: error });
  }
  const worker = new URL('./pool-worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(worker)}); }).catch((error) => { setImmediate(() => { throw error; }); });`;
  return { entry: code, eval: true };
}

function defaultSize(): number {
  const fromEnv = process.env.GEODATA_ENGINE_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const value = Number(fromEnv);
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(`GEODATA_ENGINE_WORKERS must be a whole number of worker threads, 1 or more; got ${JSON.stringify(fromEnv)}`);
    return value;
  }
  return Math.max(1, availableParallelism());
}

/**
 * A GDAL engine on host files (`fs.kind === 'host'`, like `createNodeEngine`) that runs GDAL in a
 * pool of worker threads, one gdal3.js module each: the default engine in Node. Workers start
 * when calls need them (an idle started worker is preferred), are reused, and never keep the
 * process alive while idle; `close()` ends them. Errors arrive as the same classes with the same
 * messages; progress and warnings are forwarded; the files GDAL read are reported to
 * `onFileAccess` in the caller's async context, as the in-thread engine does, so recorded
 * dependencies stay exact.
 *
 * @example
 * const engine = createPoolEngine({ workers: 2 });
 * await Promise.all([
 *   engine.warp(['a.tif'], 'a-3035.tif', ['-t_srs', 'EPSG:3035']),
 *   engine.warp(['b.tif'], 'b-3035.tif', ['-t_srs', 'EPSG:3035']),
 * ]); // both cores
 * await engine.close();
 */
export function createPoolEngine(options: PoolEngineOptions = {}): PoolEngine {
  const size = options.workers ?? defaultSize();
  if (!Number.isInteger(size) || size < 1) throw new InvalidInputError(`createPoolEngine: workers must be a whole number, 1 or more; got ${String(options.workers)}`);
  const splitPixels = options.splitPixels ?? 4_000_000;
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let started = 0;
  const wasmLoads: WasmInstantiation[] = [];
  // Held while the pool is open: the process's compiled module is kept only as long as someone
  // holds it (`compiledGdalWasm`).
  let wasm: Promise<PoolWasm> | undefined;

  // Host files need no GDAL on this thread: the module is never loaded here.
  const noRuntime: RuntimeAccess = {
    acquire: () => Promise.reject(new ConfigError('the pool engine runs GDAL in its worker threads, not on the calling thread')),
    loaded: () => undefined,
  };
  const files = hostFileSystem(noRuntime);

  function start(): Slot {
    const script = workerScript();
    const data: PoolWorkerData = { warnings: Boolean(options.onWarning) };
    const worker = startWorkerThread(script.entry, { workerData: data, eval: script.eval }, workerExecArgv(process.execArgv));
    started += 1;
    const slot: Slot = { worker, ended: false };
    worker.on('message', (message: PoolAnswer) => answer(slot, message));
    const end = (reason: string) => {
      if (slot.ended) return;
      slot.ended = true;
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        task.settle({
          ok: false,
          error: new GdalError(`${task.method} failed: the GDAL worker thread stopped (${reason}); the call may be retried`, { operation: task.method }),
          access: [],
        });
      }
      dispatch();
    };
    worker.on('error', (error) => end(`error: ${error.message}`));
    worker.on('exit', (code) => end(`exit code ${code}`));
    worker.unref();
    slots.push(slot);
    sendWasm(slot);
    return slot;
  }

  /** Gives a new thread the process's compiled GDAL WebAssembly, or why it has none. */
  function sendWasm(slot: Slot): void {
    if (!wasm) {
      wasm =
        !(options.sharedWasm ?? size > 1)
          ? Promise.resolve({
              type: 'wasm',
              module: null,
              reason: options.sharedWasm === false ? 'the pool was created with sharedWasm: false' : 'the pool has one worker thread, so there is no other thread to share a compiled module with',
            })
          : compiledGdalWasm().then(
              (module): PoolWasm => ({ type: 'wasm', module }),
              (error: unknown): PoolWasm => ({ type: 'wasm', module: null, reason: `the pool could not compile GDAL's WebAssembly once for its threads: ${(error as Error)?.message ?? String(error)}` }),
            );
    }
    void wasm.then((message) => {
      if (slot.ended) return;
      try {
        slot.worker.postMessage(message);
      } catch (error) {
        // The thread then compiles its own, and says why.
        try {
          slot.worker.postMessage({ type: 'wasm', module: null, reason: `the compiled GDAL WebAssembly could not be sent to the thread: ${(error as Error).message}` } satisfies PoolWasm);
        } catch {
          // The thread has ended: nothing waits for its GDAL.
        }
      }
    });
  }

  function answer(slot: Slot, message: PoolAnswer): void {
    if (message.type === 'warning') {
      options.onWarning?.(message.warning);
      return;
    }
    if (message.type === 'instantiated') {
      wasmLoads.push(message.how);
      if (!message.how.shared) debugLog('gdal', `a pool thread loaded GDAL without the shared WebAssembly module: ${message.how.reason}`);
      return;
    }
    const task = slot.task;
    if (!task || task.id !== message.id) return;
    if (message.type === 'progress') {
      try {
        task.onProgress?.(message.fraction, message.message);
      } catch {
        // A throwing listener cannot cancel GDAL in another thread; it only loses its updates.
      }
      return;
    }
    slot.task = undefined;
    slot.worker.unref();
    // Reported by the caller's continuation (see `call`), in the async context that asked.
    const access = message.access;
    if (message.type === 'result') task.settle({ ok: true, value: message.value, access });
    else task.settle({ ok: false, error: deserializeError(message.error), access });
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let slot = slots.find((candidate) => !candidate.task && !candidate.ended);
      if (!slot) {
        if (slots.length >= size) return;
        try {
          slot = start();
          if (started === 1 && options.warm !== false) warmOthers();
        } catch (error) {
          for (const task of queue.splice(0)) task.settle({ ok: false, error, access: [] });
          return;
        }
      }
      assign(slot, queue.shift()!);
    }
  }

  /**
   * Starts the pool's other threads, each loading GDAL (and PROJ's database) with a call whose
   * answer nobody waits for: not a computation's, so what it reads is reported nowhere.
   */
  function warmOthers(): void {
    while (slots.length < size) {
      const slot = start();
      assign(slot, { warming: true, method: 'crsInfo', args: ['EPSG:4326'], settle: () => undefined }, false);
    }
  }

  /** Sends a task to an idle thread; `ref`: whether the thread keeps the process alive meanwhile. */
  function assign(slot: Slot, task: Task, ref = true): void {
    const id = nextId++;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    slot.task = { ...task, id, done, settle: (result) => (finished(), task.settle(result)) };
    if (ref) slot.worker.ref();
    const message: PoolCall = { type: 'call', id, method: task.method, args: task.args, progress: typeof task.onProgress === 'function' };
    try {
      slot.worker.postMessage(message);
    } catch (error) {
      slot.task = undefined;
      slot.worker.unref();
      task.settle({
        ok: false,
        error: new InvalidInputError(`${task.method}: arguments must be plain data (strings, numbers, arrays): ${(error as Error).message}`, { cause: error }),
        access: [],
      });
    }
  }

  /** Runs one GDAL operation on a free worker; reports the files it read here, in the caller's context. */
  async function call<T>(method: PoolMethod, args: unknown[]): Promise<T> {
    const sent = [...args];
    const index = CALL_OPTIONS_INDEX[method];
    let onProgress: CallOptions['onProgress'];
    if (index !== undefined && sent[index] !== undefined && sent[index] !== null && typeof sent[index] === 'object') {
      // The callback and the DEFLATE codec stay on this side (functions do not cross to a thread).
      const { onProgress: callback, deflate: _deflate, ...rest } = sent[index] as CallOptions;
      onProgress = callback;
      sent[index] = rest;
    }
    const settled = await new Promise<Settled>((settle) => {
      queue.push({ method, args: sent, ...(onProgress ? { onProgress } : {}), settle });
      dispatch();
    });
    for (const access of settled.access) {
      reportFileAccess({ read: access.read.filter((file) => !isSplitScratch(file)), absent: access.absent.filter((file) => !isSplitScratch(file)) });
    }
    if (!settled.ok) throw atCaller(settled.error);
    return settled.value as T;
  }

  const operations = Object.fromEntries(GDAL_OPERATIONS.map((method) => [method, (...args: unknown[]) => call(method, args)])) as unknown as GdalOperations;
  const planner: SplitPlanner = {
    operations,
    workers: () => size,
    splitPixels,
    splitCompressed: options.splitCompressed ?? false,
    splitTerrain: options.splitTerrain ?? false,
    fs: files,
  };

  // One engine on one thread runs calls in the order they were made; the pool keeps that order
  // where two operations touch the same files (`host-call-order-node.ts`):
  // `Promise.all([translate(a → b), info(b)])` reads b as written. The split's own calls
  // (`planner.operations`) are not ordered: they would wait for the call they are part of.
  const ordered = inHostCallOrder({
    ...operations,
    fs: files,
    warp: (sources, dest, args, callOptions) => splitWarp(planner, sources, dest, args, callOptions),
    dem: (mode, source, dest, args, demOptions) => splitDem(planner, mode, source, dest, args, demOptions),
    close: closeNow,
  });
  const engine: PoolEngine = {
    ...ordered,
    workers: size,
    get started() {
      return started;
    },
    get wasmLoads() {
      return [...wasmLoads];
    },
  };
  async function closeNow(): Promise<void> {
    // Calls under way finish (their outputs are being written); then every thread ends. A
    // thread still loading GDAL for a warm-up is ended at once: a short script need not wait.
    const ending = slots.splice(0);
    wasm = undefined;
    await Promise.all(
      ending.map(async (slot) => {
        slot.closing = true;
        if (slot.task && !slot.task.warming) await slot.task.done;
        await slot.worker.terminate();
      }),
    );
  }
  return engine;
}
