import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { GdalEngine } from '../../wasm/engine.js';
import { createNodeEngine, createPoolEngine } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, readTiffFile, sample, useScratchFolder } from './fixtures.js';

/** A VRT naming `name` as written, not relative to the VRT: native GDAL opens it from the working folder. */
function vrtNaming(name: string): string {
  return `<VRTDataset rasterXSize="32" rasterYSize="32">
  <GeoTransform>0, 1, 0, 32, 0, -1</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <SimpleSource><SourceFilename relativeToVRT="0">${name}</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
`;
}

const home = process.cwd();
const engines: Array<[string, () => GdalEngine]> = [
  ['in-thread', () => createNodeEngine()],
  ['pool', () => createPoolEngine({ workers: 2 })],
];

describe.skipIf(!HAS_DATA)(`GDAL's working folder on host files${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const scratch = useScratchFolder('working-folder');
  afterAll(() => process.chdir(home));

  describe.each(engines)('%s engine', (label, make) => {
    const engine = make();
    afterAll(() => engine.close());

    it('opens a VRT source that is not relativeToVRT from the process\'s working folder, as native GDAL does, and follows chdir', async () => {
      const folder = scratch.path(label);
      for (const [place, offset] of [['a', 0], ['b', 100]] as const) {
        mkdirSync(scratch.path(label, place, 'sub'), { recursive: true });
        // Each working folder holds its own sub/small.tif: 32x32 of elev.tif, from another corner.
        await engine.translate(sample('elev.tif'), scratch.path(label, place, 'sub', 'small.tif'), ['-ot', 'Float32', '-srcwin', String(offset), String(offset), '32', '32']);
      }
      mkdirSync(scratch.path(label, 'vrts'), { recursive: true });
      writeFileSync(scratch.path(label, 'vrts', 'm.vrt'), vrtNaming('sub/small.tif'));
      for (const place of ['a', 'b']) {
        process.chdir(`${folder}/${place}`);
        await engine.translate(scratch.path(label, 'vrts', 'm.vrt'), scratch.path(label, `out-${place}.tif`), []);
        const [read, source] = [await readTiffFile(scratch.path(label, `out-${place}.tif`)), await readTiffFile(scratch.path(label, place, 'sub', 'small.tif'))];
        expect(Array.from(read.values)).toEqual(Array.from(source.values));
      }
      process.chdir(home);
    });

    it('still runs calls on absolute paths once the working folder is removed', async () => {
      const gone = scratch.path(label, 'gone');
      mkdirSync(gone, { recursive: true });
      process.chdir(gone);
      rmSync(gone, { recursive: true });
      try {
        expect((await engine.info(sample('elev.tif'))).size).toEqual([95, 90]);
      } finally {
        process.chdir(home);
      }
    });
  });
});
