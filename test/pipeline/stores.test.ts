import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Data,
  Figure,
  LIBRARY_VERSION,
  Raster,
  SpatialSpec,
  type StoreAdapter,
  describe as describeInstance,
  fingerprint,
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
import { ENTRY_FORMAT_VERSION } from '../../src/pipeline/entry.js';
import { FINGERPRINT_FORMAT_VERSION } from '../../src/fingerprint/record.js';
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

/** The mean of a raster file read inside _process: the file is a recorded dependency. */
class FileMean extends Data {
  constructor(public path: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process() {
    const raster = await readRaster(this.path);
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)!.mean));
  }
}
register(FileMean);

/** Reads an entry by its hash inside _process. */
class Pinned extends Data {
  constructor(public entry: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process() {
    return new TextEncoder().encode(JSON.stringify(await loadFromHash<number>(this.entry)));
  }
}
register(Pinned);

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

  it('writes a meta.json that records the class, every hash, the co-outputs, the timing, the library version and the output checksum', async () => {
    const store = makeStore(cache.root);
    getConfig().update({ store });
    const before = Date.now();
    await load(new Extreme('max'), SPEC);
    const after = Date.now();
    const max = await fingerprint(new Extreme('max'), SPEC);
    const min = await fingerprint(new Extreme('min'), SPEC);
    const record = await describeInstance(new Extreme('max'), SPEC);
    const prefix = `data_processed/${max.stateHash}/`;
    const meta = JSON.parse(new TextDecoder().decode(await store.get(`${prefix}meta.json`)));
    const output = (await store.get(`${prefix}extreme.tif`))!;
    const spec = (await store.get(`${prefix}spec.json`))!;
    expect(meta).toEqual({
      format_version: ENTRY_FORMAT_VERSION,
      fingerprint_format: FINGERPRINT_FORMAT_VERSION,
      class_name: 'Extreme',
      object_type: 'data',
      source_hash: max.sourceHash,
      dep_tree_hash: max.depTreeHash,
      instance_hash: max.instanceHash,
      state_hash: max.stateHash,
      params_hash: record.paramsHash,
      spec_hash: record.specHash,
      co_outputs: [min.stateHash],
      upstream: [],
      key_dependencies: { processors: [], classes: {} },
      started_at: expect.any(String),
      finished_at: expect.any(String),
      duration_s: expect.any(Number),
      library_version: LIBRARY_VERSION,
      library_class: false,
      output: { file: 'extreme.tif', size: output.byteLength, sha256: createHash('sha256').update(output).digest('hex') },
      spec_sha256: createHash('sha256').update(spec).digest('hex'),
      // Extreme's _process reads nothing: no entry, no file (GDAL writes, never reads).
      recorded: { entries: [], files: [], absent: [], engine_reads_observed: true },
      inputs: [],
      processor: null,
      // `filled`, a function of this module, is resolved there and hashed: nothing is unhashed.
      unhashed: [],
    });
    // The hashes are distinct values, not one hash copied into every field.
    expect(new Set([meta.source_hash, meta.dep_tree_hash, meta.instance_hash, meta.state_hash, meta.params_hash, meta.spec_hash]).size).toBe(6);
    for (const hash of [meta.source_hash, meta.dep_tree_hash, meta.instance_hash, meta.state_hash, meta.params_hash, meta.spec_hash]) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(output.byteLength).toBeGreaterThan(0);
    const started = Date.parse(meta.started_at);
    const finished = Date.parse(meta.finished_at);
    expect(new Date(started).toISOString()).toBe(meta.started_at);
    expect(new Date(finished).toISOString()).toBe(meta.finished_at);
    expect(started).toBeGreaterThanOrEqual(before);
    expect(finished).toBeGreaterThanOrEqual(started);
    expect(finished).toBeLessThanOrEqual(after);
    expect(meta.duration_s).toBeGreaterThanOrEqual(0);
    expect(meta.duration_s).toBe((finished - started) / 1000);
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

  it('replaces a stale entry in place, and what loaded it by hash is computed again', async () => {
    getConfig().update({ store: makeStore(cache.root) });
    const input = join(cache.root, 'input.tif');
    await filled(SPEC, 1).write(input);
    const mean = await process(new FileMean(input), SPEC);
    const pinned = new Pinned(mean.stateHash);
    expect(await load<number>(pinned, SPEC)).toBe(1);
    await filled(SPEC, 3).write(input);
    cache.resetEvents();
    expect(await load<number>(new FileMean(input), SPEC)).toBe(3);
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ className: 'FileMean', reason: 'stale' });
    expect(await load<number>(pinned, SPEC)).toBe(3);
    expect(cache.computed()).toEqual(['FileMean', 'Pinned']);
    // One entry per state hash, the new one: replaced, not added.
    const keys = await getConfig().store.keys(`data_processed/${mean.stateHash}/`);
    expect(keys.map((key) => key.split('/').pop()).sort()).toEqual(['file_mean.json', 'meta.json', 'parameters.json', 'spec.json']);
  });
});
