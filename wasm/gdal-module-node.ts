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

const require = createRequire(import.meta.url);
const NODE_ENTRY = 'gdal3.js/dist/package/gdal3.node.js';

function resolveEntry(): string {
  try {
    return require.resolve(NODE_ENTRY);
  } catch (error) {
    throw new ConfigError(`cannot find ${NODE_ENTRY}: install the gdal3.js package (npm install gdal3.js@2.8.1)`, { cause: error });
  }
}

/**
 * The loader of gdal3.js in Node. gdal3.js reads its `.data` file with
 * `readFileSync('./' + path)`, so an absolute asset path fails (ENOENT); the package folder is
 * therefore passed relative to the working directory at load time.
 */
export function nodeGdalLoader(): GdalModuleLoader {
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
      const gdal = await init({ path: relative, ...quietLogHandlers });
      return gdal.Module;
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

/** The one gdal3.js module of this Node process, shared by every Node engine. */
export const nodeGdalModule = new SharedGdalModule(nodeGdalLoader());
