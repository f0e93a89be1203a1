import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));

const PAGE = {
  entry: fileURLToPath(new URL('./fixtures/web-worker-pool-order-entry.ts', import.meta.url)),
  bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
  },
};

type Observed = Record<string, { pool: unknown; one: unknown }>;

const PIPELINE_ENTRY = fileURLToPath(new URL('./fixtures/web-worker-pool-pipeline-entry.ts', import.meta.url));
type Brief = { stateHash: string; computed: boolean; sha256: string };
type Pipeline = { computed: Brief[]; cached: Brief[]; running: number };

/** What each scenario of the fixture gives on one worker engine: the pool must give the same. */
const EXPECTED: Record<string, unknown> = {
  removeInputOfRunningCall: { call: 'ok', removal: 'ok', a: false, b: [5, 5] },
  replaceInputOfRunningCall: { b: [40, 40], a: [12, 12] },
  writeOutputOfRunningCall: { call: 'ok', b: [1, 2, 3], length: 3 },
  // 6x6 Byte pixels of an ENVI file, and its header next to it.
  readOutputOfRunningCall: { exists: true, bytes: 36, hdr: true },
  callOnOutputOfRunningCall: { info: [7, 7] },
  renameOutputOfRunningCall: { call: 'ok', rename: 'ok', b: false, c: [8, 8] },
  twoCallsOneOutput: { b: [4, 4] },
  removeTreeUnderRunningCall: { call: 'ok', removal: 'ok', out: false, b: false },
  closeWhileRunning: { call: 'ok', b: false, a: false, after: 'FileError: cannot open /s17/a.tif for info: no such file', again: [6, 6] },
  statisticsOfVrt: { statistics: true, aux: true },
  vrtOfRunningOutput: { made: 'ok', read: 'ok', same: true },
  vsimemAcrossCalls: { infos: [[40, 40], [40, 40]] },
  vrtWithParentPaths: { infos: [[9, 9], [9, 9]], same: true },
  zipArchive: { write: 'ok', zip: true, infos: [[11, 11], [11, 11]] },
  shapefileFolder: { files: [true, true, true], sizes: [[8, 6], [8, 6]], gone: 'FileError: cannot open /s11/shp/box.shp for rasterize: no such file' },
  zeroBytes: { opened: "GdalError: cannot open /s12/z.tif for info: `/s12/z.tif' not recognized as a supported file format.", size: [3, 3], empty: true },
  colorRelief: { results: ['ok', 'ok'], bands: [3, 4] },
  failedCallLeftovers: { failed: 'GdalError: rasterize failed for /s14/r.tif: Failed to find field nosuchfield on layer box.', r: true },
  cutline: { results: ['ok', 'ok'], sizes: [[20, 12], [20, 12]] },
  fileAsFolder: {
    write: 'FileError: cannot write /s19/f/g: /s19/f is a file, not a folder',
    mkdir: 'FileError: cannot create folder /s19/f/sub: /s19/f is a file, not a folder',
    exists: false,
    read: "FileError: cannot read /s19/f/g: no such file in the engine's memory file system (write it with writeFile first)",
    rename: 'FileError: cannot move /s19/f to /s19/f/h: /s19/f is a file, not a folder',
    remove: 'ok',
    removeTree: 'ok',
  },
  deferredReadOnce: { infos: [[10, 10], [10, 10]], reads: 1 },
  deferredRenamedWhileRead: { call: 'ok', renamed: 'ok', e: [10, 10], d: false },
  oddNames: { sizes: [[3, 3], [4, 4]] },
  manySmallFiles: { back: ['0', '77', '299'], outputs: [true, true] },
  deferredMovedBeforeGdal: { gone: false, here: Array.from(new TextEncoder().encode('0 0 0 255\n')), moved: false },
};

