import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, InvalidInputError, readRaster, Reprojector, SpatialSpec } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { differences, expectOnGrid, HAS_DATA, hasCommand, NO_DATA_REASON, readBands, resolveInput, run, sample, useScratchFolder } from '../processors/helpers.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, runPython } from './native.js';

const READY = HAS_DATA && HAS_NATIVE_PYTHON && hasCommand('gdalwarp');
const SKIP = !HAS_DATA ? ` (${NO_DATA_REASON})` : !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : !hasCommand('gdalwarp') ? ' (skipped: native gdalwarp is not installed)' : '';

/** The netCDF samples of ../shared/data with the variable GDAL reads, and how each one is interesting. */
const SAMPLES = [
  { file: 'tmmx_20190121.nc', variable: 'air_temperature', what: 'UInt16 with scale, offset and fill, a crs grid mapping with spatial_ref' },
  { file: 'PLANET_SCOPE_3D.nc', variable: 'blue', what: 'two time steps as two bands, NaN fill, a UTM spatial_ref' },
  { file: 'PLANET_SCOPE_3D.nc', variable: 'green', what: 'the second variable of a file with several' },
  { file: 'sentinel_2_L1C_geographic.nc', variable: 'red', what: 'geographic, netCDF default fill as nodata' },
  { file: 'sentinel_2_L1C_geographic.nc', variable: 'nir', what: 'geographic, second variable' },
  { file: 'MODIS_ARRAY.nc', variable: '__xarray_dataarray_variable__', what: 'sinusoidal CRS from a PROJ string crs attribute, no grid mapping' },
  { file: 'unicode.nc', variable: 'LST', what: 'non-ASCII attributes, _Unsigned Int16, geostationary CF grid mapping, no geotransform (uneven float32 coordinates), bottom-up by default' },
];

