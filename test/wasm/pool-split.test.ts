import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemMode } from '../../wasm/engine.js';
import { onFileAccess, type FileAccess } from '../../wasm/file-access.js';
import { createPoolEngine } from '../../wasm/node.js';
import { exactRows, isSplitScratch, planWarpSplit, type SplitPlanner } from '../../wasm/pool-split.js';
import { readTiffLayout, TAG, tagNumber } from '../../src/formats/tiff-layout.js';
import { nodeDeflateCodec } from '../../src/node/deflate-node.js';
import { nodePlatform } from '../../src/node/platform-node.js';
import { compareValues, hasCommand, readTiffFile, run, useScratchFolder } from './fixtures.js';

const HAS_NATIVE = hasCommand('gdalwarp') && hasCommand('gdaldem');
const WIDTH = 700;
const HEIGHT = 600;

// Every output is split (splitPixels: 1, compressed and terrain too) over two workers, or never split.
const split = createPoolEngine({ workers: 2, splitPixels: 1, splitCompressed: true, splitTerrain: true });
const whole = createPoolEngine({ workers: 2, splitPixels: Infinity });
afterAll(() => Promise.all([split.close(), whole.close()]));

/** A rippled Float32 DEM on a 10 m UTM 32N grid, with a nodata hole, written as a GeoTIFF by the pool. */
async function writeDem(folder: (name: string) => string): Promise<string> {
  const values = new Float32Array(WIDTH * HEIGHT);
  for (let row = 0; row < HEIGHT; row += 1) {
    for (let col = 0; col < WIDTH; col += 1) {
      const hole = (row - 300) ** 2 + (col - 200) ** 2 < 400;
      values[row * WIDTH + col] = hole ? -9999 : 800 + 40 * Math.sin(col / 23) * Math.cos(row / 31) + 0.7 * col - 0.4 * row + ((col * 7 + row * 13) % 11) / 3;
    }
  }
  writeFileSync(folder('dem.raw'), values);
  writeFileSync(
    folder('dem.vrt'),
    `<VRTDataset rasterXSize="${WIDTH}" rasterYSize="${HEIGHT}"><SRS>EPSG:32632</SRS><GeoTransform>640000, 10, 0, 5180000, 0, -10</GeoTransform>
<VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><NoDataValue>-9999</NoDataValue><SourceFilename relativeToVRT="1">dem.raw</SourceFilename>
<ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${WIDTH * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
  );
  await whole.translate(folder('dem.vrt'), folder('dem.tif'), ['-co', 'TILED=YES']);
  return folder('dem.tif');
}

async function sameRasters(a: string, b: string): Promise<void> {
  const [first, second] = await Promise.all([readTiffFile(a), readTiffFile(b)]);
  expect([first.width, first.height, first.noData, first.geoTransform]).toEqual([second.width, second.height, second.noData, second.geoTransform]);
  // Mostly real values (not a comparison of two empty rasters), then pixel for pixel, NaN included.
  expect(first.values.filter((value) => !Number.isNaN(value) && value !== first.noData).length).toBeGreaterThan(first.values.length / 2);
  const differing = first.values.findIndex((value, index) => !Object.is(value, second.values[index]));
  expect(differing).toBe(-1);
}

describe('a large warp or terrain step split over the pool’s workers', () => {
  const scratch = useScratchFolder('pool-split');
  let dem = '';
  let written: Promise<string> | undefined;
  const ready = async () => {
    dem = await (written ??= writeDem((name) => scratch.path(name)));
  };

  // EPSG:3035 grid on whole 10 m: every row's coordinate is exact, so strips are exact too.
  const WARP_ARGS = ['-t_srs', 'EPSG:3035', '-te', '4385000', '2622000', '4391000', '2627000', '-tr', '10', '10', '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-9999', '-et', '0'];
  const CREATION = ['-of', 'GTiff', '-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256'];

  it('warps with -et 0 into the same pixels, georeferencing and metadata as the warp run whole, and leaves no scratch file', async () => {
    await ready();
    await split.warp([dem], scratch.path('warp-split.tif'), [...WARP_ARGS, ...CREATION]);
    await whole.warp([dem], scratch.path('warp-whole.tif'), [...WARP_ARGS, ...CREATION]);
    await sameRasters(scratch.path('warp-split.tif'), scratch.path('warp-whole.tif'));
    const [a, b] = await Promise.all([split.info(scratch.path('warp-split.tif')), whole.info(scratch.path('warp-whole.tif'))]);
    expect({ ...a, description: '', files: [] }).toEqual({ ...b, description: '', files: [] });
    expect(readdirSync(scratch.path()).filter(isSplitScratch)).toEqual([]);
  });

  it.skipIf(!HAS_NATIVE)('warps split like native gdalwarp with the same arguments', async () => {
    await ready();
    run('gdalwarp', ['-q', '-overwrite', dem, scratch.path('warp-native.tif'), ...WARP_ARGS, ...CREATION]);
    const [ours, native] = await Promise.all([readTiffFile(scratch.path('warp-split.tif')), readTiffFile(scratch.path('warp-native.tif'))]);
    const { maxDiff, validityMismatches, valid } = compareValues(ours, native);
    expect(validityMismatches).toBe(0);
    expect(valid).toBeGreaterThan(250_000);
    expect(maxDiff).toBeLessThanOrEqual(1e-3);
  });

  const DEM_CASES: Array<{ mode: DemMode; args: string[] }> = [
    { mode: 'slope', args: [] },
    { mode: 'slope', args: ['-compute_edges'] },
    { mode: 'hillshade', args: ['-z', '2'] },
    { mode: 'hillshade', args: ['-multidirectional', '-compute_edges'] },
    { mode: 'aspect', args: ['-compute_edges'] },
    { mode: 'TPI', args: [] },
    { mode: 'roughness', args: ['-compute_edges'] },
  ];
  for (const { mode, args } of DEM_CASES) {
    it(`computes ${mode} ${args.join(' ')} in row strips with a one-row halo, pixel for pixel the step run whole${HAS_NATIVE ? ', and like native gdaldem' : ''}`, async () => {
      await ready();
      const name = `${mode}${args.join('')}`;
      await split.dem(mode, dem, scratch.path(`${name}-split.tif`), [...args, ...CREATION]);
      await whole.dem(mode, dem, scratch.path(`${name}-whole.tif`), [...args, ...CREATION]);
      await sameRasters(scratch.path(`${name}-split.tif`), scratch.path(`${name}-whole.tif`));
      if (!HAS_NATIVE) return;
      run('gdaldem', [mode, '-q', dem, scratch.path(`${name}-native.tif`), ...args, ...CREATION]);
      const { maxDiff, validityMismatches } = compareValues(await readTiffFile(scratch.path(`${name}-split.tif`)), await readTiffFile(scratch.path(`${name}-native.tif`)));
      expect(validityMismatches).toBe(0);
      // Hillshade is a Byte: GDAL 3.8 (ours) and the native 3.6 round some pixels apart by one,
      // split or whole alike (the whole step's output is the split's, checked above).
      expect(maxDiff).toBeLessThanOrEqual(mode === 'hillshade' ? 1 : 1e-4);
    });
  }

  it('computes terrain on the tile rows of an uncompressed tiled output and lays the strips’ tiles together: the step run whole’s pixels and metadata, DEFLATEd when handed the DEFLATE', async () => {
    await ready();
    const tiled = ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=128'];
    const deflate = { compression: { level: 1, predictor: 'auto' as const }, codec: nodeDeflateCodec, openFile: (file: string, mode: 'w') => nodePlatform.workspace().openFile!(file, mode) };
    for (const { mode, args } of [DEM_CASES[1]!, DEM_CASES[3]!, DEM_CASES[5]!]) {
      const name = `tiles-${mode}${args.join('')}`;
      await split.dem(mode, dem, scratch.path(`${name}-split.tif`), [...args, ...tiled]);
      await whole.dem(mode, dem, scratch.path(`${name}-whole.tif`), [...args, ...tiled]);
      await sameRasters(scratch.path(`${name}-split.tif`), scratch.path(`${name}-whole.tif`));
      // Read one after the other on one pool: GDAL's WKT of a file depends on the CRSs its thread met before.
      const a = await whole.info(scratch.path(`${name}-split.tif`));
      const b = await whole.info(scratch.path(`${name}-whole.tif`));
      expect({ ...a, description: '', files: [] }).toEqual({ ...b, description: '', files: [] });
      const fractions: number[] = [];
      await split.dem(mode, dem, scratch.path(`${name}-deflate.tif`), [...args, ...tiled], { deflate, onProgress: (fraction) => fractions.push(fraction) });
      await sameRasters(scratch.path(`${name}-deflate.tif`), scratch.path(`${name}-whole.tif`));
      expect(fractions.at(-1)).toBe(1);
      expect(fractions.every((fraction, index) => index === 0 || fraction >= fractions[index - 1]!)).toBe(true);
      const bytes = readFileSync(scratch.path(`${name}-deflate.tif`));
      const layout = await readTiffLayout(async (offset, length) => new Uint8Array(bytes.buffer, bytes.byteOffset + offset, Math.min(length, bytes.length - offset)), name);
      expect([tagNumber(layout.ifds[0]!, TAG.compression, true, 1), tagNumber(layout.ifds[0]!, TAG.tileWidth, true, 0)]).toEqual([8, 128]);
    }
    // A world file belongs beside the output, not beside each strip: such an output is written from a VRT.
    await split.dem('slope', dem, scratch.path('tiles-tfw.tif'), [...tiled, '-co', 'TFW=YES']);
    expect(readdirSync(scratch.path()).filter((name) => name.endsWith('.tfw'))).toEqual(['tiles-tfw.tfw']);
    expect(readdirSync(scratch.path()).filter(isSplitScratch)).toEqual([]);
  });

  it('reports the source as read, and none of its own scratch files', async () => {
    await ready();
    const seen: FileAccess[] = [];
    const stop = onFileAccess((access) => seen.push(access));
    try {
      await split.dem('slope', dem, scratch.path('recorded.tif'), []);
    } finally {
      stop();
    }
    const read = seen.flatMap((access) => access.read);
    expect(read).toContain(dem);
    expect([...read, ...seen.flatMap((access) => access.absent)].filter(isSplitScratch)).toEqual([]);
  });

  const planner: SplitPlanner = { operations: whole, workers: () => 2, splitPixels: 1, splitCompressed: true, splitTerrain: true, fs: whole.fs };
  const withResampling = (method: string) => [...WARP_ARGS.filter((arg, index) => arg !== 'bilinear' && WARP_ARGS[index - 1] !== '-r' && arg !== '-r'), '-r', method];

  it('cuts a nearest-neighbour warp into up to four strips per worker, pixel for pixel the warp run whole', async () => {
    await ready();
    const plan = await planWarpSplit(planner, [dem], scratch.path('near-split.tif'), withResampling('near'));
    // Eight strips would be thinner than 64 rows: seven.
    expect(plan?.windows.map((window) => [window.y, window.y + window.height])).toEqual([[0, 72], [72, 144], [144, 216], [216, 288], [288, 360], [360, 432], [432, 500]]);
    expect(plan?.windows.every((window) => window.x === 0 && window.width === 600)).toBe(true);
    await split.warp([dem], scratch.path('near-split.tif'), [...withResampling('near'), ...CREATION]);
    await whole.warp([dem], scratch.path('near-whole.tif'), [...withResampling('near'), ...CREATION]);
    await sameRasters(scratch.path('near-split.tif'), scratch.path('near-whole.tif'));
  });

  it('cuts a bilinear warp only into strips thick enough for GDAL to keep its four-sample kernel', async () => {
    await ready();
    // 63-row strips of this rotated grid span ~70 source rows: a scale under 0.95 widens the kernel.
    const plan = await planWarpSplit(planner, [dem], scratch.path('bilinear.tif'), WARP_ARGS);
    expect(plan?.windows.map((window) => [window.y, window.y + window.height])).toEqual([[0, 250], [250, 500]]);
    // What the thin strip would give: other pixels than the same rows of the whole warp.
    const thin = [...WARP_ARGS.filter((arg, index) => arg !== '-te' && WARP_ARGS[index - 1] !== '-te' && WARP_ARGS[index - 2] !== '-te' && WARP_ARGS[index - 3] !== '-te' && WARP_ARGS[index - 4] !== '-te'), '-te', '4385000', '2626370', '4391000', '2627000'];
    await whole.warp([dem], scratch.path('thin.tif'), thin);
    await whole.warp([dem], scratch.path('bilinear-whole.tif'), WARP_ARGS);
    const [strip, all] = await Promise.all([readTiffFile(scratch.path('thin.tif')), readTiffFile(scratch.path('bilinear-whole.tif'))]);
    expect(strip.height).toBe(63);
    expect(strip.values.some((value, index) => !Object.is(value, all.values[index]))).toBe(true);
  });

  it('runs warps whose kernel widens with the window (lanczos, average) whole', async () => {
    await ready();
    for (const method of ['lanczos', 'cubicspline', 'average']) {
      expect(await planWarpSplit(planner, [dem], scratch.path(`${method}.tif`), withResampling(method))).toBeUndefined();
    }
  });

  // gdalwarp's default approximate transformer: 128-pixel tiles and a 0.2 MB warp memory make
  // GDAL cut this small output into chunks, as it cuts a large one at the default 64 MB.
  const APPROXIMATE = [...WARP_ARGS.slice(0, -2), '-wm', '0.2', '-wo', 'OPTIMIZE_SIZE=YES'];
  const TILES_128 = ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=128'];
  // Cubic in place of bilinear (an option given twice runs whole: gdalwarp keeps the last).
  const APPROXIMATE_CUBIC = APPROXIMATE.map((arg, index) => (APPROXIMATE[index - 1] === '-r' ? 'cubic' : arg));

  it('cuts a warp with the approximate transformer along the chunks GDAL is certain to cut, on the tile grid', async () => {
    await ready();
    const plan = await planWarpSplit(planner, [dem], scratch.path('approx.tif'), [...APPROXIMATE, ...TILES_128]);
    // 600x500 cut across at 256 (half of 600, down to whole tiles), each half down at 128 (half of
    // 500 down to whole tiles) and again at 256; halves under a tile high are left to GDAL.
    expect(plan?.windows).toEqual([
      { x: 0, y: 0, width: 256, height: 128 },
      { x: 256, y: 0, width: 344, height: 128 },
      { x: 0, y: 128, width: 256, height: 128 },
      { x: 256, y: 128, width: 344, height: 128 },
      { x: 0, y: 256, width: 256, height: 244 },
      { x: 256, y: 256, width: 344, height: 244 },
    ]);
    expect(plan?.onTileGrid).toBe(true);
    // A creation option given twice is read as GDAL's drivers read it: the first (128-pixel tiles).
    const twice = await planWarpSplit(planner, [dem], scratch.path('approx.tif'), [...APPROXIMATE, ...TILES_128, '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256']);
    expect(twice?.windows).toEqual(plan?.windows);
  });

  it('warps with the approximate transformer into the same pixels, georeferencing and metadata as the warp run whole, and leaves no scratch file', async () => {
    await ready();
    const args = [...APPROXIMATE_CUBIC, '-of', 'GTiff', ...TILES_128];
    expect((await planWarpSplit(planner, [dem], scratch.path('approx-split.tif'), args))?.windows).toHaveLength(6);
    await split.warp([dem], scratch.path('approx-split.tif'), args);
    await whole.warp([dem], scratch.path('approx-whole.tif'), args);
    await sameRasters(scratch.path('approx-split.tif'), scratch.path('approx-whole.tif'));
    const [a, b] = await Promise.all([split.info(scratch.path('approx-split.tif')), whole.info(scratch.path('approx-whole.tif'))]);
    expect({ ...a, description: '', files: [] }).toEqual({ ...b, description: '', files: [] });
    expect(readdirSync(scratch.path()).filter(isSplitScratch)).toEqual([]);
  });

  it('compresses the tiles as it lays them together when the caller hands it the DEFLATE: a DEFLATE GeoTIFF with the whole warp’s pixels', async () => {
    await ready();
    const args = [...APPROXIMATE_CUBIC, '-of', 'GTiff', ...TILES_128];
    const deflate = { compression: { level: 1, predictor: 'auto' as const }, codec: nodeDeflateCodec, openFile: (file: string, mode: 'w') => nodePlatform.workspace().openFile!(file, mode) };
    const fractions: number[] = [];
    await split.warp([dem], scratch.path('approx-deflate.tif'), args, { deflate, onProgress: (fraction) => fractions.push(fraction) });
    await sameRasters(scratch.path('approx-deflate.tif'), scratch.path('approx-whole.tif'));
    // The windows' warps fill the first 60%, the compression the rest, never going back.
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((fraction, index) => index === 0 || fraction >= fractions[index - 1]!)).toBe(true);
    expect(fractions.filter((fraction) => fraction > 0.6 && fraction < 1).length).toBeGreaterThan(0);
    const bytes = readFileSync(scratch.path('approx-deflate.tif'));
    const layout = await readTiffLayout(async (offset, length) => new Uint8Array(bytes.buffer, bytes.byteOffset + offset, Math.min(length, bytes.length - offset)), 'approx-deflate.tif');
    const ifd = layout.ifds[0]!;
    expect([tagNumber(ifd, TAG.compression, true, 1), tagNumber(ifd, TAG.predictor, true, 1), tagNumber(ifd, TAG.tileWidth, true, 0)]).toEqual([8, 3, 128]);
    // A warp the pool runs whole leaves the DEFLATE to its caller: GDAL writes what it was asked.
    await whole.warp([dem], scratch.path('approx-whole-deflate.tif'), args, { deflate });
    const wholeBytes = readFileSync(scratch.path('approx-whole-deflate.tif'));
    const wholeLayout = await readTiffLayout(async (offset, length) => new Uint8Array(wholeBytes.buffer, wholeBytes.byteOffset + offset, Math.min(length, wholeBytes.length - offset)), 'whole');
    expect(tagNumber(wholeLayout.ifds[0]!, TAG.compression, true, 1)).toBe(1);
  });

  it('would give other pixels cut anywhere else: columns 0-300 warped on their own differ from the whole warp’s', async () => {
    await ready();
    const args = [...APPROXIMATE_CUBIC, ...TILES_128];
    // The approximate transformer interpolates along each chunk's rows: a window of other columns changes them.
    const left = args.map((arg, index) => (args[index - 3] === '-te' ? '4388000' : arg)); // xmax: 300 columns right of 4385000
    await whole.warp([dem], scratch.path('approx-left.tif'), left);
    const [part, all] = await Promise.all([readTiffFile(scratch.path('approx-left.tif')), readTiffFile(scratch.path('approx-whole.tif'))]);
    expect(part.width).toBe(300);
    let differing = 0;
    for (let row = 0; row < part.height; row += 1) {
      for (let column = 0; column < 300; column += 1) if (!Object.is(part.values[row * 300 + column], all.values[row * all.width + column])) differing += 1;
    }
    expect(differing).toBeGreaterThan(1000);
  });

  it('runs an approximate warp whole when the cuts cannot be followed: compressed, untiled or sparse output, side files (world file, .aux.xml), inexact columns, warp options, memory in percent, a value given twice, a pole in the output', async () => {
    await ready();
    const cases = [
      [...APPROXIMATE, '-co', 'COMPRESS=DEFLATE', ...TILES_128],
      APPROXIMATE,
      [...APPROXIMATE.map((arg) => (arg === '4385000' ? '4385000.1' : arg)), ...TILES_128],
      [...APPROXIMATE, '-wo', 'SKIP_NOSOURCE=NO', ...TILES_128],
      [...APPROXIMATE.slice(0, -2), '-wo', 'OPTIMIZE_SIZE=NO', ...TILES_128], // GDAL then cuts at the exact half, off the tiles
      [...APPROXIMATE.map((arg) => (arg === '0.2' ? '10%' : arg)), ...TILES_128],
      [...APPROXIMATE, ...TILES_128, '-co', 'SPARSE_OK=YES'], // empty tiles left unwritten: nothing to lay
      [...APPROXIMATE, ...TILES_128, '-co', 'TFW=YES'], // a world file beside each window, none beside the output
      [...APPROXIMATE, ...TILES_128, '-co', 'PROFILE=BASELINE'], // CRS and georeferencing in each window's .aux.xml
      [...APPROXIMATE, ...TILES_128, '-wm', '500'], // gdalwarp keeps the last -wm: one chunk
      [...APPROXIMATE, ...TILES_128, '-co', 'COMPRESS:DEFLATE'], // GDAL reads KEY:VALUE as KEY=VALUE
    ];
    // A geographic output reaching latitude 89.99994 (under the pole, over GDAL's test point 89.9999).
    const [xmin, ymin, , ymax] = [0, 46, 8, 90 - 2 ** -14];
    cases.push(['-t_srs', 'EPSG:4326', '-te', String(xmin), String(ymin), '8', String(ymax), '-tr', String(2 ** -6), String(2 ** -6), '-wm', '0.2', '-wo', 'OPTIMIZE_SIZE=YES', ...TILES_128]);
    // An orthographic output mostly off the globe, with OPTIMIZE_SIZE=YES: GDAL finds too few points
    // of the whole output in the source (525 of 529 fail), skips it with an error, and would not cut it.
    cases.push(['-t_srs', '+proj=ortho +lat_0=0 +lon_0=0 +datum=WGS84', '-te', '4400000', '4400000', '24400000', '24400000', '-tr', '39062.5', '39062.5', '-wm', '0.1', '-wo', 'OPTIMIZE_SIZE=YES', ...TILES_128]);
    for (const args of cases) expect(await planWarpSplit(planner, [dem], scratch.path('whole-approx.tif'), args), args.join(' ')).toBeUndefined();
    // The same output at the default 64 MB: one chunk, nothing to cut.
    expect(await planWarpSplit(planner, [dem], scratch.path('whole-approx.tif'), [...WARP_ARGS.slice(0, -2), '-wo', 'OPTIMIZE_SIZE=YES', ...TILES_128])).toBeUndefined();
  });

  it('reads a source with overviews from the overview gdalwarp picks for the whole output, in every window, or runs whole when a window may pick another', async () => {
    await ready();
    // The DEM with a 350x300 overview (20 m); gdalwarp warps from it when the output has about 2 source pixels per pixel or more.
    await whole.translate(dem, scratch.path('dem-half.tif'), ['-outsize', '50%', '50%', '-r', 'average', '-co', 'TILED=YES']);
    await whole.translate(dem, scratch.path('dem-overview.vrt'), ['-of', 'VRT']);
    const xml = readFileSync(scratch.path('dem-overview.vrt'), 'utf8');
    const overview = `<Overview><SourceFilename relativeToVRT="0">${scratch.path('dem-half.tif')}</SourceFilename><SourceBand>1</SourceBand></Overview>`;
    writeFileSync(scratch.path('dem-overview.vrt'), xml.replace('</VRTRasterBand>', `${overview}</VRTRasterBand>`));
    expect(((await whole.info(scratch.path('dem-overview.vrt'))).bands[0] as { overviews?: unknown[] }).overviews).toHaveLength(1);
    const withOverview = [scratch.path('dem-overview.vrt')];
    const at = (resolution: number) => ['-t_srs', 'EPSG:3035', '-te', '4385000', '2622000', '4391000', '2627000', '-tr', String(resolution), String(resolution), '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-9999', '-wm', '0.1', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=32', '-co', 'BLOCKYSIZE=32'];
    // At 20 m, 2.0 source pixels per pixel: the overview's threshold exactly, a window may fall on either side.
    expect(await planWarpSplit(planner, withOverview, scratch.path('overview-split.tif'), at(20))).toBeUndefined();
    // At 40 m, 4 per pixel: every window reads the overview, as the whole does (150x125 out, 0.3 MB of it read).
    const plan = await planWarpSplit(planner, withOverview, scratch.path('overview-split.tif'), at(40));
    expect(plan?.windows.length).toBeGreaterThanOrEqual(2);
    await split.warp(withOverview, scratch.path('overview-split.tif'), at(40));
    await whole.warp(withOverview, scratch.path('overview-whole.tif'), at(40));
    await sameRasters(scratch.path('overview-split.tif'), scratch.path('overview-whole.tif'));
  });

  it('splits a large warp at GDAL’s default warp memory (64 MB) into the warp run whole’s pixels', async () => {
    await ready();
    // 4200x4200 Float32 at 1 m: 70.6 MB of output alone, over the 64 MB GDAL cuts at.
    const args = ['-t_srs', 'EPSG:3035', '-te', '4386000', '2622000', '4390200', '2626200', '-tr', '1', '1', '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-9999', '-wo', 'OPTIMIZE_SIZE=YES', ...TILES_128.slice(0, 2)];
    const plan = await planWarpSplit(planner, [dem], scratch.path('large-approx.tif'), args);
    expect(plan?.windows.length).toBeGreaterThanOrEqual(2);
    await split.warp([dem], scratch.path('large-split.tif'), args);
    await whole.warp([dem], scratch.path('large-whole.tif'), args);
    await sameRasters(scratch.path('large-split.tif'), scratch.path('large-whole.tif'));
  });

  it('counts a Float64 alpha band as GDAL does (a 32-bit density, not a band): no cut where GDAL warps the output in one chunk', async () => {
    await ready();
    // The DEM three times and its mask as a Float64 alpha band: gdalwarp warps 3 bands and the alpha.
    await whole.translate(dem, scratch.path('dem-alpha.tif'), ['-b', '1', '-b', '1', '-b', '1', '-b', 'mask', '-ot', 'Float64', '-colorinterp_4', 'alpha', '-co', 'TILED=YES']);
    expect((await whole.info(scratch.path('dem-alpha.tif'))).bands.map((band) => band.colorInterpretation)).toEqual(['Gray', 'Gray', 'Gray', 'Alpha']);
    const source = [scratch.path('dem-alpha.tif')];
    const at = (memory: string) => ['-t_srs', 'EPSG:3035', '-te', '4385000', '2622000', '4391000', '2627000', '-tr', '10', '10', '-r', 'bilinear', '-wm', memory, ...TILES_128];
    // 19 MB: GDAL's 3 Float64 bands and 32-bit densities (28 bytes a pixel of source and output) fit
    // in it; 4 Float64 bands (32 bytes) would not, and a split would cut where GDAL does not.
    expect(await planWarpSplit(planner, source, scratch.path('alpha-split.tif'), at('19000000'))).toBeUndefined();
    // There GDAL warps the output in one chunk: as at 1000 MB, and unlike its left 256 columns warped alone.
    await whole.warp(source, scratch.path('alpha-whole.tif'), at('19000000'));
    await whole.warp(source, scratch.path('alpha-one-chunk.tif'), at('1000'));
    await sameRasters(scratch.path('alpha-whole.tif'), scratch.path('alpha-one-chunk.tif'));
    const left = at('19000000').map((arg, index, args) => (args[index - 3] === '-te' ? '4387560' : arg));
    await whole.warp(source, scratch.path('alpha-left.tif'), left);
    const [part, all] = await Promise.all([readTiffFile(scratch.path('alpha-left.tif')), readTiffFile(scratch.path('alpha-whole.tif'))]);
    let differing = 0;
    for (let row = 0; row < part.height; row += 1) {
      for (let column = 0; column < 256; column += 1) if (!Object.is(part.values[row * 256 + column], all.values[row * all.width + column])) differing += 1;
    }
    expect([part.width, differing > 1000]).toEqual([256, true]);
    // 14 MB: GDAL cuts across at 256 columns, and so does the split, into the whole warp's pixels.
    expect((await planWarpSplit(planner, source, scratch.path('alpha-split.tif'), at('14000000')))?.windows).toEqual([
      { x: 0, y: 0, width: 256, height: 500 },
      { x: 256, y: 0, width: 344, height: 500 },
    ]);
    await split.warp(source, scratch.path('alpha-split.tif'), at('14000000'));
    await whole.warp(source, scratch.path('alpha-whole-14.tif'), at('14000000'));
    await sameRasters(scratch.path('alpha-split.tif'), scratch.path('alpha-whole-14.tif'));
  });

  it('runs a mosaic whole when a later source warps fewer bands than the output has (GDAL then fills the others by its block cache)', async () => {
    await ready();
    await whole.translate(dem, scratch.path('dem-3.tif'), ['-b', '1', '-b', '1', '-b', '1', '-co', 'TILED=YES']);
    const args = [...APPROXIMATE, ...TILES_128];
    // The same sources with as many bands each are cut; a 3-band source then a 1-band one runs whole.
    expect((await planWarpSplit(planner, [scratch.path('dem-3.tif'), scratch.path('dem-3.tif')], scratch.path('mosaic.tif'), args))?.windows.length).toBeGreaterThanOrEqual(2);
    expect(await planWarpSplit(planner, [scratch.path('dem-3.tif'), dem], scratch.path('mosaic.tif'), args)).toBeUndefined();
  });

  it('cuts a warp without OPTIMIZE_SIZE (GDAL’s AUTO) only where the source keeps its shape, and a source covering part of the output gives the pixels of the warp run whole', async () => {
    await ready();
    // 1200x500 from the DEM's left edge eastwards: the DEM (7 km wide) covers the left 700 columns or so.
    const args = ['-t_srs', 'EPSG:3035', '-te', '4385000', '2622000', '4397000', '2627000', '-tr', '10', '10', '-r', 'cubic', '-ot', 'Float32', '-dstnodata', '-9999', '-wm', '0.2', ...TILES_128];
    const plan = await planWarpSplit(planner, [dem], scratch.path('auto-split.tif'), args);
    // Cut at 512 (600 down to tiles), then at 256 and 768, and so on where GDAL's AUTO is certain; the
    // 432 columns on the right, where the DEM is a sliver or nothing, stay whole: GDAL may cut them
    // at the exact half, off the tiles.
    expect(plan?.windows).toEqual([
      { x: 0, y: 0, width: 256, height: 128 },
      { x: 256, y: 0, width: 256, height: 128 },
      { x: 512, y: 0, width: 256, height: 128 },
      { x: 768, y: 0, width: 432, height: 500 },
      { x: 0, y: 128, width: 256, height: 128 },
      { x: 256, y: 128, width: 256, height: 372 },
      { x: 512, y: 128, width: 256, height: 372 },
      { x: 0, y: 256, width: 256, height: 244 },
    ]);
    await split.warp([dem], scratch.path('auto-split.tif'), args);
    await whole.warp([dem], scratch.path('auto-whole.tif'), args);
    await sameRasters(scratch.path('auto-split.tif'), scratch.path('auto-whole.tif'));
  });
});

describe('a warp near a pole of the source’s own datum', () => {
  const scratch = useScratchFolder('pool-split-pole');
  // A polar stereographic output and a lon/lat source on one datum 2 km off WGS 84 (`+towgs84`):
  // the source's pole is the output's origin, WGS 84's lies 1.4 km to the south-west.
  const DATUM = '+ellps=intl +towgs84=0,2000,0 +no_defs';
  const TARGET = `+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +units=m ${DATUM}`;
  const at = (xmin: number, ymax: number) => ['-s_srs', `+proj=longlat ${DATUM}`, '-t_srs', TARGET, '-te', String(xmin), String(ymax - 4000), String(xmin + 4000), String(ymax), '-tr', '15.625', '15.625', '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-9999', '-wm', '0.1', '-wo', 'OPTIMIZE_SIZE=YES', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64'];

  /** The polar cap north of 80°, 720x20 at 0.5°, rippled. */
  async function writeCap(): Promise<string> {
    const [width, height] = [720, 20];
    const values = new Float32Array(width * height).map((_, index) => 100 + 40 * Math.sin((index % width) / 7.3) * Math.cos(Math.floor(index / width) / 5.1) + 0.3 * (index % width));
    writeFileSync(scratch.path('cap.raw'), values);
    writeFileSync(
      scratch.path('cap.vrt'),
      `<VRTDataset rasterXSize="${width}" rasterYSize="${height}"><SRS>EPSG:4326</SRS><GeoTransform>-180, 0.5, 0, 90, 0, -0.5</GeoTransform>
<VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">cap.raw</SourceFilename>
<ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${width * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
    );
    await whole.translate(scratch.path('cap.vrt'), scratch.path('cap.tif'), ['-co', 'TILED=YES']);
    return scratch.path('cap.tif');
  }

  it('runs whole when the source datum’s pole is in the output though WGS 84’s is not (GDAL then samples every window on a grid), and splits away from it into the whole warp’s pixels', async () => {
    const cap = [await writeCap()];
    // The WGS 84 pole (-1372, -1372) is outside x ≥ -1000; GDAL's test point (7.7, -7.7), in the
    // source's datum, is inside, 64 pixels from the left and top edges: on the corner of windows.
    const planner: SplitPlanner = { operations: whole, workers: () => 2, splitPixels: 1, splitCompressed: true, splitTerrain: true, fs: whole.fs };
    expect(await planWarpSplit(planner, cap, scratch.path('pole.tif'), at(-1000, 1000))).toBeUndefined();
    // GDAL cuts the whole warp at 128 pixels, but samples every chunk on a grid: the chunk right of
    // the pole's (its source region reaches across the cap's pole row) warped alone samples its
    // edges, reads fewer source columns and scales the bilinear kernel otherwise.
    await whole.warp(cap, scratch.path('pole-whole.tif'), at(-1000, 1000));
    await whole.warp(cap, scratch.path('pole-window.tif'), at(1000, 1000).map((arg, index, args) => (args[index - 3] === '-te' ? '3000' : args[index - 2] === '-te' ? '-1000' : arg)));
    const [all, window] = await Promise.all([readTiffFile(scratch.path('pole-whole.tif')), readTiffFile(scratch.path('pole-window.tif'))]);
    expect([window.width, window.height]).toEqual([128, 128]);
    let differing = 0;
    for (let row = 0; row < 128; row += 1) {
      for (let column = 0; column < 128; column += 1) if (!Object.is(window.values[row * 128 + column], all.values[row * all.width + 128 + column])) differing += 1;
    }
    expect(differing).toBeGreaterThan(1000);
    // Through the pool: the warp run whole's pixels.
    await split.warp(cap, scratch.path('pole-split.tif'), at(-1000, 1000));
    await sameRasters(scratch.path('pole-split.tif'), scratch.path('pole-whole.tif'));
    // 10 km from the pole the output splits, into the warp run whole's pixels.
    const away = at(9000, 1000);
    expect((await planWarpSplit(planner, cap, scratch.path('away.tif'), away))?.windows.length).toBeGreaterThanOrEqual(2);
    await split.warp(cap, scratch.path('away-split.tif'), away);
    await whole.warp(cap, scratch.path('away-whole.tif'), away);
    await sameRasters(scratch.path('away-split.tif'), scratch.path('away-whole.tif'));
  });
});

