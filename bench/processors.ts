/**
 * The standard processors against the native programs they wrap, side by side in one run.
 *
 *   npx tsx bench/processors.ts [--size 4000] [--repetitions 5] [--polygons 400]
 *
 * Inputs (deterministic, generated into a temporary folder):
 * - a terrain-like Float32 raster, UTM 32N, 10 m pixels, `size` x `size`, tiled DEFLATE GeoTIFF;
 * - a GeoJSON of `polygons` irregular polygons (jittered cells with 40 vertices each) covering
 *   the same area, in EPSG:4326, with a numeric attribute.
 *
 * Cases, each timed `repetitions` times after one warm-up (median):
 * - Reprojector (bilinear, to EPSG:3035, same pixel count) against `gdalwarp` with the same
 *   grid, resampling and creation options (DEFLATE, tiled 256);
 * - Rasterizer (attribute, reprojecting the polygons to the UTM grid) against `ogr2ogr -t_srs`
 *   followed by `gdal_rasterize` (two processes: what native GDAL needs for the same result);
 * - Rasterizer on a vector already in the grid's CRS against `gdal_rasterize` alone;
 * - slope (terrain) against `gdaldem slope`.
 * The processors' times include everything they do besides the GDAL call (opening and checking
 * the inputs, verifying the output grid); the native times include starting the processes.
 * Reprojector and slope run on the default Node engine (the pool of GDAL worker threads, which
 * splits a large slope, and a warp with `errorThreshold: 0`, over every core) and on the
 * in-thread engine, side by side.
 */
// The Node platform (workspace, native zlib), as `import 'geodata'` installs it: the processors need it.
import '../src/node/setup-node.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rasterizer } from '../src/processors/rasterizer.js';
import { Reprojector } from '../src/processors/reprojector.js';
import { SpatialSpec } from '../src/spec/spatial-spec.js';
import { slope } from '../src/terrain/gdaldem.js';
import { createNodeEngine, createPoolEngine } from '../wasm/node.js';
import { laeaGrid as wholeMetreLaeaGrid } from './lib/terrain.js';
import { formatMs, hasNativeCommand, median, timeAsync, timeNative } from './lib/timing.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '4000' },
    repetitions: { type: 'string', default: '5' },
    polygons: { type: 'string', default: '400' },
    /** Only the cases whose label contains this text (e.g. --only slope). */
    only: { type: 'string', default: '' },
  },
});
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const POLYGONS = Number(values.polygons);
const ONLY = values.only!;

const PIXEL = 10;
const ORIGIN: [number, number] = [600000, 5200000];
// What the cache writes by default (src/raster/geotiff-output.ts CACHE_COMPRESSION): DEFLATE level 1,
// floating-point predictor, tiled 256, so both sides compress the same way.
const CREATION = ['-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=1', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', '-co', 'BIGTIFF=IF_SAFER'];
/** The integer rasters (Int32 zones) get the cache's integer predictor: 3 is for floats only. */
const INTEGER_CREATION = CREATION.map((option) => (option === 'PREDICTOR=3' ? 'PREDICTOR=2' : option));

/** Hills and valleys from a few sines: smooth, deterministic, no flat areas. */
function terrain(size: number): Float32Array {
  const heights = new Float32Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      heights[row * size + column] =
        1200 + 600 * Math.sin(column / 310) * Math.cos(row / 410) + 150 * Math.sin((column + 2 * row) / 97) + 25 * Math.cos((column * row) / 90_000);
    }
  }
  return heights;
}

/** A small deterministic pseudo-random sequence (no Math.random: the same polygons every run). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Jittered grid cells covering [x0, x0 + extent] x [y0 - extent, y0], 10 vertices per edge. */
function polygonCells(count: number, x0: number, y0: number, extent: number): Array<{ corners: Array<[number, number]>; value: number }> {
  const perSide = Math.round(Math.sqrt(count));
  const cell = extent / perSide;
  const random = sequence(42);
  const jitter = Array.from({ length: (perSide + 1) ** 2 }, (_, index) => {
    const i = index % (perSide + 1);
    const j = Math.floor(index / (perSide + 1));
    const inner = i > 0 && i < perSide && j > 0 && j < perSide;
    return [x0 + i * cell + (inner ? (random() - 0.5) * cell * 0.4 : 0), y0 - j * cell - (inner ? (random() - 0.5) * cell * 0.4 : 0)] as [number, number];
  });
  const at = (i: number, j: number) => jitter[j * (perSide + 1) + i]!;
  const cells: Array<{ corners: Array<[number, number]>; value: number }> = [];
  for (let j = 0; j < perSide; j += 1) {
    for (let i = 0; i < perSide; i += 1) {
      const ring = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      const corners: Array<[number, number]> = [];
      ring.forEach((start, k) => {
        const end = ring[(k + 1) % 4]!;
        for (let step = 0; step < 10; step += 1) corners.push([start[0] + ((end[0] - start[0]) * step) / 10, start[1] + ((end[1] - start[1]) * step) / 10]);
      });
      cells.push({ corners: [...corners, corners[0]!], value: j * perSide + i + 1 });
    }
  }
  return cells;
}

