import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError, InvalidInputError, Raster, SpatialSpec, readRaster } from '../../src/node.js';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

// What `gdalinfo -json` (GDAL 3.6.2) reports for the sample files: size, band types, nodata,
// CRS authority and geotransform (GDAL order). gdalinfo prints 16 significant digits, so the
// transforms are compared to 1e-12 relative.
const EXPECTED = [
  { file: 'elev.tif', size: [95, 90], bands: 1, dtype: 'int16', nodata: -32768, crs: 'EPSG:4326', gt: [5.741666666666666, 0.0083333333333333, 0, 50.19166666666666, 0, -0.0083333333333333] },
  { file: 'elev_vinschgau.tif', size: [252, 194], bands: 1, dtype: 'float32', nodata: -3.4e38, crs: 'EPSG:32632', gt: [598250, 250, 0, 5193000, 0, -250] },
  { file: 'sent2_L2A_2024-08-24.tif', size: [95, 90], bands: 4, dtype: 'float32', nodata: Number.NaN, crs: 'EPSG:4326', gt: [5.741666666666666, 0.0083333333333333, 0, 50.19166666666666, 0, -0.0083333333333333] },
  { file: 'RGB.byte.tif', size: [791, 718], bands: 3, dtype: 'uint8', nodata: 0, crs: 'EPSG:32618', gt: [101985, 300.0379266750948, 0, 2826915, 0, -300.041782729805] },
  { file: 'shade.tif', size: [1024, 1024], bands: 1, dtype: 'uint8', nodata: 255, crs: 'EPSG:3857', gt: [-11858134.818413004, 9.5546285343, 0, 4813698.2926443005, 0, -9.5546285343] },
  { file: 'all-nodata.tif', size: [71, 2475], bands: 4, dtype: 'uint16', nodata: 0, crs: 'EPSG:32628', gt: [341970, 3, 0, 1603902, 0, -3] },
  { file: 'float_nan.tif', size: [3, 2], bands: 1, dtype: 'float32', nodata: Number.NaN, crs: undefined, gt: [0, 100, 0, 0, 0, 100] },
  { file: 'rotated.tif', size: [10, 15], bands: 1, dtype: 'uint8', nodata: null, crs: undefined, gt: [100, 17.320508075688775, 5, 200, 10, -8.660254037844387] },
] as const;

// The two files whose CRS has no EPSG code: gdalinfo shows a PROJCRS["unknown", ...] with this method.
const CUSTOM_CRS = [
  { file: 'meuse.tif', size: [80, 115], bands: 1, dtype: 'int16', nodata: -32768, method: 'Oblique Stereographic', gt: [178400, 40, 0, 334000, 0, -40] },
  { file: 'float_raster_with_nodata.tif', size: [13, 12], bands: 1, dtype: 'float32', nodata: -3.4e38, method: 'Lambert Azimuthal Equal Area', gt: [6301612.204093784, 500, 0, 3314112.2306177607, 0, -500] },
] as const;

