/**
 * readRaster and readWindow against native GDAL's ReadAsArray on GeoTIFFs native GDAL writes
 * in layouts geodata's own files never have: sparse files, big-endian files, odd nodata values.
 * Each input is made here by native GDAL's Python bindings (skipped without them).
 */
import { describe, expect, it } from 'vitest';
import { createNodeEngine, readRaster, readWindow } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { UnsupportedFormatError } from '../../src/formats/format-errors.js';
import type { Raster } from '../../src/raster/raster.js';
import { HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, runPython } from '../formats/native.js';
import { useScratchFolder } from '../wasm/fixtures.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface NativeRead {
  size: [number, number];
  geoTransform: number[];
  bands: Array<{ type: string; nodata: number | string | null; scale: number | null; offset: number | null; values: Array<number | string> }>;
}

/** Runs Python with native GDAL: `code` gets `gdal`, `np` and `path` (the file to write). */
function makeWithGdal(path: string, code: string): void {
  const script = `import sys\nimport numpy as np\nfrom osgeo import gdal, osr\ngdal.UseExceptions()\npath = sys.argv[1]\n${code}\n`;
  const result = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`making ${path} with native GDAL failed: ${result.stderr}`);
}

function nativeRead(path: string, window?: { x: number; y: number; width: number; height: number }): NativeRead {
  return JSON.parse(runPython('native-read.py', [path, ...(window ? [window.x, window.y, window.width, window.height].map(String) : [])])) as NativeRead;
}

/** The bands of a Raster as native-read.py prints them. */
function asNative(raster: Raster): Array<Array<number | string>> {
  return raster.bands.map((band) => Array.from(band, (value) => (Number.isFinite(value) ? value : String(value).replace(/Infinity/, 'inf').toLowerCase())));
}

