import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine, Data, getConfig, process as processEntry, readRaster, register, remoteReads, Reprojector, SpatialSpec } from '../../src/node.js';
import { engineReadable } from '../../src/formats/engine-input.js';
import { UnsupportedFormatError } from '../../src/formats/format-errors.js';
import { useTempCache } from '../helpers/cache.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { differences, expectOnGrid, HAS_DATA, hasCommand, NO_DATA_REASON, readBands, resolveInput, run, sample, useScratchFolder } from '../processors/helpers.js';
import { compareWithNative, HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON } from './native.js';

const READY = HAS_DATA && HAS_NATIVE_PYTHON && hasCommand('gdalwarp');
const SKIP = !HAS_DATA ? ` (${NO_DATA_REASON})` : !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : !hasCommand('gdalwarp') ? ' (skipped: native gdalwarp is not installed)' : '';

/** The re-encoded samples, the codec each uses, and a target grid over each. */
const SAMPLES = [
  { file: 'elev_vinschgau_zstd.tif', codec: 'ZSTD with predictor 2', spec: new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4345000, 0, -200, 2641000], shape: [245, 300] }) },
  { file: 'elev_vinschgau_lerc.tif', codec: 'LERC_DEFLATE', spec: new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4345000, 0, -200, 2641000], shape: [245, 300] }) },
  { file: 'RGB.byte_jpeg.tif', codec: 'JPEG (YCbCr)', spec: new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] }) },
  { file: 'RGB.byte_webp.tif', codec: 'lossless WEBP', spec: new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] }) },
];

describe.skipIf(!READY)(`GeoTIFFs in every codec native GDAL reads${SKIP}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('tiff-codecs');
  afterAll(async () => {
    await engine.close();
  });

  for (const { file, codec, spec } of SAMPLES) {
    it(`the engine reads ${file} (${codec}) with native GDAL's grid, CRS, band facts and identical pixels`, async () => {
      const readable = await engineReadable(sample(file), engine);
      expect(readable).not.toBe(sample(file));
      const out = scratch.path(`engine-${file}`);
      await engine.translate(readable, out, []);
      expect(compareWithNative(sample(file), out)).toMatchObject({ sameSize: true, sameGeoTransform: true, sameCrs: true, pixelsEqual: true, maxDiff: 0, sameBandFacts: true });
    });

    it(`readRaster reads ${file} (${codec}) with native GDAL's pixels, and fromRasterFile its grid`, async () => {
      const raster = await readRaster(sample(file));
      const native = scratch.path(`native-${file}`);
      run('gdal_translate', ['-q', '-co', 'COMPRESS=NONE', sample(file), native]);
      const expected = await readBands(native);
      expect(raster.bands).toHaveLength(expected.bands.length);
      raster.bands.forEach((band, index) => expect(differences(Float64Array.from(band), expected.bands[index]!)).toMatchObject({ maxDiff: 0, nanMismatches: 0 }));
      const fromFile = await SpatialSpec.fromRasterFile(sample(file), engine);
      expect(fromFile.geoTransform).toEqual(expected.geoTransform);
      expect(fromFile.equals(raster.spec)).toBe(true);
    });

    for (const resampling of ['nearest', 'bilinear'] as const) {
      it(`a Reprojector of ${file} (${codec}, ${resampling}) equals native gdalwarp of it`, async () => {
        const out = scratch.path(`warp-${resampling}-${file}`);
        await new Reprojector(sample(file), { resampling }).run({ spec, outputPath: out, engine, resolveInput });
        const ours = await readBands(out);
        expectOnGrid(ours, spec);
        const [left, bottom, right, top] = spec.bounds!;
        const native = scratch.path(`native-warp-${resampling}-${file}`);
        run('gdalwarp', ['-q', '-overwrite', '-t_srs', spec.crs, '-te', ...[left, bottom, right, top].map(String), '-tr', ...spec.resolution!.map(String), '-r', resampling, ...(file.startsWith('elev') ? ['-dstnodata', 'nan'] : []), sample(file), native]);
        const expected = await readBands(native);
        expect(ours.noData).toEqual(expected.noData);
        ours.bands.forEach((band, index) => {
          const { maxDiff, nanMismatches } = differences(band, expected.bands[index]!);
          // The Reprojector tests' tolerance: nearest is exact, interpolation within 1e-3.
          expect({ band: index + 1, nanMismatches, withinTolerance: maxDiff <= (resampling === 'nearest' ? 0 : 1e-3) }).toEqual({ band: index + 1, nanMismatches: 0, withinTolerance: true });
        });
      });
    }
  }

  it('passes GeoTIFFs the engine reads (DEFLATE, LZW, none) to it untouched', async () => {
    for (const file of ['elev.tif', 'shade.tif', 'RGB.byte.tif']) expect(await engineReadable(sample(file), engine)).toBe(sample(file));
  });

  it('refuses a GeoTIFF in a codec nobody here decodes (LZMA), saying how to re-encode it', async () => {
    const lzma = scratch.path('lzma.tif');
    run('gdal_translate', ['-q', '-co', 'COMPRESS=LZMA', sample('elev.tif'), lzma]);
    await expect(engineReadable(lzma, engine)).rejects.toThrow(/lzma\.tif is a GeoTIFF compressed with LZMA, which geodata cannot decode; re-encode it with native GDAL, for example gdal_translate -co COMPRESS=DEFLATE/);
  });

  it('readRaster refuses a GeoTIFF in a codec nobody here decodes (LZMA) as unsupported, saying how to re-encode it', async () => {
    // It said "cannot decode the pixels of lzma.tif (LZMA): Unknown compression method
    // identifier: 34925; the file is damaged or its compression is unsupported", a FileError.
    const lzma = scratch.path('lzma-read.tif');
    run('gdal_translate', ['-q', '-co', 'COMPRESS=LZMA', sample('elev.tif'), lzma]);
    const error = await readRaster(lzma).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect(error).toMatchObject({ path: lzma, format: 'GeoTIFF LZMA' });
    expect((error as Error).message).toBe(`${lzma} is a GeoTIFF compressed with LZMA, which geodata cannot decode; re-encode it with native GDAL, for example gdal_translate -co COMPRESS=DEFLATE -co PREDICTOR=2 ${lzma} out.tif`);
  });

  it('says a truncated JPEG GeoTIFF is damaged, as native GDAL does', async () => {
    await expect(engineReadable(sample('corrupt.tif'), engine)).rejects.toThrow(/corrupt\.tif is truncated: a tile or strip ends past the end of the file/);
  });

  for (const internal of ['YES', 'NO']) {
  it(`keeps ${internal === 'YES' ? 'an internal DEFLATE mask byte for byte' : 'an external .msk mask'} beside decoded JPEG tiles, so masked pixels stay masked`, async () => {
    const masked = scratch.path(`jpeg-masked-${internal}.tif`);
    run('gdal_translate', ['-q', '--config', 'GDAL_TIFF_INTERNAL_MASK', internal, '-co', 'COMPRESS=JPEG', '-co', 'PHOTOMETRIC=YCBCR', '-co', 'TILED=YES', '-b', '1', '-b', '2', '-b', '3', '-mask', '1', sample('RGB.byte.tif'), masked]);
    const out = scratch.path(`jpeg-masked-${internal}-engine.tif`);
    await engine.translate(await engineReadable(masked, engine), out, ['-b', 'mask']);
    const native = scratch.path(`jpeg-masked-${internal}-native.tif`);
    run('gdal_translate', ['-q', '-b', 'mask', masked, native]);
    const comparison = compareWithNative(native, out);
    expect(comparison).toMatchObject({ sameSize: true, pixelsEqual: true });
    // The mask is not everywhere valid: it hides RGB.byte.tif's collar.
    expect((await readBands(out)).bands[0]!.filter((value) => value === 0).length).toBeGreaterThan(100_000);
  });
  }
});

