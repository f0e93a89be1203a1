/**
 * Reading tmmx_20190121.nc (netCDF-4, 1386 x 585 UInt16, DEFLATE + shuffle) against native GDAL,
 * side by side in one run, and a ZSTD GeoTIFF's decoding for the engine.
 *
 *   npx tsx bench/formats.ts [--repetitions 7]
 *
 * Cases, each timed `repetitions` times after one warm-up (median), ours in this process (GDAL
 * initialised once before), the native ones as processes (start-up included, what a native
 * script pays too):
 * - readRaster of the variable (h5wasm reads it in place; no GDAL) against Python's
 *   `gdal.Open('NETCDF:...').ReadAsArray()` timed inside one warm Python process, and against
 *   `gdal_translate` to an uncompressed GeoTIFF (a process);
 * - SpatialSpec.fromRasterFile against `gdalinfo`;
 * - a Reprojector entry (bilinear, to 8 km EPSG:5070) against `gdalwarp` with the same grid;
 * - the first conversion of a file (netCDF to VRT + raw; ZSTD TIFF to an uncompressed one), which
 *   a process pays once per file content: measured on fresh copies (new content each time).
 * Needs ../shared/data; native cases are skipped (with a line) where native GDAL is missing.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNodeEngine, readRaster, Reprojector, SpatialSpec } from '../src/node.js';
import { engineReadable } from '../src/formats/engine-input.js';
import { formatMs, hasNativeCommand, median, timeAsync, timeNative } from './lib/timing.js';

const { values } = parseArgs({ options: { repetitions: { type: 'string', default: '7' } } });
const REPETITIONS = Number(values.repetitions);
const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const TMMX = path.join(DATA, 'tmmx_20190121.nc');
const ZSTD = path.join(DATA, 'elev_vinschgau_zstd.tif');
const SUBDATASET = `NETCDF:"${TMMX}":air_temperature`;
const CONUS = new SpatialSpec({ crs: 'EPSG:5070', transform: [8000, 0, -2400000, 0, -8000, 3200000], shape: [380, 590] });
const PYTHON = '/usr/bin/python3';

const scratch = mkdtempSync(path.join(tmpdir(), 'geodata-bench-formats-'));
const engine = createNodeEngine();
const rows: Array<{ what: string; ours: number; native?: number; nativeWhat?: string }> = [];

async function ours(body: (index: number) => Promise<unknown>): Promise<number> {
  await body(-1);
  return median(await timeAsync(REPETITIONS, body));
}

function native(command: string, args: string[]): number | undefined {
  if (!hasNativeCommand(command === PYTHON ? 'gdalinfo' : command)) return undefined;
  timeNative(1, command, args);
  return median(timeNative(REPETITIONS, command, args));
}

/** The median time of a statement in one warm Python process with native GDAL (open and read, as readRaster does). */
function pythonWarm(statement: string): number | undefined {
  const script = `import time, statistics\nfrom osgeo import gdal\n${statement}\nd = []\nfor _ in range(${REPETITIONS}):\n    t = time.perf_counter(); ${statement}; d.append((time.perf_counter() - t) * 1000)\nprint(statistics.median(d))`;
  const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

try {
  await engine.info(path.join(DATA, 'elev.tif'));
  const read = await ours(() => readRaster(SUBDATASET));
  const python = pythonWarm(`gdal.Open(${JSON.stringify(SUBDATASET)}).ReadAsArray()`);
  rows.push({ what: 'readRaster(NETCDF:"tmmx":air_temperature)', ours: read, ...(python !== undefined ? { native: python, nativeWhat: 'Python Open + ReadAsArray, warm' } : {}) });
  const translate = native('gdal_translate', ['-q', SUBDATASET, path.join(scratch, 'native.tif')]);
  rows.push({ what: 'readRaster(NETCDF:"tmmx":air_temperature)', ours: read, ...(translate !== undefined ? { native: translate, nativeWhat: 'gdal_translate to GeoTIFF (process)' } : {}) });
  const spec = await ours(() => SpatialSpec.fromRasterFile(SUBDATASET, engine));
  const info = native('gdalinfo', [SUBDATASET]);
  rows.push({ what: 'SpatialSpec.fromRasterFile (cached conversion)', ours: spec, ...(info !== undefined ? { native: info, nativeWhat: 'gdalinfo (process)' } : {}) });
  const warp = await ours((index) => new Reprojector(SUBDATASET, { resampling: 'bilinear' }).run({ spec: CONUS, outputPath: path.join(scratch, `warp-${index + 1}.tif`), engine, resolveInput: async (ref) => path.resolve(String(ref)) }));
  const [left, bottom, right, top] = CONUS.bounds!;
  const gdalwarp = native('gdalwarp', ['-q', '-overwrite', '-t_srs', CONUS.crs, '-te', String(left), String(bottom), String(right), String(top), '-tr', '8000', '8000', '-r', 'bilinear', SUBDATASET, path.join(scratch, 'native-warp.tif')]);
  rows.push({ what: 'Reprojector run (bilinear, 8 km EPSG:5070)', ours: warp, ...(gdalwarp !== undefined ? { native: gdalwarp, nativeWhat: 'gdalwarp (process)' } : {}) });
  // A fresh copy each time is new content: the conversion runs again.
  const firstNetcdf = await ours(async (index) => {
    const copy = path.join(scratch, `tmmx-${index + 1}.nc`);
    copyFileSync(TMMX, copy);
    await appendFile(copy, new Uint8Array([index + 2]));
    return engineReadable(copy, engine, { selection: { variable: 'air_temperature' } });
  });
  rows.push({ what: 'first conversion of tmmx (netCDF to VRT + raw)', ours: firstNetcdf });
  const firstZstd = await ours(async (index) => {
    const copy = path.join(scratch, `zstd-${index + 1}.tif`);
    copyFileSync(ZSTD, copy);
    await appendFile(copy, new Uint8Array([index + 2]));
    return engineReadable(copy, engine);
  });
  const zstdTranslate = native('gdal_translate', ['-q', '-co', 'COMPRESS=NONE', ZSTD, path.join(scratch, 'native-zstd.tif')]);
  rows.push({ what: 'first decoding of elev_vinschgau_zstd.tif', ours: firstZstd, ...(zstdTranslate !== undefined ? { native: zstdTranslate, nativeWhat: 'gdal_translate -co COMPRESS=NONE (process)' } : {}) });

  console.log(`tmmx_20190121.nc (netCDF-4, 1386 x 585 UInt16) and elev_vinschgau_zstd.tif, median of ${REPETITIONS}`);
  for (const row of rows) {
    const ratio = row.native !== undefined ? `  ${(row.ours / row.native).toFixed(2)}x ${row.nativeWhat} (${formatMs(row.native)})` : '';
    console.log(`${row.what.padEnd(48)} ${formatMs(row.ours).padStart(8)}${ratio}`);
  }
} finally {
  await engine.close();
  rmSync(scratch, { recursive: true, force: true });
}