describe('a warp across the antimeridian from a geographic source', () => {
  const scratch = useScratchFolder('pool-split-antimeridian');
  // 192x128 at 2 km in UTM zone 1 (central meridian -177°), from 177°E to 170°W, at 63° to 65°N:
  // 101 KB of output, under the 0.1 MB warp memory with the source's 130 or so columns it reads.
  const ARGS = ['-t_srs', 'EPSG:32601', '-te', '200000', '7000000', '584000', '7256000', '-tr', '2000', '2000', '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', '-9999', '-wm', '0.1', '-wo', 'OPTIMIZE_SIZE=YES', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64'];

  /** Latitudes 55° to 75°N all round, 0.1° by 0.5°, on longitudes from `west`. */
  async function writeBand(west: number): Promise<string> {
    const [width, height] = [3600, 40];
    const values = new Float32Array(width * height).map((_, index) => 100 + 40 * Math.sin((index % width) / 7.3) * Math.cos(Math.floor(index / width) / 5.1) + 0.01 * (index % width));
    const name = `band${west}`;
    writeFileSync(scratch.path(`${name}.raw`), values);
    writeFileSync(
      scratch.path(`${name}.vrt`),
      `<VRTDataset rasterXSize="${width}" rasterYSize="${height}"><SRS>EPSG:4326</SRS><GeoTransform>${west}, 0.1, 0, 75, 0, -0.5</GeoTransform>
<VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">${name}.raw</SourceFilename>
<ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${width * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
    );
    await whole.translate(scratch.path(`${name}.vrt`), scratch.path(`${name}.tif`), ['-co', 'TILED=YES']);
    return scratch.path(`${name}.tif`);
  }

  it('runs whole from a source on longitudes 0° to 360° (GDAL reads its longitudes from 0° to 360°, PROJ from -180° to 180°), and splits from one on -180° to 180° into the whole warp’s pixels', async () => {
    const planner: SplitPlanner = { operations: whole, workers: () => 2, splitPixels: 1, splitCompressed: true, splitTerrain: true, fs: whole.fs };
    const east = [await writeBand(0)];
    // PROJ's longitudes (177°E, then -180° to -170°) span the source's columns 0 to 1,770 and
    // beyond: a source window over the memory, where GDAL centres them on 180° (CENTER_LONG) and
    // reads about 130 columns, warping the output in one chunk.
    expect(await planWarpSplit(planner, east, scratch.path('east.tif'), ARGS)).toBeUndefined();
    await whole.warp(east, scratch.path('east-whole.tif'), ARGS);
    // Its left 64 columns warped alone (where the split would have cut) give other pixels.
    await whole.warp(east, scratch.path('east-left.tif'), ARGS.map((arg, index) => (ARGS[index - 3] === '-te' ? '328000' : arg)));
    const [all, left] = await Promise.all([readTiffFile(scratch.path('east-whole.tif')), readTiffFile(scratch.path('east-left.tif'))]);
    expect([left.width, left.height]).toEqual([64, 128]);
    let differing = 0;
    for (let row = 0; row < 128; row += 1) {
      for (let column = 0; column < 64; column += 1) if (!Object.is(left.values[row * 64 + column], all.values[row * all.width + column])) differing += 1;
    }
    expect(differing).toBeGreaterThan(1000);
    await split.warp(east, scratch.path('east-split.tif'), ARGS);
    await sameRasters(scratch.path('east-split.tif'), scratch.path('east-whole.tif'));
    // On -180° to 180° GDAL reads the source's whole width as the planner expects, and cuts too.
    const centred = [await writeBand(-180)];
    expect((await planWarpSplit(planner, centred, scratch.path('centred.tif'), ARGS))?.windows.length).toBeGreaterThanOrEqual(2);
    await split.warp(centred, scratch.path('centred-split.tif'), ARGS);
    await whole.warp(centred, scratch.path('centred-whole.tif'), ARGS);
    await sameRasters(scratch.path('centred-split.tif'), scratch.path('centred-whole.tif'));
  });
});

describe('exactRows', () => {
  it('accepts grids whose every row coordinate is exact in floating point, and refuses others', () => {
    expect(exactRows(2668000, 10, 800)).toBe(true);
    expect(exactRows(45.5, 0.25, 1000)).toBe(true);
    expect(exactRows(5180000, 0.1, 1000)).toBe(false);
    expect(exactRows(47, 1 / 3600, 3600)).toBe(false);
  });
});
