import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));
const ENTRY = fileURLToPath(new URL('./fixtures/worker-engine-entry.ts', import.meta.url));
const WORKER = fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url));

const PAGE = {
  entry: ENTRY,
  bundles: { '/engine-worker.js': WORKER },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
    ...(HAS_DATA ? { '/data/elev_vinschgau.tif': sample('elev_vinschgau.tif') } : {}),
  },
  // gdal3.js under a name the server types (from the URL) as application/octet-stream.
  files: { '/gdal/gdal3.js.bin': readFileSync(path.join(GDAL_DIST, 'gdal3.js')) },
};

type Kind = 'worker' | 'main-thread';
interface WarpResult {
  ticksAtProgress: number[];
  fractions: number[];
  size: [number, number];
  byteLength: number;
}
interface Failure {
  what: string;
  name: string;
  message: string;
  geodata?: boolean;
  typed?: boolean;
  path?: string;
  operation?: string;
}
interface Hooks {
  warpWhileTicking(kind: Kind, size: number): Promise<WarpResult>;
  failures(kind: Kind): Promise<Failure[]>;
  roundTrip(): Promise<unknown>;
  missingWorker(): Promise<{ name: string; message?: string }>;
  missingAssets(which: 'wasm' | 'data' | 'html' | 'js' | 'js-type'): Promise<{ name: string; message?: string }>;
}