/** A warp of one remote file. */
class RemoteWarp extends Data {
  constructor(public source: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.source, { resampling: 'bilinear' });
  }
}
register(RemoteWarp);

describe.skipIf(!READY)(`windows of remote COGs in every codec${SKIP}`, () => {
  useTempCache('geodata-codec-windows');
  const scratch = useScratchFolder('codec-windows');
  let server: HttpServer;
  /** 250 m pixels over the middle of RGB.byte.tif (300 m, EPSG:32618, COGs tiled 256): a window of a third of it. */
  const MIDDLE = new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] });
  const CODECS = ['ZSTD', 'LERC', 'JPEG', 'WEBP'];
  beforeAll(async () => {
    for (const codec of CODECS) {
      const options = codec === 'WEBP' ? ['-co', 'QUALITY=100'] : codec === 'LERC' ? ['-co', 'MAX_Z_ERROR=0'] : [];
      run('gdal_translate', ['-q', '-of', 'COG', '-co', `COMPRESS=${codec}`, '-co', 'BLOCKSIZE=256', ...options, sample('RGB.byte.tif'), scratch.path(`rgb-${codec}.tif`)]);
    }
    server = await startHttpServer(async (path) => ({ body: new Uint8Array(await readFile(scratch.path(path.slice(1)))), type: 'image/tiff' }));
  });
  afterAll(async () => {
    await server?.close();
    await getConfig().engine.close();
  });

  for (const codec of CODECS) {
    it(`reads only the window a warp needs of a ${codec} COG by URL, and warps it like native gdalwarp warps the file`, async () => {
      const [left, bottom, right, top] = MIDDLE.bounds!;
      const native = scratch.path(`native-${codec}.tif`);
      run('gdalwarp', ['-q', '-overwrite', '-t_srs', MIDDLE.crs, '-te', ...[left, bottom, right, top].map(String), '-tr', '250', '250', '-r', 'bilinear', scratch.path(`rgb-${codec}.tif`), native]);
      const remote = await processEntry(new RemoteWarp(`${server.url}rgb-${codec}.tif`), MIDDLE);
      const read = remoteReads().at(-1)!;
      expect({ window: read.window !== undefined, fullReason: read.fullReason }).toEqual({ window: true, fullReason: undefined });
      const ours = await readBands(remote.path);
      const expected = await readBands(native);
      expect(ours.bands).toHaveLength(3);
      ours.bands.forEach((band, index) => expect(differences(band, expected.bands[index]!)).toMatchObject({ nanMismatches: 0, maxDiff: 0 }));
    });
  }
});
