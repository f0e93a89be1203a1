/**
 * The behaviour every GDAL engine shares, as plain async cases that run anywhere: under vitest
 * in Node (`engine-conformance.ts` turns each into a test) and in a browser page (the worker
 * engine in Chromium, `test/browser/engine-conformance.test.ts`). So this file imports no test
 * framework and nothing Node-only; it checks with its own small assertions.
 */
import { CrsError, FileError, GdalError, InvalidInputError } from '../../src/errors.js';
import type { GdalEngine } from '../../wasm/engine.js';

/** Where a case may write: `path('x.tif')` is a fresh path in the engine's file system. */
export interface CaseContext {
  path(name: string): string;
}

export interface EngineCase {
  name: string;
  /** Only for engines on these file systems (default: every engine). */
  kinds?: Array<GdalEngine['fs']['kind']>;
  run(engine: GdalEngine, context: CaseContext): Promise<void>;
}

class CaseFailure extends Error {
  override name = 'CaseFailure';
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new CaseFailure(message);
}

function equal(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  check(a === b, `${what}: expected ${b}, got ${a}`);
}

async function rejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp, what: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    check(error instanceof type, `${what}: expected a ${type.name}, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
    check(message.test((error as Error).message), `${what}: message ${JSON.stringify((error as Error).message)} does not match ${message}`);
    return error as Error;
  }
  throw new CaseFailure(`${what}: expected a ${type.name}, but the call succeeded`);
}

const text = (value: string) => new TextEncoder().encode(value);
const WIDTH = 64;
const HEIGHT = 48;

/** z = 1000 + 3 col + 2 row (+ a ripple): a DEM with exact Float32 values. */
function demValues(ripple: boolean): Float32Array {
  const values = new Float32Array(WIDTH * HEIGHT);
  for (let row = 0; row < HEIGHT; row += 1) {
    for (let col = 0; col < WIDTH; col += 1) values[row * WIDTH + col] = 1000 + 3 * col + 2 * row + (ripple ? ((col * row) % 7) : 0);
  }
  return values;
}

/** Writes a Float32 UTM 32N GeoTIFF (30 m pixels) through the engine: raw bytes, a VRT, translate. */
async function writeDem(engine: GdalEngine, context: CaseContext, name: string, ripple = true): Promise<{ path: string; values: Float32Array }> {
  const values = demValues(ripple);
  const raw = context.path(`${name}.raw`);
  const vrt = context.path(`${name}.vrt`);
  const tif = context.path(`${name}.tif`);
  await engine.fs.writeFile(raw, new Uint8Array(values.buffer.slice(0)));
  const xml = `<VRTDataset rasterXSize="${WIDTH}" rasterYSize="${HEIGHT}">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>600000, 30, 0, 5200020, 0, -30</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand">
    <NoDataValue>-9999</NoDataValue>
    <SourceFilename relativeToVRT="1">${name}.raw</SourceFilename>
    <ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${WIDTH * 4}</LineOffset><ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>
</VRTDataset>`;
  await engine.fs.writeFile(vrt, text(xml));
  await engine.translate(vrt, tif, ['-of', 'GTiff', '-co', 'COMPRESS=DEFLATE']);
  return { path: tif, values };
}

/** The Float32 pixels of band 1 of a raster, through an ENVI raw copy (GDAL's pixels reach JS only through a file). */
async function readPixels(engine: GdalEngine, context: CaseContext, file: string, name: string): Promise<Float32Array> {
  const raw = context.path(`${name}.envi`);
  await engine.translate(file, raw, ['-of', 'ENVI', '-ot', 'Float32', '-b', '1']);
  const bytes = await engine.fs.readFile(raw);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function sameValues(actual: Float32Array, expected: Float32Array, what: string): void {
  equal(actual.length, expected.length, `${what} (pixel count)`);
  for (let index = 0; index < expected.length; index += 1) {
    const a = actual[index]!;
    const b = expected[index]!;
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) throw new CaseFailure(`${what}: pixel ${index} is ${a}, expected ${b}`);
  }
}

export const ENGINE_CASES: EngineCase[] = [
  {
    name: 'fs: writes, reads, sizes, moves and removes files, and says which file system it is',
    async run(engine, context) {
      check(engine.fs.kind === 'host' || engine.fs.kind === 'memory', `fs.kind is ${String(engine.fs.kind)}`);
      const file = context.path('folder/a.bin');
      const bytes = new Uint8Array(70_000).map((_, index) => (index * 31 + 7) % 256);
      await engine.fs.writeFile(file, bytes);
      equal(await engine.fs.exists(file), true, 'exists after writeFile');
      equal(await engine.fs.size(file), 70_000, 'size');
      const read = await engine.fs.readFile(file);
      check(read instanceof Uint8Array && read.length === bytes.length && read.every((value, index) => value === bytes[index]), 'readFile returns the bytes written');
      const moved = context.path('folder/b.bin');
      await engine.fs.writeFile(moved, text('old'));
      await engine.fs.rename(file, moved);
      equal(await engine.fs.exists(file), false, 'the moved file is gone from its old path');
      equal(await engine.fs.size(moved), 70_000, 'rename replaces the file at the target');
      await engine.fs.remove(moved);
      await engine.fs.remove(moved); // a missing file is not an error
      equal(await engine.fs.size(moved), undefined, 'size of a removed file');
      await engine.fs.mkdir(context.path('tree/inner'));
      await engine.fs.writeFile(context.path('tree/inner/c.txt'), text('c'));
      await engine.fs.removeTree(context.path('tree'));
      equal(await engine.fs.exists(context.path('tree/inner/c.txt')), false, 'removeTree removes what is inside');
      await engine.fs.removeTree(context.path('tree')); // a missing folder is not an error
    },
  },
  {
    name: 'fs: a missing file is a FileError naming it; bad arguments are InvalidInputErrors',
    async run(engine, context) {
      const missing = context.path('missing.bin');
      const error = await rejects(engine.fs.readFile(missing), FileError, /missing\.bin/, 'readFile of a missing file');
      equal((error as FileError).path, missing, 'FileError.path');
      await rejects(engine.fs.writeFile(context.path('x.bin'), 'text' as unknown as Uint8Array), InvalidInputError, /must be a Uint8Array/, 'writeFile of a string');
      await rejects(engine.fs.readFile('' as string), InvalidInputError, /non-empty path/, 'readFile of an empty path');
    },
  },
  {
    name: 'translate and info: a GeoTIFF written from raw bytes keeps its grid, type, nodata and every pixel',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const info = await engine.info(dem.path);
      equal(info.driverShortName, 'GTiff', 'driver');
      equal(info.size, [WIDTH, HEIGHT], 'size');
      equal(info.geoTransform, [600000, 30, 0, 5200020, 0, -30], 'geotransform');
      equal(info.bands.map((band) => [band.type, band.noDataValue]), [['Float32', -9999]], 'band type and nodata');
      sameValues(await readPixels(engine, context, dem.path, 'dem-read'), dem.values, 'pixels');
    },
  },
  {
    name: 'warp: reprojects with progress ending at 1, and writes the same output again after a remove',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const out = context.path('dem-4326.tif');
      const fractions: number[] = [];
      const args = ['-t_srs', 'EPSG:4326', '-r', 'bilinear', '-of', 'GTiff'];
      await engine.warp([dem.path], out, args, { onProgress: (fraction) => fractions.push(fraction) });
      equal(fractions.at(-1), 1, 'last progress');
      check(fractions.every((fraction, index) => index === 0 || fraction >= fractions[index - 1]!), `progress never goes back: ${fractions.join(', ')}`);
      const first = await engine.info(out);
      equal((await engine.crsInfo(first.coordinateSystem!.wkt)).authority, 'EPSG:4326', 'output CRS');
      const pixels = await readPixels(engine, context, out, 'first');
      await engine.fs.remove(out);
      await engine.warp([dem.path], out, args);
      equal((await engine.info(out)).size, first.size, 'size of the re-created output');
      sameValues(await readPixels(engine, context, out, 'second'), pixels, 're-created output');
    },
  },
  {
    name: 'warp: a call handed its caller\'s DEFLATE (functions that cannot cross to a thread) writes the pixels of the call without it',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const args = ['-t_srs', 'EPSG:4326', '-r', 'bilinear', '-of', 'GTiff', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16'];
      const unused = async (): Promise<never> => {
        throw new CaseFailure('an engine that does not lay this output together itself compressed it');
      };
      const deflate = { compression: { level: 1, predictor: 'auto' as const }, codec: { deflate: unused, inflate: unused, parallel: 1, levels: true }, openFile: unused };
      await engine.warp([dem.path], context.path('handed.tif'), args, { deflate });
      await engine.warp([dem.path], context.path('plain.tif'), args);
      sameValues(await readPixels(engine, context, context.path('handed.tif'), 'handed'), await readPixels(engine, context, context.path('plain.tif'), 'plain'), 'output of the call handed a DEFLATE');
    },
  },
  {
    name: 'dem: the slope of a plane is the same everywhere, edges included with -compute_edges',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'plane', false);
      const out = context.path('slope.tif');
      await engine.dem('slope', dem.path, out, ['-compute_edges', '-of', 'GTiff']);
      const slope = await readPixels(engine, context, out, 'slope');
      const expected = Math.fround((Math.atan(Math.hypot(3 / 30, 2 / 30)) * 180) / Math.PI);
      for (const [index, value] of slope.entries()) {
        const [row, col] = [Math.floor(index / WIDTH), index % WIDTH];
        const interior = row > 0 && col > 0 && row < HEIGHT - 1 && col < WIDTH - 1;
        // Edges are extrapolated (so not the plane's slope at the corners), but computed, not nodata.
        if (interior) check(Math.abs(value - expected) < 1e-4, `slope at pixel ${index} is ${value}, expected ${expected}`);
        else check(value >= 0 && value < 90, `edge pixel ${index} is ${value}: computed with -compute_edges`);
      }
      await rejects(engine.dem('color-relief', dem.path, context.path('relief.tif'), []), InvalidInputError, /colorFile/, 'color-relief without a color file');
    },
  },
  {
    name: 'rasterize, vectorInfo and buildVrt work on files written to the engine',
    async run(engine, context) {
      const geojson = context.path('box.geojson');
      const box = [[[600300, 5199000], [600900, 5199000], [600900, 5199600], [600300, 5199600], [600300, 5199000]]];
      await engine.fs.writeFile(
        geojson,
        text(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32632' } }, features: [{ type: 'Feature', properties: { id: 7 }, geometry: { type: 'Polygon', coordinates: box } }] })),
      );
      const vector = await engine.vectorInfo(geojson);
      equal(vector.layers.map((layer) => [layer.featureCount, layer.fields.map((field) => field.name)]), [[1, ['id']]], 'layers');
      const burned = context.path('burned.tif');
      await engine.rasterize(geojson, burned, ['-a', 'id', '-te', '600000', '5198580', '601920', '5200020', '-tr', '30', '30', '-ot', 'Float32', '-init', '0']);
      const pixels = await readPixels(engine, context, burned, 'burned');
      equal(pixels.filter((value) => value === 7).length, 20 * 20, 'burned pixels (600 m square of 30 m pixels)');
      const dem = await writeDem(engine, context, 'dem');
      const vrt = context.path('mosaic.vrt');
      await engine.buildVrt([dem.path, burned], vrt, ['-separate']);
      equal((await engine.info(vrt)).bands.length, 2, 'bands of a separate VRT');
    },
  },
  {
    name: "buildVrt reads its sources from -input_file_list, one a line, after the ones given, as gdalbuildvrt does",
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const flat = await writeDem(engine, context, 'flat', false);
      const list = context.path('sources.txt');
      await engine.fs.writeFile(list, text(`${dem.path}\r\n\n${flat.path}\n`));
      const listed = context.path('listed.vrt');
      await engine.buildVrt([], listed, ['-separate', '-input_file_list', list]);
      equal((await engine.info(listed)).bands.length, 2, 'bands of a separate VRT of a two-line list');
      const both = context.path('both.vrt');
      await engine.buildVrt([flat.path], both, ['-input_file_list', list, '-separate']);
      equal((await engine.info(both)).bands.length, 3, 'bands of a separate VRT of one source and the list');
      await rejects(engine.buildVrt([], context.path('none.vrt'), ['-input_file_list', context.path('missing.txt')]), InvalidInputError, /cannot read the -input_file_list file .*missing\.txt/, 'a missing list');
    },
  },
  {
    name: 'CRS facts, WKT and point transformations in GIS order',
    async run(engine) {
      const info = await engine.crsInfo('EPSG:3035');
      equal([info.authority, info.isGeographic, info.linearUnitMetres], ['EPSG:3035', false, 1], 'EPSG:3035 facts');
      check((await engine.crsToWkt('EPSG:4326')).includes('WGS 84'), 'WKT of EPSG:4326 names WGS 84');
      const [point] = await engine.transformPoints('EPSG:4326', 'EPSG:32632', [[9, 0]]);
      check(Math.abs(point![0] - 500000) < 1e-6 && Math.abs(point![1]) < 1e-6, `lon 9 lat 0 is (500000, 0) in UTM 32N, got ${point}`);
    },
  },
  {
    name: 'errors keep their class and message: missing input, unknown CRS, bad arguments, output over its input',
    async run(engine, context) {
      const missing = await rejects(engine.info(context.path('nothing.tif')), FileError, /nothing\.tif.*no such file/, 'info of a missing file');
      equal((missing as FileError).path, context.path('nothing.tif'), 'FileError.path');
      await rejects(engine.crsInfo('EPSG:999999'), CrsError, /999999/, 'an unknown EPSG code');
      await rejects(engine.warp([], context.path('x.tif'), []), InvalidInputError, /non-empty array/, 'warp without sources');
      const dem = await writeDem(engine, context, 'dem');
      const bad = await rejects(engine.translate(dem.path, context.path('bad.tif'), ['-bogus']), GdalError, /invalid arguments/, 'an unknown option');
      equal((bad as GdalError).details.operation, 'translate', 'GdalError.details.operation');
      await rejects(engine.translate(dem.path, dem.path, []), InvalidInputError, /also an input/, 'an output over its own input');
    },
  },
  {
    name: 'concurrent calls all complete with the results of the same calls in sequence',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const targets = ['EPSG:4326', 'EPSG:3035', 'EPSG:25832'];
      await Promise.all(targets.map((crs, index) => engine.warp([dem.path], context.path(`par-${index}.tif`), ['-t_srs', crs, '-r', 'bilinear'])));
      for (const [index, crs] of targets.entries()) {
        await engine.warp([dem.path], context.path(`seq-${index}.tif`), ['-t_srs', crs, '-r', 'bilinear']);
        sameValues(await readPixels(engine, context, context.path(`par-${index}.tif`), `par-${index}`), await readPixels(engine, context, context.path(`seq-${index}.tif`), `seq-${index}`), `warp to ${crs}`);
      }
    },
  },
  {
    name: 'a GDAL call made before an earlier one is awaited sees what the earlier one wrote',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const out = context.path('ordered.tif');
      const vrt = context.path('ordered.vrt');
      const [, info, built] = await Promise.all([engine.translate(dem.path, out, []), engine.info(out), engine.buildVrt([out], vrt, []).then(() => engine.info(vrt))]);
      equal(info.size, [WIDTH, HEIGHT], 'info of an output asked for before its translate was awaited');
      equal(built.size, [WIDTH, HEIGHT], 'a VRT of that output, built before the translate was awaited');
    },
  },
  {
    name: 'a call reading a VRT, made before an earlier call that rewrites a file the VRT names is awaited, reads the new file',
    async run(engine, context) {
      const dem = await writeDem(engine, context, 'dem');
      const flat = await writeDem(engine, context, 'flat', false);
      const tile = context.path('tile.tif');
      const mosaic = context.path('mosaic.vrt');
      // Large enough that the rewrite takes a while: a call run beside it would read the old or a half-written tile.
      const large = ['-outsize', '2000', '1500', '-r', 'bilinear', '-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=9'];
      await engine.translate(dem.path, tile, large);
      await engine.buildVrt([tile], mosaic, []);
      // The VRT names tile.tif; this call's arguments do not.
      const through = context.path('through.tif');
      await Promise.all([engine.translate(flat.path, tile, large), engine.translate(mosaic, through, [])]);
      sameValues(await readPixels(engine, context, through, 'through'), await readPixels(engine, context, tile, 'tile'), 'the mosaic read after its tile was rewritten');
    },
  },
  {
    name: 'close releases the engine, and the next call starts it again',
    async run(engine, context) {
      await engine.crsInfo('EPSG:4326');
      await engine.close();
      await engine.close(); // twice is fine
      const dem = await writeDem(engine, context, 'dem');
      equal((await engine.info(dem.path)).size, [WIDTH, HEIGHT], 'info after close');
    },
  },
];
