import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

/**
 * The page bundle at /entry.js, and next to it what the defaults name: the worker bundle and
 * GDAL's .wasm and .data. Nothing tells the engine where they are.
 */
const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/default-engine-entry.ts', import.meta.url)),
  bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
  assets: {
    '/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

interface Outcome {
  size: [number, number];
  crs: string | undefined;
  workersStarted: number;
  cores: number;
  defaultAssets: { wasm: string; data: string };
  /** Paths the server was asked for. */
  requested: string[];
}

/** Runs the fixture's warp in a fresh page, with or without `Worker`. */
function warpWithDefaultEngine(withoutWorker: boolean): Promise<Outcome> {
  return withBrowserPage(PAGE, async (page, _url, log) => {
    await page.waitForFunction(() => typeof (window as unknown as { defaultEngineTest?: unknown }).defaultEngineTest === 'object');
    const result = await page.evaluate(
      (without) => (window as unknown as { defaultEngineTest: { warpWithDefaultEngine(w: boolean): Promise<Omit<Outcome, 'requested'>> } }).defaultEngineTest.warpWithDefaultEngine(without),
      withoutWorker,
    );
    // Chromium asks for /favicon.ico on its own.
    const requested = log.requests.map((request) => request.path).filter((path) => path !== '/favicon.ico');
    return { ...result, requested: [...new Set(requested)].sort() };
  });
}

/** The defaults as the page resolved them: next to the bundle, /entry.js. */
function expectAssetsNextToBundle(outcome: Outcome): void {
  const folder = outcome.defaultAssets.wasm.replace(/[^/]*$/, '');
  expect(folder).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(outcome.defaultAssets).toEqual({ wasm: `${folder}gdal3WebAssembly.wasm`, data: `${folder}gdal3WebAssembly.data` });
}

describe.skipIf(!HAS_CHROMIUM)(`createBrowserEngine() with its defaults in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('runs GDAL in a pool of workers, one per core up to 4, started from engine-worker.js next to the bundle, with the .wasm and .data next to it', async () => {
    const outcome = await warpWithDefaultEngine(false);
    expect(outcome).toMatchObject({ size: [32, 24], crs: '4326', workersStarted: Math.min(4, Math.max(1, outcome.cores)) });
    expect(outcome.requested).toEqual(['/', '/engine-worker.js', '/entry.js', '/gdal3WebAssembly.data', '/gdal3WebAssembly.wasm']);
    expectAssetsNextToBundle(outcome);
  });

  it('runs GDAL on the page’s thread where there is no Worker, loading the same files and starting no worker', async () => {
    const outcome = await warpWithDefaultEngine(true);
    expect(outcome).toMatchObject({ size: [32, 24], crs: '4326', workersStarted: 0 });
    expect(outcome.requested).toEqual(['/', '/entry.js', '/gdal3WebAssembly.data', '/gdal3WebAssembly.wasm']);
    expectAssetsNextToBundle(outcome);
  });
});
