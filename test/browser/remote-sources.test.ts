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

  it('names the URL and says what is wrong when a raster fetched by URL is cut short or is not a TIFF, and commits nothing', async () => {
    const cog = readFileSync(cogPath);
    const failures = await withBrowserPage(
      {
        entry: fileURLToPath(new URL('./fixtures/remote-sources-entry.ts', import.meta.url)),
        bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
        assets: {
          '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
          '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
        },
        files: {
          // The first fifth of the COG: its header and a few of its tiles.
          '/data/cut.tif': new Uint8Array(cog.subarray(0, Math.floor(cog.length / 5))),
          '/data/page.tif': '<!doctype html><title>Not found</title><p>Sorry.</p>',
        },
      },
      async (page) => {
        await page.waitForFunction(() => typeof (window as unknown as { warpFailure?: unknown }).warpFailure === 'function');
        const fail = (url: string) => page.evaluate((u) => (window as unknown as { warpFailure: (url: string) => Promise<{ name: string; message?: string; committed?: number }> }).warpFailure(u), url);
        return { cut: await fail('data/cut.tif'), page: await fail('data/page.tif') };
      },
    );
    const origin = /http:\/\/127\.0\.0\.1:\d+/.source;
    const failed = /computing RemoteElevation for SpatialSpec\(EPSG:3035, 200x300 px at 25, bounds \[4370000, 2625000, 4377500, 2630000\]\) failed: /.source;
    expect(failures.cut).toEqual({ name: 'PipelineError', message: expect.any(String), committed: 0 });
    expect(failures.cut.message).toMatch(
      new RegExp(`^${failed}Reprojector source data/cut\\.tif: cannot fetch ${origin}/data/cut\\.tif: HTTP 416: asked for bytes \\d+–\\d+ of a file of ${Math.floor(cog.length / 5)} bytes: the file is shorter than its own header says \\(cut short, or replaced while being read\\); no entry was written$`),
    );
    // Refused when the input is fingerprinted, before anything is computed.
    expect(failures.page).toEqual({ name: 'FileError', message: expect.any(String), committed: 0 });
    expect(failures.page.message).toMatch(
      new RegExp(`^${origin}/data/page\\.tif is an HTML page, not a raster or vector file \\(it starts with "<!doctype html><title>Not foun"\\): check the URL; a server may answer a missing file with a page$`),
    );
  });
});
