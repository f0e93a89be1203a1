import { afterAll, describe, expect, it } from 'vitest';
import { FileError, GdalError } from '../../src/errors.js';
import { createNodeEngine } from '../../wasm/node.js';
import { crsFactsFromWkt } from '../../wasm/wkt.js';
import { DATA, HAS_DATA, NO_DATA_REASON, sample } from './fixtures.js';

/**
 * Expected values, copied from native `gdalinfo -json` (GDAL 3.6.2) on each file, so this test
 * needs no native GDAL to run. `authority` is the ID of the WKT's root; undefined when the file's
 * CRS has none (or the file has no CRS at all: `crs: false`).
 */
const EXPECTED: Record<
  string,
  { size: [number, number]; bands: number; type: string; noData: number | string | undefined; geoTransform: number[]; authority?: string; crs?: false }
> = {
  'elev.tif': {
    size: [95, 90],
    bands: 1,
    type: 'Int16',
    noData: -32768,
    geoTransform: [5.741666666666666, 0.0083333333333333, 0, 50.19166666666666, 0, -0.0083333333333333],
    authority: 'EPSG:4326',
  },
  'elev_vinschgau.tif': {
    size: [252, 194],
    bands: 1,
    type: 'Float32',
    noData: -3.4e38,
    geoTransform: [598250, 250, 0, 5193000, 0, -250],
    authority: 'EPSG:32632',
  },
  'sent2_L2A_2024-08-24.tif': {
    size: [95, 90],
    bands: 4,
    type: 'Float32',
    noData: 'NaN',
    geoTransform: [5.741666666666666, 0.0083333333333333, 0, 50.19166666666666, 0, -0.0083333333333333],
    authority: 'EPSG:4326',
  },
  'meuse.tif': { size: [80, 115], bands: 1, type: 'Int16', noData: -32768, geoTransform: [178400, 40, 0, 334000, 0, -40] },
  'RGB.byte.tif': {
    size: [791, 718],
    bands: 3,
    type: 'Byte',
    noData: 0,
    geoTransform: [101985, 300.0379266750948, 0, 2826915, 0, -300.041782729805],
    authority: 'EPSG:32618',
  },
  'shade.tif': {
    size: [1024, 1024],
    bands: 1,
    type: 'Byte',
    noData: 255,
    geoTransform: [-11858134.818413004, 9.5546285343, 0, 4813698.2926443005, 0, -9.5546285343],
    authority: 'EPSG:3857',
  },
  'float_nan.tif': { size: [3, 2], bands: 1, type: 'Float32', noData: 'NaN', geoTransform: [0, 100, 0, 0, 0, 100], crs: false },
  'float_raster_with_nodata.tif': {
    size: [13, 12],
    bands: 1,
    type: 'Float32',
    noData: -3.4e38,
    geoTransform: [6301612.204093784, 500, 0, 3314112.2306177607, 0, -500],
  },
  'all-nodata.tif': {
    size: [71, 2475],
    bands: 4,
    type: 'UInt16',
    noData: 0,
    geoTransform: [341970, 3, 0, 1603902, 0, -3],
    authority: 'EPSG:32628',
  },
  'rotated.tif': {
    size: [10, 15],
    bands: 1,
    type: 'Byte',
    noData: undefined,
    geoTransform: [100, 17.320508075688775, 5, 200, 10, -8.660254037844387],
    crs: false,
  },
};

describe.skipIf(!HAS_DATA)(`engine.info on the sample data${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();
  afterAll(() => engine.close());

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`reports size, bands, type, nodata, geotransform and CRS of ${name} as native gdalinfo does`, async () => {
      const info = await engine.info(sample(name));
      expect(info.description).toBe(sample(name));
      expect(info.driverShortName).toBe('GTiff');
      expect(info.size).toEqual(expected.size);
      expect(info.bands).toHaveLength(expected.bands);
      for (const band of info.bands) {
        expect(band.type).toBe(expected.type);
        expect(band.noDataValue).toEqual(expected.noData);
      }
      expect(info.geoTransform).toHaveLength(6);
      info.geoTransform!.forEach((value, index) => expect(value).toBeCloseTo(expected.geoTransform[index]!, 9));
      if (expected.crs === false) {
        expect(info.coordinateSystem).toBeUndefined();
      } else {
        expect(crsFactsFromWkt(info.coordinateSystem!.wkt).authority).toBe(expected.authority);
      }
    });
  }

  it('fails on corrupt.tif with a GdalError naming the file and the missing JPEG codec', async () => {
    const file = sample('corrupt.tif');
    const error = await engine.info(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GdalError);
    expect((error as GdalError).message).toBe(`cannot open ${file} for info: Cannot open TIFF file due to missing codec JPEG.`);
    expect((error as GdalError).details).toMatchObject({ operation: 'info', path: file });
  });

  it('fails on a missing file with a FileError naming it', async () => {
    const file = `${DATA}no-such-file.tif`;
    const error = await engine.info(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).path).toBe(file);
    expect((error as FileError).message).toBe(`cannot open ${file} for info: no such file`);
  });

  it('reads a relative path against the working directory', async () => {
    const relative = (await import('node:path')).relative(process.cwd(), sample('elev.tif'));
    const info = await engine.info(relative);
    expect(info.size).toEqual([95, 90]);
    expect(info.description).toBe(sample('elev.tif'));
  });

  it('summarises lux.shp with vectorInfo: one layer of 12 polygons in EPSG:4326', async () => {
    const info = await engine.vectorInfo(sample('lux.shp'));
    expect(info.driverShortName).toBe('ESRI Shapefile');
    expect(info.layers).toHaveLength(1);
    const [layer] = info.layers;
    expect(layer!.name).toBe('lux');
    expect(layer!.featureCount).toBe(12);
    expect(layer!.geometryFields[0]!.type).toBe('Polygon');
    expect(crsFactsFromWkt(layer!.geometryFields[0]!.coordinateSystem!.wkt).authority).toBe('EPSG:4326');
    const extent = layer!.geometryFields[0]!.extent!;
    [5.74414015, 49.44780731, 6.52825212, 50.18162155].forEach((value, index) => expect(extent[index]).toBeCloseTo(value, 6));
    expect(layer!.fields.map((field) => field.name)).toContain('NAME_2');
  });
});