describe.skipIf(!HAS_CHROMIUM)(`the Web Worker pool against one worker engine, in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  let observed: Observed;
  beforeAll(async () => {
    // One page runs every scenario on both engines: a page and its workers cost seconds each.
    observed = await withBrowserPage(PAGE, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { webWorkerPoolOrderTest?: unknown }).webWorkerPoolOrderTest === 'object');
      return page.evaluate(() => (window as unknown as { webWorkerPoolOrderTest: { compare(names?: string[]): Promise<Observed> } }).webWorkerPoolOrderTest.compare());
    });
  }, 180_000);

  /** The scenario gives the expected outcome on one worker engine, and the same on the pool. */
  const same = (name: string) => {
    expect(observed[name]!.one).toEqual(EXPECTED[name]);
    expect(observed[name]!.pool).toEqual(EXPECTED[name]);
  };

  describe('keeps the order of operations made before the earlier ones are awaited', () => {
    it('a file a running call reads, removed or replaced right after the call is made, is read as it was', () => {
      same('removeInputOfRunningCall');
      same('replaceInputOfRunningCall');
    });
    it('a file written at a running call’s output path after the call is made wins over the output', () => {
      same('writeOutputOfRunningCall');
    });
    it('file methods on a running call’s output (and sidecar) see the output: exists, size, rename, removeTree', () => {
      same('readOutputOfRunningCall');
      same('renameOutputOfRunningCall');
      same('removeTreeUnderRunningCall');
    });
    it('a GDAL call on the output of a call made just before it waits for that output', () => {
      same('callOnOutputOfRunningCall');
    });
    it('of two calls writing one path at once, the one made last wins', () => {
      same('twoCallsOneOutput');
    });
    it('a call through a VRT whose source a running call writes waits for that call', () => {
      same('vrtOfRunningOutput');
    });
    it('info -stats of a VRT, which rewrites the VRT and writes its source’s .aux.xml, comes before reads made after it', () => {
      same('statisticsOfVrt');
    });
    it('calls on GDAL’s /vsimem/ files see each other’s, as in one worker (the pool runs them all on its first)', () => {
      same('vsimemAcrossCalls');
    });
    it('close() lets the calls made before it finish, then drops every file; a call after it starts GDAL again', () => {
      same('closeWhileRunning');
    });
  });

  describe('gives the same files and errors as one worker engine', () => {
    it('for a VRT whose source is ../../data/x.tif, written by a call, read on two workers', () => same('vrtWithParentPaths'));
    it('for a zip GDAL wrote through /vsizip/, read on two workers', () => same('zipArchive'));
    it('for a shapefile in a folder GDAL created, rasterized on two workers, then removed', () => same('shapefileFolder'));
    it('for a zero-byte file, opened then written over by GDAL', () => same('zeroBytes'));
    it('for a color-relief color file named with ..', () => same('colorRelief'));
    it('for a failed call that leaves its output behind', () => same('failedCallLeftovers'));
    it('for a cutline named with .., two warps at once', () => same('cutline'));
    it('for a deferred file renamed while a call reads it (one worker engine that holds files until GDAL starts)', () => same('deferredRenamedWhileRead'));
    it('for names with spaces, #, % and accents', () => same('oddNames'));
    it('for 300 small files in 30 folders', () => same('manySmallFiles'));
    it('for a deferred file two calls need at once: read once (one worker engine that holds files until GDAL starts)', () => same('deferredReadOnce'));
    it('for deferred files removed or renamed before GDAL starts (one worker engine that holds files until GDAL starts)', () => same('deferredMovedBeforeGdal'));
  });

  it('refuses paths inside a file as one worker engine does: a FileError naming the file', () => same('fileAsFolder'));

  it('gives the same errors as one worker engine when the worker script or GDAL’s files are missing (file methods still answer in the page)', async () => {
    const failures = await withBrowserPage(PAGE, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { webWorkerPoolOrderTest?: unknown }).webWorkerPoolOrderTest === 'object');
      return page.evaluate(() => (window as unknown as { webWorkerPoolOrderTest: { startFailures(): Promise<Record<string, Record<string, unknown>>> } }).webWorkerPoolOrderTest.startFailures());
    });
    const worker = 'ConfigError: the worker script /no-such-worker.js failed: it could not be loaded (wrong URL, or not served as JavaScript); serve geodata\'s engine-worker.js at that URL (`npx geodata assets <folder>` copies it into the folder your bundle is served from), or give its URL: createBrowserEngine({ worker }) or createWorkerEngine({ worker })';
    const calls = (error: string) => ({ first: error, again: error, both: [error, error], close: 'ok' });
    expect(failures.oneBadWorker).toEqual({ write: worker, ...calls(worker) });
    expect(failures.poolBadWorker).toEqual({ write: 'ok', ...calls(worker) });
    // GDAL's two files are fetched at once: either 404 may be the one reported, by either engine.
    const anyAsset = (outcome: unknown) =>
      JSON.parse(JSON.stringify(outcome).replace(/cannot load GDAL's (?:WebAssembly file gdal3WebAssembly\.wasm|data file gdal3WebAssembly\.data) from http:\/\/127\.0\.0\.1:\d+\/gdal\/none\.(?:wasm|data):/g, "cannot load GDAL's <file> from <url>:"));
    const assets = anyAsset(failures.oneBadAssets!.first) as string;
    expect(assets).toMatch(/^ConfigError: cannot load GDAL's <file> from <url>: the server answered HTTP 404 Not Found; /);
    expect(anyAsset(failures.oneBadAssets)).toEqual({ write: assets, ...calls(assets) });
    expect(anyAsset(failures.poolBadAssets)).toEqual({ write: 'ok', ...calls(assets) });
  });

  it('computes the example pipeline’s entries under Promise.all on two workers as one worker engine does: same hashes and outputs, then cache hits', async () => {
    const { pool, one } = await withBrowserPage({ ...PAGE, entry: PIPELINE_ENTRY }, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { webWorkerPoolPipelineTest?: unknown }).webWorkerPoolPipelineTest === 'object');
      return page.evaluate(() => (window as unknown as { webWorkerPoolPipelineTest: { both(): Promise<{ pool: Pipeline; one: Pipeline }> } }).webWorkerPoolPipelineTest.both());
    });
    expect(pool.computed.map((entry) => entry.computed)).toEqual([true, true, true, true]);
    expect(pool.cached.map((entry) => entry.computed)).toEqual([false, false, false, false]);
    expect(pool.running).toBe(2);
    expect(pool.computed).toEqual(one.computed);
    expect(pool.cached).toEqual(one.cached);
  }, 240_000);
});
