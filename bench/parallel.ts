/**
 * Every core: independent entries in parallel, and one large step split over the pool's workers.
 * Side by side in one run (interleaved repetitions, medians).
 *
 *   npx tsx bench/parallel.ts [--size 4000] [--repetitions 3]
 *
 * On a generated `size` x `size` Float32 DEM (UTM 32N, 10 m):
 * - two Reprojector entries (bilinear and cubic, to EPSG:3035 at 10 m) produced under
 *   `Promise.all` against the same two in sequence, each from an empty cache, on a warm pool
 *   (its workers started and GDAL loaded: the comparison is of the scheduling, not start-up);
 * - one warp (`-et 0`) and one slope split over the pool's workers against the same step on one
 *   worker, with DEFLATE and uncompressed outputs, and `slope()` as the cache writes it (tiles
 *   written uncompressed by GDAL, DEFLATEd outside WebAssembly).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Data, getConfig, produce, register, Reprojector, slope, SpatialSpec } from '../src/node.js';
import { createPoolEngine, type PoolEngine } from '../wasm/node.js';
import { laeaGrid, writeTerrain } from './lib/terrain.js';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '3' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-parallel-'));
const dem = path.join(folder, 'terrain.tif');

class BilinearElevation extends Data {
  override get processor() {
    return new Reprojector(dem, { resampling: 'bilinear' });
  }
}
class CubicElevation extends Data {
  override get processor() {
    return new Reprojector(dem, { resampling: 'cubic' });
  }
}
register(BilinearElevation);
register(CubicElevation);

async function warm(engine: PoolEngine): Promise<void> {
  await Promise.all(Array.from({ length: engine.workers }, () => engine.crsInfo('EPSG:3035')));
}

async function time(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const pool = createPoolEngine({ splitPixels: Infinity });
  const splitting = createPoolEngine({ splitCompressed: true, splitTerrain: true });
  try {
    await writeTerrain(pool, folder, SIZE);
    const grid = await laeaGrid(pool, SIZE);
    await Promise.all([warm(pool), warm(splitting)]);
    const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: grid.transform, shape: grid.shape });
    let run = 0;
    const entries = async (parallel: boolean) => {
      const root = path.join(folder, `cache-${(run += 1)}`);
      getConfig().update({ root, spec, engine: pool });
      const ms = await time(async () => {
        if (parallel) await Promise.all([produce(new BilinearElevation()), produce(new CubicElevation())]);
        else {
          await produce(new BilinearElevation());
          await produce(new CubicElevation());
        }
      });
      rmSync(root, { recursive: true, force: true });
      return ms;
    };
    const out = (name: string) => path.join(folder, name);
    const warpArgs = (compress: string) => ['-t_srs', 'EPSG:3035', ...grid.args, '-r', 'bilinear', '-et', '0', '-ot', 'Float32', '-dstnodata', 'nan', '-co', `COMPRESS=${compress}`, '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256'];
    const cases: Record<string, () => Promise<number>> = {
      'two Reprojector entries, in sequence': () => entries(false),
      'two Reprojector entries, Promise.all': () => entries(true),
      'warp -et 0 DEFLATE, one worker': () => time(() => pool.warp([dem], out('w1.tif'), warpArgs('DEFLATE'))),
      'warp -et 0 DEFLATE, split': () => time(() => splitting.warp([dem], out('w2.tif'), warpArgs('DEFLATE'))),
      'warp -et 0 NONE, one worker': () => time(() => pool.warp([dem], out('w3.tif'), warpArgs('NONE'))),
      'warp -et 0 NONE, split': () => time(() => splitting.warp([dem], out('w4.tif'), warpArgs('NONE'))),
      'slope DEFLATE, one worker': () => time(() => pool.dem('slope', dem, out('s1.tif'), ['-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES'])),
      'slope DEFLATE, split': () => time(() => splitting.dem('slope', dem, out('s2.tif'), ['-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES'])),
      'slope NONE, one worker': () => time(() => pool.dem('slope', dem, out('s3.tif'), ['-co', 'TILED=YES'])),
      'slope NONE, split': () => time(() => splitting.dem('slope', dem, out('s4.tif'), ['-co', 'TILED=YES'])),
      // What the cache writes: GDAL writes tiles uncompressed, geodata DEFLATEs them outside WebAssembly
      // (split: while later strips are computed).
      'slope(), cache DEFLATE, one worker': () => time(() => slope(dem, out('s5.tif'), { engine: pool })),
      'slope(), cache DEFLATE, split': () => time(() => slope(dem, out('s6.tif'), { engine: splitting })),
    };
    console.log(`every core, ${SIZE}x${SIZE} Float32, ${REPETITIONS} interleaved repetitions; pool of ${pool.workers} workers on ${availableParallelism()} cores, load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((label) => [label, []]));
    for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
      for (const [label, body] of Object.entries(cases)) times[label]!.push(await body());
    }
    const labels = Object.keys(cases);
    for (let index = 0; index < labels.length; index += 2) {
      const [before, after] = [labels[index]!, labels[index + 1]!];
      const [a, b] = [median(times[before]!), median(times[after]!)];
      console.log(`  ${before.padEnd(40)} ${formatMs(a).padStart(9)}   [${times[before]!.map(formatMs).join(', ')}]`);
      console.log(`  ${after.padEnd(40)} ${formatMs(b).padStart(9)}   [${times[after]!.map(formatMs).join(', ')}]   ratio ${(b / a).toFixed(2)}x`);
    }
    console.log(`  load after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    await Promise.all([pool.close(), splitting.close()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
