/**
 * Bundled for bench/browser-parallel.ts: two warps (a Reprojector entry's work) under
 * `Promise.all` and in sequence, on the Web Worker pool and on one worker engine, timed in the page.
 */
import { createWebWorkerPool, createWorkerEngine, syntheticTerrain, type GdalEngine } from '../../src/browser.js';

const options = { assets: { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data' }, worker: '/engine-worker.js' };
const engines: Record<'pool' | 'one', GdalEngine> = { pool: createWebWorkerPool({ ...options, workers: 2 }), one: createWorkerEngine(options) };
let round = 0;

/** Writes the DEM to both engines and loads GDAL in every worker: the timing is of the work, not start-up. */
async function prepare(size: number): Promise<void> {
  for (const engine of Object.values(engines)) {
    await syntheticTerrain({ size, pixel: 10 }).write('/in/dem.tif', { engine, compress: 'NONE' });
    await engine.fs.mkdir('/out');
    await Promise.all([engine.info('/in/dem.tif'), engine.info('/in/dem.tif')]);
    await Promise.all([engine.info('/in/dem.tif'), engine.info('/in/dem.tif')]);
  }
}

/** The two warps on `kind`, at once or one after the other; the milliseconds they took. */
async function run(kind: 'pool' | 'one', schedule: 'all' | 'sequence'): Promise<number> {
  const engine = engines[kind];
  round += 1;
  const warp = (resampling: string) =>
    engine.warp(['/in/dem.tif'], `/out/${resampling}-${round}.tif`, ['-t_srs', 'EPSG:3035', '-tr', '10', '10', '-r', resampling, '-co', 'TILED=YES']);
  const start = performance.now();
  if (schedule === 'all') await Promise.all([warp('bilinear'), warp('cubic')]);
  else {
    await warp('bilinear');
    await warp('cubic');
  }
  const elapsed = performance.now() - start;
  await engine.fs.removeTree('/out');
  await engine.fs.mkdir('/out');
  return elapsed;
}

(window as unknown as { bench: unknown }).bench = { prepare, run };
