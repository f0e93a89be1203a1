/**
 * Builds the package into dist/ (`npm run build`; `npm install` in a clone runs it as `prepare`,
 * and `npm pack` as `prepack`):
 *
 *   dist/src, dist/wasm        the library, compiled by tsc: JavaScript, declarations, source maps
 *   dist/assets/browse-page.js the registry browser's page, bundled by esbuild into one script
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
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');

/** Where the built page lives; src/browse/page-assets-node.ts reads it from there. */
export const PAGE_BUNDLE = join(DIST, 'assets', 'browse-page.js');
/** Written last by a complete build. */
export const BUILD_STAMP = join(DIST, '.build-stamp');

/** Builds dist/ from scratch; throws with tsc's or esbuild's messages when the build fails. */
export async function buildPackage(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.json')], { cwd: REPO, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  mkdirSync(dirname(PAGE_BUNDLE), { recursive: true });
  // One ES module with no imports left, so the page works offline and under `script-src 'self'`.
  await build({
    entryPoints: [join(REPO, 'src', 'browse', 'page', 'main.ts')],
    outfile: PAGE_BUNDLE,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
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
