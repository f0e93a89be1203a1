import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { entryNumbers, readTiffLayout, TAG } from '../../src/formats/tiff-layout.js';
import { createNodeEngine } from '../../wasm/node.js';
import { copyTileMosaic, openTileMosaic, type TileWindow } from '../../wasm/tile-mosaic.js';
import { readTiffFile, useScratchFolder } from './fixtures.js';

const engine = createNodeEngine();

/** Each tile's bytes, in the file's tile order. */
async function tilesOf(file: string): Promise<Buffer[]> {
  const bytes = readFileSync(file);
  const layout = await readTiffLayout(async (offset, length) => new Uint8Array(bytes.buffer, bytes.byteOffset + offset, Math.min(length, bytes.length - offset)), file);
  const ifd = layout.ifds[0]!;
  const offsets = entryNumbers(ifd.find((entry) => entry.tag === TAG.tileOffsets), true);
  const counts = entryNumbers(ifd.find((entry) => entry.tag === TAG.tileByteCounts), true);
  return offsets.map((offset, index) => bytes.subarray(offset, offset + counts[index]!));
}
afterAll(() => engine.close());

const WIDTH = 300;
const HEIGHT = 200;
const TILES = ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64'];

describe('a GeoTIFF laid together from the tiles of its windows', () => {
  const scratch = useScratchFolder('tile-mosaic');
  let prepared: Promise<void> | undefined;
  /** A 300x200 Float32 raster with nodata and metadata, written whole and as windows (`-srcwin`), uncompressed with 64x64 tiles. */
  const windows = async (cuts: Array<[number, number, number, number]>, prefix: string, extra: string[] = []) => {
    await (prepared ??= (async () => {
      const values = new Float32Array(WIDTH * HEIGHT).map((_, index) => Math.sin(index / 97) * 100 + (index % 13));
      writeFileSync(scratch.path('values.raw'), values);
      writeFileSync(
        scratch.path('source.vrt'),
        `<VRTDataset rasterXSize="${WIDTH}" rasterYSize="${HEIGHT}"><SRS>EPSG:32632</SRS><GeoTransform>640000, 10, 0, 5180000, 0, -10</GeoTransform>
<Metadata><MDI key="SOURCE">test</MDI></Metadata>
<VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><NoDataValue>-9999</NoDataValue><SourceFilename relativeToVRT="1">values.raw</SourceFilename>
<ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${WIDTH * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
      );
      await engine.translate(scratch.path('source.vrt'), scratch.path('whole.tif'), TILES);
    })());
    const parts = [];
    for (const [index, [x, y, width, height]] of cuts.entries()) {
      const file = scratch.path(`${prefix}-${index}.tif`);
      await engine.translate(scratch.path('source.vrt'), file, ['-srcwin', String(x), String(y), String(width), String(height), ...extra, ...TILES]);
      parts.push({ file, x, y, width, height });
    }
    return parts;
  };
  /** Writes the mosaic of `parts` out as `name`. */
  const layOut = async (parts: TileWindow[], name: string) => {
    const mosaic = await openTileMosaic(parts, scratch.path(name), WIDTH, HEIGHT, 'IF_NEEDED');
    try {
      await copyTileMosaic(mosaic, scratch.path(name));
    } finally {
      await mosaic.close();
    }
  };

  it('is the file GDAL writes for the whole raster: the same pixels, georeferencing, nodata and metadata', async () => {
    await layOut(await windows([[0, 0, 128, 128], [128, 0, 172, 128], [0, 128, 300, 72]], 'grid'), 'laid.tif');
    const [laid, whole] = await Promise.all([readTiffFile(scratch.path('laid.tif')), readTiffFile(scratch.path('whole.tif'))]);
    expect([laid.width, laid.height, laid.noData, laid.geoTransform]).toEqual([whole.width, whole.height, whole.noData, whole.geoTransform]);
    expect(Buffer.compare(Buffer.from(laid.values.buffer), Buffer.from(whole.values.buffer))).toBe(0);
    const [a, b] = await Promise.all([engine.info(scratch.path('laid.tif')), engine.info(scratch.path('whole.tif'))]);
    expect({ ...a, description: '', files: [] }).toEqual({ ...b, description: '', files: [] });
    // Its tiles are GDAL's tiles of the whole, byte for byte (the edge tiles' padding too).
    const [laidTiles, wholeTiles] = await Promise.all([tilesOf(scratch.path('laid.tif')), tilesOf(scratch.path('whole.tif'))]);
    expect(laidTiles.length).toBe(5 * 4);
    expect(laidTiles.map((tile, index) => Buffer.compare(tile, wholeTiles[index]!))).toEqual(laidTiles.map(() => 0));
  });

  it('lays band-interleaved tiles plane by plane, as GDAL orders them', async () => {
    const planar = ['-b', '1', '-b', '1', '-scale_2', '0', '1', '0', '2', '-co', 'INTERLEAVE=BAND'];
    await layOut(await windows([[0, 0, 128, 200], [128, 0, 172, 200]], 'planar', planar), 'planar-laid.tif');
    await engine.translate(scratch.path('source.vrt'), scratch.path('planar-whole.tif'), [...planar, ...TILES]);
    const [laidTiles, wholeTiles] = await Promise.all([tilesOf(scratch.path('planar-laid.tif')), tilesOf(scratch.path('planar-whole.tif'))]);
    expect(laidTiles.length).toBe(2 * 5 * 4);
    expect(laidTiles.map((tile, index) => Buffer.compare(tile, wholeTiles[index]!))).toEqual(laidTiles.map(() => 0));
    expect(Buffer.compare(wholeTiles[0]!, wholeTiles[20]!)).not.toBe(0); // the two planes differ
  });

  it('reads as the file it lays out, at any offset and length', async () => {
    const parts = await windows([[0, 0, 128, 128], [128, 0, 172, 128], [0, 128, 300, 72]], 'reads');
    const mosaic = await openTileMosaic(parts, scratch.path('reads.tif'), WIDTH, HEIGHT, 'IF_NEEDED');
    try {
      const whole = new Uint8Array(mosaic.size);
      expect(await mosaic.readInto(0, whole)).toBe(mosaic.size);
      for (const [offset, length] of [[0, 16], [5, 70_000], [mosaic.size - 10, 100], [12_345, 1]] as const) {
        expect(Buffer.compare(Buffer.from(await mosaic.read(offset, length)), Buffer.from(whole.subarray(offset, offset + length)))).toBe(0);
      }
    } finally {
      await mosaic.close();
    }
  });

  it('reads a window’s tiles only once it is ready, and fails with the window’s own failure', async () => {
    const parts = await windows([[0, 0, 128, 128], [128, 0, 172, 128], [0, 128, 300, 72]], 'ready');
    let release = () => {};
    const late = new Promise<void>((resolve) => (release = resolve));
    const failed = Promise.reject(new FileError('the third window failed', parts[2]!.file));
    failed.catch(() => undefined);
    const mosaic = await openTileMosaic([parts[0]!, { ...parts[1]!, ready: late }, { ...parts[2]!, ready: failed }], scratch.path('ready.tif'), WIDTH, HEIGHT, 'IF_NEEDED');
    try {
      // The output's tile 2 (the first row's third) is the second window's first.
      const tile = new Uint8Array(64 * 64 * 4);
      const header = mosaic.size - 20 * tile.length;
      let settled = false;
      const reading = mosaic.readInto(header + 2 * tile.length, tile).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      release();
      expect(await reading).toBe(tile.length);
      await expect(mosaic.readInto(header + 15 * tile.length, tile)).rejects.toThrow('the third window failed');
    } finally {
      await mosaic.close();
    }
  });

  it('refuses windows whose edges are off the tile grid, naming the window', async () => {
    const parts = await windows([[0, 0, 100, 200], [100, 0, 200, 200]], 'off');
    const error = await openTileMosaic(parts, scratch.path('off.tif'), WIDTH, HEIGHT, 'IF_NEEDED').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toContain(`${parts[0]!.file} (100x200 at 0,0) has edges off the tile grid`);
  });

  it('refuses windows that leave the top-left pixel uncovered', async () => {
    const parts = await windows([[128, 0, 172, 200]], 'late');
    await expect(openTileMosaic(parts, scratch.path('late.tif'), WIDTH, HEIGHT, 'IF_NEEDED')).rejects.toThrow('do not start at its top-left pixel');
  });
});
