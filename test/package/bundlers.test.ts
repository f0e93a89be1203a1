/**
 * The README's recipe for a user's own page: geodata installed from its tarball, the page bundled
 * by esbuild and by Vite, GDAL's files copied by `geodata assets`, served under the
 * Content-Security-Policy the README gives, in Chromium. The pipeline computes, then a fresh
 * engine finds every step cached and never starts GDAL, and the figure is shown from the cache.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/cli/commands/assets.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import { addPage, bundleWithEsbuild, bundleWithVite, runServedPage } from './bundled-page.js';
import { PackedProject } from './packed-project.js';

describe.skipIf(!HAS_CHROMIUM)(`a user's page bundled from the installed package${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  const packed = new PackedProject();
  const geodata = (args: string[]) => packed.geodata(args);
  const dem = () => join(packed.project, 'dem.tif');
  beforeAll(async () => {
    await packed.install();
    addPage(packed.project);
    const made = packed.node(['--input-type=module', '-e', "import { getConfig, syntheticTerrain } from 'geodata'; await syntheticTerrain({ size: 256, pixel: 60 }).write('dem.tif'); await getConfig().engine.close();"]);
    if (made.code !== 0) throw new Error(`writing dem.tif failed:\n${made.stderr}`);
  }, 600_000);
  afterAll(() => packed.remove());

  it('geodata assets copies the workers, gdal3.js, the .wasm and the .data, and prints the CSP', () => {
    const run = packed.geodataJson<{ files: Array<{ file: string; bytes: number }>; csp: string }>(['assets', 'static']);
    expect(run.code).toBe(0);
    expect(run.value.files.map((f) => f.file.slice(packed.project.length + 1))).toEqual([
      'static/engine-worker.js',
      'static/compute-worker.js',
      'static/gdal3WebAssembly.wasm',
      'static/gdal3WebAssembly.data',
      'static/gdal3.js',
    ]);
    // The compute worker is geodata's rendering and compression only (tens of kB); the others hold GDAL.
    expect(run.value.files.every((f) => f.bytes > (f.file.endsWith('compute-worker.js') ? 10_000 : 100_000))).toBe(true);
    expect(run.value.csp).toBe(PAGE_CSP);
  });

  const expected = {
    first: [true, true, true],
    second: [false, false, false],
    gdalStarted: false,
    image: [246, 196],
    src: 'blob:',
  };

  it('esbuild: one bundle with names kept, geodata assets into its folder; computes under the CSP, then all hits without GDAL', async () => {
    const out = await bundleWithEsbuild(packed.project, geodata);
    const { outcome, requested, violations } = await runServedPage(out, dem(), PAGE_CSP);
    expect(outcome).toEqual(expected);
    expect(violations).toEqual([]);
    // GDAL's files were found next to the bundle with no configuration.
    expect(requested).toEqual(expect.arrayContaining(['/page.js', '/engine-worker.js', '/gdal3WebAssembly.wasm', '/gdal3WebAssembly.data']));
  }, 300_000);

  it('vite build: the worker bundled by Vite, geodata assets into public/assets; computes under the CSP, then all hits without GDAL', async () => {
    const out = await bundleWithVite(packed.project, geodata);
    const { outcome, requested, violations } = await runServedPage(out, dem(), PAGE_CSP);
    expect(outcome).toEqual(expected);
    expect(violations).toEqual([]);
    // Each worker of the pool (one per core) asks for each of GDAL's files at least twice:
    // checked (HEAD), then fetched.
    const gdalFiles = requested.filter((path) => /engine-worker|gdal3WebAssembly/.test(path)).map((path) => path.replace(/-[\w-]{8}\.js$/, '.js'));
    expect([...new Set(gdalFiles)].sort()).toEqual(['/assets/engine-worker.js', '/assets/gdal3WebAssembly.data', '/assets/gdal3WebAssembly.wasm']);
    const workers = gdalFiles.filter((path) => path === '/assets/engine-worker.js').length;
    expect(workers).toBeGreaterThanOrEqual(1);
    for (const file of ['/assets/gdal3WebAssembly.data', '/assets/gdal3WebAssembly.wasm']) {
      expect(gdalFiles.filter((path) => path === file).length).toBeGreaterThanOrEqual(2 * workers);
    }
  }, 300_000);

  it("fails to start GDAL, reporting the violation, under a CSP without 'wasm-unsafe-eval'", async () => {
    const out = join(packed.project, 'esbuild-out');
    const strict = PAGE_CSP.replace(" 'wasm-unsafe-eval'", '');
    await expect(runServedPage(out, dem(), strict)).rejects.toThrow(/WebAssembly|wasm/i);
  }, 300_000);
});
