import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readRaster, Reprojector, SpatialSpec } from '../../src/node.js';
import { readTiffLayout, TAG, tagNumber } from '../../src/formats/tiff-layout.js';
import { syntheticTerrain } from '../../src/synthetic/synthetic-terrain.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { createPoolEngine } from '../../wasm/node.js';
import { resolveInput, useScratchFolder } from './helpers.js';

describe('a Reprojector entry on the Node pool', () => {
  const scratch = useScratchFolder('reprojector-pool');
  const split = createPoolEngine({ workers: 2 });
  const whole = createPoolEngine({ workers: 1 });
  afterAll(() => Promise.all([split.close(), whole.close()]));

  it('warps a large output with gdalwarp’s default error threshold over both workers, DEFLATEs it as the tiles are laid together, and writes the pixels of the warp run whole', async () => {
    const source = scratch.path('terrain.tif');
    // 1400x1400 at 30 m in UTM 32N; to EPSG:3035 at 10 m: about 4300x4300 Float32, over the 64 MB GDAL cuts at.
    await syntheticTerrain({ size: 1400, pixel: 30 }).write(source, { engine: whole });
    const info = await whole.info(source);
    const [x0, , , y0] = info.geoTransform!;
    const corners = await whole.transformPoints('EPSG:32632', 'EPSG:3035', [[x0, y0], [x0 + 42000, y0], [x0, y0 - 42000], [x0 + 42000, y0 - 42000]]);
    const [xmin, xmax] = [Math.floor(Math.min(...corners.map(([x]) => x)) / 10) * 10, Math.ceil(Math.max(...corners.map(([x]) => x)) / 10) * 10];
    const [ymin, ymax] = [Math.floor(Math.min(...corners.map(([, y]) => y)) / 10) * 10, Math.ceil(Math.max(...corners.map(([, y]) => y)) / 10) * 10];
    const [rows, columns] = [(ymax - ymin) / 10, (xmax - xmin) / 10];
    const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [10, 0, xmin, 0, -10, ymax], shape: [rows, columns] });
    expect(rows * columns * 4).toBeGreaterThan(64 * 1024 * 1024);

    // The cache's DEFLATE happened in the pool when the entry's writer only renames what the engine wrote.
    const renamed: string[] = [];
    const watched: GdalEngine = { ...split, fs: { ...split.fs, rename: async (from, to) => (renamed.push(to), split.fs.rename(from, to)) } };
    const [splitOutput, wholeOutput] = [scratch.path('split.tif'), scratch.path('whole.tif')];
    await new Reprojector(source, { resampling: 'bilinear' }).run({ spec, outputPath: splitOutput, engine: watched, resolveInput });
    await new Reprojector(source, { resampling: 'bilinear' }).run({ spec, outputPath: wholeOutput, engine: whole, resolveInput });
    expect(renamed).toEqual([splitOutput]);

    const [a, b] = await Promise.all([readRaster(splitOutput), readRaster(wholeOutput)]);
    expect([a.transform, a.crs, a.nodata]).toEqual([b.transform, b.crs, b.nodata]);
    const pixels = (raster: typeof a) => Buffer.from(raster.bands[0]!.buffer, raster.bands[0]!.byteOffset, raster.bands[0]!.byteLength);
    expect(Buffer.compare(pixels(a), pixels(b))).toBe(0);
    expect((a.bands[0] as Float32Array).filter((value) => !Number.isNaN(value)).length).toBeGreaterThan(rows * columns * 0.4);
    for (const file of [splitOutput, wholeOutput]) {
      const bytes = readFileSync(file);
      const layout = await readTiffLayout(async (offset, length) => new Uint8Array(bytes.buffer, bytes.byteOffset + offset, Math.min(length, bytes.length - offset)), file);
      const ifd = layout.ifds[0]!;
      expect([tagNumber(ifd, TAG.compression, true, 1), tagNumber(ifd, TAG.predictor, true, 1), tagNumber(ifd, TAG.tileWidth, true, 0)]).toEqual([8, 3, 256]);
    }
  });
});
