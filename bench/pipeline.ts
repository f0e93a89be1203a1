/**
 * The three-step pipeline of issue 14 against the native shell script that does the same, each
 * as a whole process, side by side in one run (interleaved, medians).
 *
 *   npm run build && npx tsx bench/pipeline.ts [--size 4000] [--repetitions 3] [--error-threshold 0]
 *
 * Steps on a generated `size` x `size` Float32 DEM (UTM 32N, 10 m): warp to EPSG:3035 at 10 m
 * (bilinear, gdalwarp's default error threshold, or `-et` as given to both sides), slope,
 * hillshade; every output a tiled DEFLATE GeoTIFF.
 * - native: `sh -c 'gdalwarp ... && gdaldem slope ... && gdaldem hillshade ...'` (one core);
 * - geodata cold: `node bench/fixtures/three-step.mjs` (the compiled build) on an empty cache,
 *   with the default pool (one GDAL worker per core), and with `GEODATA_ENGINE_WORKERS=1`;
 * - geodata warm: the same process again on the filled cache (every step a hit).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPoolEngine } from '../wasm/node.js';
import { laeaGrid, writeTerrain } from './lib/terrain.js';
import { formatMs, hasNativeCommand, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '3' }, 'error-threshold': { type: 'string' } } });
const ERROR_THRESHOLD = values['error-threshold'];
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const CHILD = path.join(REPO, 'bench/fixtures/three-step.mjs');
// What the cache writes by default (src/raster/geotiff-output.ts CACHE_COMPRESSION): DEFLATE level 1,
// floating-point predictor, tiled 256, so both sides compress the same way.
const CREATION = ['-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=1', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', '-co', 'BIGTIFF=IF_SAFER'];

function timed(command: string, args: string[], env: Record<string, string> = {}): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  return elapsed;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(REPO, 'dist/bundle/node.js'))) throw new Error('build first: npm run build (the bench runs the compiled package, as users do)');
  if (!hasNativeCommand('gdalwarp') || !hasNativeCommand('gdaldem')) throw new Error('native gdalwarp and gdaldem are needed for the comparison');
  const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-pipeline-'));
  const engine = createPoolEngine({ workers: 1 });
  try {
    const dem = await writeTerrain(engine, folder, SIZE);
    const grid = await laeaGrid(engine, SIZE);
    await engine.close();
    const out = (name: string) => path.join(folder, name);
    const script = [
      ['gdalwarp', '-q', '-overwrite', '-t_srs', 'EPSG:3035', ...grid.args, '-r', 'bilinear', ...(ERROR_THRESHOLD === undefined ? [] : ['-et', ERROR_THRESHOLD]), '-ot', 'Float32', '-dstnodata', 'nan', ...CREATION, dem, out('n-elev.tif')],
      ['gdaldem', 'slope', '-q', out('n-elev.tif'), out('n-slope.tif'), ...CREATION],
      // Hillshade is Byte: the cache's predictor for integers is 2 (3 is for floats only).
      ['gdaldem', 'hillshade', '-q', out('n-elev.tif'), out('n-hillshade.tif'), ...CREATION.map((option) => (option === 'PREDICTOR=3' ? 'PREDICTOR=2' : option))],
    ]
      .map((command) => command.join(' '))
      .join(' && ');
    const child = (root: string, env: Record<string, string> = {}) => timed(process.execPath, [CHILD, root, dem, JSON.stringify(grid.transform), JSON.stringify(grid.shape), ...(ERROR_THRESHOLD === undefined ? [] : [ERROR_THRESHOLD])], env);

    const times = { native: [] as number[], pool: [] as number[], one: [] as number[], warm: [] as number[] };
    console.log(`three-step pipeline ${SIZE}x${SIZE} Float32, -et ${ERROR_THRESHOLD ?? 'default'}, ${REPETITIONS} interleaved repetitions; ${availableParallelism()} cores, load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
      times.native.push(timed('sh', ['-c', script]));
      const poolRoot = out(`cache-pool-${repetition}`);
      times.pool.push(child(poolRoot));
      times.warm.push(child(poolRoot));
      times.one.push(child(out(`cache-one-${repetition}`), { GEODATA_ENGINE_WORKERS: '1' }));
      for (const root of [poolRoot, out(`cache-one-${repetition}`)]) rmSync(root, { recursive: true, force: true });
      console.log(`  repetition ${repetition + 1}: native ${formatMs(times.native.at(-1)!)}, pool cold ${formatMs(times.pool.at(-1)!)}, pool warm ${formatMs(times.warm.at(-1)!)}, one worker cold ${formatMs(times.one.at(-1)!)}`);
    }
    const native = median(times.native);
    const row = (label: string, values: number[]) => console.log(`  ${label.padEnd(36)} ${formatMs(median(values)).padStart(9)}   ${(median(values) / native).toFixed(2)}x native`);
    row('native shell script (one core)', times.native);
    row('geodata cold, pool (every core)', times.pool);
    row('geodata cold, GEODATA_ENGINE_WORKERS=1', times.one);
    row('geodata warm (every step a hit)', times.warm);
    console.log(`  load after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
