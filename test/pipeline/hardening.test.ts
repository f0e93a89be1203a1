// Grids that cannot fit, and outputs written where they must not be: refused with errors that
// say what happened, leaving nothing in the cache.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Data, OutputTooLargeError, PipelineError, Raster, Reprojector, SpatialSpec, getConfig, load, register } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { Four } from './fixtures/bad-inputs.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });
const HUGE = new SpatialSpec({ crs: 'EPSG:3857', transform: [1, 0, 0, 0, -1, 0], shape: [100_000, 100_000] });

/** Every folder and file under the cache's entry folders and staging: what a refused call must not leave. */
function leftovers(root: string): string[] {
  return ['data_processed', 'figures', '.staging'].flatMap((folder) => (existsSync(join(root, folder)) ? readdirSync(join(root, folder)).map((name) => `${folder}/${name}`) : []));
}

class HugeSource extends Data {
  constructor(public file: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.file);
  }
}
register(HugeSource);

/** Writes a 2x2 raster of its own grid whatever the spec says (a CRS-only spec is completed from it). */
class OwnGrid extends Data {
  async _process() {
    await Raster.fromArrays([new Float32Array([1, 2, 3, 4])], SPEC).write(this.ensureProcessedPath(SPEC.with({ transform: undefined, shape: undefined })));
  }
}
register(OwnGrid);

/** Writes to getProcessedPath (where committed entries are read from) instead of ensureProcessedPath. */
class WritesToCommittedPath extends Data {
  async _process(spec: SpatialSpec) {
    await Raster.fromArrays([new Float32Array([1, 2, 3, 4])], spec).write(this.getProcessedPath(spec));
  }
}
register(WritesToCommittedPath);

describe('grids that cannot fit', () => {
  const cache = useTempCache('geodata-limits');

  it('refuses a 100000x100000 Reprojector before computing, naming the spec and the size, and leaves nothing', async () => {
    const source = join(cache.root, 'source.tif');
    await Raster.fromArrays([new Float32Array([1, 2, 3, 4])], SPEC).write(source);
    const error = await load(new HugeSource(source), HUGE).catch((e: Error) => e);
    expect(error).toBeInstanceOf(OutputTooLargeError);
    expect((error as Error).message).toBe(
      `HugeSource cannot be computed for ${HUGE}: a 100000x100000 grid holds 10,000,000,000 cells, at least 10 GB (10,000,000,000 bytes) for one band of bytes, ` +
        'over the raster limit of 2.1 GB (2,147,483,647 bytes) that load() can read; nothing was computed. ' +
        'Use a coarser spec or a smaller extent (spec.with({ shape, transform })), or raise limits.rasterBytes if this machine can hold it',
    );
    expect(cache.events.filter((e) => e.type === 'start')).toEqual([]);
    expect(leftovers(cache.root)).toEqual([]);
  });

  it('follows the configured limit', async () => {
    getConfig().update({ limits: { rasterBytes: 3 } });
    await expect(load(new Four(), SPEC)).rejects.toThrow(/^Four cannot be computed for SpatialSpec\(EPSG:4326, 2x2 px at 1°.*\): a 2x2 grid holds 4 cells, at least 4 B \(4 bytes\)/);
    getConfig().update({ limits: { rasterBytes: 4 } });
    expect(Array.from((await load<Raster>(new Four(), SPEC)).bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('never commits an output whose grid, known only once computed, is over the limit', async () => {
    getConfig().update({ limits: { rasterBytes: 3 } });
    const crsOnly = new SpatialSpec({ crs: 'EPSG:4326' });
    const error = await load(new OwnGrid(), crsOnly).catch((e: Error) => e);
    expect(error).toBeInstanceOf(OutputTooLargeError);
    expect((error as Error).message).toMatch(/^OwnGrid cannot be computed for SpatialSpec\(EPSG:4326, 2x2 px at 1°/);
    expect(cache.events.filter((e) => e.type === 'commit')).toEqual([]);
    expect(leftovers(cache.root)).toEqual([]);
  });
});

describe('outputs written to the wrong path', () => {
  const cache = useTempCache('geodata-misplaced');

  it('says a _process wrote to getProcessedPath instead of ensureProcessedPath, and leaves no folder behind', async () => {
    const error = await load(new WritesToCommittedPath(), SPEC).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^WritesToCommittedPath wrote its output to ${cache.root}/data_processed/[0-9a-f]{64}/writes_to_committed_path\\.tif, the path getProcessedPath\\(spec\\) gives \\(where a committed entry is read from, after produce\\), ` +
          `instead of ${cache.root}/\\.staging/[^ ]+/writes_to_committed_path\\.tif, the path this\\.ensureProcessedPath\\(spec\\) gives inside _process; nothing was committed and that file was removed\\. Write the result to this\\.ensureProcessedPath\\(spec\\)$`,
      ),
    );
    expect(leftovers(cache.root)).toEqual([]);
  });
});
