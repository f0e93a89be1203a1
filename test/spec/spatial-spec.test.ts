import { describe, expect, it } from 'vitest';
import '../../src/node.js';
import { createNodeEngine } from '../../wasm/node.js';
import { CrsError, InvalidInputError } from '../../src/errors.js';
import { affineToGdal, gdalToAffine, invertAffine, applyAffine } from '../../src/spec/affine.js';
import { authorityFromWkt, normalizeCrs, validateCrs } from '../../src/spec/crs.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

const UTM = new SpatialSpec({ crs: 'EPSG:32632', transform: [250, 0, 598250, 0, -250, 5193000], shape: [194, 252] });

describe('SpatialSpec', () => {
  it('derives resolution, bounds and extent from transform and shape', () => {
    expect(UTM.resolution).toEqual([250, 250]);
    expect(UTM.bounds).toEqual([598250, 5193000 - 194 * 250, 598250 + 252 * 250, 5193000]);
    expect(UTM.extent).toEqual([598250, 598250 + 252 * 250, 5193000 - 194 * 250, 5193000]);
    expect(UTM.width).toBe(252);
    expect(UTM.height).toBe(194);
    expect(UTM.isFullyDefined).toBe(true);
    expect(UTM.isRotated).toBe(false);
  });

  it('converts between the affine order and GDAL geotransform order both ways', () => {
    expect(UTM.geoTransform).toEqual([598250, 250, 0, 5193000, 0, -250]);
    expect(gdalToAffine([100, 17.32, 5, 200, 10, -8.66])).toEqual([17.32, 5, 100, 10, -8.66, 200]);
    expect(affineToGdal(gdalToAffine([1, 2, 3, 4, 5, 6]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('represents a rotated transform faithfully: resolution along the pixel axes, bounds of all four corners', () => {
    const rotated = new SpatialSpec({ crs: 'EPSG:3857', transform: [17.320508075688775, 5, 100, 10, -8.660254037844387, 200], shape: [15, 10] });
    expect(rotated.isRotated).toBe(true);
    expect(rotated.resolution![0]).toBeCloseTo(20, 12);
    expect(rotated.resolution![1]).toBeCloseTo(10, 12);
    const corners = rotated.corners()!;
    expect(corners[2]).toEqual(applyAffine(rotated.transform!, 10, 15));
    const b = rotated.bounds!;
    expect(b[0]).toBe(Math.min(...corners.map((c) => c[0])));
    expect(b[3]).toBe(Math.max(...corners.map((c) => c[1])));
    const inverse = invertAffine(rotated.transform!);
    const [col, row] = applyAffine(inverse, ...applyAffine(rotated.transform!, 3, 4));
    expect(col).toBeCloseTo(3, 9);
    expect(row).toBeCloseTo(4, 9);
  });

  it('may be partial: CRS only', () => {
    const partial = new SpatialSpec({ crs: 'EPSG:3035' });
    expect(partial.isFullyDefined).toBe(false);
    expect(partial.bounds).toBeUndefined();
    expect(partial.toString()).toBe('SpatialSpec(EPSG:3035, CRS only)');
  });

  it('round-trips through JSON, including the pygeodata {a..f} transform form', () => {
    const json = UTM.toJSON();
    expect(json.transform).toEqual({ a: 250, b: 0, c: 598250, d: 0, e: -250, f: 5193000 });
    expect(json.resolution).toEqual([250, 250]);
    expect(SpatialSpec.fromJSON(JSON.stringify(json)).equals(UTM)).toBe(true);
    expect(SpatialSpec.fromJSON({ crs: 'EPSG:32632', transform: [250, 0, 598250, 0, -250, 5193000], shape: [194, 252] }).equals(UTM)).toBe(true);
  });

  it('has a canonical JSON that ignores how the spec was written', () => {
    const a = new SpatialSpec({ crs: 'epsg:32632', shape: [194, 252], transform: [250, 0, 598250, 0, -250, 5193000] });
    expect(a.toCanonicalJSON()).toBe(UTM.toCanonicalJSON());
    expect(UTM.toCanonicalJSON()).toBe('{"crs":"EPSG:32632","shape":[194,252],"transform":[250,0,598250,0,-250,5193000]}');
  });

  it('compares exactly by default and within a tolerance on request', () => {
    const nudged = UTM.with({ transform: [250, 0, 598250.0000001, 0, -250, 5193000] });
    expect(nudged.equals(UTM)).toBe(false);
    expect(nudged.equals(UTM, 1e-6)).toBe(true);
    expect(UTM.with({ shape: [194, 253] }).equals(UTM)).toBe(false);
  });

  it('reads like a sentence', () => {
    expect(UTM.toString()).toBe('SpatialSpec(EPSG:32632, 194x252 px at 250, bounds [598250, 5144500, 661250, 5193000])');
  });

  it('computes lat/lon bounds with proj4 for codes it knows', async () => {
    const [latMin, lonMin, latMax, lonMax] = (await UTM.latLonBounds())!;
    expect(latMin).toBeCloseTo(46.44, 1);
    expect(lonMin).toBeCloseTo(10.28, 1);
    expect(latMax).toBeCloseTo(46.89, 1);
    expect(lonMax).toBeCloseTo(11.12, 1);
  });

  it.each([
    [{ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 0], shape: [0, 3] }, /shape must be \[height, width\] with two positive integers/],
    [{ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 0], shape: [2.5, 3] }, /shape must be/],
    [{ crs: 'EPSG:4326', transform: [1, 0, 0, 2, 0, 0], shape: [2, 3] }, /singular/],
    [{ crs: 'EPSG:4326', transform: [1, 0, Number.NaN, 0, -1, 0], shape: [2, 3] }, /^transform\[2\] must be a finite number, got NaN$/],
    [{ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -Infinity, 0], shape: [2, 3] }, /^transform\[4\] must be a finite number, got -Infinity$/],
    [{ crs: 'EPSG:4326', transform: [Infinity, 0, 0, 0, -1], shape: [2, 3] }, /must be 6 numbers .*, got \[Infinity,0,0,0,-1\]$/],
    [{ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1], shape: [2, 3] }, /must be 6 numbers/],
    [{ crs: 'EPSG:4326', shape: [2, 3] }, /transform and shape together/],
    [{ crs: 'EPSG:4326', resolution: 3 }, /unknown option\(s\) resolution/],
  ])('rejects invalid input %#', (init, message) => {
    expect(() => new SpatialSpec(init as never)).toThrow(InvalidInputError);
    expect(() => new SpatialSpec(init as never)).toThrow(message);
  });

  it.each(['', 'not a crs', 'EPSG', 'GEOGCRS["x"', 42])('rejects %j as a CRS', (crs) => {
    expect(() => new SpatialSpec({ crs: crs as string })).toThrow(CrsError);
  });

  it.each([
    ['EPSG:99999', 'EPSG:99999'],
    ['EPSG:abc', 'EPSG:abc'],
    ['EPSG:32632+99999', 'EPSG:99999'],
    ['ESRI:1', 'ESRI:1'],
    ['urn:ogc:def:crs:EPSG::99999', 'EPSG:99999'],
  ])('refuses the unknown code %s at construction, naming it', (crs, code) => {
    expect(() => new SpatialSpec({ crs })).toThrow(CrsError);
    expect(() => new SpatialSpec({ crs })).toThrow(
      `crs "${crs}" is unknown: ${code} is not a CRS in GDAL's database (PROJ 9.3.1, EPSG v10.098); check the code (https://epsg.io lists them) or give the CRS as WKT or a PROJ string`,
    );
  });

  it.each([
    ['EPSG:3035', 'EPSG:3035'],
    ['epsg:4326', 'EPSG:4326'],
    ['EPSG:032631', 'EPSG:32631'],
    ['EPSG:032632+05773', 'EPSG:32632+5773'],
    ['EPSG:32632+5773', 'EPSG:32632+5773'],
    ['ESRI:54009', 'ESRI:54009'],
    ['IAU_2015:30100', 'IAU_2015:30100'],
    ['+proj=utm +zone=32 +datum=WGS84', '+proj=utm +zone=32 +datum=WGS84'],
    ['urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:EPSG::4326'],
    ['WGS84', 'WGS84'],
  ])('accepts the CRS %s', (crs, normalised) => {
    expect(validateCrs(crs)).toBe(normalised);
  });

  it('names a WKT by its outermost authority code, not a nested one', () => {
    const projected = 'PROJCRS["WGS 84 / UTM zone 32N",BASEGEOGCRS["WGS 84",ID["EPSG",4326]],CONVERSION["UTM zone 32N",ID["EPSG",16032]],ID["EPSG",32632]]';
    expect(authorityFromWkt(projected)).toBe('EPSG:32632');
    expect(authorityFromWkt('PROJCRS["unknown",BASEGEOGCRS["WGS 84",ID["EPSG",4326]]]')).toBeUndefined();
    expect(normalizeCrs('GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]]')).toBe('EPSG:4326');
  });
});

describe.skipIf(!HAS_DATA)(`SpatialSpec from files${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();

  it('reads CRS, transform and shape from a raster file', async () => {
    const spec = await SpatialSpec.fromRasterFile(sample('elev_vinschgau.tif'), engine);
    expect(spec.equals(UTM)).toBe(true);
  });

  it('reads a raster file through the configured engine when none is given', async () => {
    const spec = await SpatialSpec.fromRasterFile(sample('elev.tif'));
    // The exact geotransform, not gdalinfo's 16 rounded digits.
    expect(spec.transform![0]).toBe(0.008333333333333337);
    expect(spec.crs).toBe('EPSG:4326');
  });

  it('keeps a custom CRS as WKT when it has no authority code', async () => {
    const spec = await SpatialSpec.fromRasterFile(sample('meuse.tif'), engine);
    expect(spec.crs.startsWith('PROJCRS["unknown"')).toBe(true);
    expect(spec.shape).toEqual([115, 80]);
  });

  it('gives a clear error for a raster without a CRS', async () => {
    await expect(SpatialSpec.fromRasterFile(sample('float_nan.tif'), engine)).rejects.toThrow(/float_nan\.tif has no coordinate reference system/);
  });

  it('reads only the CRS from a vector file', async () => {
    const spec = await SpatialSpec.fromVectorFile(sample('lux.shp'), engine);
    expect(spec.crs).toBe('EPSG:4326');
    expect(spec.isFullyDefined).toBe(false);
  });

  it('computes lat/lon bounds through GDAL for CRSs proj4 does not know', async () => {
    const spec = await SpatialSpec.fromRasterFile(sample('meuse.tif'), engine);
    const bounds = (await spec.latLonBounds(engine))!;
    expect(bounds[0]).toBeGreaterThan(50.9);
    expect(bounds[2]).toBeLessThan(51.0);
    await expect(spec.latLonBounds()).rejects.toThrow(/need GDAL: pass an engine/);
  });
});
