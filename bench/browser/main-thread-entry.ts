/**
 * Bundled by bench/browser-main-thread.ts: runs, in a page, the demo pipeline (five steps from an
 * empty cache) and then loads and renders a 2000x2000 Float32 raster, while a PerformanceObserver
 * records the page thread's long tasks (> 50 ms). Also times writing that raster as DEFLATE, by
 * GDAL inside WebAssembly and outside it (Compression Streams), interleaved.
 */
import * as browserEntry from '../../src/browser.js';
import { createBrowserEngine, getConfig, memoryStore, readRasterBytes, renderRaster, syntheticTerrain, type Raster, type SyntheticTerrainOptions } from '../../src/browser.js';
import { writeGeoTiff } from '../../src/raster/geotiff-output.js';
import { demoSpec, generatedSource, runSteps } from '../../examples/browser/demo-pipeline.js';

// Absent before it existed: the bench then measures the code as it was (a before/after run).
const syntheticTerrainAsync =
  (browserEntry as { syntheticTerrainAsync?: (options: SyntheticTerrainOptions) => Promise<Raster> }).syntheticTerrainAsync ?? (async (options: SyntheticTerrainOptions) => syntheticTerrain(options));

interface Phase {
  name: string;
  start: number;
  end: number;
}

const longTasks: Array<{ start: number; duration: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

/** Runs a phase; its start and end are also user-timing marks, which a trace of the page records. */
async function phase<T>(phases: Phase[], name: string, run: () => Promise<T>): Promise<T> {
  performance.mark(`phase-start:${name}`);
  const start = performance.now();
  try {
    return await run();
  } finally {
    phases.push({ name, start, end: performance.now() });
    performance.mark(`phase-end:${name}`);
  }
}

/** The longest task on the page's thread during each phase, and overall. */
function report(phases: Phase[]) {
  return phases.map((p) => {
    // A task belongs to the phase its middle falls in (a phase starts and ends inside tasks).
    const tasks = longTasks.filter((task) => task.start + task.duration / 2 >= p.start && task.start + task.duration / 2 < p.end);
    return { name: p.name, ms: Math.round(p.end - p.start), longest: Math.round(Math.max(0, ...tasks.map((task) => task.duration))), count: tasks.length };
  });
}

/**
 * Busies the page's thread for ~20 ms in a function of a known name, so that a CPU profile's
 * clock can be matched to performance.now() (bench/browser-main-thread.ts --profile).
 */
function profilerSyncMark(): number {
  const start = performance.now();
  let x = 0;
  while (performance.now() - start < 20) x += Math.sqrt(x + 1);
  return x > 0 ? start : start;
}

async function mainThread(size: number) {
  const syncMark = profilerSyncMark();
  const engine = createBrowserEngine({ assets: { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data' }, worker: '/engine-worker.js' });
  getConfig().update({ engine, store: memoryStore() });
  const phases: Phase[] = [];
  // Start GDAL first: its start-up (the worker's download and compile) is not geodata's work on the page.
  await phase(phases, 'GDAL start', () => engine.crsInfo('EPSG:3035'));
  await phase(phases, 'demo pipeline', async () => {
    const source = await generatedSource(engine, '/demo');
    const spec = await demoSpec(source, 'EPSG:3035', 40, engine);
    await runSteps(source, spec);
  });
  const terrain = await phase(phases, `generate ${size}x${size}`, () => syntheticTerrainAsync({ size, pixel: 30 }));
  await phase(phases, `write ${size}x${size}`, () => terrain.write('/bench/big.tif', { engine }));
  const bytes = await engine.fs.readFile('/bench/big.tif');
  const raster = await phase(phases, `load ${size}x${size}`, () => readRasterBytes(bytes, 'big.tif'));
  const png = await phase(phases, `render ${size}x${size}`, () => renderRaster(raster.band(0), { colormap: 'viridis', colorbar: { label: 'Elevation', units: 'm' }, title: 'Elevation' }));
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the observer deliver the last entries
  await engine.close();
  const geodata = report(phases).filter((p) => !p.name.startsWith('bench:'));
  return { phases: report(phases), longest: Math.max(...geodata.map((p) => p.longest)), pngBytes: png.length, syncMark, tasks: longTasks, spans: phases };
}

/** Writes a size x size Float32 raster as DEFLATE (predictor 3) `repetitions` times each way, interleaved. */
async function compression(size: number, repetitions: number) {
  const engine = createBrowserEngine({ assets: { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data' }, worker: '/engine-worker.js' });
  getConfig().update({ engine, store: memoryStore() });
  await syntheticTerrain({ size, pixel: 30 }).write('/bench/none.tif', { engine, compress: 'NONE' });
  const ways = ['none', 'gdal', 'gdalPredictor', 'outside'] as const;
  const times: Record<(typeof ways)[number], number[]> = { none: [], gdal: [], gdalPredictor: [], outside: [] };
  const sizes: Record<(typeof ways)[number], number> = { none: 0, gdal: 0, gdalPredictor: 0, outside: 0 };
  const tiled = ['-of', 'GTiff', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', '-co', 'COMPRESS=DEFLATE'];
  for (let i = 0; i < repetitions; i++) {
    for (const how of ways) {
      const out = `/bench/${how}-${i}.tif`;
      const started = performance.now();
      if (how === 'none') {
        // The part of 'outside' that is GDAL's: the same translate, uncompressed.
        await engine.translate('/bench/none.tif', out, ['-of', 'GTiff', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256']);
      } else if (how === 'gdal') {
        // What a page wrote before: GDAL's own DEFLATE (level 6, no predictor) inside WebAssembly.
        await engine.translate('/bench/none.tif', out, tiled);
      } else if (how === 'gdalPredictor') {
        // GDAL's DEFLATE at the settings the page now writes outside it (level 6, predictor 3).
        await engine.translate('/bench/none.tif', out, [...tiled, '-co', 'PREDICTOR=3']);
      } else {
        // The same translate as above, through the path every GeoTIFF output takes: GDAL writes
        // it uncompressed, the tiles are deflated outside WebAssembly.
        await writeGeoTiff(engine, out, {}, { width: size, height: size }, [], (dest, creation) => engine.translate('/bench/none.tif', dest, creation));
      }
      times[how].push(performance.now() - started);
      sizes[how] = (await engine.fs.size(out)) ?? 0;
      await engine.fs.remove(out);
    }
  }
  await engine.close();
  return { times, sizes };
}

(window as unknown as { bench: unknown }).bench = { mainThread, compression };
performance.mark('entry-evaluated');
