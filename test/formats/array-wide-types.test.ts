/**
 * netCDF and HDF5 variables of 64-bit integers, which no dtype holds: the error names the file and
 * gives a native gdal_translate command that converts them, however the input was spelled.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRaster } from '../../src/node.js';
import { getPlatform } from '../../src/platform.js';
import { hasCommand, useScratchFolder } from '../processors/helpers.js';
import { HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, PYTHON } from './native.js';

const READY = HAS_NATIVE_PYTHON && hasCommand('gdal_translate');
const SKIP = !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : !hasCommand('gdal_translate') ? ' (skipped: native gdal_translate is not installed)' : '';

/** The command the error advises, run as a shell would split it (the quoted GDAL name is one argument). */
function runAdvice(message: string, out: string): { status: number | null; stderr: string } {
  const command = /\(gdal_translate (-ot Float64) '([^']+)' out\.tif\)/.exec(message);
  if (!command) throw new Error(`no gdal_translate command in: ${message}`);
  const result = spawnSync('gdal_translate', ['-q', '-ot', 'Float64', command[2]!, out], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!READY)(`64-bit integer netCDF and HDF5 variables${SKIP}`, () => {
  const scratch = useScratchFolder('array-wide-types');
  beforeAll(async () => {
    const script = `import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
T = lambda t: gdal.ExtendedDataType.Create(t)
ds = gdal.GetDriverByName('netCDF').CreateMultiDimensional(sys.argv[1])
g = ds.GetRootGroup()
v = g.CreateMDArray('counts', [g.CreateDimension('y', None, None, 2), g.CreateDimension('x', None, None, 3)], T(gdal.GDT_UInt64))
v.Write(np.arange(6, dtype='uint64').reshape(2, 3))
del ds
`;
    const result = spawnSync(PYTHON, ['-c', script, scratch.path('counts.nc')], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`making counts.nc failed: ${result.stderr}`);
    const h5 = await getPlatform().loadHdf5!();
    const file = new h5.File(scratch.path('counts.h5'), 'w');
    file.create_group('grids').create_dataset({ name: 'counts', data: BigInt64Array.from({ length: 6 }, (_, i) => BigInt(i)), shape: [2, 3] });
    file.close();
  });

  for (const spelling of ['NETCDF:"{path}":counts', '{path}']) {
    it(`names the netCDF file and a gdal_translate command native GDAL runs, for ${spelling}`, async () => {
      const path = scratch.path('counts.nc');
      const message = await messageOf(readRaster(spelling.replace('{path}', path), spelling.startsWith('NETCDF') ? {} : { variable: 'counts' }));
      expect(message).toContain(`variable counts holds uint64 values, which geodata cannot read as pixels; convert it with native GDAL (gdal_translate -ot Float64 'NETCDF:"${path}":counts' out.tif)`);
      expect(runAdvice(message, scratch.path(`converted-${spelling.length}.tif`))).toEqual({ status: 0, stderr: '' });
    });
  }

  it('gives an HDF5 dataset the HDF5:"file"://dataset spelling native GDAL runs', async () => {
    const path = scratch.path('counts.h5');
    const message = await messageOf(readRaster(`HDF5:"${path}"://grids/counts`));
    expect(message).toContain(`variable /grids/counts holds int64 values, which geodata cannot read as pixels; convert it with native GDAL (gdal_translate -ot Float64 'HDF5:"${path}"://grids/counts' out.tif)`);
    expect(runAdvice(message, scratch.path('converted-h5.tif'))).toEqual({ status: 0, stderr: '' });
  });
});
