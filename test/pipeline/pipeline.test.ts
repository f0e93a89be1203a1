import { describe, expect, it } from 'vitest';
import {
  Data,
  Figure,
  PipelineError,
  Raster,
  SpatialSpec,
  getConfig,
  load,
  loadFromHash,
  process,
  register,
  type Driver,
  type Processor,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { ENTRY_FORMAT_VERSION } from '../../src/pipeline/entry.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.5, 0, 5, 0, -0.5, 50], shape: [2, 3] });

/** A raster filled with `value` on the spec's grid. */
function filled(spec: SpatialSpec, value: number): Raster {
  const [h, w] = spec.shape!;
  return Raster.fromArrays([new Float32Array(h * w).fill(value)], spec, { nodata: NaN });
}

class Constant extends Data {
  constructor(public value: number) {
    super();
  }
  async _process(spec: SpatialSpec) {
    await filled(spec, this.value).write(this.ensureProcessedPath(spec));
  }
}
register(Constant);

class Doubled extends Data {
  constructor(public source: Constant) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const input = await load<Raster>(this.source, spec);
    await filled(spec, input.get(0, 0, 0) * 2).write(this.ensureProcessedPath(spec));
  }
}
register(Doubled);

describe('load and process', () => {
  const cache = useTempCache();

  it('computes an entry once and reads it from the cache afterwards', async () => {
    const first = await load<Raster>(new Constant(4), SPEC);
    expect(Array.from(first.bands[0]!)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(cache.computed()).toEqual(['Constant']);
    cache.resetEvents();
    const second = await load<Raster>(new Constant(4), SPEC);
    expect(Array.from(second.bands[0]!)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(cache.computed()).toEqual([]);
    expect(cache.hits()).toEqual(['Constant']);
  });

  it('returns a Raster on the entry spec, with its nodata', async () => {
    const raster = await load<Raster>(new Constant(1), SPEC);
    expect(raster.spec.equals(SPEC)).toBe(true);
    expect(Number.isNaN(raster.nodata)).toBe(true);
    expect(raster.dtype).toBe('float32');
  });

  it('uses the configured spec when none is given', async () => {
    getConfig().update({ spec: SPEC });
    const raster = await load<Raster>(new Constant(2));
    expect(raster.width).toBe(3);
  });

  it('recomputes a Data parameter only when its own parameters change', async () => {
    await load(new Doubled(new Constant(1)), SPEC);
    expect(cache.computed()).toEqual(['Constant', 'Doubled']);
    cache.resetEvents();
    const raster = await load<Raster>(new Doubled(new Constant(5)), SPEC);
    expect(raster.get(0, 0, 0)).toBe(10);
    expect(cache.computed()).toEqual(['Constant', 'Doubled']);
    cache.resetEvents();
    await load(new Doubled(new Constant(1)), SPEC);
    expect(cache.computed()).toEqual([]);
  });

  it('writes the entry layout: output, meta.json, parameters.json, spec.json and the code registry', async () => {
    const entry = await process(new Doubled(new Constant(3)), SPEC);
    const { readdirSync, readFileSync } = await import('node:fs');
    const folder = `${cache.root}/data_processed/${entry.stateHash}`;
    expect(readdirSync(folder).sort()).toEqual(['doubled.tif', 'meta.json', 'parameters.json', 'spec.json']);
    const meta = JSON.parse(readFileSync(`${folder}/meta.json`, 'utf8'));
    expect(meta).toMatchObject({ format_version: ENTRY_FORMAT_VERSION, class_name: 'Doubled', object_type: 'data', state_hash: entry.stateHash, co_outputs: [] });
    expect(meta.output.file).toBe('doubled.tif');
    // Library names (load, Raster) are imported from the library; the module's own helper is
    // resolved in the module and hashed, for Doubled and for the Constant it takes as a parameter.
    expect(meta.unhashed).toEqual([]);
    expect(meta.upstream).toHaveLength(1);
    expect(readdirSync(`${cache.root}/data_processed`)).toContain(meta.upstream[0]);
    const parameters = JSON.parse(readFileSync(`${folder}/parameters.json`, 'utf8'));
    expect(parameters.source.$data).toBe('Constant');
    expect(JSON.parse(readFileSync(`${folder}/spec.json`, 'utf8')).crs).toBe('EPSG:4326');
    const code = readdirSync(`${cache.root}/.source/code`);
    expect(code).toContain(meta.source_hash);
    expect(readFileSync(`${cache.root}/.source/code/${meta.source_hash}/source.js`, 'utf8')).toContain('class Doubled');
    const tree = JSON.parse(readFileSync(`${cache.root}/.source/snapshots/${meta.dep_tree_hash}/tree.json`, 'utf8'));
    // The module's helper `filled` is part of Doubled's tree.
    expect(Object.keys(tree.nodes).sort()).toEqual(['Doubled', 'filled']);
    expect(tree.edges).toContainEqual({ from: 'Doubled', to: 'filled', kind: 'calls' });
    const svg = readFileSync(`${cache.root}/.source/snapshots/${meta.dep_tree_hash}/graph.svg`, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Doubled');
  });

  it('emits miss (absent), start, commit, finish for a first run, and a single hit for the second', async () => {
    await load(new Constant(9), SPEC);
    const firstRun = [...cache.events];
    cache.resetEvents();
    const entry = await process(new Constant(9), SPEC);
    const { stateHash } = entry;
    expect(firstRun).toEqual([
      { type: 'miss', className: 'Constant', stateHash, objectType: 'data', reason: 'absent' },
      { type: 'start', className: 'Constant', stateHash },
      { type: 'commit', className: 'Constant', stateHash, key: `data_processed/${stateHash}/`, size: entry.meta.output.size },
      { type: 'finish', className: 'Constant', stateHash, durationMs: expect.any(Number) },
    ]);
    expect(firstRun[0]).not.toHaveProperty('detail');
    // The same timing as meta.json's (whole milliseconds).
    expect((firstRun[3] as { durationMs: number }).durationMs / 1000).toBe(entry.meta.duration_s);
    expect(cache.events).toEqual([{ type: 'hit', className: 'Constant', stateHash, objectType: 'data' }]);
  });

  it('getProcessedPath points at the committed output after process()', async () => {
    const instance = new Constant(7);
    const entry = await process(instance, SPEC);
    expect(instance.getProcessedPath(SPEC)).toBe(entry.path);
    expect(entry.path).toBe(`${cache.root}/data_processed/${entry.stateHash}/constant.tif`);
    expect(await instance.isProcessed(SPEC)).toBe(true);
    expect(await new Constant(8).isProcessed(SPEC)).toBe(false);
  });
});

describe('figures', () => {
  const cache = useTempCache();

  @register
  class FigureConstant extends Figure {
    constructor(public value: number) {
      super();
    }
    async _process() {
      return new TextEncoder().encode(`figure ${this.value}`);
    }
  }

  it('writes figures under figures/ with a png extension, and has no load()', async () => {
    const entry = await process(new FigureConstant(1), SPEC);
    expect(entry.path).toBe(`${cache.root}/figures/${entry.stateHash}/figure_constant.png`);
    await expect(load(new FigureConstant(1), SPEC)).rejects.toThrow(/Figure: figures have no load\(\)/);
  });

  it('loadFromHash returns a figure entry by a unique prefix', async () => {
    const entry = await process(new FigureConstant(2), SPEC);
    const bytes = await loadFromHash<Uint8Array>(entry.stateHash.slice(0, 10));
    expect(new TextDecoder().decode(bytes)).toBe('figure 2');
  });
});

describe('processors', () => {
  useTempCache();

  class CopyBytes implements Processor {
    readonly ext = 'txt';
    constructor(readonly text: string) {}
    inputs() {
      return [];
    }
    settings() {
      return { text: this.text };
    }
    async run(context: Parameters<Processor['run']>[0]) {
      await context.engine.fs.writeFile(context.outputPath, new TextEncoder().encode(this.text));
    }
  }

  @register
  class Greeting extends Data {
    override get processor() {
      return new CopyBytes('hello');
    }
  }

  /** CopyBytes whose output is read by its own driver. */
  class CopyBytesWithDriver extends CopyBytes {
    readonly driver: Driver<{ readBy: string; text: string }> = {
      ext: 'txt',
      read: async (bytes) => ({ readBy: 'processor driver', text: new TextDecoder().decode(bytes) }),
    };
  }

  @register
  class Salutation extends Data {
    override get processor() {
      return new CopyBytesWithDriver('hi');
    }
  }

  @register
  class ShoutedSalutation extends Data {
    override get processor() {
      return new CopyBytesWithDriver('hi');
    }
    override get driver(): Driver<{ readBy: string; text: string; name: string; spec: SpatialSpec | undefined }> {
      return {
        ext: 'txt',
        read: async (bytes, context) => ({ readBy: 'class driver', text: new TextDecoder().decode(bytes).toUpperCase(), name: context.name, spec: context.spec }),
      };
    }
  }

  /** What its driver was asked to do, in order (a module constant: the class's code stays the same). */
  const driverCalls: string[] = [];

  @register
  class PreparedSalutation extends Data {
    override get processor() {
      return new CopyBytes('hey');
    }
    override get driver(): Driver<string> {
      return {
        ext: 'txt',
        prepare: async () => {
          driverCalls.push('prepare');
          throw new Error('a decoder that could not be loaded');
        },
        read: async (bytes) => {
          driverCalls.push('read');
          return new TextDecoder().decode(bytes);
        },
      };
    }
  }

  @register
  class Outline extends Data {
    override get ext() {
      return 'geojson';
    }
    async _process() {
      return new TextEncoder().encode('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[5.5,49.5]}}]}');
    }
  }

  it('runs the processor and takes its extension; bytes come back for unknown extensions', async () => {
    const bytes = await load<Uint8Array>(new Greeting(), SPEC);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes)).toEqual(Array.from(new TextEncoder().encode('hello')));
    expect(new Greeting().getProcessedPath(SPEC)).toMatch(/greeting\.txt$/);
  });

  it('loads a .geojson output as the parsed GeoJSON', async () => {
    const outline = await load(new Outline(), SPEC);
    expect(outline).toEqual({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Point', coordinates: [5.5, 49.5] } }],
    });
    expect(new Outline().getProcessedPath(SPEC)).toMatch(/\/outline\.geojson$/);
  });

  it("reads the output with the processor's driver when the class names none", async () => {
    expect(await load(new Salutation(), SPEC)).toEqual({ readBy: 'processor driver', text: 'hi' });
  });

  it("reads the output with the class's own driver, before its processor's, and gives it the file name and spec", async () => {
    const shouted = await load<{ readBy: string; text: string; name: string; spec: SpatialSpec }>(new ShoutedSalutation(), SPEC);
    expect(shouted).toMatchObject({ readBy: 'class driver', text: 'HI', name: 'shouted_salutation.txt' });
    expect(shouted.spec.equals(SPEC)).toBe(true);
  });

  it("starts the driver's prepare before load() reads, and leaves a prepare that failed to the read", async () => {
    driverCalls.length = 0;
    expect(await load<string>(new PreparedSalutation(), SPEC)).toBe('hey');
    expect(driverCalls).toEqual(['prepare', 'read']);
  });

  it('rejects process() on something that is not a Data instance', async () => {
    await expect(process({} as never, SPEC)).rejects.toThrow(PipelineError);
  });
});

describe('loadFromHash and partial specs', () => {
  const cache = useTempCache();

  it('refuses an ambiguous prefix, a prefix that matches nothing, and an entry of an unregistered class', async () => {
    const entries = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map((v) => process(new Constant(v), SPEC)));
    const hashes = entries.map((e) => e.stateHash);
    const shared = hashes.find((h, i) => hashes.some((o, j) => j !== i && o[0] === h[0]))!;
    await expect(loadFromHash(shared[0]!)).rejects.toThrow(new RegExp(`hash prefix ${shared[0]} is ambiguous: it matches \\d+ entries`));
    await expect(loadFromHash('0123456789abcdef0123')).rejects.toThrow(/no cache entry has a hash starting with 0123456789abcdef0123/);
    await expect(loadFromHash('xyz')).rejects.toThrow(/must be 1 to 64 hexadecimal digits/);
    const { defaultRegistry } = await import('../../src/node.js');
    defaultRegistry.unregister('Constant');
    try {
      await expect(loadFromHash(hashes[0]!)).rejects.toThrow(/produced by class Constant, which is not registered in this process/);
    } finally {
      register(Constant);
    }
    expect(cache.computed()).toHaveLength(18);
  });

  it('completes a CRS-only spec through the processor and records the completed grid', async () => {
    class Native implements Processor {
      readonly ext = 'tif';
      inputs() {
        return [];
      }
      settings() {
        return {};
      }
      async completeSpec(spec: SpatialSpec) {
        return spec.with({ transform: [2, 0, 10, 0, -2, 20], shape: [3, 3] });
      }
      async run(context: Parameters<Processor['run']>[0]) {
        await filled(context.spec, 1).write(context.outputPath, { engine: context.engine });
      }
    }
    @register
    class Completed extends Data {
      override get processor() {
        return new Native();
      }
    }
    const raster = await load<Raster>(new Completed(), new SpatialSpec({ crs: 'EPSG:4326' }));
    expect(raster.spec.toJSON().transform).toEqual({ a: 2, b: 0, c: 10, d: 0, e: -2, f: 20 });
    expect(raster.height).toBe(3);
  });
});

