/**
 * Builds the package into dist/ (`npm run build`; `npm install` in a clone runs it as `prepare`,
 * and `npm pack` as `prepack`):
 *
 *   dist/src, dist/wasm        the library, compiled by tsc: JavaScript, declarations, source maps
 *   dist/bundle                what Node runs (`import 'geodata'`, `geodata/queue`, the `geodata`
 *                              command, the pool's worker thread): dist/src and dist/wasm bundled
 *                              by esbuild into shared chunks, so a new process loads under 50
 *                              files instead of 250 (half the import time, bench/load.ts)
 *   dist/assets/registry-ui-page.js the registry browser's page, bundled by esbuild into one script
 *   dist/assets/engine-worker.js GDAL's Web Worker bundled into one ES module (`geodata assets`)
 *   dist/.build-stamp          written last: the build is complete (test/helpers/global-setup.ts
 *                              rebuilds when a source is newer)
 *
 * Nothing is compiled or bundled when geodata runs: the `geodata` command, `import 'geodata'` and
 * the registry browser all use what this wrote. dist/ is emptied first, so a deleted source leaves
 * no stale module behind to be packed.
 *
 *   npx tsx scripts/build.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');

/** Where the built page lives; src/registry-ui/page-assets-node.ts reads it from there. */
export const PAGE_BUNDLE = join(DIST, 'assets', 'registry-ui-page.js');
/** GDAL's worker, bundled whole; `geodata assets` copies it (src/cli/commands/assets.ts). */
export const WORKER_BUNDLE = join(DIST, 'assets', 'engine-worker.js');
/**
 * The Node entries bundled from tsc's output (see `bundleNodeEntries`), by their name in
 * dist/bundle. `pool-worker` must sit next to the pool's code: wasm/pool-engine.ts starts
 * `./pool-worker.js` beside its own module.
 */
const NODE_BUNDLE_ENTRIES: Record<string, string> = {
  node: 'dist/src/node.js',
  queue: 'dist/src/queue/index.js',
  cli: 'dist/src/cli/main.js',
  'pool-worker': 'dist/wasm/pool-worker.js',
};

/** Written last by a complete build. */
export const BUILD_STAMP = join(DIST, '.build-stamp');

/** What the build reads: a change to any of these makes dist/ stale. */
const BUILD_INPUTS = ['src', 'wasm', 'scripts/build.ts', 'tsconfig.json', 'package.json'];

/**
 * Why dist/ is not the build of the sources as they are: not built, or the first build input
 * changed since (a file modified, or a folder where a file was added, renamed or deleted).
 * Undefined when it is up to date.
 */
export function staleBuild(): string | undefined {
  if (!existsSync(BUILD_STAMP)) return 'dist/ is not built';
  const built = statSync(BUILD_STAMP).mtimeMs;
  const changed = BUILD_INPUTS.map((input) => newerPath(join(REPO, input), built)).find((path) => path !== undefined);
  return changed === undefined ? undefined : `dist/ is older than ${changed.slice(REPO.length + 1)}`;
}

/** A file or folder under `path` (or `path` itself) modified after `since`, if any. */
function newerPath(path: string, since: number): string | undefined {
  if (!existsSync(path)) return undefined;
  const info = statSync(path);
  if (info.mtimeMs > since) return path;
  if (!info.isDirectory()) return undefined;
  for (const name of readdirSync(path)) {
    const found = newerPath(join(path, name), since);
    if (found) return found;
  }
  return undefined;
}

/** Builds dist/ from scratch; throws with tsc's or esbuild's messages when the build fails. */
export async function buildPackage(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.json')], { cwd: REPO, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  mkdirSync(dirname(PAGE_BUNDLE), { recursive: true });
  // Each a single ES module with no imports left: the registry page (so it works offline and
  // under `script-src 'self'`); GDAL's Web Worker with gdal3.js's JavaScript, for pages whose
  // bundler does not bundle workers (esbuild: `geodata assets <dir>` copies it with the .wasm and
  // .data, next to the page's bundle where the browser engine looks by default); and the compute
  // worker (figures, GeoTIFF compression off the page's thread), likewise.
  const bundles: Array<[string, string]> = [
    [join(REPO, 'src', 'registry-ui', 'page', 'main.ts'), PAGE_BUNDLE],
    [join(REPO, 'wasm', 'engine-worker.ts'), WORKER_BUNDLE],
    [join(REPO, 'src', 'browser', 'compute-worker.ts'), join(DIST, 'assets', 'compute-worker.js')],
  ];
  for (const [entry, outfile] of bundles) {
    await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', legalComments: 'none', logLevel: 'warning' });
  }
  await bundleNodeEntries();
  writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
}

/**
 * Bundles the Node entries into dist/bundle with shared chunks (`splitting`), so the `geodata`
 * command and the pipeline modules it loads share one copy of every module (one class registry),
 * as they did unbundled. Node's ES module loader costs about a millisecond a file (resolving,
 * opening, compiling, linking): 250 files took 0.3 s of every process's start. Packages stay
 * external (resolved from node_modules at run time, and fingerprinted by their version); tsc's
 * JavaScript is bundled as is, so the library's classes hash as they do from dist/src
 * (test/fingerprint/library-toolchain.test.ts). Bundlers do not use these files: package.json's
 * `module` condition sends them to dist/src.
 */
async function bundleNodeEntries(): Promise<void> {
  await build({
    absWorkingDir: REPO,
    entryPoints: NODE_BUNDLE_ENTRIES,
    outdir: join(DIST, 'bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    // esbuild names a class that refers to itself `_Mosaic` inside: keep `Mosaic.name` (error messages,
    // the registry's names) as tsc's output has it.
    keepNames: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  buildPackage().then(
    () => console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
