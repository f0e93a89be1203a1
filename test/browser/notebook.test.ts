import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNotebook } from '../../examples/notebook/build.js';
import { contentType, HAS_CHROMIUM, launchChromium, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { nodeRun } from './node-run.js';

/** Screenshots for a person to look at (git-ignored). */
const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'notebook');

interface NotebookStep {
  name: string;
  computed: boolean;
  stateHash: string;
}

describe.skipIf(!HAS_CHROMIUM)(`the notebook (Observable Notebook Kit) in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'geodata-notebook-test-'));
  let server: HttpServer;

  beforeAll(async () => {
    const dist = await buildNotebook(join(scratch, 'dist'));
    server = await startHttpServer(async (path) => {
      const file = path === '/' ? 'terrain.html' : path.slice(1);
      if (file.includes('..')) return undefined;
      try {
        return { body: await readFile(join(dist, file)), type: contentType(file) };
      } catch {
        return undefined;
      }
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('builds with Notebook Kit, runs the pipeline with the network blocked, and takes every step from the cache when opened again', async () => {
    const browser = await launchChromium();
    const external: string[] = [];
    const log: string[] = [];
    try {
      const context = await browser.newContext();
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(server.url)) return route.continue();
        external.push(url);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => log.push(error.message));
      page.on('console', (message) => message.type() === 'error' && log.push(message.text()));
      const steps = async () => {
        await page.waitForFunction(() => (globalThis as { geodataNotebook?: unknown }).geodataNotebook !== undefined, null, { timeout: 100_000 });
        return page.evaluate(() => (globalThis as unknown as { geodataNotebook: { steps: NotebookStep[] } }).geodataNotebook.steps.map(({ name, computed, stateHash }) => ({ name, computed, stateHash })));
      };
      // The Plot chart of the slope, drawn on the page's document and stored as SVG.
      const histogram = async () => {
        await page.waitForFunction(() => (globalThis as { geodataNotebook?: { histogram?: unknown } }).geodataNotebook?.histogram !== undefined, null, { timeout: 60_000 });
        return page.evaluate(() => (globalThis as unknown as { geodataNotebook: { histogram: { computed: boolean; path: string } } }).geodataNotebook.histogram);
      };
      await page.goto(`${server.url}terrain.html`);
      const first = await steps();
      expect(first.map((step) => [step.name, step.computed])).toEqual([
        ['elevation (reprojected)', true],
        ['slope', true],
        ['hillshade', true],
        ['elevation figure', true],
        ['slope figure', true],
      ]);
      expect((await histogram()).computed).toBe(true);
      await page.reload();
      const second = await steps();
      expect(second.map((step) => step.computed)).toEqual([false, false, false, false, false]);
      expect(second.map((step) => step.stateHash)).toEqual(first.map((step) => step.stateHash));
      // Vite's bundler (Rolldown) renames and reshapes code unlike esbuild, yet the fingerprints
      // are Node's: the library's classes are read through its renames, the demo's are untouched.
      const inNode = nodeRun({ root: join(scratch, 'node-cache'), crs: 'EPSG:3035', resolution: 40 });
      expect(first.map((step) => [step.name, step.stateHash])).toEqual(inNode.steps.map((step) => [step.name, step.stateHash]));
      expect(await page.locator('img[alt="slope figure"]').count()).toBe(1);
      // After the reload the chart is a hit, shown as an image that decodes.
      const chart = await histogram();
      expect(chart.computed).toBe(false);
      expect(chart.path).toMatch(/\/figures\/[0-9a-f]{64}\/slope_histogram\.svg$/);
      const image = page.locator('img[alt="slope histogram"]');
      await image.waitFor();
      expect(await image.evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))).toEqual([640, 240]);
      mkdirSync(SHOTS, { recursive: true });
      await image.screenshot({ path: join(SHOTS, 'notebook-plot-histogram.png') });
      // Text is shown as text (in <pre>), not as the inspector's quoted string literal.
      const texts = await page.locator('pre').allTextContents();
      expect(texts.filter((text) => /^source: |^(persistent|best-effort) storage; /.test(text)).length).toBe(2);
      expect(await page.getByText(/^"source: /).count()).toBe(0);
    } catch (error) {
      if (error instanceof Error && log.length > 0) error.message += `\n--- page errors ---\n${log.join('\n')}`;
      throw error;
    } finally {
      await browser.close();
    }
    expect(external).toEqual([]);
  });
});
