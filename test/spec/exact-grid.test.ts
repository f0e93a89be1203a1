import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/node.js';
import { exactGrid } from '../../src/spec/exact-grid.js';
import { syntheticTerrain } from '../../src/synthetic/synthetic-terrain.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { createPoolEngine } from '../../wasm/node.js';
import { useScratchFolder } from '../wasm/fixtures.js';

describe('exactGrid on the worker pool', () => {
  const scratch = useScratchFolder('geodata-exact-grid');
  const engine = createPoolEngine({ workers: 2 });
  afterAll(() => engine.close());

  /** A raster whose grid says which one it is: `size` pixels a side, `size` metres each. */
  async function rasterOfSize(size: number): Promise<string> {
    const file = scratch.path(`grid-${size}.tif`);
    await syntheticTerrain({ size, pixel: size, origin: [500000 + size, 5000000 - size] }).write(file, { engine });
    return file;
  }
  const gridOf = (size: number) => ({ width: size, height: size, geoTransform: [500000 + size, size, 0, 5000000 - size, 0, -size] });

  it('reads the grid of the file asked for when the call that reads it runs on another thread than the call that wrote it', async () => {
    const busy = scratch.path('busy.tif');
    await syntheticTerrain({ size: 1500 }).write(busy, { engine });
    // Both threads started; the first file's grid is read on the first thread, then the file is gone.
    await Promise.all([engine.info(busy), engine.info(busy)]);
    const first = await rasterOfSize(11);
    expect(await exactGrid(engine, first)).toEqual(gridOf(11));
    await rm(first);
    // Now the first thread is kept busy while the second thread writes what is read next, so
    // the read lands on the first thread (the first free one) once its work is done.
    const skewed: GdalEngine = {
      ...engine,
      fs: engine.fs,
      info: (path, args) => engine.info(path, args),
      translate: async (source, dest, args, options) => {
        const work = engine.translate(busy, scratch.path('busy-copy.tif'), ['-co', 'COMPRESS=DEFLATE']);
        await engine.translate(source, dest, args, options);
        await work;
      },
    };
    const second = await rasterOfSize(12);
    expect(await exactGrid(skewed, second)).toEqual(gridOf(12));
  });

  it('reads concurrent callers each their own grid', async () => {
    const sizes = [21, 22, 23, 24, 25, 26, 27, 28];
    const files = await Promise.all(sizes.map(rasterOfSize));
    expect(await Promise.all(files.map((file) => exactGrid(engine, file)))).toEqual(sizes.map(gridOf));
  });
});
