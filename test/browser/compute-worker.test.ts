import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRasterBytes, renderRgba, syntheticTerrain } from '../../src/node.js';
import { entryNumbers, readTiffLayout, TAG, tagNumber } from '../../src/formats/tiff-layout.js';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { decodePng } from '../render/helpers.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));
const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/compute-worker-entry.ts', import.meta.url)),
  bundles: {
    '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)),
    // Next to the page's bundle, where the browser platform looks for it by default.
    '/compute-worker.js': fileURLToPath(new URL('../../src/browser/compute-worker.ts', import.meta.url)),
  },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

type Hooks = {
  writeTerrain(size: number): Promise<{ tiff: string; translates: string[][]; workerAnswers: number }>;
  render(size: number, worker: 'default' | 'missing' | 'none'): Promise<{ png: string; workerAnswers: number; intact: boolean }>;
  fetchText(worker: 'default' | 'none'): Promise<{ same: boolean; length: number; missing: boolean; workerAnswers: number }>;
};

function inPage<K extends keyof Hooks>(calls: Array<[K, ...Parameters<Hooks[K]>]>) {
  return withBrowserPage(PAGE, async (page, _url, log) => {
    await page.waitForFunction(() => typeof (window as unknown as { computeWorkerTest?: unknown }).computeWorkerTest === 'object');
    const results: Array<Awaited<ReturnType<Hooks[K]>>> = [];
    for (const [hook, ...args] of calls) {
      results.push(
        (await page.evaluate(([name, hookArgs]) => {
          const hooks = (window as unknown as { computeWorkerTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).computeWorkerTest;
          return hooks[name as string]!(...(hookArgs as unknown[]));
        }, [hook, args] as const)) as Awaited<ReturnType<Hooks[K]>>,
      );
    }
    return { results, log: log.lines };
  });
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

describe.skipIf(!HAS_CHROMIUM)(`off the page's thread in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  const engine = createNodeEngine();
  afterAll(() => engine.close());

  it('writes GeoTIFFs uncompressed by GDAL and deflated in the compute worker: the same pixels as Node, predictor 3', async () => {
    const { results } = await inPage([['writeTerrain', 300]]);
    const page = results[0] as Awaited<ReturnType<Hooks['writeTerrain']>>;
    // GDAL was asked for an uncompressed file, and the compute worker deflated each of its blocks.
    expect(page.translates).toHaveLength(1);
    expect(page.translates[0]).toContain('COMPRESS=NONE');
    const tiff = bytes(page.tiff);
    const layout = await readTiffLayout(async (offset, length) => tiff.subarray(offset, offset + length), 'page.tif');
    const ifd = layout.ifds[0]!;
    expect([tagNumber(ifd, TAG.compression, true, 0), tagNumber(ifd, TAG.predictor, true, 1)]).toEqual([8, 3]);
    const blocks = entryNumbers(ifd.find((entry) => entry.tag === TAG.stripOffsets || entry.tag === TAG.tileOffsets), true).length;
    expect(blocks).toBeGreaterThan(1);
    expect(page.workerAnswers).toBe(blocks);

    // Node writes the same terrain (native zlib at level 1): different bytes, the same pixels and grid.
    const dir = `/tmp/geodata-compute-worker-${process.pid}`;
    await engine.fs.mkdir(dir);
    await syntheticTerrain({ size: 300, pixel: 30 }).write(`${dir}/terrain.tif`, { engine });
    const node = await readRasterBytes(await engine.fs.readFile(`${dir}/terrain.tif`), 'node.tif');
    await engine.fs.removeTree(dir);
    const inPageRaster = await readRasterBytes(tiff, 'page.tif');
    expect(inPageRaster.spec.equals(node.spec)).toBe(true);
    expect([inPageRaster.dtype, inPageRaster.nodata]).toEqual([node.dtype, node.nodata]);
    expect(Buffer.from(inPageRaster.bands[0]!.buffer).equals(Buffer.from(node.bands[0]!.buffer))).toBe(true);
  });

  it('renders figures in the compute worker, byte for byte as on the page’s thread, and on the page when the worker script is missing', async () => {
    const { results, log } = await inPage([
      ['render', 200, 'default'],
      ['render', 200, 'none'],
      ['render', 200, 'missing'],
    ]);
    const [worker, here, missing] = results as Array<Awaited<ReturnType<Hooks['render']>>>;
    expect([worker!.workerAnswers, here!.workerAnswers, missing!.workerAnswers]).toEqual([1, 0, 0]);
    expect(worker!.intact).toBe(true);
    expect(worker!.png).toBe(here!.png);
    expect(missing!.png).toBe(here!.png);
    expect(log.filter((line) => line.includes('compute worker is not available'))).toHaveLength(1);
    // The pixels are Node's.
    const terrain = syntheticTerrain({ size: 200, pixel: 30 });
    const node = renderRgba(terrain.band(0), { colormap: 'terrain', colorbar: { label: 'Elevation', units: 'm' }, title: 'Terrain', hillshade: terrain.band(0) });
    const decoded = decodePng(bytes(worker!.png));
    expect([decoded.width, decoded.height]).toEqual([node.width, node.height]);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(node.rgba))).toBe(true);
  });

  it('fetches the page’s scripts for the fingerprint in the compute worker (on the page without one): the same text; undefined for a missing script', async () => {
    const { results } = await inPage([
      ['fetchText', 'default'],
      ['fetchText', 'none'],
    ]);
    const [worker, here] = results as Array<Awaited<ReturnType<Hooks['fetchText']>>>;
    expect(worker).toEqual({ same: true, length: here!.length, missing: true, workerAnswers: 2 });
    expect(here).toEqual({ same: true, length: here!.length, missing: true, workerAnswers: 0 });
    expect(here!.length).toBeGreaterThan(100_000);
  });
});
