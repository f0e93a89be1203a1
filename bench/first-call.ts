/**
 * What a GDAL worker pays the first time it runs a kind of step, against the second time: the cost
 * every new process pays on each of its workers, where native GDAL pays none (README, "What a
 * fresh process pays"). Each repetition starts a new pool of one worker and times, in order:
 * `gdal_translate` of a generated `size` x `size` Float32 DEM (uncompressed, tiled), `gdaldem
 * slope`, and each once more; then the first transformation EPSG:32632 -> EPSG:3035 on a thread
 * that has already transformed EPSG:4326 -> EPSG:3857, and that transformation again. With
 * `--cache-max 16`, every call runs with GDAL_CACHEMAX=16 (MB).
 *
 *   npx tsx bench/first-call.ts [--size 4000] [--repetitions 3] [--cache-max 16]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPoolEngine } from '../wasm/node.js';
import { writeTerrain } from './lib/terrain.js';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '3' }, 'cache-max': { type: 'string' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const config = values['cache-max'] ? { config: { GDAL_CACHEMAX: values['cache-max'] } } : {};
const TILED = ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256'];

const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-first-call-'));
try {
  const setup = createPoolEngine({ workers: 1 });
  const dem = await writeTerrain(setup, folder, SIZE);
  const uncompressed = path.join(folder, 'dem-uncompressed.tif');
  await setup.translate(dem, uncompressed, TILED);
  await setup.close();

  const times = new Map<string, number[]>();
  const time = async (label: string, body: () => Promise<unknown>) => {
    const started = performance.now();
    await body();
    times.set(label, [...(times.get(label) ?? []), performance.now() - started]);
  };
  const utm = Array.from({ length: 64 }, (_, i): [number, number] => [600000 + i * 100, 5200000 - i * 100]);
  const geographic = Array.from({ length: 64 }, (_, i): [number, number] => [8 + i * 0.01, 47 - i * 0.01]);
  console.log(`first vs second call on a new worker, ${SIZE}x${SIZE} Float32, ${REPETITIONS} repetitions${values['cache-max'] ? `, GDAL_CACHEMAX=${values['cache-max']}` : ''}; load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const engine = createPoolEngine({ workers: 1, warm: false });
    try {
      await engine.crsInfo('EPSG:4326'); // the worker started, GDAL loaded
      const out = (name: string) => path.join(folder, `${name}-${repetition}.tif`);
      await time('translate, first', () => engine.translate(uncompressed, out('t1'), TILED, config));
      await time('translate, second', () => engine.translate(uncompressed, out('t2'), TILED, config));
      await time('slope, first', () => engine.dem('slope', uncompressed, out('s1'), TILED, config));
      await time('slope, second', () => engine.dem('slope', uncompressed, out('s2'), TILED, config));
      await engine.transformPoints('EPSG:4326', 'EPSG:3857', geographic);
      await time('EPSG:32632 -> 3035, first', () => engine.transformPoints('EPSG:32632', 'EPSG:3035', utm));
      await time('EPSG:32632 -> 3035, second', () => engine.transformPoints('EPSG:32632', 'EPSG:3035', utm));
    } finally {
      await engine.close();
    }
  }
  for (const [label, values] of times) console.log(`  ${label.padEnd(28)} ${formatMs(median(values)).padStart(9)}   [${values.map(formatMs).join(', ')}]`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
