/**
 * Builds the offline demo into a static folder (`npm run build:demo`):
 *
 *   index.html, style.css    the page
 *   app.js                   the demo and geodata's browser entry, bundled (not minified: a class's
 *                            fingerprint comes from its source text)
 *   engine-worker.js         the module worker GDAL runs in
 *   compute-worker.js        the module worker figures render and outputs compress in
 *   gdal3.js                 gdal3.js's loader, GDAL (28 MB) and its data files (11 MB), next to
 *   gdal3WebAssembly.wasm    the bundle; the page names them with gdalAssetsAt(), so neither
 *   gdal3WebAssembly.data    bundle contains gdal3.js (see BROWSER_BUNDLE_OPTIONS)
 *   h5wasm/                  h5wasm's ES modules (netCDF-4/HDF5 inputs), which index.html's import
 *                            map names: loaded only if the page reads such a file (see PAGE_EXTERNAL)
 *
 * Open it through any static web server (`npm run demo` starts one); file:// cannot load workers.
 *
 *   npx tsx examples/browser/build.ts [--out examples/browser/dist]
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const GDAL_DIST = join(REPO, 'node_modules', 'gdal3.js', 'dist', 'package');

/** The default output folder (gitignored). */
export const DEMO_DIST = join(HERE, 'dist');

/**
 * esbuild options for code that uses geodata in a page: ES modules, `geodata` mapped to the
 * browser entry, not minified, and two things that keep fingerprints equal to Node's, which hash
 * each class's source text:
 * - `keepNames`: esbuild renames a class that names itself in its body (`var A = class _A`);
 * - `gdal3.js` left out (the page loads it by URL): its code mentions the global `process`, so
 *   esbuild would rename geodata's own `process` function to `process2` inside class bodies.
 */
export const BROWSER_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  keepNames: true,
  external: ['gdal3.js'],
  alias: { geodata: join(REPO, 'src', 'browser.ts') },
  logLevel: 'warning',
};

/**
 * Left out of the page's bundle (app.js) only, and mapped by index.html's import map: h5wasm is
 * 5.7 MB of the page's 7.8 MB bundle and the demo never reads netCDF-4 or HDF5. Bundled, it was
 * parsed at every page load, and the fingerprint's syntax tree of the page's bundle, which the page
 * keeps, was 113 MB instead of 38 MB: V8's full garbage collections marked it in tasks of 70-120 ms
 * on the page's thread (bench/browser-main-thread.ts --bundle-h5wasm). A bundler that splits
 * dynamic imports into chunks (Vite, webpack, Rollup; esbuild with `splitting`) keeps it out by itself.
 */
export const PAGE_EXTERNAL = ['h5wasm'];
const H5WASM_DIST = join(REPO, 'node_modules', 'h5wasm', 'dist', 'esm');

/** Builds the demo into `outDir` (emptied first) and returns the folder. */
export async function buildDemo(outDir = DEMO_DIST): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({ ...BROWSER_BUNDLE_OPTIONS, external: [...(BROWSER_BUNDLE_OPTIONS.external ?? []), ...PAGE_EXTERNAL], entryPoints: [join(HERE, 'app.ts')], outfile: join(outDir, 'app.js') });
  await build({ ...BROWSER_BUNDLE_OPTIONS, entryPoints: [join(REPO, 'wasm', 'engine-worker.ts')], outfile: join(outDir, 'engine-worker.js') });
  await build({ ...BROWSER_BUNDLE_OPTIONS, entryPoints: [join(REPO, 'src', 'browser', 'compute-worker.ts')], outfile: join(outDir, 'compute-worker.js') });
  for (const file of ['index.html', 'style.css']) await copyFile(join(HERE, file), join(outDir, file));
  for (const file of ['gdal3.js', 'gdal3WebAssembly.wasm', 'gdal3WebAssembly.data']) await copyFile(join(GDAL_DIST, file), join(outDir, file));
  await mkdir(join(outDir, 'h5wasm'));
  for (const file of ['hdf5_hl.js', 'hdf5_util.js']) await copyFile(join(H5WASM_DIST, file), join(outDir, 'h5wasm', file));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  buildDemo(values.out ? resolve(values.out) : DEMO_DIST).then(
    (dir) => console.log(`built the demo into ${dir}; serve that folder (npm run demo) and open it`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
