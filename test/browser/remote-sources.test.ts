import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig, load, syntheticTerrain, withConfig, type Raster } from '../../src/node.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { RemoteElevation, WINDOW_SPEC } from './fixtures/remote-elevation.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

describe.skipIf(!HAS_CHROMIUM)(`remote inputs in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'geodata-remote-page-'));
  const cogPath = path.join(scratch, 'cog.tif');
  let expected: Array<number | null>;

  beforeAll(async () => {
    // A COG of generated terrain (2048 x 2048 px, 256 px tiles, overviews), and the same warp of the local file in Node.
    await syntheticTerrain({ size: 2048, pixel: 30 }).write(cogPath, { cog: true, blockSize: 256 });
    // In a cache of its own: the default root, the working directory, is the repository.
    const local = await withConfig({ root: path.join(scratch, 'cache') }, () => load<Raster>(new RemoteElevation(cogPath), WINDOW_SPEC));
    expected = Array.from(local.band(0).data, (value) => (Number.isNaN(value) ? null : value));
  });

  afterAll(async () => {
    await getConfig().engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('warps a COG named by a URL relative to the page, reading only its window by range requests, to the pixels of a warp of the whole file', async () => {
    const cog = readFileSync(cogPath);
    const { result, requests } = await withBrowserPage(
      {
        entry: fileURLToPath(new URL('./fixtures/remote-sources-entry.ts', import.meta.url)),
        bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
        assets: {
          '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
          '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
          '/data/cog.tif': cogPath,
        },
      },
      async (page, url, log) => {
        await page.waitForFunction(() => typeof (window as unknown as { warpRemote?: unknown }).warpRemote === 'function');
        const warped = await page.evaluate(() => (window as unknown as { warpRemote: (url: string) => Promise<unknown> }).warpRemote('data/cog.tif'));
        return { result: warped as { values: Array<number | null>; read: string; window?: number[]; bytesRead: number; committed: string[] }, requests: log.requests, url };
      },
    );
    expect(result.read).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/data\/cog\.tif$/);
    expect(result.committed).toEqual(['RemoteElevation']);
    expect(result.window).toHaveLength(4);
    expect(result.values).toEqual(expected);
    const cogRequests = requests.filter((request) => request.path === '/data/cog.tif');
    // Every request asked for a range; together they are a small part of the file.
    expect(cogRequests.every((request) => request.status === 206 && request.range !== undefined)).toBe(true);
    expect(cogRequests.reduce((sum, request) => sum + request.bytes, 0)).toBeLessThan(cog.length / 10);
  });
});
