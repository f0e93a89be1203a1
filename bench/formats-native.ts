/**
 * The comparison table of the input formats against native GDAL: for every netCDF sample and
 * every re-encoded GeoTIFF of ../shared/data, what the engine reads (grid, CRS, pixels, maximum
 * difference) and a bilinear Reprojector warp against `gdalwarp` of the same source. Not a timing:
 * the table the README's format list rests on, reproducible in one command.
 *
 *   npx tsx bench/formats-native.ts
 *
 * Needs ../shared/data, native GDAL (gdalwarp) and its Python bindings (/usr/bin/python3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeEngine, Reprojector, SpatialSpec } from '../src/node.js';
import { engineReadable } from '../src/formats/engine-input.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON } from '../test/formats/native.js';
import { differences, HAS_DATA, hasCommand, NO_DATA_REASON, readBands, resolveInput, run, sample } from '../test/processors/helpers.js';

if (!HAS_DATA || !HAS_NATIVE_PYTHON || !hasCommand('gdalwarp')) {
  console.log(!HAS_DATA ? NO_DATA_REASON : !HAS_NATIVE_PYTHON ? NO_NATIVE_PYTHON : 'skipped: native gdalwarp is not installed');
  process.exit(0);
}

/** Each source as native GDAL names it, the variable (netCDF) and a target grid over it in another CRS. */
const CASES: Array<{ file: string; variable?: string; warp: SpatialSpec }> = [
  { file: 'tmmx_20190121.nc', variable: 'air_temperature', warp: new SpatialSpec({ crs: 'EPSG:5070', transform: [8000, 0, -2400000, 0, -8000, 3200000], shape: [380, 590] }) },
  { file: 'PLANET_SCOPE_3D.nc', variable: 'blue', warp: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.00002, 0, -51.3176, 0, -0.00002, -17.32285], shape: [16, 18] }) },
  { file: 'PLANET_SCOPE_3D.nc', variable: 'green', warp: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.00002, 0, -51.3176, 0, -0.00002, -17.32285], shape: [16, 18] }) },
  { file: 'sentinel_2_L1C_geographic.nc', variable: 'red', warp: new SpatialSpec({ crs: 'EPSG:32721', transform: [5, 0, 746340, 0, -5, 8866085], shape: [22, 24] }) },
  { file: 'sentinel_2_L1C_geographic.nc', variable: 'nir', warp: new SpatialSpec({ crs: 'EPSG:32721', transform: [5, 0, 746340, 0, -5, 8866085], shape: [22, 24] }) },
  { file: 'MODIS_ARRAY.nc', variable: '__xarray_dataarray_variable__', warp: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.005, 0, -93.2, 0, -0.005, 45.42], shape: [84, 256] }) },
  { file: 'elev_vinschgau_zstd.tif', warp: new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4345000, 0, -200, 2641000], shape: [245, 300] }) },
  { file: 'elev_vinschgau_lerc.tif', warp: new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4345000, 0, -200, 2641000], shape: [245, 300] }) },
  { file: 'RGB.byte_jpeg.tif', warp: new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] }) },
  { file: 'RGB.byte_webp.tif', warp: new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] }) },
];

const scratch = mkdtempSync(path.join(tmpdir(), 'geodata-formats-native-'));
const engine = createNodeEngine();
const rows: string[][] = [];
try {
  for (const [index, { file, variable, warp }] of CASES.entries()) {
    const source = variable ? `NETCDF:"${sample(file)}":${variable}` : sample(file);
    const readable = await engineReadable(sample(file), engine, variable ? { selection: { variable } } : {});
    const read = path.join(scratch, `read-${index}.tif`);
    await engine.translate(readable, read, []);
    const comparison = compareWithNative(source, read, variable ? readable : undefined);

    const ours = path.join(scratch, `warp-${index}.tif`);
    await new Reprojector(source, { resampling: 'bilinear' }).run({ spec: warp, outputPath: ours, engine, resolveInput });
    const native = path.join(scratch, `warp-${index}-native.tif`);
    const [left, bottom, right, top] = warp.bounds!;
    const float = file.startsWith('elev') || file.startsWith('PLANET');
    run('gdalwarp', ['-q', '-overwrite', '-t_srs', warp.crs, '-te', ...[left, bottom, right, top].map(String), '-tr', ...warp.resolution!.map(String), '-r', 'bilinear', ...(float ? ['-dstnodata', 'nan'] : []), source, native]);
    const [a, b] = [await readBands(ours), await readBands(native)];
    const masked = (values: Float64Array, nodata: number | null) => values.map((v) => (v === nodata ? NaN : v));
    let warpDiff = 0;
    let nanMismatches = 0;
    a.bands.forEach((band, i) => {
      const d = differences(masked(band, a.noData), masked(b.bands[i]!, b.noData));
      warpDiff = Math.max(warpDiff, d.maxDiff);
      nanMismatches += d.nanMismatches;
    });
    rows.push([
      file,
      variable ?? '-',
      comparison.size.join('x'),
      comparison.sameGeoTransform && comparison.sameCrs ? 'yes' : 'NO',
      comparison.pixelsEqual ? 'yes' : 'NO',
      String(comparison.maxDiff),
      warpDiff.toExponential(1),
      String(nanMismatches),
    ]);
  }
} finally {
  await engine.close();
  rmSync(scratch, { recursive: true, force: true });
}

const header = ['sample', 'variable', 'cols x rows x bands', 'same grid + CRS', 'pixels equal', 'max diff', 'bilinear warp max diff', 'nodata mismatches'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
