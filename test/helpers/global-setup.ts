/**
 * Once per test run (vitest's globalSetup), around all test files.
 *
 * Before: the package's build in dist/ must be the build of the sources as they are. The `geodata`
 * command (bin/geodata.js), fixture pipelines that import 'geodata' by its name, as users' do, and
 * the packed package all run it. `npm ci` builds it (the `prepare` script); after an edit, the
 * first test run rebuilds it here, once, when a source is newer than the last complete build.
 *
 * After: tests leave nothing in the repository root. A cache folder, lock or staging folder that
 * appeared there during the run (a test that used the default cache root, the working
 * directory) fails the run, named.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage, staleBuild } from '../../scripts/build.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** What a cache in the repository root would consist of (the default layout, staging and locks). */
const CACHE_NAMES = ['data_processed', 'figures', '.source', '.staging', '.locks'];

let before: Set<string>;

export async function setup(): Promise<void> {
  before = new Set(CACHE_NAMES.filter((name) => existsSync(join(REPO, name))));
  const stale = staleBuild();
  if (!stale) return;
  const started = performance.now();
  console.log(`${stale}: building it (npm run build)`);
  await buildPackage();
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export function teardown(): void {
  const left = CACHE_NAMES.filter((name) => !before.has(name) && existsSync(join(REPO, name)));
  if (left.length > 0) {
    // vitest reports an error thrown here but exits 0: the exit code fails the run.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.map((name) => `${name}/`).join(', ')} in the repository root ${REPO}: a test used the default cache root (the working directory); give it a temporary root (test/helpers/cache.ts)`);
  }
}
