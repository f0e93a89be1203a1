import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../wasm/node.js';
import { crsFactsFromWkt } from '../../wasm/wkt.js';
import { HAS_DATA, hasCommand, NO_DATA_REASON, readTiffFile, run, sample, useScratchFolder } from './fixtures.js';

const HAS_GDAL_RASTERIZE = hasCommand('gdal_rasterize');

describe.skipIf(!HAS_DATA)(`engine translate, buildVrt, rasterize and vectorTranslate${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('translate');
  afterAll(async () => {
    await engine.close();
  });

  it('writes a tiled DEFLATE GeoTIFF with creation options, pixels unchanged', async () => {
    const out = scratch.path('deflate.tif');
    await engine.translate(sample('elev_vinschgau.tif'), out, ['-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES']);
    const info = await engine.info(out);
    expect(info.metadata?.['IMAGE_STRUCTURE']?.['COMPRESSION']).toBe('DEFLATE');
    expect(info.bands[0]!.block).toEqual([256, 256]);
    const [written, original] = await Promise.all([readTiffFile(out), readTiffFile(sample('elev_vinschgau.tif'))]);
    expect(Array.from(written.values)).toEqual(Array.from(original.values));
  });

  it('writes a cloud-optimized GeoTIFF with -of COG', async () => {
    const out = scratch.path('cog.tif');
    await engine.translate(sample('shade.tif'), out, ['-of', 'COG', '-co', 'COMPRESS=DEFLATE']);
    const info = await engine.info(out);
    expect(info.metadata?.['IMAGE_STRUCTURE']).toMatchObject({ LAYOUT: 'COG', COMPRESSION: 'DEFLATE' });
    expect(info.size).toEqual([1024, 1024]);
    const [written, original] = await Promise.all([readTiffFile(out), readTiffFile(sample('shade.tif'))]);
    expect(Array.from(written.values)).toEqual(Array.from(original.values));
  });

  it('builds a VRT over inputs in two folders, with real paths inside, that reads as the original', async () => {
    for (const side of ['a', 'b']) mkdirSync(scratch.path(side));
    const west = scratch.path('a', 'west.tif');
    const east = scratch.path('b', 'east.tif');
    await engine.translate(sample('elev.tif'), west, ['-srcwin', '0', '0', '40', '90']);
    await engine.translate(sample('elev.tif'), east, ['-srcwin', '40', '0', '55', '90']);
    const vrt = scratch.path('vrt', 'mosaic.vrt');
    await engine.fs.mkdir(path.dirname(vrt));
    await engine.buildVrt([west, east], vrt, []);

    const xml = readFileSync(vrt, 'utf8');
    expect(xml).toContain(`<SourceFilename relativeToVRT="0">${west}</SourceFilename>`);
    expect(xml).toContain(`<SourceFilename relativeToVRT="0">${east}</SourceFilename>`);
    expect((await engine.info(vrt)).size).toEqual([95, 90]);

    const flat = scratch.path('mosaic.tif');
    await engine.translate(vrt, flat, []);
    const [whole, original] = await Promise.all([readTiffFile(flat), readTiffFile(sample('elev.tif'))]);
    expect(Array.from(whole.values)).toEqual(Array.from(original.values));
  });

  it.skipIf(!HAS_GDAL_RASTERIZE)(
    `rasterizes lux.shp like native gdal_rasterize${HAS_GDAL_RASTERIZE ? '' : ' (skipped: native gdal_rasterize is not installed)'}`,
    async () => {
      const args = ['-a', 'ID_2', '-tr', '0.005', '0.005', '-te', '5.7', '49.4', '6.55', '50.2', '-ot', 'Int16', '-a_nodata', '-1'];
      const ours = scratch.path('lux-ours.tif');
      const native = scratch.path('lux-native.tif');
      await engine.rasterize(sample('lux.shp'), ours, args);
      run('gdal_rasterize', ['-q', ...args, sample('lux.shp'), native]);
      const [a, b] = await Promise.all([readTiffFile(ours), readTiffFile(native)]);
      expect([a.width, a.height]).toEqual([170, 160]);
      expect(a.geoTransform).toEqual(b.geoTransform);
      expect(Array.from(a.values)).toEqual(Array.from(b.values));
      expect(new Set(a.values).size).toBe(13); // 12 districts and nodata
    },
  );

  it('converts lux.shp to GeoJSON in EPSG:3035 with vectorTranslate', async () => {
    const out = scratch.path('lux-3035.geojson');
    await engine.vectorTranslate(sample('lux.shp'), out, ['-f', 'GeoJSON', '-t_srs', 'EPSG:3035']);
    const geojson = JSON.parse(readFileSync(out, 'utf8')) as { features: Array<{ properties: { NAME_2: string } }> };
    expect(geojson.features).toHaveLength(12);
    const info = await engine.vectorInfo(out);
    const field = info.layers[0]!.geometryFields[0]!;
    expect(crsFactsFromWkt(field.coordinateSystem!.wkt).authority).toBe('EPSG:3035');
    // Luxembourg in LAEA Europe: around x 4.0e6-4.1e6, y 2.9e6-3.0e6.
    expect(field.extent![0]).toBeGreaterThan(3.9e6);
    expect(field.extent![2]).toBeLessThan(4.2e6);
    expect(field.extent![1]).toBeGreaterThan(2.8e6);
    expect(field.extent![3]).toBeLessThan(3.1e6);
  });

  it('refuses to write an output over one of its inputs', async () => {
    const file = scratch.path('self.tif');
    await engine.translate(sample('elev.tif'), file, []);
    await expect(engine.translate(file, file, [])).rejects.toThrow(`translate: dest ${file} is also an input; write to another file`);
    expect((await engine.info(file)).size).toEqual([95, 90]);
  });
});
