// Node only (part of the CLI): `geodata assets <dir>`.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { formatBytes } from '../../format.js';
import { builtAsset } from '../../node/built-asset.js';
import type { Command } from '../command.js';

/**
 * The Content-Security-Policy a page running geodata needs, beyond `'self'`: compiling GDAL's
 * WebAssembly (`'wasm-unsafe-eval'`), its worker, figures shown from object URLs (`blob:`) and
 * SVG figures' embedded rasters (`data:`).
 */
export const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob: data:; connect-src 'self'; style-src 'self' 'unsafe-inline'";

/** The files a page needs next to its bundle: source (in the installed package) → file name. */
export function assetFiles(): Array<{ from: string; name: string }> {
  const gdal = join(dirname(createRequire(import.meta.url).resolve('gdal3.js/package.json')), 'dist', 'package');
  return [
    { from: builtAsset('engine-worker.js'), name: 'engine-worker.js' },
    // Figures and GeoTIFF compression off the page's thread (without it they run on the page).
    { from: builtAsset('compute-worker.js'), name: 'compute-worker.js' },
    { from: join(gdal, 'gdal3WebAssembly.wasm'), name: 'gdal3WebAssembly.wasm' },
    { from: join(gdal, 'gdal3WebAssembly.data'), name: 'gdal3WebAssembly.data' },
    { from: join(gdal, 'gdal3.js'), name: 'gdal3.js' },
  ];
}

export const assetsCommand: Command = {
  name: 'assets',
  summary: "copy what a page needs next to its bundle: GDAL's worker, the compute worker, .wasm and .data",
  usage: '<dir>',
  positionals: { kind: 'args', min: 1, max: 1 },
  async run(context, [dir]) {
    const target = resolve(context.io.cwd, dir!);
    await mkdir(target, { recursive: true });
    const copied: Array<{ file: string; bytes: number }> = [];
    for (const { from, name } of assetFiles()) {
      const size = await stat(from).then(
        (info) => info.size,
        () => undefined,
      );
      if (size === undefined) throw new ConfigError(`${from} is missing: reinstall geodata (or, in its repository, npm run build)`);
      await copyFile(from, join(target, name));
      copied.push({ file: join(target, name), bytes: size });
    }
    if (context.json) {
      context.printJson({ dir: target, files: copied, csp: PAGE_CSP });
      return 0;
    }
    for (const { file, bytes } of copied) context.print(`copied ${file} (${formatBytes(bytes)})`);
    context.print('serve .wasm as application/wasm; a page served from this folder finds them with no configuration');
    context.print(`Content-Security-Policy the page needs: ${PAGE_CSP}`);
    return 0;
  },
};
