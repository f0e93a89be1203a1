/**
 * readWindow reads what the window needs: of an uncompressed file stored in one strip (a single
 * block), only the window's rows. Reading the whole strip made a one-pixel window of a 2.3 GB
 * single-strip Float32 file abort Node (a file read takes at most 2 GiB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CrsError, Raster, SpatialSpec, readRaster, readWindow } from '../../src/node.js';
import { deflateCodec } from '../../src/formats/deflate-codec.js';
import { tiffPixels } from '../../src/formats/tiff-decode.js';
import { readTiffLayout } from '../../src/formats/tiff-layout.js';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'geodata-window-reads-'));
const engine = createNodeEngine();
afterAll(async () => {
  await engine.close();
  rmSync(folder, { recursive: true, force: true });
});

const [width, height] = [300, 200];
const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 500000, 0, -10, 5000000], shape: [height, width] });
const values = Float32Array.from({ length: width * height }, (_, i) => i);

describe('readWindow on an uncompressed single-strip GeoTIFF', () => {
  it('reads only the rows of the window, with the pixels of the file', async () => {
    const path = join(folder, 'one-strip.tif');
    await Raster.fromArrays([values], spec).write(path, { engine, compress: 'NONE', tiled: false, creationOptions: [`BLOCKYSIZE=${height}`] });
    const file = await open(path, 'r');
    try {
      const lengths: number[] = [];
      const read = async (offset: number, length: number) => {
        lengths.push(length);
        const bytes = new Uint8Array(length);
        const { bytesRead } = await file.read(bytes, 0, length, offset);
        return bytes.subarray(0, bytesRead);
      };
      const pixels = tiffPixels(await readTiffLayout(read, path), read, deflateCodec(), path)!;
      lengths.length = 0;
      const [band] = await pixels.read([0], { x: 7, y: 120, width: 2, height: 3 });
      expect(Array.from(band!)).toEqual([120 * width + 7, 120 * width + 8, 121 * width + 7, 121 * width + 8, 122 * width + 7, 122 * width + 8]);
      expect(lengths).toEqual([3 * width * 4]);
    } finally {
      await file.close();
    }
    const corner = await readWindow(path, { x: width - 1, y: height - 1, width: 1, height: 1 });
    expect(Array.from(corner.bands[0]!)).toEqual([width * height - 1]);
  });
});

describe.skipIf(!HAS_DATA)(`readWindow of a GeoTIFF in a custom CRS${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  // An entry of a spec in a custom CRS (meuse.tif's oblique stereographic) could not be read by
  // window: the error told to pass { engine, enginePath } to readRaster, options readWindow did not take.
  it('reads the CRS through GDAL when given an engine, and otherwise says what to pass to readWindow', async () => {
    const path = sample('meuse.tif');
    const error = await readWindow(path, { x: 0, y: 0, width: 2, height: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrsError);
    expect((error as Error).message).toBe(`${path} has a custom CRS that only GDAL can read; pass { engine: getConfig().engine } or { crs } to readWindow`);
    const whole = await readRaster(path, { engine, enginePath: path });
    const window = await readWindow(path, { x: 10, y: 20, width: 3, height: 2 }, { engine });
    expect(window.crs).toBe(whole.crs);
    expect(window.crs!.startsWith('PROJCRS["unknown"')).toBe(true);
    expect(window.transform).toEqual([40, 0, 178400 + 10 * 40, 0, -40, 334000 - 20 * 40]);
    expect(Array.from(window.bands[0]!)).toEqual([20, 21].flatMap((row) => Array.from(whole.bands[0]!.subarray(row * 80 + 10, row * 80 + 13))));
  });
});
