import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, readRaster, Reprojector, SpatialSpec } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { UnsupportedFormatError } from '../../src/formats/format-errors.js';
import { getPlatform } from '../../src/platform.js';
import { HAS_DATA, hasCommand, NO_DATA_REASON, resolveInput, run, sample, useScratchFolder } from '../processors/helpers.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON } from './native.js';

const READY = HAS_DATA && HAS_NATIVE_PYTHON && hasCommand('gdal_translate');
const SKIP = !HAS_DATA ? ` (${NO_DATA_REASON})` : !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : !hasCommand('gdal_translate') ? ' (skipped: native gdal_translate is not installed)' : '';

describe.skipIf(!READY)(`plain HDF5 and HDF4 inputs${SKIP}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('hdf');
  beforeAll(async () => {
    // A plain HDF5 file (no netCDF conventions), written with h5wasm itself.
    const h5 = await getPlatform().loadHdf5!();
    const file = new h5.File(scratch.path('plain.h5'), 'w');
    const group = file.create_group('grids');
    group.create_dataset({ name: 'elevation', data: Float32Array.from({ length: 12 }, (_, i) => i * 1.5), shape: [3, 4] });
    group.create_dataset({ name: 'stack', data: Int16Array.from({ length: 24 }, (_, i) => i - 5), shape: [2, 3, 4] });
    file.close();
  });
  afterAll(async () => {
    await engine.close();
  });

  for (const dataset of ['/grids/elevation', '/grids/stack']) {
    it(`reads HDF5:"plain.h5":/${dataset} as native GDAL's HDF5 driver does: rows as stored, leading axes as bands, no nodata`, async () => {
      const path = scratch.path('plain.h5');
      const out = scratch.path(`plain${dataset.replace(/\//g, '-')}.tif`);
      await engine.translate(await engineReadable(path, engine, { selection: { variable: dataset } }), out, []);
      expect(compareWithNative(`HDF5:"${path}":/${dataset}`, out)).toMatchObject({ sameSize: true, pixelsEqual: true, sameType: true, sameBandFacts: true, hasCrs: false });
    });
  }

  it('takes GDAL\'s HDF5:"file"://dataset spelling in readRaster, and unnamed axes by index as dim0, dim1, ...', async () => {
    const path = scratch.path('plain.h5');
    const stack = await readRaster(`HDF5:"${path}"://grids/stack`);
    expect({ bands: stack.bands.length, dtype: stack.dtype, nodata: stack.nodata, first: Array.from(stack.bands[1]!.slice(0, 4)) }).toEqual({ bands: 2, dtype: 'int16', nodata: null, first: [7, 8, 9, 10] });
    const second = await readRaster(path, { variable: '/grids/stack', index: { dim0: 1 } });
    expect(Array.from(second.bands[0]!)).toEqual(Array.from(stack.bands[1]!));
  });

  it('refuses an HDF4 file with an UnsupportedFormatError naming the format, the file and how to convert it', async () => {
    const hdf4 = scratch.path('elev.hdf');
    run('gdal_translate', ['-q', '-of', 'HDF4Image', sample('elev.tif'), hdf4]);
    expect(existsSync(hdf4)).toBe(true);
    const error = await engineReadable(hdf4, engine).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect({ format: (error as UnsupportedFormatError).format, path: (error as UnsupportedFormatError).path }).toEqual({ format: 'HDF4', path: hdf4 });
    expect((error as Error).message).toMatch(/elev\.hdf is an HDF4 file, which geodata cannot read .* gdal_translate -of GTiff .* gdal_translate -of netCDF -co FORMAT=NC4/);
    await expect(readRaster(hdf4)).rejects.toThrow(/elev\.hdf is an HDF4 file/);
    const spec = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.01, 0, 5.8, 0, -0.01, 50.1], shape: [10, 10] });
    await expect(new Reprojector(hdf4).run({ spec, outputPath: scratch.path('never.tif'), engine, resolveInput })).rejects.toThrow(/^Reprojector source .*elev\.hdf: .*elev\.hdf is an HDF4 file/);
    expect(existsSync(scratch.path('never.tif'))).toBe(false);
  });

  it('says variable, index and value apply to netCDF and HDF5 only', async () => {
    await expect(engineReadable(sample('elev.tif'), engine, { selection: { variable: 'x' } })).rejects.toThrow(/elev\.tif is not a netCDF or HDF5 file \(it is a GeoTIFF\), so variable, index and value do not apply to it/);
    expect(() => new Reprojector(sample('elev.tif'), { index: { time: -1 } })).toThrow(/Reprojector index\.time must be a position counted from 0, got -1/);
  });
});
