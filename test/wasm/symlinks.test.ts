import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, readTiffFile, sample, useScratchFolder } from './fixtures.js';

const engine = createNodeEngine();
afterAll(() => engine.close());

describe.skipIf(!HAS_DATA)(`host files reached through symbolic links${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const scratch = useScratchFolder('links');

  function layout(): void {
    mkdirSync(scratch.path('real'), { recursive: true });
    copyFileSync(sample('elev.tif'), scratch.path('real', 'elev.tif'));
    symlinkSync('real', scratch.path('data')); // a relative link to a folder
    symlinkSync(scratch.path('real', 'elev.tif'), scratch.path('absolute.tif')); // an absolute link to a file
    symlinkSync(path.join('real', 'elev.tif'), scratch.path('relative.tif')); // a relative link to a file
  }

  it('opens a file inside a symlinked data folder, and files that are links (absolute and relative), as native GDAL does', async () => {
    layout();
    const direct = await engine.info(scratch.path('real', 'elev.tif'));
    for (const linked of [scratch.path('data', 'elev.tif'), scratch.path('absolute.tif'), scratch.path('relative.tif')]) {
      const info = await engine.info(linked);
      expect(info.size).toEqual(direct.size);
      expect(info.geoTransform).toEqual(direct.geoTransform);
    }
  });

  it('warps from a symlinked folder to the same pixels as from the real one', async () => {
    const args = ['-t_srs', 'EPSG:3035', '-tr', '1000', '1000', '-r', 'bilinear'];
    await engine.warp([scratch.path('real', 'elev.tif')], scratch.path('direct.tif'), args);
    await engine.warp([scratch.path('data', 'elev.tif')], scratch.path('linked.tif'), args);
    const [direct, linked] = [await readTiffFile(scratch.path('direct.tif')), await readTiffFile(scratch.path('linked.tif'))];
    expect(linked.width).toBe(direct.width);
    expect(Array.from(linked.values)).toEqual(Array.from(direct.values));
  });
});
