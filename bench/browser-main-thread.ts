/**
 * geodata on a browser page's thread, in headless Chromium: the longest task on the page's thread
 * (PerformanceObserver 'longtask' entries, > 50 ms) while the page runs the demo pipeline from an
 * empty cache and then writes, loads and renders a 2000x2000 Float32 raster; and the time to write
 * that raster as DEFLATE by GDAL inside WebAssembly against outside it (Compression Streams),
 * interleaved, medians.
 *
 *   npx tsx bench/browser-main-thread.ts [--size 2000] [--repetitions 5]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HAS_CHROMIUM, withBrowserPage } from '../test/helpers/browser.js';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '2000' }, repetitions: { type: 'string', default: '5' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const COMPUTE_WORKER = fileURLToPath(new URL('../src/browser/compute-worker.ts', import.meta.url));
const GDAL_DIST = fileURLToPath(new URL('../node_modules/gdal3.js/dist/package/', import.meta.url));

if (!HAS_CHROMIUM) {
  console.log('skipped: /usr/bin/chromium is not installed');
  process.exit(0);
}

const page = {
  entry: fileURLToPath(new URL('./browser/main-thread-entry.ts', import.meta.url)),
  bundles: {
    '/engine-worker.js': fileURLToPath(new URL('../wasm/engine-worker.ts', import.meta.url)),
    // Absent before the compute worker existed (the bench then measures the old code as it was).
    ...(existsSync(COMPUTE_WORKER) ? { '/compute-worker.js': COMPUTE_WORKER } : {}),
  },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

type Hook = 'mainThread' | 'compression';
function inPage<T>(hook: Hook, ...args: unknown[]): Promise<T> {
  return withBrowserPage(page, async (p) => {
    await p.waitForFunction(() => typeof (window as unknown as { bench?: unknown }).bench === 'object');
    return p.evaluate(([name, hookArgs]) => {
      const bench = (window as unknown as { bench: Record<string, (...a: unknown[]) => Promise<unknown>> }).bench;
      return bench[name as string]!(...(hookArgs as unknown[]));
    }, [hook, args] as const) as Promise<T>;
  });
}

interface MainThread {
  phases: Array<{ name: string; ms: number; longest: number; count: number }>;
  longest: number;
}
const main = await inPage<MainThread>('mainThread', SIZE);
console.log(`page thread, longest task per phase (load ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
for (const p of main.phases) console.log(`  ${p.name.padEnd(22)} ${formatMs(p.ms).padStart(9)}  longest task ${String(p.longest).padStart(5)} ms  (${p.count} over 50 ms)`);
console.log(`  longest task on the page's thread in geodata's phases: ${main.longest} ms`);
if (REPETITIONS === 0) process.exit(0);

const comp = await inPage<{ times: Record<string, number[]>; sizes: Record<string, number> }>('compression', SIZE, REPETITIONS);
console.log(`\nwrite ${SIZE}x${SIZE} Float32 as DEFLATE in Chromium, medians of ${REPETITIONS}, interleaved:`);
const outside = median(comp.times.outside!);
for (const [how, label] of [['none', 'GDAL in wasm, uncompressed'], ['gdal', 'GDAL in wasm, level 6 (before)'], ['gdalPredictor', 'GDAL in wasm, level 6 + predictor 3'], ['outside', 'outside wasm (CompressionStream) + predictor 3']] as const) {
  const ms = median(comp.times[how]!);
  console.log(`  ${label.padEnd(48)} ${formatMs(ms).padStart(9)}  ${(comp.sizes[how]! / 1e6).toFixed(1)} MB  outside/this ${(outside / ms).toFixed(2)}x`);
}