describe.skipIf(!HAS_NATIVE_PYTHON)(`reading GeoTIFFs as native GDAL does${HAS_NATIVE_PYTHON ? '' : ` (${NO_NATIVE_PYTHON})`}`, () => {
  const scratch = useScratchFolder('read-native');

  for (const { label, type, nodata, options } of [
    { label: 'Int16 tiles, nodata -9999', type: 'GDT_Int16', nodata: '-9999', options: "'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16', 'COMPRESS=DEFLATE'" },
    { label: 'Float32 tiles, nodata NaN', type: 'GDT_Float32', nodata: 'float("nan")', options: "'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16'" },
    { label: 'Int16 strips, nodata 7', type: 'GDT_Int16', nodata: '7', options: "'BLOCKYSIZE=8'" },
    { label: 'Byte strips, nodata 300 (out of range: GDAL clamps to 255)', type: 'GDT_Byte', nodata: '300', options: "'BLOCKYSIZE=8', 'COMPRESS=DEFLATE'" },
    { label: 'Float32 LZW tiles, nodata NaN', type: 'GDT_Float32', nodata: 'float("nan")', options: "'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16', 'COMPRESS=LZW'" },
    { label: 'Float32 ZSTD tiles, nodata NaN', type: 'GDT_Float32', nodata: 'float("nan")', options: "'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16', 'COMPRESS=ZSTD', 'PREDICTOR=3'" },
  ]) {
    it(`reads the never-written blocks of a sparse file as its nodata, as GDAL does (${label})`, async () => {
      const file = scratch.path(`sparse-${label.replace(/\W+/g, '-')}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 40, 36, 1, gdal.${type}, ['SPARSE_OK=TRUE', ${options}])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
band = ds.GetRasterBand(1)
band.SetNoDataValue(${nodata})
band.WriteArray(np.arange(16 * 16).reshape(16, 16) % 100, 0, 0)
ds = None`,
      );
      const expected = nativeRead(file);
      const whole = await readRaster(file);
      expect(asNative(whole)).toEqual(expected.bands.map((band) => band.values));
      const window = { x: 10, y: 12, width: 30, height: 24 };
      const part = await readWindow(file, window);
      expect(asNative(part)).toEqual(nativeRead(file, window).bands.map((band) => band.values));
    });
  }

  for (const { type, options } of [
    { type: 'UInt16', options: "'COMPRESS=DEFLATE', 'PREDICTOR=2'" },
    { type: 'Int32', options: "'COMPRESS=DEFLATE', 'PREDICTOR=2', 'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16'" },
    { type: 'Float32', options: "'COMPRESS=DEFLATE', 'PREDICTOR=3', 'BLOCKYSIZE=7'" },
    { type: 'Float64', options: "'COMPRESS=DEFLATE', 'PREDICTOR=3', 'INTERLEAVE=BAND'" },
    { type: 'Float32', options: "'BLOCKYSIZE=8'" },
    { type: 'Int16', options: "'COMPRESS=LZW', 'PREDICTOR=2', 'INTERLEAVE=BAND', 'BLOCKYSIZE=9'" },
    { type: 'UInt32', options: "'COMPRESS=ZSTD', 'PREDICTOR=2', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=16'" },
    { type: 'Float64', options: "'COMPRESS=ZSTD', 'PREDICTOR=3'" },
  ]) {
    it(`reads a big-endian ${type} GeoTIFF (${options.replace(/'/g, '')}) with native GDAL's pixels, whole and by window`, async () => {
      const file = scratch.path(`big-endian-${type}-${options.replace(/\W+/g, '-')}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 41, 30, 2, gdal.GDT_${type}, ['ENDIANNESS=BIG', ${options}])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
rng = np.random.default_rng(3)
for b in (1, 2):
    values = rng.normal(0, 1000, (30, 41)) if '${type}'.startswith('Float') else rng.integers(0, 60000 if '${type}' == 'UInt16' else 30000, (30, 41))
    ds.GetRasterBand(b).WriteArray(values)
ds = None`,
      );
      expect(readFileSync(file).subarray(0, 2).toString()).toBe('MM');
      const whole = await readRaster(file);
      expect(asNative(whole)).toEqual(nativeRead(file).bands.map((band) => band.values));
      const window = { x: 17, y: 9, width: 24, height: 21 };
      const part = await readWindow(file, window, { bands: [2] });
      expect(asNative(part)).toEqual([nativeRead(file, window).bands[1]!.values]);
    });
  }

  for (const { type, predictor } of [
    { type: 'UInt16', predictor: 2 },
    { type: 'Int32', predictor: 2 },
    { type: 'Float32', predictor: 3 },
    { type: 'Float64', predictor: 3 },
  ]) {
    it(`gives the engine a big-endian ZSTD ${type} GeoTIFF with predictor ${predictor} decoded to native GDAL's pixels`, async () => {
      const file = scratch.path(`big-endian-zstd-${type}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 41, 30, 2, gdal.GDT_${type}, ['ENDIANNESS=BIG', 'COMPRESS=ZSTD', 'PREDICTOR=${predictor}', 'BLOCKYSIZE=8'])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
rng = np.random.default_rng(5)
for b in (1, 2):
    ds.GetRasterBand(b).WriteArray(rng.normal(0, 1000, (30, 41)) if '${type}'.startswith('Float') else rng.integers(0, 60000, (30, 41)))
ds = None`,
      );
      const engine = createNodeEngine();
      try {
        const readable = await engineReadable(file, engine);
        expect(readable).not.toBe(file);
        const out = scratch.path(`engine-big-endian-zstd-${type}.tif`);
        await engine.translate(readable, out, []);
        expect(nativeRead(out).bands.map((band) => band.values)).toEqual(nativeRead(file).bands.map((band) => band.values));
      } finally {
        await engine.close();
      }
    });
  }

  for (const { type, nodata, gdal, expected: expectedNodata } of [
    { type: 'Byte', nodata: '300', gdal: 300, expected: null },
    { type: 'Int16', nodata: 'float("nan")', gdal: 'nan', expected: null },
    { type: 'UInt16', nodata: '-1', gdal: -1, expected: null },
    { type: 'Float32', nodata: '1e40', gdal: 'inf', expected: Infinity },
  ]) {
    it(`reads a ${type} GeoTIFF whose nodata (${nodata}) its type cannot hold as GDAL does (${expectedNodata === null ? 'every pixel valid, no nodata' : 'cast to the type'})`, async () => {
      const file = scratch.path(`nodata-out-of-range-${type}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 9, 7, 1, gdal.GDT_${type}, ['COMPRESS=DEFLATE'])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
ds.GetRasterBand(1).SetNoDataValue(${nodata})
ds.GetRasterBand(1).WriteArray(np.arange(63).reshape(7, 9))
ds = None`,
      );
      const expected = nativeRead(file);
      // GDAL keeps an integer type's value, but its mask finds every pixel valid (the value is out of the type's range).
      expect(expected.bands[0]!.nodata).toBe(gdal);
      const whole = await readRaster(file);
      expect({ nodata: whole.nodata, values: asNative(whole) }).toEqual({ nodata: expectedNodata, values: expected.bands.map((band) => band.values) });
      const part = await readWindow(file, { x: 2, y: 3, width: 7, height: 4 });
      expect({ nodata: part.nodata, values: asNative(part) }).toEqual({ nodata: expectedNodata, values: nativeRead(file, { x: 2, y: 3, width: 7, height: 4 }).bands.map((band) => band.values) });
    });
  }

  for (const { label, type, options, dtype } of [
    { label: '12-bit UInt16 (NBITS=12)', type: 'UInt16', options: "'NBITS=12', 'COMPRESS=DEFLATE'", dtype: 'uint16' },
    { label: '4-bit Byte (NBITS=4)', type: 'Byte', options: "'NBITS=4'", dtype: 'uint8' },
    { label: 'half-float Float32 (NBITS=16)', type: 'Float32', options: "'NBITS=16', 'COMPRESS=LZW'", dtype: 'float32' },
  ]) {
    it(`reads a ${label} GeoTIFF into the type GDAL gives it, with native GDAL's pixels`, async () => {
      const file = scratch.path(`nbits-${type}-${options.replace(/\W+/g, '-')}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 37, 21, 1, gdal.GDT_${type}, [${options}])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
values = np.arange(37 * 21).reshape(21, 37)
ds.GetRasterBand(1).WriteArray(values * 1.37 - 100 if '${type}' == 'Float32' else values % (16 if '${type}' == 'Byte' else 4000))
ds = None`,
      );
      const expected = nativeRead(file);
      const raster = await readRaster(file);
      expect({ dtype: raster.dtype, values: asNative(raster) }).toEqual({ dtype, values: expected.bands.map((band) => band.values) });
      expect(expected.bands[0]!.type).toBe(type);
    });
  }

  it('refuses a GeoTIFF of 64-bit integers (GDAL Int64) in readRaster and readWindow, naming it and saying how to convert it', async () => {
    const file = scratch.path('int64.tif');
    makeWithGdal(file, `ds = gdal.GetDriverByName('GTiff').Create(path, 8, 8, 1, gdal.GDT_Int64, ['COMPRESS=DEFLATE'])\nds = None`);
    const message = /int64\.tif has 64-bit signed integer samples \(GDAL's Int64\), which geodata cannot read \(its rasters hold uint8, .*float64\); convert it with native GDAL, for example gdal_translate -ot Float64 /;
    await expect(readRaster(file)).rejects.toThrow(message);
    await expect(readWindow(file, { x: 0, y: 0, width: 2, height: 2 })).rejects.toThrow(message);
    await expect(readRaster(file)).rejects.toBeInstanceOf(UnsupportedFormatError);
  });

  for (const type of ['CInt16', 'CInt32', 'CFloat32', 'CFloat64']) {
    it(`refuses a GeoTIFF of complex samples (GDAL ${type}) in readRaster and readWindow, naming the type, instead of reading each pair as one integer`, async () => {
      const file = scratch.path(`complex-${type}.tif`);
      makeWithGdal(file, `ds = gdal.GetDriverByName('GTiff').Create(path, 8, 8, 1, gdal.GDT_${type})\nds.GetRasterBand(1).WriteArray(np.full((8, 8), 3 + 4j))\nds = None`);
      const message = new RegExp(`complex-${type}\\.tif has complex samples \\(GDAL's ${type}\\), which geodata cannot read \\(its rasters hold uint8, .*float64\\); convert the part you need with native GDAL, for example the real part with gdal_translate -ot Float64 `);
      await expect(readRaster(file)).rejects.toThrow(message);
      await expect(readWindow(file, { x: 0, y: 0, width: 2, height: 2 })).rejects.toThrow(message);
      await expect(readRaster(file)).rejects.toBeInstanceOf(UnsupportedFormatError);
    });
  }

  it('refuses a 20-bit GeoTIFF (NBITS=20), whose samples geotiff.js unpacks wrongly, naming it', async () => {
    const file = scratch.path('nbits20.tif');
    makeWithGdal(file, `ds = gdal.GetDriverByName('GTiff').Create(path, 8, 8, 1, gdal.GDT_UInt32, ['NBITS=20'])\nds = None`);
    await expect(readRaster(file)).rejects.toThrow(/nbits20\.tif has 20-bit unsigned integer samples, which geodata cannot read .*; convert it with native GDAL/);
  });

  // Band-interleaved: GDAL 3.6 cannot read back a pixel-interleaved LERC file with NaNs it wrote.
  for (const { type, codec } of [
    { type: 'Float32', codec: 'LERC' },
    { type: 'Float64', codec: 'LERC_DEFLATE' },
    { type: 'Float32', codec: 'LERC_ZSTD' },
  ]) {
    it(`reads the NaN pixels of a ${type} ${codec} GeoTIFF (kept in LERC's mask) as NaN, as GDAL does, in readRaster and through the engine`, async () => {
      const file = scratch.path(`lerc-nan-${type}-${codec}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 23, 17, 2, gdal.GDT_${type}, ['COMPRESS=${codec}', 'INTERLEAVE=BAND', 'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16'])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
for b in (1, 2):
    a = np.arange(23 * 17, dtype='float64').reshape(17, 23) * b
    a[3, 4] = np.nan
    a[16, 22] = np.nan
    a[10, 5 + b] = np.nan
    ds.GetRasterBand(b).WriteArray(a)
ds = None`,
      );
      const expected = nativeRead(file).bands.map((band) => band.values);
      expect(expected.map((values) => values.filter((value) => value === 'nan').length)).toEqual([3, 3]);
      expect(asNative(await readRaster(file))).toEqual(expected);
      const engine = createNodeEngine();
      try {
        const out = scratch.path(`engine-lerc-nan-${type}-${codec}.tif`);
        await engine.translate(await engineReadable(file, engine), out, []);
        expect(nativeRead(out).bands.map((band) => band.values)).toEqual(expected);
      } finally {
        await engine.close();
      }
    });
  }

  it('reads a GeoTIFF georeferenced only by ground control points as GDAL does: identity transform, no CRS, native pixels', async () => {
    const file = scratch.path('gcps.tif');
    makeWithGdal(
      file,
      `ds = gdal.GetDriverByName('GTiff').Create(path, 9, 7, 1, gdal.GDT_Int16)
srs = osr.SpatialReference()
srs.ImportFromEPSG(4326)
ds.SetGCPs([gdal.GCP(10, 50, 0, 0, 0), gdal.GCP(11, 50, 0, 9, 0), gdal.GCP(10, 49, 0, 0, 7), gdal.GCP(11.2, 48.9, 0, 9, 7)], srs.ExportToWkt())
ds.GetRasterBand(1).WriteArray(np.arange(63).reshape(7, 9))
ds = None`,
    );
    const expected = nativeRead(file);
    expect(expected.geoTransform).toEqual([0, 1, 0, 0, 0, 1]);
    const whole = await readRaster(file);
    expect({ transform: whole.transform, crs: whole.crs, values: asNative(whole) }).toEqual({ transform: [1, 0, 0, 0, 1, 0], crs: undefined, values: expected.bands.map((band) => band.values) });
    const part = await readWindow(file, { x: 2, y: 3, width: 4, height: 2 });
    expect({ transform: part.transform, crs: part.crs }).toEqual({ transform: [1, 0, 2, 0, 1, 3], crs: undefined });
  });

  it("reads GDAL's -inf and inf nodata and band descriptions with XML characters as native GDAL does, in readRaster and readWindow", async () => {
    for (const [name, nodata, expected] of [['minus-inf', "float('-inf')", -Infinity], ['plus-inf', "float('inf')", Infinity]] as const) {
      const file = scratch.path(`nodata-${name}.tif`);
      makeWithGdal(
        file,
        `ds = gdal.GetDriverByName('GTiff').Create(path, 6, 4, 2, gdal.GDT_Float32, ['COMPRESS=DEFLATE'])
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
for i, text in ((1, 'a<b & "c" > \\'d\\''), (2, 'Tom &amp; Jerry')):
    band = ds.GetRasterBand(i)
    band.SetNoDataValue(${nodata})
    band.SetDescription(text)
    band.WriteArray(np.full((4, 6), i, dtype=np.float32))
ds = None`,
      );
      const native = JSON.parse(spawnSync('/usr/bin/python3', ['-c', `import sys, json\nfrom osgeo import gdal\nds = gdal.Open(sys.argv[1])\nprint(json.dumps([ds.GetRasterBand(i).GetDescription() for i in (1, 2)]))`, file], { encoding: 'utf8' }).stdout) as string[];
      expect(native).toEqual(['a<b & "c" > \'d\'', 'Tom &amp; Jerry']);
      for (const raster of [await readRaster(file), await readWindow(file, { x: 1, y: 1, width: 2, height: 2 })]) {
        expect({ nodata: raster.nodata, names: raster.names, isNodata: raster.isNodata(expected) }).toEqual({ nodata: expected, names: native, isNodata: true });
      }
    }
  });
});
