import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { withConfig } from '../../src/config.js';
import { FileError, InvalidInputError } from '../../src/errors.js';
import { colorTableText, type ReliefColor } from '../../src/terrain/color-table.js';
import { centreLatitude, degreeScale, demScale, metresPerDegreeAxes } from '../../src/terrain/dem-scale.js';
import { aspect, colorRelief, hillshade, roughness, slope, tpi, tri } from '../../src/terrain/gdaldem.js';
import { createNodeEngine } from '../../wasm/node.js';
import { differences, HAS_DATA, hasCommand, NO_DATA_REASON, readBands, run, sample, useScratchFolder } from '../processors/helpers.js';

const HAS_GDALDEM = hasCommand('gdaldem');
const NATIVE = HAS_GDALDEM ? '' : ' (skipped: native gdaldem is not installed)';

/**
 * Tolerance against native gdaldem: 1e-4 (degrees of slope or aspect, metres of TRI/TPI/roughness,
 * hillshade levels). The algorithms are the same code in GDAL 3.8.4 (WebAssembly) and 3.6.2
 * (native) in the same floating-point precision; a wrong scale, algorithm or option would differ
 * by far more. Colour relief and hillshade are bytes: compared exactly within this tolerance.
 */
const TOLERANCE = 1e-4;

const COLORS: ReliefColor[] = [
  [141, 0, 97, 71],
  [300, 232, 215, 125],
  [450, 161, 67, 0],
  ['100%', 255, 255, 255],
  ['nv', 0, 0, 0, 0],
];

type Run = (input: string, output: string, options: Record<string, unknown>) => Promise<void>;

/** Each function, the gdaldem mode it runs, and whether it takes -s. */
const FUNCTIONS: Array<{ name: string; mode: string; fn: Run; scaled: boolean }> = [
  { name: 'slope', mode: 'slope', fn: slope, scaled: true },
  { name: 'hillshade', mode: 'hillshade', fn: hillshade, scaled: true },
  { name: 'aspect', mode: 'aspect', fn: aspect, scaled: false },
  { name: 'roughness', mode: 'roughness', fn: roughness, scaled: false },
  { name: 'tpi', mode: 'TPI', fn: tpi, scaled: false },
  { name: 'tri', mode: 'TRI', fn: tri, scaled: false },
  { name: 'colorRelief', mode: 'color-relief', fn: (input, output, options) => colorRelief(input, output, COLORS, options), scaled: false },
];