describe.skipIf(!READY)(`netCDF and HDF5 inputs read as native GDAL reads them${SKIP}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('netcdf');
  let generated: Array<{ file: string; variable: string }> = [];
  beforeAll(() => {
    generated = JSON.parse(runPython('make-netcdf.py', [scratch.path()])) as typeof generated;
  });
  afterAll(async () => {
    await engine.close();
  });

  /** geodata's reading, written by the engine to a GeoTIFF, against native GDAL's. */
  async function expectNativeRead(path: string, variable: string, label: string) {
    const vrt = await engineReadable(path, engine, { selection: { variable } });
    const out = scratch.path(`${label}.tif`);
    await engine.translate(vrt, out, []);
    const comparison = compareWithNative(`NETCDF:"${path}":${variable}`, out, vrt);
    expect(comparison).toMatchObject({ sameSize: true, sameGeoTransform: true, sameCrs: true, pixelsEqual: true, sameType: true, maxDiff: 0 });
    expect(comparison.oursBandFacts).toEqual(comparison.nativeBandFacts);
    return comparison;
  }

  for (const { file, variable, what } of SAMPLES) {
    it(`reads ${file}:${variable} (${what}) with native GDAL's grid, CRS, band facts and pixels`, async () => {
      await expectNativeRead(sample(file), variable, `${file}-${variable}`);
    });
  }

  it('reads every generated CF file (grid mappings, netCDF-3 records, time steps, _Unsigned, groups, no coordinates) as native GDAL does', async () => {
    expect(generated.length).toBeGreaterThanOrEqual(12);
    for (const { file, variable } of generated.filter(({ file }) => file !== 'cf_sinu.nc')) {
      const comparison = await expectNativeRead(scratch.path(file), variable, `generated-${file}`);
      expect({ file, hasCrs: comparison.hasCrs }).toEqual({ file, hasCrs: file.startsWith('cf_') });
    }
  });

  it('reads a CF sinusoidal grid mapping as sinusoidal, where GDAL 3.6 (which lacks it) falls back to a geographic CRS', async () => {
    const vrt = await engineReadable(scratch.path('cf_sinu.nc'), engine, { selection: { variable: 'temperature' } });
    const crs = await engine.crsInfo((await engine.info(vrt)).coordinateSystem!.wkt);
    expect({ isGeographic: crs.isGeographic, proj4: crs.proj4 }).toEqual({ isGeographic: false, proj4: '+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs' });
  });

  it('opens a file with a single 2-D variable without naming it, like GDAL', async () => {
    const vrt = await engineReadable(sample('tmmx_20190121.nc'), engine);
    const out = scratch.path('tmmx-default.tif');
    await engine.translate(vrt, out, []);
    expect(compareWithNative(sample('tmmx_20190121.nc'), out)).toMatchObject({ sameSize: true, pixelsEqual: true, sameGeoTransform: true });
  });

  it('asks for a variable when a file has several, naming them', async () => {
    await expect(engineReadable(sample('PLANET_SCOPE_3D.nc'), engine)).rejects.toThrow(/several variables \(blue, green\).*\{ variable: 'blue' \}.*NETCDF:/);
    await expect(engineReadable(sample('PLANET_SCOPE_3D.nc'), engine, { selection: { variable: 'red' } })).rejects.toThrow(/has no variable "red"; it has blue, green/);
  });

  it('picks a time step by index or by date, and says which steps exist when none matches', async () => {
    const byIndex = await readRaster(sample('PLANET_SCOPE_3D.nc'), { variable: 'blue', index: { time: 1 } });
    const byDate = await readRaster(sample('PLANET_SCOPE_3D.nc'), { variable: 'blue', value: { time: '2016-12-29' } });
    const both = await readRaster(`NETCDF:"${sample('PLANET_SCOPE_3D.nc')}":blue`);
    expect(both.bands).toHaveLength(2);
    expect(byIndex.bands).toHaveLength(1);
    expect(Array.from(byIndex.bands[0]!)).toEqual(Array.from(both.bands[1]!));
    expect(Array.from(byDate.bands[0]!)).toEqual(Array.from(both.bands[1]!));
    await expect(readRaster(sample('PLANET_SCOPE_3D.nc'), { variable: 'blue', value: { time: '2017-01-01' } })).rejects.toThrow(
      /no step on 2017-01-01; its steps are 2016-12-19T10:27:29.688Z, 2016-12-29T12:52:42.347Z/,
    );
    await expect(readRaster(sample('PLANET_SCOPE_3D.nc'), { variable: 'blue', index: { time: 2 } })).rejects.toThrow(/index 2 of dimension time is out of range; it has 2 step\(s\), 0..1/);
    await expect(readRaster(sample('PLANET_SCOPE_3D.nc'), { variable: 'blue', index: { level: 0 } })).rejects.toThrow(InvalidInputError);
  });

  it('readRaster gives native GDAL pixels, grid, nodata, scale and offset of tmmx_20190121.nc, and fromRasterFile its spec', async () => {
    const raster = await readRaster(`NETCDF:"${sample('tmmx_20190121.nc')}":air_temperature`);
    const native = scratch.path('tmmx-native.tif');
    run('gdal_translate', ['-q', `NETCDF:"${sample('tmmx_20190121.nc')}":air_temperature`, native]);
    const expected = await readBands(native);
    expect([raster.height, raster.width]).toEqual([expected.height, expected.width]);
    expect(differences(Float64Array.from(raster.bands[0]!), expected.bands[0]!)).toMatchObject({ maxDiff: 0, nanMismatches: 0 });
    expect({ dtype: raster.dtype, nodata: raster.nodata, scales: raster.scales, offsets: raster.offsets, crs: raster.crs }).toEqual({
      dtype: 'uint16',
      nodata: 32767,
      scales: [0.1],
      offsets: [220],
      crs: 'EPSG:4326',
    });
    const spec = await SpatialSpec.fromRasterFile(sample('tmmx_20190121.nc'), engine);
    expect(spec.geoTransform).toEqual(expected.geoTransform);
    expect(raster.spec.equals(spec)).toBe(true);
    const planet = await SpatialSpec.fromRasterFile(`NETCDF:"${sample('PLANET_SCOPE_3D.nc')}":blue`, engine);
    expect(planet.crs).toBe('EPSG:32722');
    expect(await SpatialSpec.fromRasterFile(sample('PLANET_SCOPE_3D.nc'), engine, { variable: 'green' })).toEqual(planet);
  });

  /** Target grids for the warps: around each sample, in another CRS. */
  const WARPS = [
    { source: 'tmmx_20190121.nc', variable: 'air_temperature', spec: new SpatialSpec({ crs: 'EPSG:5070', transform: [8000, 0, -2400000, 0, -8000, 3200000], shape: [380, 590] }) },
    { source: 'PLANET_SCOPE_3D.nc', variable: 'blue', spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.00002, 0, -51.31760, 0, -0.00002, -17.32285], shape: [16, 18] }) },
    { source: 'sentinel_2_L1C_geographic.nc', variable: 'nir', spec: new SpatialSpec({ crs: 'EPSG:32721', transform: [5, 0, 746340, 0, -5, 8866085], shape: [22, 24] }) },
    { source: 'MODIS_ARRAY.nc', variable: '__xarray_dataarray_variable__', spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.005, 0, -93.2, 0, -0.005, 45.42], shape: [84, 256] }) },
  ];
  for (const { source, variable, spec } of WARPS) {
    for (const resampling of ['nearest', 'bilinear'] as const) {
      it(`a Reprojector of ${source}:${variable} (${resampling}) equals native gdalwarp of NETCDF:"${source}":${variable}`, async () => {
        const out = scratch.path(`warp-${source}-${resampling}.tif`);
        await new Reprojector(`NETCDF:"${sample(source)}":${variable}`, { resampling }).run({ spec, outputPath: out, engine, resolveInput });
        const ours = await readBands(out);
        expectOnGrid(ours, spec);
        const [left, bottom, right, top] = spec.bounds!;
        const native = scratch.path(`warp-${source}-${resampling}-native.tif`);
        // The same options: a float source's output nodata is NaN by default, an integer one keeps its own (gdalwarp's default).
        const floatSource = source === 'PLANET_SCOPE_3D.nc';
        const args = ['-q', '-overwrite', '-t_srs', spec.crs, '-te', ...[left, bottom, right, top].map(String), '-tr', ...spec.resolution!.map(String), '-r', resampling];
        run('gdalwarp', [...args, ...(floatSource ? ['-dstnodata', 'nan'] : []), `NETCDF:"${sample(source)}":${variable}`, native]);
        const expected = await readBands(native);
        expect(ours.bands).toHaveLength(expected.bands.length);
        expect(ours.noData).toEqual(expected.noData);
        const masked = (values: Float64Array, nodata: number | null) => values.map((v) => (v === nodata ? NaN : v));
        ours.bands.forEach((band, index) => {
          const { maxDiff, nanMismatches, compared } = differences(masked(band, ours.noData), masked(expected.bands[index]!, expected.noData));
          expect(compared).toBeGreaterThan(0);
          // The Reprojector tests' tolerance: nearest is exact, interpolation within 1e-3.
          expect({ band: index + 1, nanMismatches, withinTolerance: maxDiff <= (resampling === 'nearest' ? 0 : 1e-3) }).toEqual({ band: index + 1, nanMismatches: 0, withinTolerance: true });
        });
      });
    }
  }

  it('converts a netCDF file once per content and selection, and again when the file changes', async () => {
    const copy = scratch.path('copy.nc');
    copyFileSync(sample('sentinel_2_L1C_geographic.nc'), copy);
    const red = await engineReadable(copy, engine, { selection: { variable: 'red' } });
    expect(await engineReadable(copy, engine, { selection: { variable: 'red' } })).toBe(red);
    const nir = await engineReadable(copy, engine, { selection: { variable: 'nir' } });
    expect(nir).not.toBe(red);
    copyFileSync(sample('tmmx_20190121.nc'), copy);
    const changed = await engineReadable(copy, engine, { selection: { variable: 'air_temperature' } });
    expect(changed).not.toBe(red);
    expect((await engine.info(changed)).size).toEqual([1386, 585]);
  });
});
