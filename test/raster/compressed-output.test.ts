import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, Raster, SpatialSpec, readRaster, readWindow, type TypedArray, type WriteOptions } from '../../src/node.js';
import { readTiffLayout, TAG, tagNumber } from '../../src/formats/tiff-layout.js';
import type { CallOptions } from '../../wasm/engine.js';
import { createNodeEngine } from '../../wasm/node.js';
import { compressTiff } from '../../src/formats/tiff-compress.js';
import { nodePlatform } from '../../src/node/platform-node.js';
import { writeGeoTiff } from '../../src/raster/geotiff-output.js';
import { HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, PYTHON } from '../formats/native.js';

// GeoTIFFs geodata writes with DEFLATE are written uncompressed by GDAL and compressed outside
// WebAssembly (predictor in JavaScript, native zlib): these check that the result is a GeoTIFF
// every reader decodes to the same pixels — geodata's own fast path, geotiff.js, native GDAL.

const engine = createNodeEngine();
const dir = mkdtempSync(join(tmpdir(), 'geodata-compressed-'));
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

function grid(width: number, height: number) {
  return new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [height, width] });
}

/** Smooth values with noise and a few special ones, so every predictor has work to do. */
function values<T extends TypedArray>(Type: { new (length: number): T }, width: number, height: number, seed: number): T {
  const out = new Type(width * height);
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const x = i % width;
    const y = Math.floor(i / width);
    (out as unknown as number[])[i] = Math.round(Math.sin(x / 37) * 90 + y * 0.3 + (state % 7)) + ((Type as unknown) === Float32Array || (Type as unknown) === Float64Array ? (state % 1000) / 997 : 0);
  }
  if (out instanceof Float32Array || out instanceof Float64Array) {
    out[3] = Number.NaN;
    out[width + 1] = -Infinity;
  }
  return out;
}

const CASES = [
  { name: 'float32, tiled', bands: [values(Float32Array, 520, 513, 1)], width: 520, height: 513, nodata: -9999, predictor: 3 },
  { name: 'int16, 3 bands, tiled', bands: [1, 2, 3].map((seed) => values(Int16Array, 512, 512, seed)), width: 512, height: 512, nodata: -32768, predictor: 2 },
  { name: 'uint8, 2 bands, strips', bands: [1, 2].map((seed) => values(Uint8Array, 300, 200, seed)), width: 300, height: 200, nodata: 0, predictor: 2 },
  { name: 'float64, tiled 128', bands: [values(Float64Array, 520, 515, 4)], width: 520, height: 515, nodata: null, predictor: 3, blockSize: 128 },
] as const;

/** The bands' bytes, compared byte for byte (NaN payloads included) and fast, unlike a deep equality of large arrays. */
function bytesOf(bands: ArrayLike<TypedArray> | TypedArray[]): Buffer[] {
  return Array.from(bands, (band) => Buffer.from(band.buffer, band.byteOffset, band.byteLength));
}

function tags(path: string) {
  const bytes = readFileSync(path);
  const read = async (offset: number, length: number) => new Uint8Array(bytes.buffer, bytes.byteOffset + offset, Math.min(length, bytes.length - offset));
  return readTiffLayout(read, path).then((layout) => {
    const ifd = layout.ifds[0]!;
    return { compression: tagNumber(ifd, TAG.compression, true, 1), predictor: tagNumber(ifd, TAG.predictor, true, 1), tiled: ifd.some((entry) => entry.tag === TAG.tileOffsets) };
  });
}