describe('explain with a processor of the user', () => {
  useTempCache();

  class Doubler implements Processor {
    readonly ext = 'txt';
    constructor(readonly n: number) {}
    inputs() {
      return [];
    }
    settings() {
      return { n: this.n };
    }
    async run(context: Parameters<Processor['run']>[0]) {
      await context.engine.fs.writeFile(context.outputPath, new TextEncoder().encode(String(this.n * 2)));
    }
  }
  register(Doubler);

  @register
  class Doubled2 extends Data {
    constructor(public n: number) {
      super();
    }
    override get processor() {
      return new Doubler(this.n);
    }
  }

  it('names only the parameter that changed, not the unchanged registered processor', async () => {
    const { explain } = await import('../../src/node.js');
    await load(new Doubled2(1), SPEC);
    const why = await explain(new Doubled2(2), SPEC);
    expect(why.reasons.map((r) => r.kind).sort()).toEqual(['parameter-changed', 'processor-changed']);
    expect(why.summary.join('\n')).toMatch(/parameter params\.n changed from 1 to 2/);
    // The processor's settings changed with n; its code did not.
    const processorReason = why.reasons.find((r) => r.kind === 'processor-changed') as { from: { sourceHash: string; depTreeHash?: string }; to: { sourceHash: string; depTreeHash?: string } };
    expect(processorReason.from.sourceHash).toBe(processorReason.to.sourceHash);
    expect(processorReason.from.depTreeHash).toBe(processorReason.to.depTreeHash);
  });
});

describe('input digests', () => {
  it('are remembered beside a filesystem cache, and nowhere on disk for a memory store', async () => {
    const { inputHasher } = await import('../../src/pipeline/identity.js');
    const { memoryStore, withConfig } = await import('../../src/node.js');
    await withConfig({ store: memoryStore() }, () => {
      expect((inputHasher() as { memoPath?: string }).memoPath).toBeUndefined();
    });
    await withConfig({ root: '/tmp/geodata-memo-root' }, () => {
      expect((inputHasher() as { memoPath?: string }).memoPath).toBe('/tmp/geodata-memo-root/.source/input-digests.json');
    });
  });
});
