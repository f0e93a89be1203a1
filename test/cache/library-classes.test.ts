import { describe, expect, it } from 'vitest';
import { Data, Slope, SpatialSpec, defaultRegistry, process, register, scanCache, syntheticTerrain } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [30, 0, 620000, 0, -30, 5190000], shape: [32, 32] });

class Dem extends Data {
  async _process(spec: SpatialSpec) {
    await syntheticTerrain({ size: 32, pixel: 30 }).write(this.ensureProcessedPath(spec));
  }
}
register(Dem);

describe('library dataset classes', () => {
  useTempCache();

  it('are judged in a process that has not made one yet, as the CLI is', async () => {
    const entry = await process(new Slope(new Dem()), SPEC);
    // A fresh process knows Slope only as an export until it makes one.
    defaultRegistry.unregister('Slope');
    defaultRegistry.unregister('TerrainDataset');
    const scanned = await scanCache();
    expect(scanned.find((e) => e.stateHash === entry.stateHash)).toMatchObject({ className: 'Slope', state: 'fresh' });
  });
});
