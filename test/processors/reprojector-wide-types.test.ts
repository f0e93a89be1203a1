/**
 * Sources whose GDAL pixel type no dtype holds (Int64, UInt64, complex): the Reprojector refuses
 * to keep their type and converts them to the dstDtype it is given, as native gdalwarp -ot does.
 * Each source is made here by native GDAL's Python bindings (skipped without them).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Reprojector } from '../../src/processors/reprojector.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { createNodeEngine } from '../../wasm/node.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON } from '../formats/native.js';
import { hasCommand, resolveInput, run, useScratchFolder } from './helpers.js';

const HAS_NATIVE = HAS_NATIVE_PYTHON && hasCommand('gdalwarp');
/** Half a source pixel off its grid, at another resolution: bilinear mixes four source pixels. */
const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [41, 0, 500013, 0, -41, 3999993], shape: [20, 26] });

function makeWithGdal(path: string, type: string): void {
  const script = `import sys
import numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[1], 37, 29, 1, gdal.GDT_${type}, ['COMPRESS=DEFLATE'])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
srs = osr.SpatialReference()
srs.ImportFromEPSG(32632)
ds.SetProjection(srs.ExportToWkt())
a = np.arange(37 * 29).reshape(29, 37) % 97
ds.GetRasterBand(1).WriteArray(a + 1j * (a + 5) if '${type}'.startswith('C') else a)
ds = None
`;
  const result = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`making ${path} with native GDAL failed: ${result.stderr}`);
}

describe.skipIf(!HAS_NATIVE)(`Reprojector of sources in GDAL types no dtype holds${HAS_NATIVE ? '' : ` (${NO_NATIVE_PYTHON}, or gdalwarp missing)`}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('reprojector-wide-types');
  afterAll(async () => {
    await engine.close();
  });

  for (const type of ['Int64', 'UInt64', 'CInt16', 'CFloat32']) {
    it(`converts a ${type} source to the dstDtype it is given, as native gdalwarp -ot Float64 does, and without one says to give it`, async () => {
      const source = scratch.path(`${type}.tif`);
      makeWithGdal(source, type);
      const outputPath = scratch.path(`${type}-warped.tif`);
      const refused = new Reprojector(source, { resampling: 'bilinear' }).run({ spec: SPEC, outputPath, engine, resolveInput });
      await expect(refused).rejects.toThrow(new RegExp(`${type}\\.tif has pixels of GDAL type ${type}, which geodata does not handle; give dstDtype \\(one of uint8, .*float64\\) to convert them`));
      await expect(refused).rejects.toBeInstanceOf(InvalidInputError);

      await new Reprojector(source, { resampling: 'bilinear', dstDtype: 'float64' }).run({ spec: SPEC, outputPath, engine, resolveInput });
      const [left, bottom, right, top] = SPEC.bounds!;
      const native = scratch.path(`${type}-native.tif`);
      run('gdalwarp', ['-q', '-overwrite', '-t_srs', SPEC.crs, '-te', ...[left, bottom, right, top].map(String), '-ts', '26', '20', '-r', 'bilinear', '-ot', 'Float64', '-dstnodata', 'nan', source, native]);
      const comparison = compareWithNative(native, outputPath);
      expect(comparison).toMatchObject({ sameSize: true, sameGeoTransform: true, sameCrs: true, pixelsEqual: true, sameBandFacts: true });
    });
  }
});
