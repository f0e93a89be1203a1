/**
 * Node only: loads gdal3.js's Node build (CommonJS) from the installed package, whatever the
 * working directory.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConfigError, FileError } from '../src/errors.js';
import { GDAL_ASSET_FILES } from './assets.js';
import type { InitGdalJs } from './emscripten.js';
import { quietLogHandlers, SharedGdalModule, type GdalModuleLoader } from './gdal-module.js';
import { withCompiledWasm, type WasmInstantiation } from './gdal-wasm-instantiate.js';

const require = createRequire(import.meta.url);
const NODE_ENTRY = 'gdal3.js/dist/package/gdal3.node.js';

function resolveEntry(): string {
  try {
    return require.resolve(NODE_ENTRY);
  } catch (error) {
    throw new ConfigError(`cannot find ${NODE_ENTRY}: install the gdal3.js package (npm install gdal3.js@2.8.1)`, { cause: error });
  }
}

/** The folder of the installed gdal3.js's Node build and its assets (`dist/package/`). */
export function gdalPackageFolder(): string {
  return path.dirname(resolveEntry());
}

/** Options of `nodeGdalLoader`. */
export interface NodeGdalLoaderOptions {
  /**
   * gdal3.js's WebAssembly compiled already (by the pool, once per process), to instantiate
   * instead of reading and compiling the `.wasm` file. Only for a thread that belongs to geodata:
   * loading from it replaces `fs.readFileSync` and `WebAssembly.instantiate` of the thread while
   * gdal3.js loads (`gdal-wasm-instantiate.ts`). Resolving to `undefined` (or to something that is
   * not a `WebAssembly.Module`) loads the file as usual.
   */
  compiled?: () => Promise<unknown>;
  /** Told how each load got its WebAssembly (only when `compiled` is given). */
  onInstantiate?: (how: WasmInstantiation) => void;
}

/**
 * The loader of gdal3.js in Node. gdal3.js reads its `.data` file with
 * `readFileSync('./' + path)`, so an absolute asset path fails (ENOENT); the package folder is
 * therefore passed relative to the working directory at load time.
 */
export function nodeGdalLoader(options: NodeGdalLoaderOptions = {}): GdalModuleLoader {
  let entry: string | undefined;
  return {
    async load() {
      entry = resolveEntry();
      const folder = path.dirname(entry);
      for (const file of [GDAL_ASSET_FILES.wasm, GDAL_ASSET_FILES.data]) {
        const asset = path.join(folder, file);
        if (!existsSync(asset)) throw new FileError(`GDAL WebAssembly asset ${asset} is missing: reinstall gdal3.js@2.8.1`, asset);
      }
      const relative = path.relative(process.cwd(), folder) || '.';
      if (path.isAbsolute(relative)) {
        throw new ConfigError(
          `cannot load gdal3.js from ${folder}: it must be reachable by a relative path from the working directory ${process.cwd()} (same drive)`,
        );
      }
      const init = require(entry) as InitGdalJs;
      const start = () => init({ path: relative, ...quietLogHandlers });
      if (!options.compiled) return (await start()).Module;
      const report = options.onInstantiate ?? (() => undefined);
      let compiled: unknown;
      try {
        compiled = await options.compiled();
      } catch (error) {
        report({ shared: false, reason: `${(error as Error)?.message ?? String(error)}; this thread compiled ${path.join(folder, GDAL_ASSET_FILES.wasm)} itself` });
        return (await start()).Module;
      }
      if (!(compiled instanceof WebAssembly.Module)) {
        report({ shared: false, reason: `no compiled GDAL WebAssembly was shared with this thread (got ${describe(compiled)}), so it compiled ${path.join(folder, GDAL_ASSET_FILES.wasm)} itself` });
        return (await start()).Module;
      }
      return (await withCompiledWasm(compiled, path.join(folder, GDAL_ASSET_FILES.wasm), start, report)).Module;
    },
    unload() {
      // gdal3.js caches its module in the CommonJS module's scope: dropping that module from
      // require's cache is what lets the 200-300 MB instance be garbage-collected.
      // The parent's `children` list must forget it too, or it stays reachable from there.
      if (!entry) return;
      const loaded = require.cache[entry] as (NodeJS.Module & { parent?: NodeJS.Module | null }) | undefined;
      const siblings = loaded?.parent?.children ?? [];
      const index = loaded ? siblings.indexOf(loaded) : -1;
      if (index >= 0) siblings.splice(index, 1);
      delete require.cache[entry];
    },
  };
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return typeof value === 'object' ? `an object of class ${value.constructor?.name ?? 'none'}` : `a ${typeof value}`;
}

/** The one gdal3.js module of this Node process, shared by every Node engine. */
export const nodeGdalModule = new SharedGdalModule(nodeGdalLoader());
