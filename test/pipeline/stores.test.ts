import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  Data,
  Figure,
  Raster,
  SpatialSpec,
  type StoreAdapter,
  fsStore,
  getConfig,
  indexedDbStore,
  load,
  loadFromHash,
  memoryStore,
  process,
  readRaster,
  register,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [3, 4] });

function filled(spec: SpatialSpec, value: number): Raster {
  return Raster.fromArrays([new Float32Array(spec.shape![0] * spec.shape![1]).fill(value)], spec, { nodata: NaN });
}

/** min and max of a computation that yields both: one run, two entries. */
class Extreme extends Data {
  constructor(public which: 'min' | 'max') {
    super();
  }
  async *_process(spec: SpatialSpec) {
    const min = new Extreme('min');
    const max = new Extreme('max');
    await filled(spec, -5).write(min.ensureProcessedPath(spec));
    await filled(spec, 5).write(max.ensureProcessedPath(spec));
    yield this.which === 'min' ? max : min;
  }
}
register(Extreme);

class Range extends Data {
  async _process(spec: SpatialSpec) {
    const [min, max] = await Promise.all([load<Raster>(new Extreme('min'), spec), load<Raster>(new Extreme('max'), spec)]);
    await filled(spec, max.get(0, 0, 0) - min.get(0, 0, 0)).write(this.ensureProcessedPath(spec));
  }
}
register(Range);

class Chart extends Figure {
  async _process(spec: SpatialSpec) {
    const range = await load<Raster>(new Range(), spec);
    return new TextEncoder().encode(`range ${range.get(0, 0, 0)}`);
  }
}
register(Chart);

const STORES: Array<[string, (root: string) => StoreAdapter]> = [
  ['filesystem', (root) => fsStore({ root })],
  ['memory', () => memoryStore()],
  ['IndexedDB (fake-indexeddb)', (root) => indexedDbStore({ dbName: `test-${root}` })],
];

describe.each(STORES)('the pipeline on the %s store', (_name, makeStore) => {
  const cache = useTempCache();

  it('computes co-outputs in one run, gives each its own entry, and loads either later as a hit', async () => {
    getConfig().update({ store: makeStore(cache.root) });
    const max = await load<Raster>(new Extreme('max'), SPEC);
    expect(max.get(0, 0, 0)).toBe(5);
    expect(cache.computed().sort()).toEqual(['Extreme', 'Extreme']);
    expect(cache.events.filter((e) => e.type === 'start')).toHaveLength(1);
    cache.resetEvents();
    const min = await load<Raster>(new Extreme('min'), SPEC);
    expect(min.get(0, 0, 0)).toBe(-5);
    expect(cache.computed()).toEqual([]);
    const minEntry = await process(new Extreme('min'), SPEC);
    const maxEntry = await process(new Extreme('max'), SPEC);
    expect(minEntry.meta.co_outputs).toEqual([maxEntry.stateHash]);
    expect(maxEntry.meta.co_outputs).toEqual([minEntry.stateHash]);
  });

  it('runs a pipeline with a figure, reads every step from the cache the second time, and finds entries by hash prefix', async () => {
    getConfig().update({ store: makeStore(cache.root) });
    const chart = await process(new Chart(), SPEC);
    expect(cache.computed().sort()).toEqual(['Chart', 'Extreme', 'Extreme', 'Range']);
    cache.resetEvents();
    const again = await process(new Chart(), SPEC);
    expect(again.computed).toBe(false);
    expect(cache.computed()).toEqual([]);
    expect(new TextDecoder().decode(await loadFromHash<Uint8Array>(chart.stateHash.slice(0, 8)))).toBe('range 10');
    const range = await process(new Range(), SPEC);
    const raster = await loadFromHash<Raster>(range.stateHash);
    expect(raster.get(0, 0, 0)).toBe(10);
    expect(raster.spec.equals(SPEC)).toBe(true);
    // GDAL can open the committed output at getProcessedPath, whatever the store.
    expect((await readRaster(new Range().getProcessedPath(SPEC))).get(0, 2, 3)).toBe(10);
    await expect(loadFromHash('ffffffffffffffff')).rejects.toThrow(/no cache entry has a hash starting with ffffffffffffffff/);
  });
});
