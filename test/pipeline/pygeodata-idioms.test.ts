import { describe, expect, it } from 'vitest';
import { Data, Raster, SpatialSpec, getConfig, load, memoryStore, process, register, write } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [2, 3] });

function filled(spec: SpatialSpec, value: number): Raster {
  return Raster.fromArrays([new Float32Array(spec.shape![0] * spec.shape![1]).fill(value)], spec, { nodata: NaN });
}

/** pygeodata's idiom: one computation writes every band with write() and yields them all, itself included. */
class Band extends Data {
  constructor(public which: 'low' | 'high') {
    super();
  }
  async *_process() {
    const siblings = [new Band('low'), new Band('high')];
    await write(siblings[0]!, filled(SPEC, 1));
    await write(siblings[1]!, filled(SPEC, 2));
    yield* siblings;
  }
}
register(Band);

/** Co-outputs of other kinds: bytes and JSON, through write(). */
class Summary extends Data {
  constructor(public part: 'text' | 'json') {
    super();
  }
  override get ext() {
    return this.part === 'json' ? 'json' : 'txt';
  }
  async *_process() {
    await write(this.part === 'text' ? this : new Summary('text'), new TextEncoder().encode('two bands'));
    await write(this.part === 'json' ? this : new Summary('json'), { bands: 2, names: ['low', 'high'] });
    yield this;
    yield new Summary(this.part === 'text' ? 'json' : 'text');
  }
}
register(Summary);

describe("pygeodata's co-output idioms", () => {
  const cache = useTempCache();

  it('accepts a generator that yields the instance itself among its siblings: one run, one entry each', async () => {
    getConfig().update({ store: memoryStore() });
    const high = await load<Raster>(new Band('high'), SPEC);
    expect(Array.from(high.bands[0]!)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(cache.events.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(cache.computed()).toEqual(['Band', 'Band']);
    cache.resetEvents();
    const low = await load<Raster>(new Band('low'), SPEC);
    expect(Array.from(low.bands[0]!)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(cache.computed()).toEqual([]);
    const lowEntry = await process(new Band('low'), SPEC);
    const highEntry = await process(new Band('high'), SPEC);
    // The instance itself is the entry, not its own co-output.
    expect(highEntry.meta.co_outputs).toEqual([lowEntry.stateHash]);
    expect(lowEntry.meta.co_outputs).toEqual([highEntry.stateHash]);
  });

  it('writes bytes as they are and other values as JSON with write()', async () => {
    getConfig().update({ store: memoryStore() });
    expect(await load(new Summary('json'), SPEC)).toEqual({ bands: 2, names: ['low', 'high'] });
    expect(new TextDecoder().decode((await load(new Summary('text'), SPEC)) as Uint8Array)).toBe('two bands');
    expect(cache.events.filter((e) => e.type === 'start')).toHaveLength(1);
  });

  it('refuses write() outside _process, saying where it belongs', async () => {
    await expect(write(new Band('low'), filled(SPEC, 1))).rejects.toThrow(
      'write(Band, ...) was called outside _process: it writes an output while it is computed; call it inside _process, or pass the spec',
    );
  });
});