function geojson(cells: Array<{ corners: Array<[number, number]>; value: number }>, crsName?: string): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    ...(crsName ? { crs: { type: 'name', properties: { name: crsName } } } : {}),
    features: cells.map(({ corners, value }) => ({ type: 'Feature', properties: { zone: value }, geometry: { type: 'Polygon', coordinates: [corners] } })),
  });
}

interface Case {
  label: string;
  ours: () => Promise<unknown>;
  /** The same on the in-thread engine (one core). */
  oursInThread?: () => Promise<unknown>;
  /** The engine call alone, with the same arguments: what the processor adds is the difference. */
  bare?: () => Promise<unknown>;
  native?: Array<{ command: string; args: string[] }>;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-processors-'));
  const engine = createPoolEngine();
  const inThread = createNodeEngine();
  const resolveInput = async (ref: unknown) => path.resolve(String(ref));
  try {
    const raw = path.join(folder, 'terrain.f32');
    const vrt = path.join(folder, 'terrain.vrt');
    const dem = path.join(folder, 'terrain.tif');
    await engine.fs.writeFile(raw, new Uint8Array(terrain(SIZE).buffer));
    const header = `<VRTDataset rasterXSize="${SIZE}" rasterYSize="${SIZE}"><SRS>EPSG:32632</SRS><GeoTransform>${ORIGIN[0]}, ${PIXEL}, 0, ${ORIGIN[1]}, 0, -${PIXEL}</GeoTransform><VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">terrain.f32</SourceFilename><ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${SIZE * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`;
    await engine.fs.writeFile(vrt, new TextEncoder().encode(header));
    await engine.translate(vrt, dem, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']);
    await engine.fs.remove(raw);

    const utmGrid = new SpatialSpec({ crs: 'EPSG:32632', transform: [PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1]], shape: [SIZE, SIZE] });
    // The terrain's footprint in EPSG:3035 at its native resolution, as gdalwarp -t_srs picks it.
    const laeaGrid = await new Reprojector(dem).completeSpec(new SpatialSpec({ crs: 'EPSG:3035' }), { engine, resolveInput });
    const [left, bottom, right, top] = laeaGrid.bounds!;
    const [xres, yres] = laeaGrid.resolution!;
    const teTr = ['-te', String(left), String(bottom), String(right), String(top), '-tr', String(xres), String(yres)];
    // The exact warp splits over the pool only on a grid whose rows are exact in floating point:
    // the same footprint on whole 10 m (gdalwarp -t_srs picks 10.0005 m here).
    const exactGrid = await wholeMetreLaeaGrid(engine, SIZE);
    const exactSpec = new SpatialSpec({ crs: 'EPSG:3035', transform: exactGrid.transform, shape: exactGrid.shape });

    const cells = polygonCells(POLYGONS, ORIGIN[0], ORIGIN[1], SIZE * PIXEL);
    const utmVector = path.join(folder, 'zones-utm.geojson');
    writeFileSync(utmVector, geojson(cells, 'urn:ogc:def:crs:EPSG::32632'));
    const lonLatVector = path.join(folder, 'zones-4326.geojson');
    const corners = await engine.transformPoints('EPSG:32632', 'EPSG:4326', cells.flatMap((cell) => cell.corners));
    let offset = 0;
    writeFileSync(lonLatVector, geojson(cells.map((cell) => ({ value: cell.value, corners: corners.slice(offset, (offset += cell.corners.length)) }))));

    const utmTeTr = ['-te', String(ORIGIN[0]), String(ORIGIN[1] - SIZE * PIXEL), String(ORIGIN[0] + SIZE * PIXEL), String(ORIGIN[1]), '-tr', String(PIXEL), String(PIXEL)];
    const nativeReprojected = path.join(folder, 'native-zones-utm.shp');
    const out = (name: string) => path.join(folder, name);
    const cases: Case[] = [
      {
        label: `Reprojector ${SIZE}x${SIZE} Float32 -> EPSG:3035 bilinear`,
        ours: () => new Reprojector(dem, { resampling: 'bilinear' }).run({ spec: laeaGrid, outputPath: out('warp-ours.tif'), engine, resolveInput }),
        oursInThread: () => new Reprojector(dem, { resampling: 'bilinear' }).run({ spec: laeaGrid, outputPath: out('warp-ours-1.tif'), engine: inThread, resolveInput }),
        bare: () => engine.warp([dem], out('warp-bare.tif'), ['-t_srs', 'EPSG:3035', ...teTr, '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', 'nan', ...CREATION]),
        native: [{ command: 'gdalwarp', args: ['-q', '-overwrite', '-t_srs', 'EPSG:3035', ...teTr, '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', 'nan', ...CREATION, dem, out('warp-native.tif')] }],
      },
      {
        label: `Reprojector errorThreshold 0 (exact, split over the pool) ${SIZE}x${SIZE} -> EPSG:3035 bilinear, on whole 10 m`,
        ours: () => new Reprojector(dem, { resampling: 'bilinear', errorThreshold: 0 }).run({ spec: exactSpec, outputPath: out('warp-exact-ours.tif'), engine, resolveInput }),
        oursInThread: () => new Reprojector(dem, { resampling: 'bilinear', errorThreshold: 0 }).run({ spec: exactSpec, outputPath: out('warp-exact-ours-1.tif'), engine: inThread, resolveInput }),
        native: [{ command: 'gdalwarp', args: ['-q', '-overwrite', '-t_srs', 'EPSG:3035', ...exactGrid.args, '-r', 'bilinear', '-et', '0', '-ot', 'Float32', '-dstnodata', 'nan', ...CREATION, dem, out('warp-exact-native.tif')] }],
      },
      {
        label: `Rasterizer ${cells.length} polygons EPSG:4326 -> ${SIZE}x${SIZE} UTM, attribute`,
        ours: () => new Rasterizer(lonLatVector, { attribute: 'zone' }).run({ spec: utmGrid, outputPath: out('burn-ours.tif'), engine, resolveInput }),
        native: [
          { command: 'ogr2ogr', args: ['-overwrite', '-t_srs', 'EPSG:32632', nativeReprojected, lonLatVector] },
          { command: 'gdal_rasterize', args: ['-q', ...utmTeTr, '-a_srs', 'EPSG:32632', '-ot', 'Int32', '-init', '0', '-a', 'zone', ...INTEGER_CREATION, nativeReprojected, out('burn-native.tif')] },
        ],
      },
      {
        label: `Rasterizer ${cells.length} polygons already in the grid's CRS, attribute`,
        ours: () => new Rasterizer(utmVector, { attribute: 'zone' }).run({ spec: utmGrid, outputPath: out('burn-same-ours.tif'), engine, resolveInput }),
        native: [{ command: 'gdal_rasterize', args: ['-q', ...utmTeTr, '-a_srs', 'EPSG:32632', '-ot', 'Int32', '-init', '0', '-a', 'zone', ...INTEGER_CREATION, utmVector, out('burn-same-native.tif')] }],
      },
      {
        label: `slope ${SIZE}x${SIZE} Float32 (terrain)`,
        ours: () => slope(dem, out('slope-ours.tif'), { engine }),
        oursInThread: () => slope(dem, out('slope-ours-1.tif'), { engine: inThread }),
        native: [{ command: 'gdaldem', args: ['slope', '-q', dem, out('slope-native.tif'), ...CREATION] }],
      },
    ];

    console.log(`processors vs native GDAL, ${REPETITIONS} repetitions after one warm-up (median); load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    for (const { label, ours, oursInThread, bare, native } of cases.filter((entry) => entry.label.includes(ONLY))) {
      await ours();
      const oursTimes = await timeAsync(REPETITIONS, ours);
      console.log(label);
      console.log(`  geodata (gdal3.js, warm): ${formatMs(median(oursTimes))}   [${oursTimes.map(formatMs).join(', ')}]`);
      if (oursInThread) {
        await oursInThread();
        const inThreadTimes = await timeAsync(REPETITIONS, oursInThread);
        console.log(`  geodata, in-thread engine (one core): ${formatMs(median(inThreadTimes))}   [${inThreadTimes.map(formatMs).join(', ')}]`);
        console.log(`  ratio pool / in-thread: ${(median(oursTimes) / median(inThreadTimes)).toFixed(2)}x`);
      }
      if (bare) {
        const bareTimes = await timeAsync(REPETITIONS, bare);
        console.log(`  engine call alone:        ${formatMs(median(bareTimes))}   [${bareTimes.map(formatMs).join(', ')}]`);
        console.log(`  ratio geodata / engine call alone: ${(median(oursTimes) / median(bareTimes)).toFixed(2)}x`);
      }
      if (!native || !native.every(({ command }) => hasNativeCommand(command))) {
        console.log('  native: not installed, no ratio');
        continue;
      }
      // The steps of a native case run in order, once per repetition; their times add up.
      const runNativeOnce = () => native.reduce((total, { command, args }) => total + timeNative(1, command, args)[0]!, 0);
      runNativeOnce();
      const nativeTimes = Array.from({ length: REPETITIONS }, runNativeOnce);
      console.log(`  native ${native.map(({ command }) => command).join(' + ')}: ${formatMs(median(nativeTimes))}   [${nativeTimes.map(formatMs).join(', ')}]`);
      console.log(`  ratio geodata / native: ${(median(oursTimes) / median(nativeTimes)).toFixed(2)}x`);
    }
  } finally {
    await Promise.all([engine.close(), inThread.close()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
