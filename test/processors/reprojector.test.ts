import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CrsError, FileError, GdalError, InvalidInputError } from '../../src/errors.js';
import { Reprojector } from '../../src/processors/reprojector.js';
import { RESAMPLING_METHODS, type Resampling } from '../../src/processors/resampling.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { createNodeEngine } from '../../wasm/node.js';
import {
  count,
  differences,
  nanOnlyIn,
  expectOnGrid,
  expectSameBands,
  HAS_DATA,
  hasCommand,
  NO_DATA_REASON,
  readBands,
  resolveInput,
  run,
  sample,
  useScratchFolder,
} from './helpers.js';

const HAS_GDALWARP = hasCommand('gdalwarp');
const NATIVE = HAS_GDALWARP ? '' : ' (skipped: native gdalwarp is not installed)';

/**
 * Tolerance against native gdalwarp for interpolating methods: 1e-3 (metres of elevation). The
 * warper is the same code in GDAL 3.8.4 (WebAssembly) and 3.6.2 (native), but PROJ differs, so a
 * source position may move in the last bits and an interpolated value by a hair. Methods that
 * pick a source value (nearest, mode, min, max, med, q1, q3) must be identical.
 */
const TOLERANCE = 1e-3;
const EXACT_METHODS: readonly Resampling[] = ['nearest', 'mode', 'min', 'max', 'med', 'q1', 'q3'];

/** Target grids over the Vinschgau valley: [crs, transform, shape] plus the native -te/-tr arguments. */
const GRIDS = [
  { spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [0.002, 0, 10.3, 0, -0.002, 46.88], shape: [220, 390] }), te: ['10.3', '46.44', '11.08', '46.88'], tr: ['0.002', '0.002'] },
  { spec: new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4345000, 0, -200, 2641000], shape: [245, 300] }), te: ['4345000', '2592000', '4405000', '2641000'], tr: ['200', '200'] },
];
const SMALL_3035 = new SpatialSpec({ crs: 'EPSG:3035', transform: [1000, 0, 4345000, 0, -1000, 2641000], shape: [49, 60] });
/** elev.tif's own grid (Luxembourg, EPSG:4326, 95x90). */
const ELEV_GRID = new SpatialSpec({ crs: 'EPSG:4326', transform: [1 / 120, 0, 5.741666666666666, 0, -1 / 120, 50.19166666666666], shape: [90, 95] });