/** Calls one of the fixture's functions in a fresh page. */
function inPage<K extends keyof Hooks>(name: K, ...args: Parameters<Hooks[K]>): Promise<Awaited<ReturnType<Hooks[K]>>> {
  return withBrowserPage(PAGE, async (page): Promise<Awaited<ReturnType<Hooks[K]>>> => {
    await page.waitForFunction(() => typeof (window as unknown as { workerEngineTest?: unknown }).workerEngineTest === 'object');
    const value = await page.evaluate(([hook, hookArgs]) => {
      const hooks = (window as unknown as { workerEngineTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).workerEngineTest;
      return hooks[hook as string]!(...(hookArgs as unknown[]));
    }, [name, args] as const);
    return value as Awaited<ReturnType<Hooks[K]>>;
  });
}

describe.skipIf(!HAS_CHROMIUM)(`the worker engine in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('runs a long warp in the worker while the page’s event loop keeps turning, and forwards its progress', async () => {
    const result = await inPage('warpWhileTicking', 'worker', 1500);
    expect(result.size).toEqual([2280, 2275]);
    expect(result.byteLength).toBeGreaterThan(1_000_000);
    expect(result.fractions.at(-1)).toBe(1);
    expect(result.fractions.every((fraction, index) => index === 0 || fraction >= result.fractions[index - 1]!)).toBe(true);
    // Timer callbacks ran between GDAL's first and last progress report: the page was free.
    expect(result.ticksAtProgress.at(-1)! - result.ticksAtProgress[0]!).toBeGreaterThan(0);
  });

  it('blocks the page’s event loop for the whole warp when GDAL runs on the page’s thread (the contrast)', async () => {
    const result = await inPage('warpWhileTicking', 'main-thread', 1500);
    expect(result.size).toEqual([2280, 2275]);
    expect(result.fractions.at(-1)).toBe(1);
    expect(result.ticksAtProgress.at(-1)! - result.ticksAtProgress[0]!).toBe(0);
  });

  it.skipIf(!HAS_DATA)(`re-creates errors from the worker as the same classes, with the same messages, as the engine on the page’s thread${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, async () => {
    const [inWorker, onPage] = [await inPage('failures', 'worker'), await inPage('failures', 'main-thread')];
    expect(inWorker).toEqual(onPage);
    expect(inWorker.map(({ what, name, geodata, typed }) => ({ what, name, geodata, typed }))).toEqual([
      { what: 'info of a missing file', name: 'FileError', geodata: true, typed: true },
      { what: 'unknown CRS', name: 'CrsError', geodata: true, typed: true },
      { what: 'warp without sources', name: 'InvalidInputError', geodata: true, typed: true },
      { what: 'bad warp argument', name: 'GdalError', geodata: true, typed: true },
    ]);
    expect(inWorker[0]).toMatchObject({ path: '/nowhere/missing.tif', message: 'cannot open /nowhere/missing.tif for info: no such file' });
    expect(inWorker[3]).toMatchObject({ operation: 'warp', message: expect.stringContaining('Unknown resampling method: no-such-resampling') });
  });

  it('copies bytes into the worker (the caller keeps its array), reads them back, measures files there, and starts afresh after close', async () => {
    expect(await inPage('roundTrip')).toEqual({
      callerStillHas: [1, 2, 3, 4, 5],
      back: [1, 2, 3, 4, 5],
      size: 5,
      missing: undefined,
      renamed: { from: false, to: [1, 2, 3, 4, 5] },
      reopened: false,
    });
  });

  it('fails calls with a ConfigError naming the worker script when it cannot be loaded', async () => {
    expect(await inPage('missingWorker')).toEqual({
      name: 'ConfigError',
      message: 'the worker script /no-such-worker.js failed: it could not be loaded (wrong URL, or not served as JavaScript); serve geodata\'s engine-worker.js at that URL (`npx geodata assets <folder>` copies it into the folder your bundle is served from), or give its URL: createBrowserEngine({ worker }) or createWorkerEngine({ worker })',
    });
  });

  it('names the URL, the HTTP status and the remedy when GDAL’s .wasm or .data file is not served, instead of aborting or hanging', async () => {
    const remedy = "serve gdal3.js's files there (`npx geodata assets <folder>` copies them into the folder the page serves) or give their URLs: createWorkerEngine({ assets: gdalAssetsAt('<url of the folder>/') }) or { assets: { wasm, data } }";
    const origin = /http:\/\/127\.0\.0\.1:\d+/.source;
    const wasm = await inPage('missingAssets', 'wasm');
    expect(wasm.name).toBe('ConfigError');
    expect(wasm.message!).toMatch(new RegExp(`^cannot load GDAL's WebAssembly file gdal3WebAssembly\\.wasm from ${origin}/nowhere/gdal3WebAssembly\\.wasm: the server answered HTTP 404`));
    expect(wasm.message!.endsWith(remedy)).toBe(true);
    const data = await inPage('missingAssets', 'data');
    expect(data.name).toBe('ConfigError');
    expect(data.message!).toMatch(new RegExp(`^cannot load GDAL's data file gdal3WebAssembly\\.data from ${origin}/nowhere/gdal3WebAssembly\\.data: the server answered HTTP 404`));
    const html = await inPage('missingAssets', 'html');
    expect(html.message!).toMatch(new RegExp(`^cannot load GDAL's data file gdal3WebAssembly\\.data from ${origin}/: the server answered an HTML page \\(HTTP 200, text/html`));
  });

  it('names the URL, the HTTP status or media type, and the remedy when gdal3.js itself is not served as a script', async () => {
    const origin = /http:\/\/127\.0\.0\.1:\d+/.source;
    const missing = await inPage('missingAssets', 'js');
    expect(missing.name).toBe('ConfigError');
    expect(missing.message!).toMatch(new RegExp(`^cannot load GDAL's loader script gdal3\\.js from ${origin}/nowhere/gdal3\\.js: the server answered HTTP 404 Not Found; serve gdal3\\.js's files there`));
    const mistyped = await inPage('missingAssets', 'js-type');
    expect(mistyped.name).toBe('ConfigError');
    expect(mistyped.message!).toMatch(
      new RegExp(`^cannot load GDAL's loader script gdal3\\.js from ${origin}/gdal/gdal3\\.js\\.bin: the server sends it as application/octet-stream, and browsers run a script only when it is served as JavaScript; serve \\.js files as text/javascript$`),
    );
  });
});
