/**
 * A page importing geodata's bundle from another origin, as a notebook imports a library from a
 * CDN: the bundle's default workers sit next to it, on that origin, where `new Worker(url)` is
 * refused whatever CORS allows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundle, contentType, HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));
const LIB = fileURLToPath(new URL('./fixtures/cross-origin-lib.ts', import.meta.url));
const ENGINE_WORKER = fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url));
const COMPUTE_WORKER = fileURLToPath(new URL('../../src/browser/compute-worker.ts', import.meta.url));

/** Serves `files` (URL path → bytes) with `Access-Control-Allow-Origin: *`, as CDNs do; records the paths asked for. */
async function corsServer(files: Record<string, Uint8Array>): Promise<{ url: string; requested: string[]; close(): Promise<void> }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://x').pathname;
    requested.push(`${request.method} ${urlPath}`);
    const body = files[urlPath];
    const headers = { 'access-control-allow-origin': '*' };
    if (!body) return void response.writeHead(404, headers).end();
    response.writeHead(200, { ...headers, 'content-type': contentType(urlPath), 'content-length': String(body.length) });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The page: imports geodata from `libUrl`, asks GDAL (in the default worker) about a CRS and renders a figure. */
const PAGE_SCRIPT = `
window.crossOriginTest = async (libUrl) => {
  const geodata = await import(libUrl + '/geodata.js');
  const engine = geodata.createBrowserEngine({ workers: 1, assets: geodata.gdalAssetsAt(libUrl + '/') });
  try {
    const crs = await engine.crsInfo('EPSG:3035');
    const figure = await geodata.renderRaster({ width: 2, height: 1, data: new Float32Array([0, 1]) }, { colormap: 'viridis' });
    return { ok: true, crs: crs.authority, pngBytes: figure.length ?? figure.byteLength };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message };
  } finally {
    await engine.close();
  }
};`;

describe.skipIf(!HAS_CHROMIUM)(`geodata imported by URL from another origin${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('starts its GDAL and compute workers from that origin (under CORS) with no worker option', async () => {
    const lib = await corsServer({
      '/geodata.js': await bundle(LIB),
      '/engine-worker.js': await bundle(ENGINE_WORKER),
      '/compute-worker.js': await bundle(COMPUTE_WORKER),
      '/gdal3.js': await readFile(path.join(GDAL_DIST, 'gdal3.js')),
      '/gdal3WebAssembly.wasm': await readFile(path.join(GDAL_DIST, 'gdal3WebAssembly.wasm')),
      '/gdal3WebAssembly.data': await readFile(path.join(GDAL_DIST, 'gdal3WebAssembly.data')),
    });
    try {
      const html = `<!doctype html><meta charset="utf-8"><title>notebook</title><script type="module">${PAGE_SCRIPT}</script>`;
      const { result, log } = await withBrowserPage({ entry: LIB, html }, async (page, _url, pageLog) => {
        await page.waitForFunction(() => typeof (window as unknown as { crossOriginTest?: unknown }).crossOriginTest === 'function');
        const value = await page.evaluate((url) => (window as unknown as { crossOriginTest: (u: string) => Promise<unknown> }).crossOriginTest(url), lib.url);
        return { result: value, log: pageLog.lines };
      });
      expect(result).toEqual({ ok: true, crs: 'EPSG:3035', pngBytes: expect.any(Number) });
      expect(lib.requested).toContain('GET /engine-worker.js');
      expect(lib.requested).toContain('GET /compute-worker.js');
      // The figure was rendered in the worker, not on the page after a failed start.
      expect(log.filter((line) => line.includes('compute worker is not available'))).toEqual([]);
    } finally {
      await lib.close();
    }
  }, 120_000);
});