function expectGeoTransform(raster: Raster, gt: readonly number[]) {
  const actual = [raster.transform[2], raster.transform[0], raster.transform[1], raster.transform[5], raster.transform[3], raster.transform[4]];
  actual.forEach((value, i) => expect(Math.abs(value - gt[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(gt[i]!))));
}

describe.skipIf(!HAS_DATA)(`readRaster on the sample files${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it.each(EXPECTED)('reads $file with the shape, dtype, nodata, CRS and transform gdalinfo reports', async (expected) => {
    const raster = await readRaster(sample(expected.file));
    expect([raster.width, raster.height]).toEqual(expected.size);
    expect(raster.count).toBe(expected.bands);
    expect(raster.dtype).toBe(expected.dtype);
    expect(raster.nodata).toEqual(expected.nodata);
    expect(raster.crs).toBe(expected.crs);
    expectGeoTransform(raster, expected.gt);
    expect(raster.bands.every((band) => band.length === expected.size[0] * expected.size[1])).toBe(true);
  });

  it.each(CUSTOM_CRS)('reads $file, whose CRS has no EPSG code, through GDAL as gdalinfo does', async (expected) => {
    const raster = await readRaster(sample(expected.file), { engine: createNodeEngine(), enginePath: sample(expected.file) });
    expect([raster.width, raster.height]).toEqual(expected.size);
    expect(raster.count).toBe(expected.bands);
    expect(raster.dtype).toBe(expected.dtype);
    expect(raster.nodata).toEqual(expected.nodata);
    expect(raster.crs!.startsWith('PROJCRS["unknown"')).toBe(true);
    expect(raster.crs).toContain(`METHOD["${expected.method}"`);
    expectGeoTransform(raster, expected.gt);
  });

  it('reads pixel values as GDAL does (elev.tif min 141, max 547 over 4608 valid pixels)', async () => {
    const raster = await readRaster(sample('elev.tif'));
    expect(raster.stats(0)).toMatchObject({ min: 141, max: 547, valid: 4608 });
  });

  it('reads a custom CRS through GDAL when given an engine, and refuses to guess without one', async () => {
    await expect(readRaster(sample('meuse.tif'))).rejects.toThrow(/meuse\.tif has a custom CRS that only GDAL can read/);
    const raster = await readRaster(sample('meuse.tif'), { engine: createNodeEngine(), enginePath: sample('meuse.tif') });
    expect(raster.crs!.startsWith('PROJCRS["unknown"')).toBe(true);
  });

  it('reads selected bands only', async () => {
    const raster = await readRaster(sample('RGB.byte.tif'), { bands: [3] });
    const all = await readRaster(sample('RGB.byte.tif'));
    expect(raster.count).toBe(1);
    expect(raster.bands[0]).toEqual(all.bands[2]);
    await expect(readRaster(sample('RGB.byte.tif'), { bands: [4] })).rejects.toThrow(/band 4 does not exist in .*RGB\.byte\.tif, which has bands 1\.\.3/);
  });

  it('gives clear errors naming the file for a missing and an undecodable file', async () => {
    await expect(readRaster(sample('no-such-file.tif'))).rejects.toThrow(FileError);
    await expect(readRaster(sample('no-such-file.tif'))).rejects.toThrow(/no-such-file\.tif does not exist/);
    await expect(readRaster(sample('corrupt.tif'))).rejects.toThrow(
      /^cannot decode the pixels of \S+corrupt\.tif \(JPEG\): damaged JPEG data, which the JPEG decoder cannot read .*; the file is damaged or its compression is unsupported$/,
    );
    await expect(readRaster(sample('lux.dbf'))).rejects.toThrow(/lux\.dbf is not a GeoTIFF that can be read/);
  });

  it('says a GeoTIFF is cut short, with its size, when its header points past its end', async () => {
    const whole = new Uint8Array(readFileSync(sample('RGB.byte.tif')));
    const folder = mkdtempSync(join(tmpdir(), 'geodata-cut-'));
    try {
      // The header and part of the pixels: the strips' offsets point past the end.
      const cut = join(folder, 'cut.tif');
      writeFileSync(cut, whole.subarray(0, 200_000));
      await expect(readRaster(cut)).rejects.toThrow(
        `${cut} is cut short: its header points past its end (it has 200000 bytes); the download or copy was incomplete, so fetch or copy it again`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('Raster', () => {
  const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [10, 0, 4321000, 0, -10, 3210000], shape: [2, 3] });

  it('builds from arrays and checks them against the spec', () => {
    const raster = Raster.fromArrays([new Int16Array([1, 2, 3, 4, 5, 6])], spec, { nodata: -9999 });
    expect(raster.get(0, 1, 2)).toBe(6);
    expect(raster.spec.equals(spec)).toBe(true);
    expect(() => Raster.fromArrays([new Int16Array(5)], spec)).toThrow(/band 1 has 5 values but the grid is 2x3 = 6 pixels/);
    expect(() => Raster.fromArrays([new Int16Array(6), new Float32Array(6)], spec)).toThrow(/band 2 is a Float32Array but the raster's dtype is int16/);
    expect(() => Raster.fromArrays([new Uint8Array(6)], spec, { nodata: -1 })).toThrow(/nodata -1 cannot be stored in uint8 pixels/);
    expect(() => Raster.fromArrays([new Uint8Array(6)], new SpatialSpec({ crs: 'EPSG:4326' }))).toThrow(InvalidInputError);
  });

  it('treats NaN and the single-precision rounding of the nodata value as nodata', () => {
    const raster = Raster.fromArrays([new Float32Array([1, -3.4e38, Number.NaN, 4, 5, 6])], spec, { nodata: -3.4e38 });
    expect(raster.stats(0)).toEqual({ min: 1, max: 6, mean: 4, valid: 4 });
  });
});

describe('raster.write', () => {
  const folder = mkdtempSync(join(tmpdir(), 'geodata-raster-'));
  const engine = createNodeEngine();
  afterAll(async () => {
    await engine.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [0.1, 0, 600000.05, 0, -0.1, 5190000.3], shape: [40, 30] });

  it.each([
    ['uint8', Uint8Array, 255],
    ['int16', Int16Array, -32768],
    ['uint32', Uint32Array, 0],
    ['float32', Float32Array, Number.NaN],
    ['float64', Float64Array, -1e300],
  ] as const)('round-trips %s values, nodata, CRS and transform exactly', async (dtype, Type, nodata) => {
    const values = new Type(1200).map((_, i) => (i * 37) % 251);
    const raster = Raster.fromArrays([values, new Type(1200).map((_, i) => i % 7)], spec, { nodata, scales: [0.5, 2], offsets: 10 });
    const path = join(folder, `${dtype}.tif`);
    await raster.write(path, { engine });
    const back = await readRaster(path);
    expect(back.dtype).toBe(dtype);
    expect(back.bands[0]).toEqual(values);
    expect(back.count).toBe(2);
    expect(back.nodata).toEqual(nodata);
    expect(back.crs).toBe('EPSG:32632');
    expect(back.transform).toEqual(spec.transform);
    expect(back.scales).toEqual([0.5, 2]);
    expect(back.offsets).toEqual([10, 10]);
    expect(existsSync(`${path}.aux.xml`)).toBe(false);
  });

  it('applies creation options: DEFLATE, tiles of the requested size, and COG', async () => {
    const big = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.001, 0, 5, 0, -0.001, 50], shape: [600, 700] });
    const raster = Raster.fromArrays([new Float32Array(600 * 700).map((_, i) => Math.sin(i / 1000))], big);
    const tiled = join(folder, 'tiled.tif');
    await raster.write(tiled, { engine, compress: 'DEFLATE', tiled: true, blockSize: 128, predictor: 3 });
    const info = await engine.info(tiled);
    expect(info.bands[0]!.block).toEqual([128, 128]);
    expect(info.metadata?.IMAGE_STRUCTURE?.COMPRESSION).toBe('DEFLATE');
    const cog = join(folder, 'cog.tif');
    await raster.write(cog, { engine, cog: true });
    expect((await engine.info(cog)).metadata?.IMAGE_STRUCTURE?.LAYOUT).toBe('COG');
    expect((await readRaster(cog)).bands[0]).toEqual(raster.bands[0]);
    await expect(raster.write(join(folder, 'bad.tif'), { engine, blockSize: 100 })).rejects.toThrow(/blockSize 100 must be a multiple of 16/);
  });

  it('writes tiles of the blockSize asked for, also below 512x512, and refuses blockSize with tiled: false', async () => {
    const small = Raster.fromArrays([new Float32Array(100 * 80).fill(1)], new SpatialSpec({ crs: 'EPSG:4326', transform: [0.001, 0, 5, 0, -0.001, 50], shape: [100, 80] }));
    const path = join(folder, 'small-tiles.tif');
    await small.write(path, { engine, blockSize: 32 });
    expect((await engine.info(path)).bands[0]!.block).toEqual([32, 32]);
    const strips = join(folder, 'strips.tif');
    await expect(small.write(strips, { engine, blockSize: 32, tiled: false })).rejects.toThrow(
      new InvalidInputError('blockSize 32 sets the size of tiles, and tiled: false writes strips, where it would be ignored; drop one of them'),
    );
    expect(existsSync(strips)).toBe(false);
  });

  it('reads 1-bit masks (NBITS=1) as 0/1 bytes', async () => {
    const mask = Raster.fromArrays([new Uint8Array([0, 1, 1, 0, 1, 0])], new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 0], shape: [2, 3] }));
    const path = join(folder, 'mask.tif');
    await mask.write(path, { engine, creationOptions: ['NBITS=1'] });
    const back = await readRaster(path);
    expect(back.dtype).toBe('uint8');
    expect(Array.from(back.bands[0]!)).toEqual([0, 1, 1, 0, 1, 0]);
  });

  it('keeps a custom WKT CRS', async () => {
    const wkt = (await engine.crsInfo('+proj=sterea +lat_0=52.15 +lon_0=5.38 +k=0.9999 +x_0=155000 +y_0=463000 +ellps=bessel +units=m')).wkt;
    const raster = Raster.fromArrays([new Uint8Array(6)], new SpatialSpec({ crs: wkt, transform: [1, 0, 0, 0, -1, 0], shape: [2, 3] }));
    const path = join(folder, 'custom.tif');
    await raster.write(path, { engine });
    const info = await engine.info(path);
    expect(info.coordinateSystem!.wkt).toContain('METHOD["Oblique Stereographic"');
    expect(info.coordinateSystem!.wkt).toContain('155000');
  });
});
