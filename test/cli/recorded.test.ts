import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Raster, SpatialSpec } from '../../src/node.js';
import { FIXTURES, geodata, geodataJson, removeAll, runPipeline, storedEntries, tempFolder } from './cli-helpers.js';

const MODULE = join(FIXTURES, 'recorded.ts');
const GRID = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200080], shape: [8, 8] });

describe('geodata on an entry whose recorded dependency changed', () => {
  afterAll(removeAll);

  it('lists it as input-changed with the chain that leads to the change, explains it, and the next run computes it again', async () => {
    const folder = tempFolder('recorded');
    const input = join(folder, 'data', 'elevation.tif');
    mkdirSync(join(folder, 'data'));
    await Raster.fromArrays([Float32Array.from({ length: 64 }, (_, i) => i)], GRID).write(input);
    globalThis.process.env.GEODATA_RECORDED_INPUT = input;
    const root = join(folder, 'cache');
    writeFileSync(join(folder, 'geodata.config.json'), JSON.stringify({ modules: [MODULE], root: 'cache' }));
    expect(runPipeline(root, MODULE).computed).toEqual(['ElevationGrid', 'GridStats']);
    const stats = storedEntries(root).find((entry) => entry.className === 'GridStats')!;

    await Raster.fromArrays([Float32Array.from({ length: 64 }, (_, i) => 100 + i)], GRID).write(input);
    // Paths inside the working directory (the project folder) are shown relative to it. In a
    // process of its own: main() takes its working directory from io.cwd, but the reasons'
    // paths are made relative to the process's (src/pipeline/recorded.ts, describe-reason.ts).
    const listed = geodataJson(['entries', '--class', 'GridStats'], folder);
    expect(listed.code).toBe(0);
    expect(listed.value).toEqual([
      expect.objectContaining({ stateHash: stats.hash, state: 'input-changed', reasons: ['GridStats ← ElevationGrid: input data/elevation.tif changed'] }),
    ]);
    const explained = geodata(['explain', stats.hash.slice(0, 10)], folder);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(
      `entry ${stats.hash.slice(0, 12)} of GridStats was computed from inputs that have changed since (files, or entries it loaded): loading it computes it again, in place, because\n` +
        '  - GridStats ← ElevationGrid: input data/elevation.tif changed\n',
    );
    // Still reachable (the same state hash): cleaning keeps it unless asked to remove changed inputs.
    expect(geodataJson(['clean-cache', '--dry-run'], folder).value.removed).toEqual([]);

    expect(runPipeline(root, MODULE).computed).toEqual(['ElevationGrid', 'GridStats']);
    expect(geodataJson(['entries', '--class', 'GridStats'], folder).value).toEqual([expect.objectContaining({ stateHash: stats.hash, state: 'fresh' })]);
  });
});
