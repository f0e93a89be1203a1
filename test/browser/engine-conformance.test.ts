import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { ENGINE_CASES } from '../wasm/engine-cases.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/engine-conformance-entry.ts', import.meta.url)),
  bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

const ENGINES = [
  { kind: 'worker', title: 'worker engine (Web Worker in headless Chromium)' },
  { kind: 'pool', title: 'Web Worker pool (two workers, files in the page, headless Chromium)' },
] as const;

// The same cases as the Node engines (test/wasm/engine-*.test.ts), run in one page per engine.
describe.skipIf(!HAS_CHROMIUM).each(ENGINES)(`$title engine (conformance)${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, ({ kind }) => {
  let outcomes: Array<{ name: string; error?: string }> = [];
  beforeAll(async () => {
    outcomes = await withBrowserPage(PAGE, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { engineConformance?: unknown }).engineConformance === 'function');
      return page.evaluate((engine) => (window as unknown as { engineConformance: (kind: string) => Promise<Array<{ name: string; error?: string }>> }).engineConformance(engine), kind);
    });
  });
  for (const engineCase of ENGINE_CASES.filter((candidate) => !candidate.kinds || candidate.kinds.includes('memory'))) {
    it(engineCase.name, () => {
      const outcome = outcomes.find((candidate) => candidate.name === engineCase.name);
      expect(outcome, 'the case ran in the page').toBeDefined();
      expect(outcome!.error).toBeUndefined();
    });
  }
});
