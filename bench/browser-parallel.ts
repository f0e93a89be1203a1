/**
 * Independent GDAL calls on every core of a browser: two warps (to EPSG:3035 at 10 m, bilinear
 * and cubic, tiled GeoTIFFs: a Reprojector entry's GDAL work) under `Promise.all` against the same
 * two in sequence, on the Web Worker pool of two workers (`createWebWorkerPool`, the browser
 * entry's default) and on one worker engine (`createWorkerEngine`), in headless Chromium, in one
 * page, interleaved repetitions, medians. Every worker is started and has loaded GDAL first: the
 * comparison is of the scheduling (and the pool's file handling), not start-up. And a chain as a
 * pipeline runs it (the warp, then slope and hillshade of its output, each output read back), on
 * the pool and on one worker: what keeping the files in the page costs.
 *
 *   npx tsx bench/browser-parallel.ts [--size 2000] [--repetitions 5]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { HAS_CHROMIUM, withBrowserPage } from '../test/helpers/browser.js';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '2000' }, repetitions: { type: 'string', default: '5' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const GDAL_DIST = fileURLToPath(new URL('../node_modules/gdal3.js/dist/package/', import.meta.url));

if (!HAS_CHROMIUM) {
  console.log('skipped: /usr/bin/chromium is not installed');
  process.exit(0);
}

type Kind = 'pool' | 'one';
type Schedule = 'all' | 'sequence' | 'chain';
const CASES: Array<[Kind, Schedule]> = [
  ['pool', 'all'],
  ['pool', 'sequence'],
  ['pool', 'chain'],
  ['one', 'all'],
  ['one', 'sequence'],
  ['one', 'chain'],
];

const page = {
  entry: fileURLToPath(new URL('./browser/parallel-entry.ts', import.meta.url)),
  bundles: { '/engine-worker.js': fileURLToPath(new URL('../wasm/engine-worker.ts', import.meta.url)) },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

const times = new Map<string, number[]>(CASES.map(([kind, schedule]) => [`${kind} ${schedule}`, []]));
const load = [loadavg()[0]!];
await withBrowserPage(page, async (p) => {
  await p.waitForFunction(() => typeof (window as unknown as { bench?: unknown }).bench === 'object');
  await p.evaluate((size) => (window as unknown as { bench: { prepare(size: number): Promise<void> } }).bench.prepare(size), SIZE);
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    // Each round in another order, so that no case always follows the same one.
    for (const [kind, schedule] of repetition % 2 ? [...CASES].reverse() : CASES) {
      const ms = await p.evaluate(([k, s]) => (window as unknown as { bench: { run(kind: string, schedule: string): Promise<number> } }).bench.run(k, s), [kind, schedule] as const);
      times.get(`${kind} ${schedule}`)!.push(ms);
    }
    load.push(loadavg()[0]!);
  }
});

const m = (key: string) => median(times.get(key)!);
console.log(`two warps of a ${SIZE}x${SIZE} Float32 DEM to EPSG:3035 (bilinear, cubic), headless Chromium, medians of ${REPETITIONS}, load ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
for (const key of times.keys()) console.log(`  ${key.padEnd(14)} ${formatMs(m(key))}   (${times.get(key)!.map(formatMs).join(', ')})`);
console.log(`pool of 2: Promise.all / sequence          ${(m('pool all') / m('pool sequence')).toFixed(2)}x`);
console.log(`one worker: Promise.all / sequence         ${(m('one all') / m('one sequence')).toFixed(2)}x`);
console.log(`Promise.all: pool of 2 / one worker        ${(m('pool all') / m('one all')).toFixed(2)}x`);
console.log(`sequence: pool of 2 / one worker           ${(m('pool sequence') / m('one sequence')).toFixed(2)}x`);
console.log(`chain: pool of 2 / one worker              ${(m('pool chain') / m('one chain')).toFixed(2)}x   (the pool's cost of keeping files in the page)`);
