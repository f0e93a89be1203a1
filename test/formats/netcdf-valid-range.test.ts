/**
 * netCDF variables with a valid range, read by readRaster and given to the engine, against
 * native GDAL's netCDF driver, which reads values outside the range as nodata. Each file is made
 * here by native GDAL's Python bindings (skipped without them).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeEngine, readRaster } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { useScratchFolder } from '../wasm/fixtures.js';
import { HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, PYTHON, runPython } from './native.js';

/** A 2x5 variable `v` (stored values -6 to 21, latitudes south to north) with the given attributes. */
function makeNetcdf(path: string, type: string, attributes: string): void {
  const script = `import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.GetDriverByName('netCDF').CreateMultiDimensional(sys.argv[1], options=['FORMAT=NC4'])
g = ds.GetRootGroup()
def attr(obj, name, values, gdt):
    obj.CreateAttribute(name, [len(values)], gdal.ExtendedDataType.Create(gdt)).Write(values)
dims = []
for name, values, units in (('lat', [10.5, 11.5], 'degrees_north'), ('lon', [0.5, 1.5, 2.5, 3.5, 4.5], 'degrees_east')):
    dim = g.CreateDimension(name, None, None, len(values))
    c = g.CreateMDArray(name, [dim], gdal.ExtendedDataType.Create(gdal.GDT_Float64))
    c.Write(np.array(values, dtype='float64'))
    c.CreateAttribute('units', [], gdal.ExtendedDataType.CreateString()).Write(units)
    dims.append(dim)
v = g.CreateMDArray('v', dims, gdal.ExtendedDataType.Create(gdal.GDT_${type}))
${attributes}
v.Write((np.arange(10).reshape(2, 5) * 3 - 6).astype('${type === 'Byte' ? 'uint8' : type.toLowerCase()}'))
del ds
`;
  const result = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`making ${path} with native GDAL failed: ${result.stderr}`);
}

interface NativeRead {
  bands: Array<{ nodata: number | string | null; values: Array<number | string> }>;
}

describe.skipIf(!HAS_NATIVE_PYTHON)(`netCDF valid ranges read as native GDAL reads them${HAS_NATIVE_PYTHON ? '' : ` (${NO_NATIVE_PYTHON})`}`, () => {
  const scratch = useScratchFolder('netcdf-valid-range');
  const engine = createNodeEngine();
  afterAll(async () => {
    await engine.close();
  });

  for (const { label, type, attributes, nodata } of [
    { label: 'valid_range on Int16', type: 'Int16', attributes: "attr(v, 'valid_range', [0, 10], gdal.GDT_Int16)", nodata: -32767 },
    { label: 'valid_min and valid_max on Int16', type: 'Int16', attributes: "attr(v, 'valid_min', [0], gdal.GDT_Int16)\nattr(v, 'valid_max', [10], gdal.GDT_Int16)", nodata: -32767 },
    { label: 'valid_min alone (ignored, as GDAL does)', type: 'Int16', attributes: "attr(v, 'valid_min', [0], gdal.GDT_Int16)", nodata: -32767 },
    { label: 'valid_range with a _FillValue and a scale (raw values compared)', type: 'Int16', attributes: "attr(v, 'valid_range', [0, 10], gdal.GDT_Int16)\nattr(v, '_FillValue', [-100], gdal.GDT_Int16)\nattr(v, 'scale_factor', [0.5], gdal.GDT_Float64)", nodata: -100 },
    { label: 'a Float64 valid_range on Int16 (cast to integers)', type: 'Int16', attributes: "attr(v, 'valid_range', [0.5, 10.5], gdal.GDT_Float64)", nodata: -32767 },
    { label: 'valid_range on Float32', type: 'Float32', attributes: "attr(v, 'valid_range', [0, 10], gdal.GDT_Float32)", nodata: Math.fround(9.969209968386869e36) },
    { label: 'valid_range on Byte without nodata (0 outside)', type: 'Byte', attributes: "attr(v, 'valid_range', [0, 10], gdal.GDT_Byte)", nodata: null },
  ]) {
    it(`reads ${label} with native GDAL's pixels, in readRaster and through the engine`, async () => {
      const file = scratch.path(`${label.replace(/\W+/g, '-')}.nc`);
      makeNetcdf(file, type, attributes);
      const native = JSON.parse(runPython('native-read.py', [`NETCDF:"${file}":v`])) as NativeRead;
      const raster = await readRaster(`NETCDF:"${file}":v`);
      expect({ nodata: raster.nodata, values: Array.from(raster.bands[0]!) }).toEqual({ nodata, values: native.bands[0]!.values });
      const readable = await engineReadable(file, engine, { selection: { variable: 'v' } });
      const out = scratch.path(`${label.replace(/\W+/g, '-')}.tif`);
      await engine.translate(readable, out, []);
      expect((JSON.parse(runPython('native-read.py', [out])) as NativeRead).bands[0]!.values).toEqual(native.bands[0]!.values);
    });
  }
});