describe.skipIf(!HAS_DATA)(`terrain functions${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('terrain');
  afterAll(async () => {
    await engine.close();
  });

  /** Runs ours and native gdaldem with the same options; asserts equal grids, nodata and values. */
  async function compareWithNative(fn: Run, mode: string, input: string, name: string, options: Record<string, unknown>, nativeArgs: string[]) {
    const ours = scratch.path(`${name}.tif`);
    const native = scratch.path(`native-${name}.tif`);
    await fn(input, ours, { engine, ...options });
    const colorFile = scratch.path(`${name}-colors.txt`);
    if (mode === 'color-relief') writeFileSync(colorFile, colorTableText(COLORS, 'test'));
    run('gdaldem', [mode, '-q', input, ...(mode === 'color-relief' ? [colorFile] : []), native, ...nativeArgs]);
    const [a, b] = await Promise.all([readBands(ours), readBands(native)]);
    expect([a.width, a.height, a.bands.length]).toEqual([b.width, b.height, b.bands.length]);
    expect(a.geoTransform).toEqual(b.geoTransform);
    expect(a.noData).toBe(b.noData);
    a.bands.forEach((band, index) => {
      const { maxDiff, nanMismatches, compared } = differences(band, b.bands[index]!);
      expect({ band: index + 1, nanMismatches, withinTolerance: maxDiff <= TOLERANCE }).toEqual({ band: index + 1, nanMismatches: 0, withinTolerance: true });
      expect(compared).toBe(a.width * a.height);
    });
    return a;
  }

  for (const dem of ['elev.tif', 'elev_vinschgau.tif']) {
    for (const { name, mode, fn, scaled } of FUNCTIONS) {
      it.skipIf(!HAS_GDALDEM)(`computes ${name} of ${dem} like native gdaldem ${mode}${scaled ? ' with the same scale' : ''}${NATIVE}`, async () => {
        const input = sample(dem);
        const scale = await demScale(input, { engine });
        const result = await compareWithNative(fn, mode, input, `${name}-${dem}`, {}, scaled && scale !== 1 ? ['-s', String(scale)] : []);
        const valid = Array.from(result.bands[0]!).filter((value) => value !== result.noData && !Number.isNaN(value));
        expect(new Set(valid).size).toBeGreaterThan(20);
      });
    }
  }

  it('derives the scale of geographic elev.tif from its centre latitude, and 1 for UTM elev_vinschgau.tif', async () => {
    const info = await engine.info(sample('elev.tif'));
    const latitude = centreLatitude(info);
    expect(latitude).toBeCloseTo((50.19166666666666 + 49.44166666666666) / 2, 10);
    const scale = await demScale(sample('elev.tif'), { engine });
    expect(scale).toBe(degreeScale(latitude));
    const { x, y } = metresPerDegreeAxes(latitude);
    expect(scale).toBe(Math.sqrt(x * y));
    // 1° of longitude at 49.8° N is about 71.97 km, 1° of latitude about 111.23 km.
    expect(x).toBeCloseTo(71968, 0);
    expect(y).toBeCloseTo(111225, 0);
    expect(await demScale(sample('elev_vinschgau.tif'), { engine })).toBe(1);
  });

  it.skipIf(!HAS_GDALDEM)(`slopes of geographic elev.tif come out steeper with the automatic scale than with GDAL's 111120${NATIVE}`, async () => {
    const automatic = await compareWithNative(slope, 'slope', sample('elev.tif'), 'slope-auto', {}, ['-s', String(await demScale(sample('elev.tif'), { engine }))]);
    const fixed = await compareWithNative(slope, 'slope', sample('elev.tif'), 'slope-111120', { scale: 111120 }, ['-s', '111120']);
    const mean = (values: Float64Array) => {
      const valid = Array.from(values).filter((value) => value !== -9999);
      return valid.reduce((sum, value) => sum + value, 0) / valid.length;
    };
    expect(mean(automatic.bands[0]!) / mean(fixed.bands[0]!)).toBeGreaterThan(1.1);
    expect(mean(automatic.bands[0]!) / mean(fixed.bands[0]!)).toBeLessThan(1.4);
  });

  it('derives the scale from a CRS in feet and from elevations in feet', async () => {
    const feetCrs = scratch.path('feet-crs.vrt');
    await engine.translate(sample('elev_vinschgau.tif'), feetCrs, ['-of', 'VRT', '-a_srs', 'EPSG:2263']);
    const ftUS = 1200 / 3937;
    expect((await engine.crsInfo('EPSG:2263')).linearUnitMetres).toBeCloseTo(ftUS, 12);
    expect(await demScale(feetCrs, { engine })).toBeCloseTo(ftUS, 12);

    const withUnit = async (file: string, unit: string) => {
      const out = scratch.path(`unit-${unit}-${file.endsWith('feet-crs.vrt') ? 'ft' : 'm'}.vrt`);
      const xml = new TextDecoder().decode(await engine.fs.readFile(file));
      await engine.fs.writeFile(out, new TextEncoder().encode(xml.replace(/(<VRTRasterBand\b[^>]*>)/, `$1\n    <UnitType>${unit}</UnitType>`)));
      return out;
    };
    const metreCrs = scratch.path('metre-crs.vrt');
    await engine.translate(sample('elev_vinschgau.tif'), metreCrs, ['-of', 'VRT']);
    expect(await demScale(await withUnit(metreCrs, 'ft'), { engine })).toBeCloseTo(1 / 0.3048, 12);
    expect(await demScale(await withUnit(feetCrs, 'US survey foot'), { engine })).toBeCloseTo(1, 12);
    await expect(demScale(await withUnit(metreCrs, 'furlong'), { engine })).rejects.toThrow(InvalidInputError);
    await expect(slope(await withUnit(metreCrs, 'furlong'), scratch.path('furlong.tif'), { engine })).rejects.toThrow(/unit "furlong", which geodata does not know; give scale/);
    await slope(await withUnit(metreCrs, 'furlong'), scratch.path('furlong.tif'), { engine, scale: 1 / 201.168 });
  });

  const OPTION_CASES: Array<{ label: string; fn: Run; mode: string; options: Record<string, unknown>; native: string[]; dem?: string }> = [
    { label: 'slope in percent, ZevenbergenThorne, edges computed', fn: slope, mode: 'slope', options: { slopeFormat: 'percent', algorithm: 'ZevenbergenThorne', computeEdges: true }, native: ['-p', '-alg', 'ZevenbergenThorne', '-compute_edges'] },
    { label: 'aspect trigonometric, zero for flat', fn: aspect, mode: 'aspect', options: { trigonometric: true, zeroForFlat: true }, native: ['-trigonometric', '-zero_for_flat'] },
    { label: 'hillshade multidirectional, z 2, altitude 30', fn: hillshade, mode: 'hillshade', options: { multidirectional: true, zFactor: 2, altitude: 30 }, native: ['-multidirectional', '-z', '2', '-alt', '30'] },
    { label: 'hillshade combined, azimuth 90', fn: hillshade, mode: 'hillshade', options: { combined: true, azimuth: 90 }, native: ['-combined', '-az', '90'] },
    { label: 'hillshade igor', fn: hillshade, mode: 'hillshade', options: { igor: true }, native: ['-igor'] },
    { label: 'tri Wilson', fn: tri, mode: 'TRI', options: { algorithm: 'Wilson' }, native: ['-alg', 'Wilson'] },
    { label: 'tpi with edges', fn: tpi, mode: 'TPI', options: { computeEdges: true }, native: ['-compute_edges'] },
    { label: 'colorRelief with alpha, nearest colour', fn: (i, o, options) => colorRelief(i, o, COLORS, options), mode: 'color-relief', options: { alpha: true, match: 'nearest' }, native: ['-alpha', '-nearest_color_entry'] },
    { label: 'colorRelief with exact colours', fn: (i, o, options) => colorRelief(i, o, COLORS, options), mode: 'color-relief', options: { match: 'exact' }, native: ['-exact_color_entry'] },
  ];
  for (const { label, fn, mode, options, native } of OPTION_CASES) {
    it.skipIf(!HAS_GDALDEM)(`passes options through: ${label}, like native gdaldem${NATIVE}`, async () => {
      await compareWithNative(fn, mode, sample('elev_vinschgau.tif'), `option-${label.replace(/\W+/g, '-')}`, options, native);
    });
  }

  it('writes a COG with cog: true, removes its colour file, and leaves nothing else next to the output', async () => {
    const out = scratch.path('relief-cog.tif');
    await colorRelief(sample('elev.tif'), out, COLORS, { engine, cog: true, alpha: true });
    const info = await engine.info(out);
    expect(info.metadata?.IMAGE_STRUCTURE).toMatchObject({ LAYOUT: 'COG', COMPRESSION: 'DEFLATE' });
    expect(info.bands.map((band) => band.colorInterpretation)).toEqual(['Red', 'Green', 'Blue', 'Alpha']);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(scratch.path()).filter((file) => file.startsWith('relief-cog'))).toEqual(['relief-cog.tif']);
  });

  it("uses the configured engine when none is given", async () => {
    const out = scratch.path('configured.tif');
    await withConfig({ engine }, () => hillshade(sample('elev_vinschgau.tif'), out));
    expect((await engine.info(out)).bands[0]!.type).toBe('Byte');
  });

  it('writes into a folder that does not exist yet, as raster.write does, with the default compression and with LZW', async () => {
    for (const compress of [undefined, 'LZW'] as const) {
      const out = scratch.path(`new-folder-${compress ?? 'default'}/nested/slope.tif`);
      await slope(sample('elev_vinschgau.tif'), out, { engine, ...(compress ? { compress } : {}) });
      expect((await engine.info(out)).bands[0]!.type).toBe('Float32');
    }
  });

  it('refuses an output that is its input DEM, which a compressed output would have replaced', async () => {
    const dem = scratch.path('own-output.tif');
    writeFileSync(dem, readFileSync(sample('elev_vinschgau.tif')));
    const before = readFileSync(dem);
    await expect(slope(dem, dem, { engine })).rejects.toThrow(new InvalidInputError(`slope: the output ${dem} is the input DEM; write to another file`));
    await expect(hillshade(dem, dem.replace(/own-output\.tif$/, './own-output.tif'), { engine })).rejects.toThrow(/is the input DEM/);
    expect(readFileSync(dem).equals(before)).toBe(true);
  });

  it('refuses a missing input with a FileError and a band the input lacks, naming it', async () => {
    const missing = sample('no-dem.tif');
    const error = await slope(missing, scratch.path('x.tif'), { engine }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toBe(`slope input ${missing}: cannot open ${missing} for info: no such file`);
    await expect(tri(sample('elev.tif'), scratch.path('x.tif'), { engine, band: 2 })).rejects.toThrow(
      new InvalidInputError(`tri: band 2 does not exist in ${sample('elev.tif')}, which has 1 band(s); choose one of 1..1`),
    );
  });

  it('refuses unknown options, bad values and conflicting hillshade styles', async () => {
    const out = scratch.path('bad.tif');
    await expect(slope(sample('elev.tif'), out, { engine, zFactor: 2 } as never)).rejects.toThrow(/^slope got unknown option\(s\) zFactor; it takes scale, slopeFormat, algorithm, band/);
    await expect(slope(sample('elev.tif'), out, { engine, slopeFormat: 'radians' as never })).rejects.toThrow(
      new InvalidInputError('slope slopeFormat "radians" is not one of "degree", "percent"'),
    );
    await expect(hillshade(sample('elev.tif'), out, { engine, multidirectional: true, combined: true })).rejects.toThrow(
      new InvalidInputError('hillshade: multidirectional and combined exclude each other; choose one'),
    );
    await expect(hillshade(sample('elev.tif'), out, { engine, multidirectional: true, azimuth: 90 })).rejects.toThrow(/leave azimuth out/);
    await expect(hillshade(sample('elev.tif'), out, { engine, scale: -1 })).rejects.toThrow(new InvalidInputError('hillshade scale must be a positive number, got -1'));
    await expect(aspect(sample('elev.tif'), out, { engine, algorithm: 'Wilson' as never })).rejects.toThrow(InvalidInputError);
    await expect(colorRelief(sample('elev.tif'), out, [[100, 300, 0, 0]], { engine })).rejects.toThrow(
      new InvalidInputError('colorRelief colors row 1 [100,300,0,0]: red, green, blue and alpha must be whole numbers from 0 to 255'),
    );
    await expect(colorRelief(sample('elev.tif'), out, [['low' as never, 0, 0, 0]], { engine })).rejects.toThrow(/'nv' \(nodata\) or a percentage/);
    await expect(colorRelief(sample('elev.tif'), out, [], { engine })).rejects.toThrow(InvalidInputError);
    // gdaldem color-relief takes -compute_edges and ignores it.
    await expect(colorRelief(sample('elev.tif'), out, COLORS, { engine, computeEdges: true } as never)).rejects.toThrow(
      new InvalidInputError('colorRelief computeEdges does not apply to colour relief, which colours every pixel from its own value, edges included; leave it out'),
    );
  });
});
