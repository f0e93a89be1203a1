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
import { Raster, SpatialSpec, readWindow } from '../../src/node.js';
import { deflateCodec } from '../../src/formats/deflate-codec.js';
import { tiffPixels } from '../../src/formats/tiff-decode.js';
import { readTiffLayout } from '../../src/formats/tiff-layout.js';
import { createNodeEngine } from '../../wasm/node.js';

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
