import path from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RasterInfo } from '../../wasm/node.js';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { HAS_DATA, NO_DATA_REASON, sample, useScratchFolder } from './fixtures.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));
const ENTRY = fileURLToPath(new URL('./browser-entry.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./browser-worker-entry.ts', import.meta.url));

const ASSETS = {
  '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
  '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  '/gdal/gdal3.js': path.join(GDAL_DIST, 'gdal3.js'),
  '/data/elev_vinschgau.tif': sample('elev_vinschgau.tif'),
};

interface SmokeResult {
  info: RasterInfo;
  byteLength: number;
  lastFraction: number;
  authority: string;
  fileSystem: string;
  /** Paths the page requested from the server. */
  requested: string[];
}

/** Runs browser-entry.ts's smoke function in Chromium, optionally loading gdal3.js from `js`. */
function runSmoke(js?: string): Promise<SmokeResult> {
  return withBrowserPage({ entry: ENTRY, assets: ASSETS }, async (page, url) => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url().replace(url, '/')));
    await page.waitForFunction(() => typeof (globalThis as { runEngineSmoke?: unknown }).runEngineSmoke === 'function');
    const run = (script: string | undefined) => (globalThis as unknown as { runEngineSmoke: (js?: string) => Promise<unknown> }).runEngineSmoke(script);
    const result = (await page.evaluate(run, js)) as Omit<SmokeResult, 'requested'>;
    return { ...result, requested };
  });
}

const reasons = [HAS_DATA ? '' : NO_DATA_REASON, HAS_CHROMIUM ? '' : NO_CHROMIUM_REASON].filter(Boolean).join('; ');

describe.skipIf(!HAS_DATA || !HAS_CHROMIUM)(`the memory engine in headless Chromium${reasons ? ` (${reasons})` : ''}`, () => {
  const scratch = useScratchFolder('browser');
  let expected: RasterInfo;

  beforeAll(async () => {
    // The same warp through the Node engine: same GDAL, so the same grid and CRS.
    const engine = createNodeEngine();
    try {
      const reference = scratch.path('elev-4326.tif');
      await engine.warp([sample('elev_vinschgau.tif')], reference, ['-t_srs', 'EPSG:4326', '-r', 'bilinear']);
      expected = await engine.info(reference);
    } finally {
      await engine.close();
    }
  });

  it('loads gdal3.js from served assets, warps fetched GeoTIFF bytes to EPSG:4326 and returns their info', async () => {
    const result = await runSmoke();
    expect(result.fileSystem).toBe('memory');
    expect(result.info.description).toBe('/out/elev-4326.tif');
    expect(result.info.size).toEqual(expected.size);
    expect(result.info.geoTransform).toEqual(expected.geoTransform);
    expect(result.info.bands[0]!.noDataValue).toBe(expected.bands[0]!.noDataValue);
    expect(result.info.coordinateSystem!.wkt).toBe(expected.coordinateSystem!.wkt);
    expect(result.byteLength).toBeGreaterThan(100_000);
    expect(result.lastFraction).toBe(1);
    expect(result.authority).toBe('EPSG:4326');
    expect(result.requested).toContain('/gdal/gdal3WebAssembly.wasm');
    expect(result.requested).toContain('/gdal/gdal3WebAssembly.data');
    expect(result.requested).not.toContain('/gdal/gdal3.js');
  });

  it('loads gdal3.js itself from a URL when assets.js is given', async () => {
    const result = await runSmoke('/gdal/gdal3.js');
    expect(result.requested).toContain('/gdal/gdal3.js');
    expect(result.info.size).toEqual(expected.size);
    expect(result.info.geoTransform).toEqual(expected.geoTransform);
  });

  it('works inside a module Web Worker, leaving the onmessage handler of the worker in place', async () => {
    const worker = scratch.path('worker.js');
    await build({ entryPoints: [WORKER_ENTRY], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: worker, logLevel: 'silent' });
    const answers = await withBrowserPage({ entry: ENTRY, assets: { ...ASSETS, '/worker.js': worker } }, (page) =>
      page.evaluate(async () => {
        const thread = new Worker('/worker.js', { type: 'module' });
        const ask = () =>
          new Promise<unknown>((resolve) => {
            // A worker whose handler was replaced never answers: give up rather than hang the test.
            const timer = setTimeout(() => resolve('no answer within 30 s'), 30_000);
            thread.addEventListener('message', (event) => {
              clearTimeout(timer);
              resolve(event.data);
            }, { once: true });
            thread.postMessage('run');
          });
        const first = await ask();
        const second = await ask();
        thread.terminate();
        return [first, second];
      }),
    );
    expect(answers).toEqual([
      { answered: 1, authority: 'EPSG:3035' },
      { answered: 2, authority: 'EPSG:3035' },
    ]);
  });
});
