import { ConfigError, GeodataError } from '../src/errors.js';
import { checkGdalAssets } from './asset-check.js';
import type { GdalAssets } from './assets.js';
import { debugLog } from './debug-log.js';
import type { EmscriptenModule, GdalJsConfig, InitGdalJs } from './emscripten.js';
import { createRuntime, type GdalRuntime } from './gdal-runtime.js';

/** How to get gdal3.js's Emscripten module on this platform. */
export interface GdalModuleLoader {
  /** Loads gdal3.js (0.4–0.65 s and 200–300 MB) and returns its module. */
  load(): Promise<EmscriptenModule>;
  /** Forgets the loaded module so it can be garbage-collected, where the platform allows it. */
  unload?(): void;
}

/**
 * One gdal3.js module shared by every engine that uses the same loader: loaded lazily behind one
 * cached promise on the first `acquire()`, and released (where the loader can unload) when the
 * last engine that acquired it calls `release()`.
 *
 * @example
 * const shared = new SharedGdalModule(browserGdalLoader(defaultGdalAssets()));
 * const runtime = await shared.acquire(); // loads gdal3.js once
 * shared.release();
 */
export class SharedGdalModule {
  private users = 0;
  private pending: Promise<GdalRuntime> | undefined;
  private ready: GdalRuntime | undefined;

  constructor(private readonly loader: GdalModuleLoader) {}

  /** The runtime if gdal3.js is loaded already; never starts loading it. */
  get loaded(): GdalRuntime | undefined {
    return this.ready;
  }

  /** Loads gdal3.js if needed. Each successful `acquire` must be paired with one `release`. */
  async acquire(): Promise<GdalRuntime> {
    this.users += 1;
    if (!this.pending) {
      const pending = this.loader.load().then((module) => createRuntime(module));
      this.pending = pending;
      pending.then(
        (runtime) => {
          if (this.pending === pending) this.ready = runtime;
        },
        () => {
          // A failed load is not cached: the next acquire tries again (after a fix of the assets).
          if (this.pending === pending) this.forget();
        },
      );
    }
    try {
      return await this.pending;
    } catch (error) {
      this.users -= 1;
      if (error instanceof GeodataError) throw error;
      throw new ConfigError(`cannot load GDAL WebAssembly (gdal3.js): ${(error as Error)?.message ?? String(error)}${webAssemblyMissing()}`, { cause: error });
    }
  }

  /** Gives back one `acquire`. The last release unloads gdal3.js where the loader supports it. */
  release(): void {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0 && this.loader.unload && this.pending) this.forget();
  }

  private forget(): void {
    this.pending = undefined;
    this.ready = undefined;
    this.loader.unload?.();
  }
}

/** gdal3.js's `print`/`printErr` go to the debug log instead of the console. */
export const quietLogHandlers: Pick<GdalJsConfig, 'logHandler' | 'errorHandler'> = {
  logHandler: (message) => debugLog('gdal', message),
  errorHandler: (message) => debugLog('gdal', message),
};

function absoluteUrl(value: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return base ? new URL(String(value), base).href : String(value);
}

/**
 * Evaluated inside a worker, gdal3.js assigns the worker's `onmessage` to serve its own worker
 * protocol; that would swallow the messages of a geodata worker. Put the previous handler back.
 */
async function keepingWorkerOnMessage<T>(load: () => Promise<T>): Promise<T> {
  const scope = globalThis as { onmessage?: unknown; importScripts?: unknown };
  if (typeof scope.importScripts !== 'function') return load();
  const previous = scope.onmessage;
  try {
    return await load();
  } finally {
    scope.onmessage = previous;
  }
}

async function initFromScript(url: string): Promise<InitGdalJs> {
  // gdal3.js is a UMD bundle: evaluated as a module it has no `exports`, so it sets a global.
  await import(/* @vite-ignore */ /* webpackIgnore: true */ url);
  const init = (globalThis as { initGdalJs?: InitGdalJs }).initGdalJs;
  if (typeof init !== 'function') throw new ConfigError(`${url} did not define initGdalJs: is it gdal3.js's dist/package/gdal3.js?`);
  return init;
}

async function initFromBundle(): Promise<InitGdalJs> {
  const imported = (await import('gdal3.js')) as unknown as { default?: InitGdalJs } & InitGdalJs;
  return imported.default ?? imported;
}

/**
 * Loads gdal3.js in a browser (main thread or a worker) with its `.wasm` and `.data` fetched from
 * `assets`. gdal3.js's own worker mode is turned off: the engine calls the C API directly, and a
 * geodata worker wraps the whole engine instead.
 *
 * Asset URLs must be http(s) URLs or paths from the site root: gdal3.js prefixes anything else
 * with `/`.
 */
export function browserGdalLoader(assets: GdalAssets): GdalModuleLoader {
  return {
    async load() {
      const js = assets.js;
      const paths = { wasm: absoluteUrl(assets.wasm), data: absoluteUrl(assets.data) };
      await checkGdalAssets(js ? { ...paths, js: absoluteUrl(js) } : paths);
      const init = await keepingWorkerOnMessage(() => (js ? initFromScript(absoluteUrl(js)) : initFromBundle()));
      const config: GdalJsConfig = {
        paths,
        useWorker: false,
        ...quietLogHandlers,
      };
      return (await init(config)).Module;
    },
  };
}

/**
 * Why a runtime without WebAssembly has none, and what to do: Emscripten's own message names
 * neither. (A pool thread cannot tell whether its process had --jitless: Node drops the flag from
 * a thread's options, so the flag is named either way.)
 */
function webAssemblyMissing(): string {
  if (typeof WebAssembly !== 'undefined') return '';
  return "; WebAssembly is turned off in this JavaScript runtime (Node's --jitless flag turns it off, as can a browser's policy), and GDAL runs as WebAssembly: start Node without --jitless, or run where WebAssembly is available";
}
