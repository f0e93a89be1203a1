import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/worker-error-stacks-entry.ts', import.meta.url)),
  bundles: {
    '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)),
    '/compute-worker.js': fileURLToPath(new URL('../../src/browser/compute-worker.ts', import.meta.url)),
  },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

type Stack = { name: string; stack: string };

describe.skipIf(!HAS_CHROMIUM)(`errors from workers, as the page catches them${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('show the page function that made the call above the worker’s frames, under a line naming the worker', async () => {
    const result = await withBrowserPage(PAGE, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { workerErrorStacks?: unknown }).workerErrorStacks === 'object');
      return (await page.evaluate(() => (window as unknown as { workerErrorStacks: { stacks(): Promise<unknown> } }).workerErrorStacks.stacks())) as Record<'worker' | 'pool' | 'compute', Stack>;
    });
    const sides = (stack: string, marker: string) => {
      const [page, worker] = stack.split(`\n    --- in ${marker} ---\n`);
      return { page: page ?? '', worker: worker ?? '' };
    };
    for (const kind of ['worker', 'pool'] as const) {
      expect(result[kind].name).toBe('FileError');
      const { page, worker } = sides(result[kind].stack, 'the GDAL worker');
      // The page's side names who asked; it was only the message handler's frames.
      expect(page).toMatch(/at async translateAskedByThePage /);
      expect(page).not.toMatch(/onMessage|deserializeError/);
      expect(worker).toMatch(/engine-worker\.js/);
    }
    expect(result.compute.name).toBe('InvalidInputError');
    // Rendering runs in the compute worker, not in GDAL's: the line said 'the GDAL worker'.
    expect(result.compute.stack).not.toContain('the GDAL worker');
    const { page, worker } = sides(result.compute.stack, 'the compute worker');
    expect(page).toMatch(/at async renderAskedByThePage /);
    expect(worker).toMatch(/compute-worker\.js/);
  }, 120_000);
});
