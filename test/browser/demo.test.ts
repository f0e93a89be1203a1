import { readFile, stat } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../examples/browser/build.js';
import { importArchive, memoryStore, readRasterBytes, SpatialSpec, withConfig } from '../../src/node.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import type { HttpServer } from '../helpers/http-server.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';
import { serveDemo, withDemoPage, type DemoState } from './demo-page.js';
import { nodeRun, type NodeRun } from './node-run.js';

/** Decoded RGBA pixels of a PNG, with its size. */
function pixels(png: Uint8Array): { width: number; height: number; data: Buffer } {
  const image = PNG.sync.read(Buffer.from(png));
  return { width: image.width, height: image.height, data: image.data };
}

const classesOf = (state: DemoState, type: string) => state.events.filter((event) => event.type === type).map((event) => event.className);

describe.skipIf(!HAS_CHROMIUM)(`the offline demo in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'geodata-demo-test-'));
  let server: HttpServer;
  let generated: NodeRun;

  beforeAll(async () => {
    server = await serveDemo(await buildDemo(join(scratch, 'dist')));
    // The reference: the generated terrain through the same pipeline in Node, with the page's
    // defaults; its entries exported for the import test.
    generated = nodeRun({ root: join(scratch, 'node-cache'), crs: 'EPSG:3035', resolution: 40, exportTo: join(scratch, 'from-node.tar.gz') });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('builds a static folder with the page, the bundle, the worker, gdal3.js and GDAL’s wasm and data', async () => {
    const dist = join(scratch, 'dist');
    const files = ['index.html', 'style.css', 'app.js', 'engine-worker.js', 'compute-worker.js', 'gdal3.js', 'gdal3WebAssembly.wasm', 'gdal3WebAssembly.data', 'h5wasm/hdf5_hl.js', 'h5wasm/hdf5_util.js'];
    const sizes = await Promise.all(files.map(async (file) => (await stat(join(dist, file))).size));
    expect(sizes.every((size) => size > 0)).toBe(true);
    // gdal3.js is served, not bundled (see BROWSER_BUNDLE_OPTIONS), and the page bundle is not minified.
    const app = await readFile(join(dist, 'app.js'), 'utf8');
    expect(app).not.toContain('process.versions.node');
    expect(app).toContain('var Elevation = class extends Data {');
    // h5wasm is served beside the bundle, named by the page's import map, and imported only on use.
    expect(app).toContain('import("h5wasm")');
    expect(app.length).toBeLessThan(3_000_000);
    const html = await readFile(join(dist, 'index.html'), 'utf8');
    expect(html).toContain('<script type="importmap">{ "imports": { "h5wasm": "./h5wasm/hdf5_hl.js" } }</script>');
    // Nothing on the page names another host: no CDN, fonts or analytics.
    expect(html.match(/(?:src|href)="(?!\.\/|data:)[^"]*"/g)).toBeNull();
  });

  it('computes every step once, takes every step from the cache after a reload, matches Node’s fingerprints and outputs, and cleans and exports its IndexedDB cache', async () => {
    await withDemoPage(server.url, async (demo) => {
      const first = await demo.compute();
      expect(first.error).toBeUndefined();
      const run = first.runs[0]!;
      expect(run.source.sha256).toBe(generated.source.sha256);
      expect(SpatialSpec.fromJSON(run.spec).equals(generated.spec)).toBe(true);
      expect(run.steps.map((step) => step.computed)).toEqual([true, true, true, true, true]);
      expect(classesOf(first, 'commit')).toEqual(['Elevation', 'Slope', 'Hillshade', 'ElevationFigure', 'SlopeFigure']);

      // The same classes, unminified, have the same fingerprints in Chromium as in Node.
      expect(run.steps.map((step) => [step.name, step.stateHash])).toEqual(generated.steps.map((step) => [step.name, step.stateHash]));
      // Outputs: the same pixels, not the same bytes. Both compress GeoTIFFs outside WebAssembly,
      // Node with native zlib at level 1, a page with the Compression Streams API (level 6, in its
      // compute worker; test/browser/compute-worker.test.ts reads both pixel for pixel); the
      // figures, drawn from those rasters, are compared pixel for pixel here.
      for (const index of [0, 1, 2]) {
        const base64 = await demo.page.evaluate((path) => (window as unknown as { geodataDemoOutput: (p: string) => Promise<string> }).geodataDemoOutput(path), run.steps[index]!.path);
        const inPage = await readRasterBytes(new Uint8Array(Buffer.from(base64, 'base64')), run.steps[index]!.path);
        const inNode = await readRasterBytes(new Uint8Array(await readFile(generated.steps[index]!.path)), generated.steps[index]!.path);
        expect(inPage.spec.equals(inNode.spec)).toBe(true);
        expect(inPage.bands.map((band) => Buffer.from(band.buffer, band.byteOffset, band.byteLength).equals(Buffer.from(inNode.bands[0]!.buffer, inNode.bands[0]!.byteOffset, inNode.bands[0]!.byteLength)))).toEqual([true]);
      }
      for (const [index, name] of [[3, 'elevation figure'], [4, 'slope figure']] as const) {
        const inPage = pixels(await demo.figureBytes(name));
        const inNode = pixels(new Uint8Array(await readFile(generated.steps[index]!.path)));
        expect([inPage.width, inPage.height]).toEqual([inNode.width, inNode.height]);
        expect(inPage.data.equals(inNode.data)).toBe(true);
      }

      // h5wasm, left out of the bundle, still loads where the page's import map says it is.
      // (A string: vitest would rewrite the import() of a function it sees.)
      const h5wasm = await demo.page.evaluate("import('h5wasm').then(async (h5) => { await h5.ready; return typeof h5.File; })");
      expect(h5wasm).toBe('function');

      await demo.reload();
      const second = await demo.compute();
      expect(second.error).toBeUndefined();
      expect(second.runs[0]!.steps.map((step) => step.computed)).toEqual([false, false, false, false, false]);
      expect(classesOf(second, 'miss')).toEqual([]);
      expect(classesOf(second, 'commit')).toEqual([]);
      expect(classesOf(second, 'hit')).toEqual(['Elevation', 'Slope', 'Hillshade', 'ElevationFigure', 'SlopeFigure']);
      expect(await demo.page.locator('#entries tbody tr').count()).toBe(5);

      // Cache management against IndexedDB: nothing is stale, and the entries export to an
      // archive that a Node cache takes in.
      await demo.page.click('#clean');
      await demo.page.waitForFunction(() => document.querySelector('#status')!.textContent!.startsWith('Removed'));
      expect(await demo.page.textContent('#status')).toBe('Removed 0 stale entries (0 KiB).');
      const [download] = await Promise.all([demo.page.waitForEvent('download'), demo.page.click('#export')]);
      const exported = new Uint8Array(await readFile(await download.path()));
      const report = await withConfig({ store: memoryStore() }, () => importArchive(exported, { name: 'from-the-page.tar.gz' }));
      expect(report.added.filter((item) => item.kind === 'entry').map((item) => item.hash).sort()).toEqual(run.steps.map((step) => step.stateHash).sort());
    });
  });

  it.skipIf(!HAS_DATA)(`reprojects a GeoTIFF given through the file input${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, async () => {
    const file = sample('elev_vinschgau.tif');
    const reference = nodeRun({ root: join(scratch, 'node-cache-file'), file, crs: 'EPSG:3035', resolution: 250 });
    await withDemoPage(server.url, async (demo) => {
      await demo.page.setInputFiles('#file', file);
      await demo.page.selectOption('#crs', 'EPSG:3035');
      await demo.page.fill('#resolution', '250');
      const state = await demo.compute();
      expect(state.error).toBeUndefined();
      const run = state.runs[0]!;
      expect(run.source).toMatchObject({ kind: 'file', name: 'elev_vinschgau.tif', sha256: reference.source.sha256 });
      expect(SpatialSpec.fromJSON(run.spec).equals(reference.spec)).toBe(true);
      expect(run.steps[0]).toMatchObject({ className: 'Elevation', computed: true, stateHash: reference.steps[0]!.stateHash });
      expect(run.steps.map((step) => step.stateHash)).toEqual(reference.steps.map((step) => step.stateHash));
    });
  });

  it('asks the browser once for persistent storage when it opens, and shows the answer', async () => {
    await withDemoPage(
      server.url,
      async (demo) => {
        const answers = await demo.page.evaluate(() => (window as unknown as { persistAnswers: boolean[] }).persistAnswers);
        expect(answers).toHaveLength(1);
        expect((await demo.state()).persisted).toBe(answers[0]);
        expect(await demo.page.textContent('#storage')).toContain(answers[0] ? '(persistent storage granted)' : '(best-effort storage: the browser may evict it when space runs low)');
      },
      async (context) => {
        // Records what Chromium answers to navigator.storage.persist(), before the page's code runs.
        await context.addInitScript(() => {
          const storage = navigator.storage;
          const persist = storage.persist.bind(storage);
          const answers: boolean[] = [];
          (window as unknown as { persistAnswers: boolean[] }).persistAnswers = answers;
          storage.persist = async () => {
            const answer = await persist();
            answers.push(answer);
            return answer;
          };
        });
      },
    );
  });

  it('works with the network blocked, and no request leaves the local server', async () => {
    const attempted: string[] = [];
    const seen: string[] = [];
    await withDemoPage(
      server.url,
      async (demo) => {
        demo.page.on('request', (request) => seen.push(request.url()));
        const first = await demo.compute();
        expect(first.error).toBeUndefined();
        expect(first.runs[0]!.steps.map((step) => step.computed)).toEqual([true, true, true, true, true]);
        await demo.reload();
        const second = await demo.compute();
        expect(second.runs[0]!.steps.map((step) => step.computed)).toEqual([false, false, false, false, false]);
      },
      async (context) => {
        await context.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith(server.url)) return route.continue();
          attempted.push(url);
          return route.abort('blockedbyclient');
        });
      },
    );
    expect(attempted).toEqual([]);
    expect(seen.filter((url) => !url.startsWith(server.url) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
    // The worker and GDAL's assets came from the local server.
    expect(seen.filter((url) => /engine-worker\.js|gdal3WebAssembly\.(wasm|data)$/.test(url)).length).toBeGreaterThanOrEqual(3);
  });

  it('reports a full storage quota as a clear error, stores no part of the entry, and succeeds once space is back', async () => {
    await withDemoPage(server.url, async (demo) => {
      const cdp = await demo.context.newCDPSession(demo.page);
      const origin = new URL(server.url).origin;
      // A real quota failure: Chromium's own quota, lowered below what the first entry needs.
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 200 * 1024 });
      const failed = await demo.compute();
      expect(failed.state).toBe('error');
      expect(failed.error!.name).toBe('PipelineError');
      expect(failed.error!.message).toMatch(/^computing Elevation for SpatialSpec\(EPSG:3035, .*\) failed: store indexeddb:geodata:geodata-demo: the browser storage quota is full: writing 4 keys \(the first "data_processed\/[0-9a-f]{64}\/elevation\.tif"\), [\d.]+ KiB, failed and nothing of it was stored\. Free space by cleaning old entries \(cleanCache\), or ask the browser for persistent storage \(navigator\.storage\.persist\(\)\), then try again; no entry was written$/);
      expect(classesOf(failed, 'commit')).toEqual([]);
      const stored = await demo.page.evaluate(
        () =>
          new Promise<string[]>((resolve, reject) => {
            const open = indexedDB.open('geodata:geodata-demo');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const request = open.result.transaction('cache').objectStore('cache').getAllKeys();
              request.onsuccess = () => resolve(request.result.filter((key): key is string => typeof key === 'string'));
              request.onerror = () => reject(request.error);
            };
          }),
      );
      expect(stored.filter((key) => key.startsWith('data_processed/') || key.startsWith('figures/'))).toEqual([]);
      expect(await demo.page.locator('#entries tbody tr').count()).toBe(0);

      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      const retried = await demo.compute();
      expect(retried.error).toBeUndefined();
      expect(retried.runs[0]!.steps.map((step) => step.computed)).toEqual([true, true, true, true, true]);
    });
  });

  it('tries the generated terrain again after a failed attempt, and revokes the object URLs of the figures it replaces', async () => {
    let failWorker = true;
    await withDemoPage(
      server.url,
      async (demo) => {
        const failed = await demo.compute();
        expect(failed.state).toBe('error');
        failWorker = false;
        const first = await demo.compute();
        expect(first.error).toBeUndefined();
        const shown = await demo.page.$$eval('#figures img', (images) => images.map((image) => (image as HTMLImageElement).src));
        expect(shown).toHaveLength(2);
        const second = await demo.compute();
        expect(second.error).toBeUndefined();
        // A revoked object URL no longer fetches: the blobs of replaced figures are released.
        const readable = await demo.page.evaluate((urls) => Promise.all(urls.map((url) => fetch(url).then(() => true, () => false))), shown);
        expect(readable).toEqual([false, false]);
        expect(await demo.page.locator('#figures img').count()).toBe(2);
      },
      async (context) => {
        // The first engine call fails cleanly: its worker script does not load.
        await context.route('**/engine-worker.js', (route) => (failWorker ? route.abort('failed') : route.continue()));
      },
    );
  });

  it('imports entries exported from a Node cache and takes every step from them', async () => {
    const archive = new Uint8Array(await readFile(join(scratch, 'from-node.tar.gz')));
    // What the archive holds (entries, code versions, snapshots), counted by importing it into an empty cache.
    const expected = await withConfig({ store: memoryStore() }, () => importArchive(archive, { dryRun: true }));
    await withDemoPage(server.url, async (demo) => {
      await demo.page.setInputFiles('#import', { name: 'from-node.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(archive) });
      await demo.page.waitForFunction(() => (window as unknown as { geodataDemo: { imported?: unknown } }).geodataDemo.imported !== undefined);
      expect((await demo.state()).imported).toEqual({ added: expected.added.length, skipped: 0 });
      expect(expected.added.filter((item) => item.kind === 'entry')).toHaveLength(5);
      const state = await demo.compute();
      expect(state.error).toBeUndefined();
      expect(state.runs[0]!.steps.map((step) => step.computed)).toEqual([false, false, false, false, false]);
      expect(classesOf(state, 'commit')).toEqual([]);
      expect(classesOf(state, 'hit')).toEqual(['Elevation', 'Slope', 'Hillshade', 'ElevationFigure', 'SlopeFigure']);
      expect(state.runs[0]!.steps.map((step) => step.outputSha256)).toEqual(generated.steps.map((step) => step.outputSha256));
    });
  });
});
