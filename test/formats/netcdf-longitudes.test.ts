/**
 * Where netCDF pixels sit when the coordinates are not a tidy -180..180 north-up grid: longitudes
 * in 0..360 (most climate models' convention), rows of longitudes that wrap at 360 or at 180, and
 * latitudes too uneven for a geotransform. Each file is made here by native GDAL's Python bindings,
 * and geodata's reading is compared with native GDAL's.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, readRaster } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { hasCommand, useScratchFolder } from '../processors/helpers.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, PYTHON } from './native.js';

const READY = HAS_NATIVE_PYTHON && hasCommand('gdalwarp');
const SKIP = !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : !hasCommand('gdalwarp') ? ' (skipped: native gdalwarp is not installed)' : '';

/** X coordinates of each file (and their attributes); Y runs 50.5, 49.5, ... unless given. */
const FILES: Record<string, { xs: number[]; x?: Record<string, string>; ys?: number[] }> = {
  'east-of-180': { xs: [350.5, 351.5, 352.5, 353.5, 354.5, 355.5, 356.5, 357.5] },
  'beyond-360': { xs: [350, 353, 356, 359, 362] },
  'wrap-at-360': { xs: [357.5, 358.5, 359.5, 0.5, 1.5] },
  'wrap-at-180': { xs: [178.5, 179.5, -179.5, -178.5] },
  'wrap-mid-row': { xs: [300, 320, 340, 0, 20, 40] },
  'west-from-360': { xs: [359.5, 358.5, 357.5] },
  'global-0-360': { xs: [0.5, 45.5, 90.5, 135.5, 180.5, 225.5, 270.5, 315.5] },
  'across-180': { xs: [170.5, 175.5, 180.5, 185.5, 190.5] },
  'starting-at-180': { xs: [180, 181, 182] },
  'axis-x-no-units': { xs: [350, 353, 356], x: { axis: 'X' } },
  'metres': { xs: [350, 353, 356], x: { axis: 'X', units: 'm' } },
  'projection-x': { xs: [350, 353, 356], x: { standard_name: 'projection_x_coordinate' } },
  'uneven-southward': { xs: [0, 1, 2], ys: [50, 49, 47, 44] },
  'uneven-northward': { xs: [0, 1, 2], ys: [44, 47, 49, 50] },
};

function makeFile(path: string, { xs, x = { units: 'degrees_east' }, ys = [50.5, 49.5, 48.5] }: (typeof FILES)[string]): void {
  const script = `import sys, json
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
xs, xattrs, ys = json.loads(sys.argv[2])
T = lambda t: gdal.ExtendedDataType.Create(t)
S = gdal.ExtendedDataType.CreateString()
ds = gdal.GetDriverByName('netCDF').CreateMultiDimensional(sys.argv[1])
g = ds.GetRootGroup()
yd = g.CreateDimension('lat', None, None, len(ys))
xd = g.CreateDimension('lon', None, None, len(xs))
y = g.CreateMDArray('lat', [yd], T(gdal.GDT_Float64))
y.Write(np.array(ys, dtype='float64'))
y.CreateAttribute('units', [], S).Write('degrees_north')
x = g.CreateMDArray('lon', [xd], T(gdal.GDT_Float64))
x.Write(np.array(xs, dtype='float64'))
for key, value in xattrs.items():
    x.CreateAttribute(key, [], S).Write(value)
v = g.CreateMDArray('t', [yd, xd], T(gdal.GDT_Float32))
v.Write(np.arange(len(ys) * len(xs), dtype='float32').reshape(len(ys), len(xs)))
del ds
`;
  const result = spawnSync(PYTHON, ['-c', script, path, JSON.stringify([xs, x, ys])], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`making ${path} with native GDAL failed: ${result.stderr}`);
}

describe.skipIf(!READY)(`netCDF longitudes and latitudes placed as native GDAL places them${SKIP}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('netcdf-longitudes');
  beforeAll(() => {
    for (const [name, file] of Object.entries(FILES)) makeFile(scratch.path(`${name}.nc`), file);
  });
  afterAll(async () => {
    await engine.close();
  });

  for (const name of Object.keys(FILES)) {
    it(`reads ${name} (x ${FILES[name]!.xs.join(', ')}${FILES[name]!.ys ? `; y ${FILES[name]!.ys!.join(', ')}` : ''}) with native GDAL's geotransform and rows`, async () => {
      const path = scratch.path(`${name}.nc`);
      const vrt = await engineReadable(path, engine, { selection: { variable: 't' } });
      const out = scratch.path(`${name}.tif`);
      await engine.translate(vrt, out, []);
      const comparison = compareWithNative(`NETCDF:"${path}":t`, out, vrt);
      expect({ name, ...comparison }).toMatchObject({ name, sameSize: true, sameGeoTransform: true, pixelsEqual: true });
    });
  }

  it('gives readRaster of 0..360 data over Europe the transform native GDAL gives it, west of Greenwich', async () => {
    const raster = await readRaster(scratch.path('east-of-180.nc'), { variable: 't' });
    expect(raster.transform).toEqual([1, 0, -10, 0, -1, 51]);
  });
});
