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

/** The two warps on `kind`, at once or one after the other, or a chain; the milliseconds they took. */
async function run(kind: 'pool' | 'one', schedule: 'all' | 'sequence' | 'chain'): Promise<number> {
  const engine = engines[kind];
  round += 1;
  if (schedule === 'chain') return chain(engine);
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

/**
 * A chain as a pipeline runs it: a warp, then slope and hillshade of its output, each output
 * read back (as the cache reads it): on the pool, files cross between the page and its workers.
 */
async function chain(engine: GdalEngine): Promise<number> {
  const start = performance.now();
  await engine.warp(['/in/dem.tif'], `/out/w-${round}.tif`, ['-t_srs', 'EPSG:3035', '-tr', '10', '10', '-r', 'bilinear', '-co', 'TILED=YES']);
  await engine.fs.readFile(`/out/w-${round}.tif`);
  for (const mode of ['slope', 'hillshade'] as const) {
    await engine.dem(mode, `/out/w-${round}.tif`, `/out/${mode}-${round}.tif`, ['-co', 'TILED=YES']);
    await engine.fs.readFile(`/out/${mode}-${round}.tif`);
  }
  const elapsed = performance.now() - start;
  await engine.fs.removeTree('/out');
  await engine.fs.mkdir('/out');
  return elapsed;
}

(window as unknown as { bench: unknown }).bench = { prepare, run };