describe('GeoTIFFs compressed outside WebAssembly', () => {
  it.each(CASES)('$name: DEFLATE with the type\'s predictor by default, and every reader gets the written values back', async (c) => {
    const raster = Raster.fromArrays([...c.bands] as TypedArray[], grid(c.width, c.height), { nodata: c.nodata });
    const path = join(dir, `${c.name.replace(/[^a-z0-9]+/g, '_')}.tif`);
    await raster.write(path, { engine, ...('blockSize' in c ? { blockSize: c.blockSize } : {}) });
    expect(await tags(path)).toEqual({ compression: 8, predictor: c.predictor, tiled: c.width >= 512 && c.height >= 512 });

    const back = await readRaster(path);
    expect(bytesOf(back.bands)).toEqual(bytesOf(raster.bands));
    expect([back.nodata, back.crs, back.transform]).toEqual([c.nodata, 'EPSG:32632', raster.transform]);

    // geotiff.js's own decoder (pako and its predictors), not geodata's fast path.
    const bytes = readFileSync(path);
    const image = await (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).getImage();
    expect(bytesOf(Array.from(await image.readRasters({ interleave: false })) as TypedArray[])).toEqual(bytesOf(raster.bands));

    const part = await readWindow(path, { x: 30, y: 17, width: 260, height: 101 }, { bands: [c.bands.length] });
    const band = raster.bands[c.bands.length - 1]!;
    const expected = new (band.constructor as { new (length: number): TypedArray })(260 * 101);
    for (let row = 0; row < 101; row++) expected.set(band.subarray((17 + row) * c.width + 30, (17 + row) * c.width + 290), row * 260);
    expect(bytesOf(part.bands)).toEqual(bytesOf([expected]));
    expect(part.transform).toEqual([10, 0, 600000 + 300, 0, -10, 5200000 - 170]);
  }, 300_000); // geotiff.js's pure-JS decode of each case is slow on a loaded machine

  it.skipIf(!HAS_NATIVE_PYTHON)(`native GDAL reads them with the same pixels, DEFLATE and the predictor${HAS_NATIVE_PYTHON ? '' : ` (${NO_NATIVE_PYTHON})`}`, async () => {
    for (const c of CASES) {
      const path = join(dir, `${c.name.replace(/[^a-z0-9]+/g, '_')}.tif`);
      const script = [
        'import sys, json',
        'from osgeo import gdal',
        'd = gdal.Open(sys.argv[1])',
        'for b in range(d.RasterCount): open(sys.argv[2] + str(b), "wb").write(d.GetRasterBand(b + 1).ReadAsArray().tobytes())',
        'print(json.dumps(d.GetMetadata("IMAGE_STRUCTURE")))',
      ].join('\n');
      const result = spawnSync(PYTHON, ['-c', script, path, `${path}.native-band`], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toMatchObject({ COMPRESSION: 'DEFLATE', PREDICTOR: String(c.predictor) });
      c.bands.forEach((band, b) => {
        // Byte for byte, NaN payloads and infinities included.
        expect(Buffer.compare(readFileSync(`${path}.native-band${b}`), Buffer.from(band.buffer, band.byteOffset, band.byteLength))).toBe(0);
      });
    }
  });

  it('hands the engine its DEFLATE and keeps the file as the engine wrote it when the engine compressed the tiles itself', async () => {
    const raster = Raster.fromArrays([values(Float32Array, 520, 513, 5)], grid(520, 513), { nodata: -9999 });
    const vrt = join(dir, 'engine-deflates.vrt');
    await raster.write(join(dir, 'engine-deflates-source.tif'), { engine, compress: 'NONE' });
    await engine.translate(join(dir, 'engine-deflates-source.tif'), vrt, ['-of', 'VRT']);
    const output = join(dir, 'engine-deflates.tif');
    let handed: CallOptions['deflate'];
    let written: Buffer | undefined;
    // What the Node pool does with a split warp: GDAL's uncompressed tiles, compressed with the settings handed over.
    await writeGeoTiff(engine, output, {}, { width: 520, height: 513 }, [], async (dest, creation, options) => {
      handed = options.deflate;
      const plain = `${dest}.plain.tif`;
      await engine.translate(vrt, plain, creation);
      const [source, target] = await Promise.all([nodePlatform.workspace().openFile!(plain, 'r'), options.deflate!.openFile(dest, 'w')]);
      await compressTiff(source, target, options.deflate!.compression, options.deflate!.codec, dest);
      await Promise.all([source.close(), target.close()]);
      await engine.fs.remove(plain);
      written = readFileSync(dest);
    });
    expect(handed?.compression).toEqual({ level: 1, predictor: 'auto' });
    expect(Buffer.compare(readFileSync(output), written!)).toBe(0);
    expect(await tags(output)).toEqual({ compression: 8, predictor: 3, tiled: true });
    expect(bytesOf((await readRaster(output)).bands)).toEqual(bytesOf(raster.bands));
    expect(readdirSync(dir).filter((name) => name.includes('uncompressed'))).toEqual([]);
  });

  it('keeps the options a user chose: DEFLATE without predictor, an explicit predictor, LZW and PACKBITS through GDAL', async () => {
    const raster = Raster.fromArrays([values(Int16Array, 600, 520, 9)], grid(600, 520));
    const chosen: Array<[WriteOptions, { compression: number; predictor: number; tiled: boolean }]> = [
      [{ compress: 'DEFLATE' }, { compression: 8, predictor: 1, tiled: true }],
      [{ compress: 'DEFLATE', predictor: 2, creationOptions: ['ZLEVEL=9'] }, { compression: 8, predictor: 2, tiled: true }],
      [{ compress: 'LZW', predictor: 2 }, { compression: 5, predictor: 2, tiled: true }],
      [{ compress: 'PACKBITS', tiled: false }, { compression: 32773, predictor: 1, tiled: false }],
      [{ compress: 'NONE' }, { compression: 1, predictor: 1, tiled: true }],
    ];
    for (const [options, expected] of chosen) {
      const path = join(dir, `chosen-${options.compress}-${options.predictor ?? 0}.tif`);
      await raster.write(path, { engine, ...options });
      expect(await tags(path)).toEqual(expected);
      expect(bytesOf((await readRaster(path)).bands)).toEqual(bytesOf(raster.bands));
    }
  });

  it('writes the codec, tile size and COG block size named in creationOptions, over the defaults geodata derives', async () => {
    const raster = Raster.fromArrays([values(Int16Array, 600, 520, 9)], grid(600, 520));
    const tileWidth = (path: string) => readTiffLayout(async (offset, length) => new Uint8Array(readFileSync(path).subarray(offset, offset + length)), path).then((layout) => tagNumber(layout.ifds[0]!, TAG.tileWidth, true, 0));
    const cases: Array<[WriteOptions, { compression: number; tileWidth: number }]> = [
      [{ creationOptions: ['COMPRESS=LZW'] }, { compression: 5, tileWidth: 256 }],
      [{ creationOptions: ['compress=packbits'] }, { compression: 32773, tileWidth: 256 }],
      [{ creationOptions: ['BLOCKXSIZE=512', 'BLOCKYSIZE=512'] }, { compression: 8, tileWidth: 512 }],
      [{ compress: 'LZW', creationOptions: ['BLOCKXSIZE=128', 'BLOCKYSIZE=128'] }, { compression: 5, tileWidth: 128 }],
      [{ cog: true, creationOptions: ['BLOCKSIZE=128'] }, { compression: 8, tileWidth: 128 }],
      [{ creationOptions: ['TILED=NO'] }, { compression: 8, tileWidth: 0 }],
    ];
    for (const [index, [options, expected]] of cases.entries()) {
      const path = join(dir, `creation-options-${index}.tif`);
      await raster.write(path, { engine, ...options });
      expect({ options, compression: (await tags(path)).compression, tileWidth: await tileWidth(path) }).toEqual({ options, ...expected });
      expect(bytesOf((await readRaster(path)).bands)).toEqual(bytesOf(raster.bands));
    }
  });

  it('refuses predictor 3 on integers after GDAL wrote nothing it keeps, naming the fix', async () => {
    const raster = Raster.fromArrays([values(Int16Array, 64, 64, 2)], grid(64, 64));
    const path = join(dir, 'bad-predictor.tif');
    await expect(raster.write(path, { engine, compress: 'DEFLATE', predictor: 3 })).rejects.toThrow(/predictor 3 is for floating-point rasters.*use predictor 2/);
  });

  it('refuses codecs the WebAssembly build cannot write, in compress and in creation options, before anything runs', async () => {
    const raster = Raster.fromArrays([values(Uint8Array, 16, 16, 1)], grid(16, 16));
    for (const compress of ['ZSTD', 'LZMA', 'WEBP', 'JPEG']) {
      const error = await raster.write(join(dir, 'never.tif'), { engine, compress: compress as never }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toBe(
        `compress: "${compress}" cannot be used: GDAL's WebAssembly build has no ${compress} encoder (geodata reads such files, but cannot write them); choose one of DEFLATE, LZW, PACKBITS, NONE (DEFLATE, the default, is the smallest)`,
      );
    }
    await expect(raster.write(join(dir, 'never.tif'), { engine, creationOptions: ['COMPRESS=zstd'] })).rejects.toThrow(/^creation option COMPRESS=ZSTD cannot be used/);
    await expect(raster.write(join(dir, 'never.tif'), { engine, compress: 'BROTLI' as never })).rejects.toThrow(/it is not a codec geodata writes/);
  });

  it('readWindow reads every codec geodata writes: LZW and PackBits with their predictors, tiled and in strips', async () => {
    const cases: Array<{ bands: TypedArray[]; width: number; height: number; write: WriteOptions; compression: number; predictor: number; tiled: boolean }> = [
      { bands: [values(Float32Array, 520, 513, 11)], width: 520, height: 513, write: { compress: 'LZW', predictor: 3 }, compression: 5, predictor: 3, tiled: true },
      { bands: [1, 2, 3].map((seed) => values(Int16Array, 512, 512, seed)), width: 512, height: 512, write: { compress: 'LZW', predictor: 2 }, compression: 5, predictor: 2, tiled: true },
      { bands: [values(Float64Array, 520, 515, 4)], width: 520, height: 515, write: { compress: 'LZW', blockSize: 128 }, compression: 5, predictor: 1, tiled: true },
      { bands: [1, 2].map((seed) => values(Uint8Array, 300, 200, seed)), width: 300, height: 200, write: { compress: 'PACKBITS', tiled: false }, compression: 32773, predictor: 1, tiled: false },
      { bands: [values(Float32Array, 520, 513, 12)], width: 520, height: 513, write: { compress: 'PACKBITS' }, compression: 32773, predictor: 1, tiled: true },
    ];
    for (const [index, c] of cases.entries()) {
      const path = join(dir, `window-${index}.tif`);
      await Raster.fromArrays(c.bands, grid(c.width, c.height)).write(path, { engine, ...c.write });
      expect(await tags(path)).toEqual({ compression: c.compression, predictor: c.predictor, tiled: c.tiled });
      // Across tile (and strip) boundaries: columns 30..289, rows 200..300.
      const window = { x: 30, y: 100 + (c.height > 256 ? 100 : 0), width: 260, height: 101 - (c.height > 256 ? 0 : 10) };
      const part = await readWindow(path, window);
      const expected = c.bands.map((band) => {
        const out = new (band.constructor as { new (length: number): TypedArray })(window.width * window.height);
        for (let row = 0; row < window.height; row++) out.set(band.subarray((window.y + row) * c.width + window.x, (window.y + row) * c.width + window.x + window.width), row * window.width);
        return out;
      });
      expect(bytesOf(part.bands)).toEqual(bytesOf(expected));
      expect([part.width, part.height, part.transform]).toEqual([window.width, window.height, [10, 0, 600000 + 10 * window.x, 0, -10, 5200000 - 10 * window.y]]);
      // The whole raster as one window too: every block decoded.
      expect(bytesOf((await readWindow(path, { x: 0, y: 0, width: c.width, height: c.height })).bands)).toEqual(bytesOf(c.bands));
    }
  }, 120_000);

  it.skipIf(!HAS_NATIVE_PYTHON)(`readWindow refuses a codec it does not decode (LZMA), naming the codecs it reads${HAS_NATIVE_PYTHON ? '' : ` (${NO_NATIVE_PYTHON})`}`, () => {
    const path = join(dir, 'lzma.tif');
    const script = [
      'import sys, numpy as np',
      'from osgeo import gdal',
      "d = gdal.GetDriverByName('GTiff').Create(sys.argv[1], 64, 64, 1, gdal.GDT_Float32, ['COMPRESS=LZMA', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32'])",
      'd.GetRasterBand(1).WriteArray(np.arange(64 * 64, dtype=np.float32).reshape(64, 64))',
      'd = None',
    ].join('\n');
    expect(spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' }).stderr).toBe('');
    return expect(readWindow(path, { x: 0, y: 0, width: 8, height: 8 })).rejects.toThrow(/lzma\.tif: readWindow reads GeoTIFFs with whole-byte samples, uncompressed, DEFLATE, LZW, PackBits \(every codec geodata writes\) or ZSTD; this one uses another codec or layout/);
  });

  it('readWindow refuses a window outside the raster, saying its size', async () => {
    const path = join(dir, 'float32_tiled.tif');
    await expect(readWindow(path, { x: 500, y: 0, width: 101, height: 10 })).rejects.toThrow(InvalidInputError);
    await expect(readWindow(path, { x: 500, y: 0, width: 101, height: 10 })).rejects.toThrow(/is 520x513 pixels/);
  });
});
