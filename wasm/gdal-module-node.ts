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
import { debugLog } from './debug-log.js';
import { evaluateEditedGdalJs } from './gdal-js-node-source.js';
import { quietLogHandlers, SharedGdalModule, type GdalModuleLoader } from './gdal-module.js';
import { instantiateFromCompiled, type WasmInstantiation } from './gdal-wasm-instantiate.js';

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
   * instead of reading and compiling the `.wasm` file (through Emscripten's `instantiateWasm`
   * hook). Rejecting, or resolving to something that is not a `WebAssembly.Module`, loads the file
   * as usual.
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
  // Whether gdal3.js went through `require` (as published), so `unload` must drop it from its cache.
  let required = false;
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
      const wasmFile = path.join(folder, GDAL_ASSET_FILES.wasm);
      const report = options.onInstantiate ?? (() => undefined);
      // gdal3.js evaluated with geodata's edits (no driver table, reachable Emscripten hooks);
      // as published when the installed build is not the one the edits fit.
      const edited = evaluateEditedGdalJs(entry);
      let init: InitGdalJs;
      if (typeof edited === 'string') {
        debugLog('gdal', `${edited}: loading gdal3.js as published`);
        init = require(entry) as InitGdalJs;
        required = true;
        if (options.compiled) report({ shared: false, reason: `${edited}, so this thread compiled ${wasmFile} itself` });
      } else {
        init = edited.init;
        required = false;
        if (options.compiled) {
          const compiled = await options.compiled().catch((error: unknown) => new Error(`${(error as Error)?.message ?? String(error)}; this thread compiled ${wasmFile} itself`));
          if (compiled instanceof WebAssembly.Module) {
            const emscripten = edited.emscripten;
            const abort = (message: string) => (emscripten.onAbort as ((what: string) => void) | undefined)?.(message);
            emscripten.instantiateWasm = instantiateFromCompiled(compiled, wasmFile, report, abort);
          } else if (compiled instanceof Error) {
            report({ shared: false, reason: compiled.message });
          } else {
            report({ shared: false, reason: `no compiled GDAL WebAssembly was shared with this thread (got ${describe(compiled)}), so it compiled ${wasmFile} itself` });
          }
        }
      }
      const gdal = await init({ path: relative, ...quietLogHandlers });
      return gdal.Module;
    },
    unload() {
      // gdal3.js loaded as published caches its module in its CommonJS scope: dropping it from
      // require's cache is what lets the 200-300 MB instance be garbage-collected.
      // The parent's `children` list must forget it too, or it stays reachable from there.
      if (!entry || !required) return;
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