describe.skipIf(!HAS_DATA)(`Reprojector${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('reprojector');
  afterAll(async () => {
    await engine.close();
  });

  async function reproject(processor: Reprojector, spec: SpatialSpec, name: string) {
    const outputPath = scratch.path(name);
    await processor.run({ spec, outputPath, engine, resolveInput });
    const raster = await readBands(outputPath);
    expectOnGrid(raster, spec);
    return { outputPath, raster };
  }

  /** Native gdalwarp arguments for the spec's grid. */
  function nativeGrid(spec: SpatialSpec): string[] {
    const [left, bottom, right, top] = spec.bounds!;
    const [xres, yres] = spec.resolution!;
    return ['-t_srs', spec.crs, '-te', String(left), String(bottom), String(right), String(top), '-tr', String(xres), String(yres)];
  }

  function nativeWarp(sources: string[], name: string, args: string[]) {
    const out = scratch.path(name);
    run('gdalwarp', ['-q', '-overwrite', ...args, ...sources, out]);
    return readBands(out);
  }

  for (const { spec, te, tr } of GRIDS) {
    for (const resampling of ['nearest', 'mode', 'bilinear', 'cubic'] as const) {
      it.skipIf(!HAS_GDALWARP)(`reprojects elev_vinschgau.tif to ${spec.crs} with ${resampling} like native gdalwarp${NATIVE}`, async () => {
        const tag = `${spec.crs.replace(':', '')}-${resampling}`;
        const { raster } = await reproject(new Reprojector(sample('elev_vinschgau.tif'), { resampling }), spec, `vinschgau-${tag}.tif`);
        const native = await nativeWarp([sample('elev_vinschgau.tif')], `native-vinschgau-${tag}.tif`, [
          '-t_srs', spec.crs, '-te', ...te, '-tr', ...tr, '-r', resampling === 'nearest' ? 'near' : resampling, '-dstnodata', 'nan',
        ]);
        expect(native.geoTransform).toEqual(raster.geoTransform);
        expect(Number.isNaN(raster.noData)).toBe(true);
        const { maxDiff, nanMismatches, compared } = differences(raster.bands[0]!, native.bands[0]!);
        expect(compared).toBeGreaterThan(spec.width! * spec.height! * 0.5);
        expect(maxDiff).toBeLessThanOrEqual(EXACT_METHODS.includes(resampling) ? 0 : TOLERANCE);
        if (resampling === 'mode') {
          // GDAL 3.8's mode leaves an output pixel empty when most of its source window is
          // nodata; 3.6 took the mode of the few valid pixels. Only footprint-edge pixels differ.
          expect(nanOnlyIn(native.bands[0]!, raster.bands[0]!)).toBe(0);
          expect(nanMismatches).toBeLessThan(spec.width! * spec.height! * 0.005);
          // ... and the processor adds nothing to the engine's own gdalwarp.
          const direct = scratch.path(`engine-vinschgau-${tag}.tif`);
          await engine.warp([sample('elev_vinschgau.tif')], direct, ['-t_srs', spec.crs, '-te', ...te, '-tr', ...tr, '-r', 'mode', '-dstnodata', 'nan']);
          expectSameBands(raster, await readBands(direct));
        } else {
          expect(nanMismatches).toBe(0);
        }
      });
    }
  }

  it.skipIf(!HAS_GDALWARP)(`accepts every GDAL warp resampling method and matches native gdalwarp with each${NATIVE}`, async () => {
    const te = ['4345000', '2592000', '4405000', '2641000'];
    for (const resampling of RESAMPLING_METHODS) {
      const { raster } = await reproject(new Reprojector(sample('elev_vinschgau.tif'), { resampling }), SMALL_3035, `every-${resampling}.tif`);
      const native = await nativeWarp([sample('elev_vinschgau.tif')], `native-every-${resampling}.tif`, [
        '-t_srs', 'EPSG:3035', '-te', ...te, '-tr', '1000', '1000', '-r', resampling === 'nearest' ? 'near' : resampling, '-dstnodata', 'nan',
      ]);
      const { maxDiff, nanMismatches, compared } = differences(raster.bands[0]!, native.bands[0]!);
      // sum adds up to 16 source pixels of ~3000 m each: the same relative tolerance, scaled.
      const tolerance = EXACT_METHODS.includes(resampling) ? 0 : resampling === 'sum' ? 0.1 : TOLERANCE;
      expect({ resampling, nanMismatches, withinTolerance: maxDiff <= tolerance }).toEqual({ resampling, nanMismatches: 0, withinTolerance: true });
      expect(compared).toBeGreaterThan(1000);
    }
  });

  it.skipIf(!HAS_GDALWARP)(`reprojects all 3 bands of RGB.byte.tif like native gdalwarp, keeping nodata 0${NATIVE}`, async () => {
    const spec = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.003, 0, -78.96, 0, -0.003, 25.56], shape: [666, 795] });
    const { raster } = await reproject(new Reprojector(sample('RGB.byte.tif')), spec, 'rgb.tif');
    const native = await nativeWarp([sample('RGB.byte.tif')], 'native-rgb.tif', nativeGrid(spec));
    expect(raster.bands).toHaveLength(3);
    expect(raster.noData).toBe(0);
    expectSameBands(raster, native);
    expect(count(raster.bands[0]!, 0)).toBeLessThan(666 * 795 * 0.6);
  });

  it.skipIf(!HAS_GDALWARP)(`keeps bands [3, 1] of RGB.byte.tif in that order like native gdalwarp of a band subset${NATIVE}`, async () => {
    const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [1000, 0, -2860000, 0, -1000, 5160000], shape: [370, 240] });
    const { raster } = await reproject(new Reprojector(sample('RGB.byte.tif'), { bands: [3, 1] }), spec, 'rgb-3-1.tif');
    const subset = scratch.path('rgb-3-1-native.vrt');
    run('gdal_translate', ['-q', '-of', 'VRT', '-b', '3', '-b', '1', sample('RGB.byte.tif'), subset]);
    const native = await nativeWarp([subset], 'native-rgb-3-1.tif', nativeGrid(spec));
    expect(raster.bands).toHaveLength(2);
    expectSameBands(raster, native);
    const whole = await reproject(new Reprojector(sample('RGB.byte.tif')), spec, 'rgb-all-for-3-1.tif');
    expect(raster.bands[0]).toEqual(whole.raster.bands[2]);
    expect(raster.bands[1]).toEqual(whole.raster.bands[0]);
    expect(raster.bands[0]).not.toEqual(raster.bands[1]);
  });

  it.skipIf(!HAS_GDALWARP)(`reprojects the 4 NaN-nodata bands of sent2_L2A_2024-08-24.tif to EPSG:3035 like native gdalwarp${NATIVE}`, async () => {
    const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 4010000, 0, -500, 3020000], shape: [170, 130] });
    const { outputPath, raster } = await reproject(new Reprojector(sample('sent2_L2A_2024-08-24.tif')), spec, 'sent2.tif');
    const native = await nativeWarp([sample('sent2_L2A_2024-08-24.tif')], 'native-sent2.tif', nativeGrid(spec));
    expect(raster.bands).toHaveLength(4);
    expect(Number.isNaN(raster.noData)).toBe(true);
    expectSameBands(raster, native);
    expect(count(raster.bands[3]!, NaN)).toBeGreaterThan(100);
    expect(count(raster.bands[3]!, NaN)).toBeLessThan(170 * 130 - 1000);
    const info = await engine.info(outputPath);
    expect(info.bands.map((band) => band.description)).toEqual(['B02', 'B03', 'B04', 'B08']);
  });

  it('refuses a source without a CRS, naming the file and the srcCrs option, before writing anything', async () => {
    const outputPath = scratch.path('no-crs.tif');
    const error = await new Reprojector(sample('float_nan.tif')).run({ spec: SMALL_3035, outputPath, engine, resolveInput }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrsError);
    expect((error as Error).message).toBe(
      `Reprojector: source ${sample('float_nan.tif')} has no coordinate reference system; give the CRS its coordinates are in with the srcCrs option (for example { srcCrs: 'EPSG:32632' })`,
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('uses srcCrs for a source without a CRS, also a south-up one (float_nan.tif), flipping it onto a north-up grid', async () => {
    // float_nan.tif: 3x2 Float32, geotransform [0, 100, 0, 0, 0, 100] (rows go north), NaN nodata, no CRS.
    const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [100, 0, 0, 0, -100, 200], shape: [2, 3] });
    const { raster } = await reproject(new Reprojector(sample('float_nan.tif'), { srcCrs: 'EPSG:32632' }), spec, 'float-nan.tif');
    const source = await readBands(sample('float_nan.tif'));
    const flipped = Float64Array.from([...source.bands[0]!.slice(3, 6), ...source.bands[0]!.slice(0, 3)]);
    expect(count(flipped, NaN)).toBeGreaterThan(0);
    expect(differences(raster.bands[0]!, flipped)).toEqual({ maxDiff: 0, nanMismatches: 0, compared: 6 - count(flipped, NaN) });
  });

  it("keeps a source's own CRS when srcCrs is given too", async () => {
    const own = await reproject(new Reprojector(sample('elev.tif')), SMALL_3035.with({ transform: [1000, 0, 4010000, 0, -1000, 3020000], shape: [85, 65] }), 'own-crs.tif');
    const given = await reproject(new Reprojector(sample('elev.tif'), { srcCrs: 'EPSG:32632' }), SMALL_3035.with({ transform: [1000, 0, 4010000, 0, -1000, 3020000], shape: [85, 65] }), 'given-crs.tif');
    expectSameBands(given.raster, own.raster);
    expect(count(own.raster.bands[0]!, -32768)).toBeLessThan(85 * 65);
  });

  it.skipIf(!HAS_GDALWARP)(`warps the rotated rotated.tif (srcCrs given) onto a north-up grid like native gdalwarp${NATIVE}`, async () => {
    const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [5, 0, 100, 0, -5, 300], shape: [46, 50] });
    const { raster } = await reproject(new Reprojector(sample('rotated.tif'), { srcCrs: 'EPSG:32632' }), spec, 'rotated.tif');
    const native = await nativeWarp([sample('rotated.tif')], 'native-rotated.tif', ['-s_srs', 'EPSG:32632', ...nativeGrid(spec)]);
    expectSameBands(raster, native);
    const source = await readBands(sample('rotated.tif'));
    const sourceValues = new Set(source.bands[0]);
    expect(raster.bands[0]!.every((value) => value === 0 || sourceValues.has(value))).toBe(true);
    expect(count(raster.bands[0]!, 0)).toBeLessThan(46 * 50 * 0.75);
  });

  it('mosaics two halves of elev.tif into exactly the whole: on its own grid, and reprojected with the exact transformer', async () => {
    const west = scratch.path('west');
    const east = scratch.path('east');
    mkdirSync(west);
    mkdirSync(east);
    const halves = [`${west}/part.tif`, `${east}/part.tif`];
    const translate = hasCommand('gdal_translate')
      ? (args: string[], out: string) => Promise.resolve(run('gdal_translate', ['-q', ...args, sample('elev.tif'), out]))
      : (args: string[], out: string) => engine.translate(sample('elev.tif'), out, args);
    await translate(['-srcwin', '0', '0', '50', '90'], halves[0]!);
    await translate(['-srcwin', '50', '0', '45', '90'], halves[1]!);

    const identity = await reproject(new Reprojector(halves), ELEV_GRID, 'mosaic-own-grid.tif');
    expectSameBands(identity.raster, await readBands(sample('elev.tif')));

    // gdalwarp's approximate transformer (-et 0.125) depends on how the work is cut up, which
    // differs between one source and two: exactness needs errorThreshold 0.
    const spec = SMALL_3035.with({ transform: [500, 0, 4010000, 0, -500, 3020000], shape: [170, 130] });
    const mosaic = await reproject(new Reprojector(halves, { errorThreshold: 0 }), spec, 'mosaic-3035.tif');
    const whole = await reproject(new Reprojector(sample('elev.tif'), { errorThreshold: 0 }), spec, 'whole-3035.tif');
    expectSameBands(mosaic.raster, whole.raster);
    expect(count(whole.raster.bands[0]!, -32768)).toBeLessThan(170 * 130 * 0.7);
  });

  for (const sources of [['elev_vinschgau.tif'], ['west', 'east']] as const) {
    it.skipIf(!HAS_GDALWARP)(`completes a CRS-only spec from ${sources.join(' + ')} with the grid native gdalwarp -t_srs picks${NATIVE}`, async () => {
      let paths: string[];
      if (sources.length === 1) {
        paths = [sample(sources[0])];
      } else {
        paths = sources.map((side) => scratch.path(`complete-${side}.tif`));
        run('gdal_translate', ['-q', '-srcwin', '0', '0', '60', '194', sample('elev_vinschgau.tif'), paths[0]!]);
        run('gdal_translate', ['-q', '-srcwin', '60', '0', '192', '194', sample('elev_vinschgau.tif'), paths[1]!]);
      }
      const processor = new Reprojector(paths);
      const spec = await processor.completeSpec(new SpatialSpec({ crs: 'EPSG:3035' }), { engine, resolveInput });
      const native = await nativeWarp(paths, `native-complete-${sources.length}.tif`, ['-t_srs', 'EPSG:3035']);
      expect(spec.crs).toBe('EPSG:3035');
      expect([spec.height, spec.width]).toEqual([native.height, native.width]);
      // PROJ differs between the two GDALs: the footprint may move in the last digits.
      spec.geoTransform!.forEach((value, index) => expect(value).toBeCloseTo(native.geoTransform[index]!, 6));
      const { raster } = await reproject(processor, spec, `completed-${sources.length}.tif`);
      const { maxDiff, nanMismatches } = differences(raster.bands[0]!, native.bands[0]!.map((v) => (v < -1e38 ? NaN : v)));
      expect({ maxDiff, nanMismatches }).toEqual({ maxDiff: 0, nanMismatches: 0 });
    });
  }

  it('writes a 1-bit GeoTIFF for dstDtype bool: 1 where the source has data, 0 where it has none', async () => {
    const { outputPath, raster } = await reproject(new Reprojector(sample('elev.tif'), { dstDtype: 'bool' }), ELEV_GRID, 'bool.tif');
    const info = await engine.info(outputPath);
    expect(info.bands[0]!.type).toBe('Byte');
    expect((info.bands[0] as { metadata?: Record<string, Record<string, string>> }).metadata?.IMAGE_STRUCTURE).toEqual({ NBITS: '1' });
    expect(info.bands[0]!.noDataValue).toBeUndefined();
    const elev = (await readBands(sample('elev.tif'))).bands[0]!;
    expect(Array.from(raster.bands[0]!)).toEqual(Array.from(elev, (value) => (value === -32768 ? 0 : 1)));
  });

  it('writes dstNodata where the source has none and records it', async () => {
    const { raster } = await reproject(new Reprojector(sample('elev.tif'), { dstDtype: 'int32', dstNodata: -9999 }), ELEV_GRID, 'nodata.tif');
    const elev = (await readBands(sample('elev.tif'))).bands[0]!;
    expect(raster.noData).toBe(-9999);
    expect(Array.from(raster.bands[0]!)).toEqual(Array.from(elev, (value) => (value === -32768 ? -9999 : value)));
  });

  it('treats the srcNodata value as missing on the source\'s own grid: those pixels become dstNodata, the old nodata becomes data', async () => {
    // 319 m is elev.tif's most frequent elevation (42 pixels); -32768, its own nodata, is overridden.
    const { raster } = await reproject(new Reprojector(sample('elev.tif'), { srcNodata: 319, dstNodata: -9999 }), ELEV_GRID, 'src-nodata-own-grid.tif');
    const elev = (await readBands(sample('elev.tif'))).bands[0]!;
    expect(raster.noData).toBe(-9999);
    expect(count(elev, 319)).toBe(42);
    expect(Array.from(raster.bands[0]!)).toEqual(Array.from(elev, (value) => (value === 319 ? -9999 : value)));
  });

  it.skipIf(!HAS_GDALWARP)(`reprojects with srcNodata (nearest) exactly like native gdalwarp -srcnodata, which also makes it the output nodata${NATIVE}`, async () => {
    const spec = SMALL_3035.with({ transform: [500, 0, 4010000, 0, -500, 3020000], shape: [170, 130] });
    const { raster } = await reproject(new Reprojector(sample('elev.tif'), { srcNodata: 319 }), spec, 'src-nodata-3035.tif');
    const native = await nativeWarp([sample('elev.tif')], 'native-src-nodata-3035.tif', [...nativeGrid(spec), '-r', 'near', '-srcnodata', '319']);
    expect(native.noData).toBe(319);
    expect(raster.noData).toBe(319);
    expectSameBands(raster, native);
    // Against the same warp without srcNodata, pixel for pixel: nearest picks the same source
    // pixels, so only the pixels no source pixel covers differ (nodata -32768 there, 319 here).
    // The source's -32768 pixels are data now and stay -32768; its 319 pixels stay 319, as nodata.
    const plain = (await reproject(new Reprojector(sample('elev.tif')), spec, 'no-src-nodata-3035.tif')).raster.bands[0]!;
    const changes = new Set<string>();
    raster.bands[0]!.forEach((value, index) => {
      if (value !== plain[index]) changes.add(`${plain[index]} -> ${value}`);
    });
    expect([...changes]).toEqual(['-32768 -> 319']);
    expect(count(raster.bands[0]!, -32768)).toBeGreaterThan(1000);
    expect(count(plain, 319)).toBeGreaterThan(0);
  });

  it('defaults to NaN nodata for a float output of an integer source', async () => {
    const { raster } = await reproject(new Reprojector(sample('elev.tif'), { dstDtype: 'float32' }), ELEV_GRID, 'float.tif');
    const elev = (await readBands(sample('elev.tif'))).bands[0]!;
    expect(Number.isNaN(raster.noData)).toBe(true);
    expect(differences(raster.bands[0]!, elev.map((value) => (value === -32768 ? NaN : value)))).toMatchObject({ maxDiff: 0, nanMismatches: 0 });
  });

  it("refuses an integer output type that cannot hold the source's nodata, before writing anything", async () => {
    const outputPath = scratch.path('uint8.tif');
    await expect(new Reprojector(sample('elev.tif'), { dstDtype: 'uint8' }).run({ spec: ELEV_GRID, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError(`Reprojector: the nodata value -32768 of ${sample('elev.tif')} cannot be stored as uint8; give dstNodata (a value uint8 holds, or null for none)`),
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('names srcNodata, not the file, when the srcNodata it was given cannot be stored in the output type', async () => {
    const outputPath = scratch.path('src-nodata-nan.tif');
    await expect(new Reprojector(sample('elev.tif'), { srcNodata: NaN }).run({ spec: ELEV_GRID, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Reprojector: srcNodata NaN cannot be stored as int16; give dstNodata (a value int16 holds, or null for none)'),
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('sets one scale and offset for every band, or one per band', async () => {
    const spec = SMALL_3035.with({ transform: [3000, 0, -2860000, 0, -3000, 5160000], shape: [125, 82] });
    const scalar = await reproject(new Reprojector(sample('RGB.byte.tif'), { scales: 0.5, offsets: -1 }), spec, 'scale-scalar.tif');
    const perBand = await reproject(new Reprojector(sample('RGB.byte.tif'), { scales: [1, 2, 3], offsets: [0, -1, -2.5] }), spec, 'scale-bands.tif');
    const infoScalar = await engine.info(scalar.outputPath);
    const infoBands = await engine.info(perBand.outputPath);
    expect(infoScalar.bands.map((band) => [band.scale, band.offset])).toEqual([[0.5, -1], [0.5, -1], [0.5, -1]]);
    expect(infoBands.bands.map((band) => [band.scale ?? 1, band.offset ?? 0])).toEqual([[1, 0], [2, -1], [3, -2.5]]);
    expect(perBand.raster.bands).toEqual(scalar.raster.bands);
  });

  it('refuses a per-band scale list of the wrong length, naming the band count', async () => {
    await expect(
      new Reprojector(sample('RGB.byte.tif'), { scales: [1, 2] }).run({ spec: SMALL_3035, outputPath: scratch.path('bad-scales.tif'), engine, resolveInput }),
    ).rejects.toThrow(new InvalidInputError('Reprojector scales has 2 values but the output has 3 band(s); give one value per band, or a single number for all'));
    expect(() => new Reprojector(sample('RGB.byte.tif'), { bands: [1], offsets: [1, 2] })).toThrow(
      new InvalidInputError('Reprojector offsets has 2 values but the output has 1 band(s); give one value per band, or a single number for all'),
    );
  });

  it('writes the compression, predictor, tiling and block size it is given into the GeoTIFF, leaving the values unchanged', async () => {
    const elev = await readBands(sample('elev.tif'));
    const tiled = await reproject(new Reprojector(sample('elev.tif'), { compress: 'LZW', predictor: 2, tiled: true, blockSize: 32 }), ELEV_GRID, 'lzw-tiled-32.tif');
    const tiledInfo = await engine.info(tiled.outputPath);
    expect(tiledInfo.metadata?.IMAGE_STRUCTURE).toMatchObject({ COMPRESSION: 'LZW', PREDICTOR: '2' });
    expect(tiledInfo.bands[0]!.block).toEqual([32, 32]);
    expectSameBands(tiled.raster, elev);

    // tiled: false writes strips where a 512x512 output is tiled (256x256) by default.
    const stripGrid = SMALL_3035.with({ transform: [100, 0, 4010000, 0, -100, 3020000], shape: [512, 512] });
    const strips = await reproject(new Reprojector(sample('elev.tif'), { compress: 'DEFLATE', tiled: false }), stripGrid, 'deflate-strips.tif');
    const stripInfo = await engine.info(strips.outputPath);
    expect(stripInfo.metadata?.IMAGE_STRUCTURE).toMatchObject({ COMPRESSION: 'DEFLATE' });
    expect(stripInfo.metadata?.IMAGE_STRUCTURE?.PREDICTOR).toBeUndefined();
    // GDAL's strips span the full width, about 8 KB each: 8 rows of 512 Int16.
    expect(stripInfo.bands[0]!.block).toEqual([512, 8]);
    const defaults = await reproject(new Reprojector(sample('elev.tif')), stripGrid, 'default-layout-512.tif');
    expect((await engine.info(defaults.outputPath)).bands[0]!.block).toEqual([256, 256]);
    expectSameBands(strips.raster, defaults.raster);

    const none = await reproject(new Reprojector(sample('elev.tif'), { compress: 'NONE' }), ELEV_GRID, 'uncompressed.tif');
    expect((await engine.info(none.outputPath)).metadata?.IMAGE_STRUCTURE?.COMPRESSION).toBeUndefined();
    expectSameBands(none.raster, elev);
  });

  it('writes a Cloud-Optimized GeoTIFF with cog: true', async () => {
    const { outputPath } = await reproject(new Reprojector(sample('elev_vinschgau.tif'), { cog: true, resampling: 'bilinear' }), GRIDS[1]!.spec, 'cog.tif');
    const info = await engine.info(outputPath);
    expect(info.metadata?.IMAGE_STRUCTURE).toMatchObject({ LAYOUT: 'COG', COMPRESSION: 'DEFLATE' });
  });

  it('refuses an unknown resampling method, listing the known ones', () => {
    expect(() => new Reprojector(sample('elev.tif'), { resampling: 'nearest-neighbour' as Resampling })).toThrow(
      new InvalidInputError(`Reprojector resampling "nearest-neighbour" is not a resampling method; use one of ${RESAMPLING_METHODS.join(', ')}`),
    );
  });

  it('refuses a band that the source does not have, naming the file and its band count, before writing anything', async () => {
    const outputPath = scratch.path('band-4.tif');
    await expect(new Reprojector(sample('RGB.byte.tif'), { bands: [4] }).run({ spec: SMALL_3035, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError(`Reprojector: band 4 does not exist in ${sample('RGB.byte.tif')}, which has 3 bands (1..3); choose bands among them`),
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses a missing source with a FileError and an unreadable one with a GdalError, both naming the file', async () => {
    const missing = sample('no-such-file.tif');
    const outputPath = scratch.path('unreadable.tif');
    const notFound = await new Reprojector(missing).run({ spec: SMALL_3035, outputPath, engine, resolveInput }).catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(FileError);
    expect((notFound as FileError).path).toBe(missing);
    expect((notFound as Error).message).toBe(`Reprojector source ${missing}: cannot open ${missing} for info: no such file`);
    const corrupt = await new Reprojector(sample('corrupt.tif')).run({ spec: SMALL_3035, outputPath, engine, resolveInput }).catch((caught: unknown) => caught);
    expect(corrupt).toBeInstanceOf(GdalError);
    expect((corrupt as Error).message).toContain(`Reprojector source ${sample('corrupt.tif')}: cannot open ${sample('corrupt.tif')}`);
    expect((corrupt as Error).message).toContain('JPEG');
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses a rotated target spec and a CRS-only spec in run, before writing anything', async () => {
    const outputPath = scratch.path('rotated-target.tif');
    const rotated = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 2, 0, 2, -10, 0], shape: [10, 10] });
    await expect(new Reprojector(sample('elev.tif')).run({ spec: rotated, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError(`Reprojector cannot produce the rotated grid of ${rotated}: GDAL writes north-up grids only; use a transform without rotation terms (b = d = 0)`),
    );
    const partial = new SpatialSpec({ crs: 'EPSG:3035' });
    await expect(new Reprojector(sample('elev.tif')).run({ spec: partial, outputPath, engine, resolveInput })).rejects.toThrow(InvalidInputError);
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses unknown options and bad option values when constructed', () => {
    expect(() => new Reprojector(sample('elev.tif'), { resample: 'bilinear' } as never)).toThrow(/Reprojector got unknown option\(s\) resample; it takes bands, srcCrs/);
    expect(() => new Reprojector(sample('elev.tif'), { bands: [0] })).toThrow(InvalidInputError);
    expect(() => new Reprojector(sample('elev.tif'), { dstDtype: 'bool', dstNodata: 2 })).toThrow(
      new InvalidInputError('Reprojector dstNodata 2 cannot be stored as bool; choose a value the type holds, or null for no nodata'),
    );
    expect(() => new Reprojector([])).toThrow(InvalidInputError);
    expect(() => new Reprojector(sample('elev.tif'), { srcCrs: 'not a crs' })).toThrow(CrsError);
  });

  it('refuses write options of the wrong kind when constructed (a JavaScript cog: "false" wrote a COG, predictor 5 failed in GDAL after the work)', () => {
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ cog: 'false' }, 'cog must be true or false, got "false"'],
      [{ tiled: 1 }, 'tiled must be true or false, got 1'],
      [{ predictor: 5 }, 'predictor must be 1 (none), 2 (horizontal differencing, for integers) or 3 (floating point), got 5'],
      [{ creationOptions: 'COMPRESS=LZW' }, `creationOptions must be a list of KEY=VALUE strings, such as ['ZLEVEL=9'], got "COMPRESS=LZW"`],
      [{ creationOptions: [42] }, `creationOptions must be a list of KEY=VALUE strings, such as ['ZLEVEL=9'], got [42]`],
    ];
    for (const [options, message] of refusals) expect(() => new Reprojector(sample('elev.tif'), options as never)).toThrow(new InvalidInputError(message));
  });

  it('describes its inputs and JSON-able settings, with NaN nodata as a string', () => {
    const processor = new Reprojector([sample('elev.tif'), sample('elev.tif')], { resampling: 'bilinear', dstNodata: NaN, bands: [1], scales: 2, compress: 'LZW' });
    expect(processor.inputs()).toEqual([sample('elev.tif'), sample('elev.tif')]);
    expect(processor.optionalInputs()).toEqual([sample('elev.tif.aux.xml'), sample('elev.tif.aux.xml')]);
    const bytes = new Uint8Array(8);
    expect(new Reprojector(['https://example.org/dem.tif', bytes, new URL('file:///data/dem.tif')]).optionalInputs()).toEqual([new URL('file:///data/dem.tif.aux.xml')]);
    expect(processor.settings()).toEqual({ resampling: 'bilinear', bands: [1], dstNodata: 'NaN', scales: 2, compress: 'LZW' });
    expect(new Reprojector(sample('elev.tif'), { errorThreshold: 0, cog: true }).settings()).toEqual({ resampling: 'nearest', errorThreshold: 0, cog: true });
    expect(JSON.parse(JSON.stringify(processor.settings()))).toEqual(processor.settings());
    expect(new Reprojector(sample('elev.tif')).settings()).toEqual({ resampling: 'nearest' });
    expect(processor.ext).toBe('tif');
  });
});
