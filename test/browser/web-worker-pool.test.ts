import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/web-worker-pool-entry.ts', import.meta.url)),
  bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

type Hooks = Record<string, (...args: unknown[]) => Promise<unknown> | unknown>;

/** Calls one of the fixture's functions in a fresh page. */
function inPage<T>(name: string, ...args: unknown[]): Promise<T> {
  return withBrowserPage(PAGE, async (page) => {
    await page.waitForFunction(() => typeof (window as unknown as { webWorkerPoolTest?: unknown }).webWorkerPoolTest === 'object');
    const value = await page.evaluate(
      ([hook, hookArgs]) => (window as unknown as { webWorkerPoolTest: Hooks }).webWorkerPoolTest[hook as string]!(...(hookArgs as unknown[])),
      [name, args] as const,
    );
    return value as T;
  });
}

// The 8x6 grid of 100 m cells the fixture rasterizes the 600x400 m box on: 6x4 cells inside.
const BOX = Array.from({ length: 6 }, (_, row) => Array.from({ length: 8 }, (_, col) => (row >= 1 && row <= 4 && col >= 1 && col <= 6 ? 1 : 0))).flat();

describe.skipIf(!HAS_CHROMIUM)(`the Web Worker pool in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('runs two warps under Promise.all on two workers at once, with the same pixels (and one after the other with one worker)', async () => {
    expect(await inPage('parallelWarps')).toEqual({
      two: { overlap: true, same: true, running: 2 },
      one: { overlap: false, same: true, running: 1 },
    });
  });

  it('reads a large file through blocks of its Blob with every value exact, on both workers', async () => {
    expect(await inPage('largeFileExact')).toEqual({ a: true, b: true, a2: true, b2: true });
  });

  it('lets every worker read files another worker wrote, those no call names included', async () => {
    const result = await inPage<{ sidecars: boolean[]; a: number[]; b: number[] }>('filesAcrossWorkers');
    expect(result.sidecars).toEqual([true, true, true, true]);
    expect(result.a).toEqual(BOX.map((inside) => inside * 7));
    expect(result.b).toEqual(result.a);
  });

  it('hands every worker the newest version of a file, and none of a removed one', async () => {
    const result = await inPage<Record<string, unknown>>('newerFilesReachEveryWorker');
    expect(result).toEqual({
      before: [[10, 10], [10, 10]],
      after: [[20, 15], [20, 15]],
      rewritten: [[40, 40], [40, 40]],
      removed: ['FileError', 'FileError'],
    });
  });

  it('answers file methods in the page without starting a worker, and reads a deferred file once, when GDAL needs it', async () => {
    const result = await inPage<Record<string, unknown>>('filesWithoutGdal');
    expect(result).toEqual({
      answers: { read: [1, 2, 3], moved: false, folder: true, deferredSize: expect.any(Number) },
      beforeGdal: { running: 0, started: false, reads: 0 },
      afterGdal: { started: true, reads: 1, size: [20, 20] },
      afterClose: { exists: false, running: 0 },
    });
  });

  it('is the browser entry’s engine, sized to the cores up to 4, and one worker engine with workers: 1', async () => {
    const result = await inPage<{ cores: number; byDefault: string; one: string; three: string }>('defaults');
    expect(result.byDefault).toBe(`pool of ${Math.min(4, Math.max(1, result.cores))}`);
    expect(result.one).toBe('one worker');
    expect(result.three).toBe('pool of 3');
  });

  it('refuses a pool of no workers, naming the value', async () => {
    expect(await inPage('badSize')).toEqual({ name: 'ConfigError', message: 'createWebWorkerPool: workers must be a whole number of at least 1, got 0' });
  });
});
