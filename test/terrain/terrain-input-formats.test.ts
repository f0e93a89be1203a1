/**
 * Terrain functions take the inputs a Reprojector takes: GeoTIFFs in codecs GDAL-WASM lacks
 * (ZSTD, LERC) and netCDF, also spelled NETCDF:"file":variable, converted first. Each input is
 * elev_vinschgau.tif re-encoded here by native gdal_translate; results equal native gdaldem's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeEngine, Data, hillshade, produce, register, slope, SpatialSpec } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { compareWithNative } from '../formats/native.js';
import { HAS_DATA, hasCommand, NO_DATA_REASON, run, sample, useScratchFolder } from '../processors/helpers.js';

const READY = HAS_DATA && hasCommand('gdaldem') && hasCommand('gdal_translate');
const SKIP = !HAS_DATA ? ` (${NO_DATA_REASON})` : !READY ? ' (skipped: native gdaldem or gdal_translate is not installed)' : '';

const INPUTS = [
  { file: 'dem-zstd.tif', args: ['-co', 'COMPRESS=ZSTD', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=48', '-co', 'BLOCKYSIZE=32'] },
  { file: 'dem-lerc.tif', args: ['-ot', 'Int16', '-a_nodata', '-9999', '-co', 'COMPRESS=LERC_DEFLATE'] },
  { file: 'dem.nc', args: ['-of', 'netCDF'] },
];

describe.skipIf(!READY)(`terrain functions on inputs GDAL-WASM cannot open itself${SKIP}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('terrain-input-formats');
  afterAll(async () => {
    await engine.close();
  });

  for (const { file, args } of INPUTS) {
    for (const spelling of file.endsWith('.nc') ? ['{path}', 'NETCDF:"{path}":Band1'] : ['{path}']) {
      it(`computes slope and hillshade of ${file}${spelling === '{path}' ? '' : ` spelled ${spelling}`} as native gdaldem does`, async () => {
        const path = scratch.path(file);
        run('gdal_translate', ['-q', ...args, sample('elev_vinschgau.tif'), path]);
        const input = spelling.replace('{path}', path);
        for (const [mode, compute] of [['slope', slope], ['hillshade', hillshade]] as const) {
          const ours = scratch.path(`${file}-${mode}-${spelling.length}.tif`);
          const native = scratch.path(`${file}-${mode}-${spelling.length}-native.tif`);
          await compute(input, ours, { engine });
          run('gdaldem', [mode, '-q', input, native]);
          expect({ mode, ...compareWithNative(native, ours) }).toMatchObject({ mode, sameSize: true, sameGeoTransform: true, sameCrs: true, pixelsEqual: true, sameBandFacts: true });
        }
      });
    }
  }

  describe('inside a pipeline', () => {
    const cache = useTempCache('geodata-terrain-input-formats');
    it('recomputes a slope of a ZSTD GeoTIFF read in _process when that file changes, instead of a false hit on its conversion', async () => {
      const dem = scratch.path('pipeline-dem-zstd.tif');
      const encode = (top: string) => run('gdal_translate', ['-q', '-scale', '0', '4000', '0', top, '-ot', 'Float32', '-co', 'COMPRESS=ZSTD', sample('elev_vinschgau.tif'), dem]);
      class ZstdSlope extends Data {
        async _process(spec: SpatialSpec) {
          await slope(dem, this.ensureProcessedPath(spec));
        }
      }
      register(ZstdSlope);
      const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [250, 0, 0, 0, -250, 0], shape: [1, 1] });
      encode('4000');
      await produce(new ZstdSlope(), spec);
      await produce(new ZstdSlope(), spec);
      encode('8000');
      await produce(new ZstdSlope(), spec);
      expect(cache.events.filter((e) => e.type === 'commit' || e.type === 'hit').map((e) => e.type)).toEqual(['commit', 'hit', 'commit']);
    });
  });
});
