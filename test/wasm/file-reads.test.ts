import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onFileAccess, type FileAccess } from '../../wasm/file-access.js';
import { createNodeEngine } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, sample, useScratchFolder } from './fixtures.js';

const engine = createNodeEngine();
afterAll(() => engine.close());

describe.skipIf(!HAS_DATA)(`the files GDAL reads, observed in its file system${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const scratch = useScratchFolder('reads');

  async function watching<T>(call: () => Promise<T>): Promise<FileAccess[]> {
    const seen: FileAccess[] = [];
    const stop = onFileAccess((access) => seen.push(access));
    try {
      await call();
    } finally {
      stop();
    }
    return seen;
  }

  it('reports the file a call read, an external overview it used, and the sidecars it looked for in its folder', async () => {
    mkdirSync(scratch.path('data'), { recursive: true });
    copyFileSync(sample('elev.tif'), scratch.path('data', 'elev.tif'));
    await engine.translate(scratch.path('data', 'elev.tif'), scratch.path('data', 'elev.tif.ovr'), ['-of', 'GTiff', '-outsize', '50%', '50%']);
    writeFileSync(scratch.path('data', 'unrelated.txt'), 'not read');
    const seen = await watching(() => engine.warp([scratch.path('data', 'elev.tif')], scratch.path('out.tif'), ['-ts', '20', '20']));
    const read = seen.flatMap((access) => access.read);
    const absent = seen.flatMap((access) => access.absent);
    expect(read).toContain(scratch.path('data', 'elev.tif'));
    expect(read).toContain(scratch.path('data', 'elev.tif.ovr'));
    expect(read).not.toContain(scratch.path('data', 'unrelated.txt'));
    expect(read).not.toContain(scratch.path('out.tif'));
    // Looked for beside the input (folder listings are off, so each probe is seen), never elsewhere.
    expect(absent).toContain(scratch.path('data', 'elev.tif.aux.xml'));
    expect(absent.every((file) => path.dirname(file) === scratch.path('data'))).toBe(true);
  });

  it("reports the VRT's source and the files GDAL read through a symlinked folder under the names it was given", async () => {
    mkdirSync(scratch.path('real'), { recursive: true });
    copyFileSync(sample('elev.tif'), scratch.path('real', 'source.tif'));
    symlinkSync('real', scratch.path('linked'));
    await engine.buildVrt([scratch.path('linked', 'source.tif')], scratch.path('mosaic.vrt'), []);
    const seen = await watching(() => engine.translate(scratch.path('mosaic.vrt'), scratch.path('copy.tif'), []));
    const read = seen.flatMap((access) => access.read);
    expect(read).toEqual(expect.arrayContaining([scratch.path('mosaic.vrt'), scratch.path('linked', 'source.tif')]));
  });

  it('reports nothing for GDAL reading its own data (the CRS database)', async () => {
    const seen = await watching(() => engine.crsToWkt('EPSG:3035'));
    expect(seen).toEqual([]);
  });
});
