import { describe as group, expect, it } from 'vitest';
import { FingerprintError } from '../../src/errors.js';
import {
  FINGERPRINT_FORMAT_VERSION,
  WebInputHasher,
  canonicalParameters,
  describe,
  describeSync,
  fingerprint,
  parameterValues,
  prepareInputs,
  sha256Hex,
} from '../../src/fingerprint/index.js';
import { Data, buildWorld } from './world.js';

/** A processor like the library's: its class, settings and input bytes count. */
class BytesProcessor {
  readonly ext = 'tif';
  constructor(
    readonly bytes: Uint8Array,
    readonly resampling = 'bilinear',
  ) {}
  inputs() {
    return [this.bytes];
  }
  settings() {
    return { resampling: this.resampling };
  }
  async run() {}
}

const pipeline = (literal = '0.5') => `
  class Elevation extends Data {
    constructor(bytes, resampling = 'bilinear') { super(); this.bytes = bytes; this.resampling = resampling; }
    get processor() { return new BytesProcessor(this.bytes, this.resampling); }
  }
  class Slope extends Data {
    static defaultUnits = 'degrees';
    constructor(dem, units = 'degrees', options = {}) { super(); this.dem = dem; this.units = units; this.options = options; this._cache = null; }
    get label() { return 'slope in ' + this.units; }
    run(v) { return v * ${literal}; }
  }
  return { Elevation, Slope };
`;
const options = (registry: unknown) => ({ registry, knownNames: ['BytesProcessor'] }) as Parameters<typeof describe>[2];

group('describe', () => {
  it('returns a complete record, with a state hash only when a spec is given', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const elevation = new classes.Elevation(new Uint8Array([1, 2, 3]));
    const withoutSpec = await describe(elevation, undefined, options(registry));
    expect(withoutSpec).toMatchObject({
      format_version: FINGERPRINT_FORMAT_VERSION,
      className: 'Elevation',
      parameters: { bytes: { $typedArray: 'Uint8Array', length: 3 }, resampling: 'bilinear' },
      processor: { className: 'BytesProcessor', settings: { resampling: 'bilinear' } },
      inputs: [{ id: 'bytes:3', size: 3, sha256: sha256Hex(new Uint8Array([1, 2, 3])) }],
      unhashed: [],
    });
    expect(withoutSpec).not.toHaveProperty('stateHash');
    expect(withoutSpec.tree.root).toBe('Elevation');
    const withSpec = await describe(elevation, { crs: 'EPSG:4326' }, options(registry));
    expect(withSpec.spec).toEqual({ crs: 'EPSG:4326' });
    expect(withSpec.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(withSpec.instanceHash).toBe(withoutSpec.instanceHash);
    expect(await fingerprint(elevation, { crs: 'EPSG:4326' }, options(registry))).toEqual({
      sourceHash: withSpec.sourceHash,
      depTreeHash: withSpec.depTreeHash,
      instanceHash: withSpec.instanceHash,
      stateHash: withSpec.stateHash,
    });
  });

  it('hashes a spec with toJSON like its JSON', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const slope = new classes.Slope(undefined);
    const plain = await fingerprint(slope, { crs: 'EPSG:4326', shape: [2, 3] }, options(registry));
    const object = await fingerprint(slope, { toJSON: () => ({ shape: [2, 3], crs: 'EPSG:4326' }) }, options(registry));
    expect(object.stateHash).toBe(plain.stateHash);
  });

  it('counts the processor class, its settings and its input bytes, not the code of the Data class', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const hashes = await Promise.all(
      [
        new classes.Elevation(new Uint8Array([1, 2, 3])),
        new classes.Elevation(new Uint8Array([1, 2, 4])),
        new classes.Elevation(new Uint8Array([1, 2, 3]), 'cubic'),
      ].map((instance) => fingerprint(instance, undefined, options(registry))),
    );
    expect(new Set(hashes.map((h) => h.instanceHash)).size).toBe(3);
    expect(new Set(hashes.map((h) => h.depTreeHash)).size).toBe(1);
  });

  it('uses the injected input hasher', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const seen: unknown[] = [];
    const inputHasher = {
      hash: async (ref: unknown) => {
        seen.push(ref);
        return new WebInputHasher().hash(ref as Uint8Array);
      },
    };
    const bytes = new Uint8Array([7]);
    await describe(new classes.Elevation(bytes), undefined, { ...options(registry), inputHasher });
    expect(seen).toEqual([bytes]);
  });

  it('rejects a processor without settings() and inputs(), and an unregistered class', async () => {
    const { classes, registry } = buildWorld(`
      class Broken extends Data { get processor() { return { run() {} }; } }
      class Unlisted extends Data {}
      Unlisted.unregistered = true;
      return { Broken, Unlisted };
    `);
    await expect(describe(new classes.Broken(), undefined, { registry })).rejects.toThrow(/Broken: its processor is not a Processor/);
    await expect(describe(new classes.Unlisted(), undefined, { registry })).rejects.toThrow(
      /instance of Unlisted: the class is not registered.*register\(Unlisted\)/,
    );
  });
});

group('describeSync', () => {
  it('gives the record describe gives, once the inputs of the instance and its Data parameters are prepared', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const slope = new classes.Slope(new classes.Elevation(new Uint8Array([4, 5])));
    const inputHasher = new WebInputHasher();
    await prepareInputs(slope, { registry, inputHasher });
    const sync = describeSync(slope, { crs: 'EPSG:4326' }, { ...options(registry), inputHasher });
    expect(sync).toEqual(await describe(slope, { crs: 'EPSG:4326' }, { ...options(registry), inputHasher }));
  });

  it('refuses inputs that were not prepared with the same hasher, naming the class', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const elevation = new classes.Elevation(new Uint8Array([6]));
    await prepareInputs(elevation, { registry, inputHasher: new WebInputHasher() });
    expect(() => describeSync(elevation, undefined, { ...options(registry), inputHasher: new WebInputHasher() })).toThrow(
      /Cannot fingerprint Elevation synchronously: its input a Uint8Array has not been hashed yet/,
    );
  });
});

group('parameters', () => {
  it('are the own enumerable properties not starting with _, without getters or statics', () => {
    const { classes } = buildWorld(pipeline(), { BytesProcessor });
    expect(parameterValues(new classes.Slope('dem', 'percent'))).toEqual({ dem: 'dem', units: 'percent', options: {} });
  });

  it('count a nested Data instance anywhere by its instance hash', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const dem = new classes.Elevation(new Uint8Array([1]));
    const other = new classes.Elevation(new Uint8Array([2]));
    const demRecord = await describe(dem, undefined, options(registry));
    const slope = new classes.Slope(dem, 'degrees', { masks: [{ layer: other }] });
    const record = await describe(slope, undefined, options(registry));
    expect(record.parameters).toEqual({
      dem: { $data: 'Elevation', instanceHash: demRecord.instanceHash },
      units: 'degrees',
      options: { masks: [{ layer: { $data: 'Elevation', instanceHash: (await describe(other, undefined, options(registry))).instanceHash } }] },
    });
    const changed = await describe(new classes.Slope(new classes.Elevation(new Uint8Array([3])), 'degrees', { masks: [{ layer: other }] }), undefined, options(registry));
    expect(changed.instanceHash).not.toBe(record.instanceHash);
    expect(changed.depTreeHash).toBe(record.depTreeHash);
  });

  it('reject a cycle of Data instances, naming the class', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const first = new classes.Slope(undefined);
    const second = new classes.Slope(first);
    first.dem = second;
    await expect(describe(first, undefined, options(registry))).rejects.toThrow(/Cannot fingerprint Slope: .*cycle/);
  });

  it('name the parameter path and the class when a value cannot be fingerprinted', async () => {
    const { classes, registry } = buildWorld(pipeline(), { BytesProcessor });
    const slope = new classes.Slope(undefined, 'degrees', { callback: () => 1 });
    await expect(describe(slope, undefined, options(registry))).rejects.toThrow(
      /^Cannot fingerprint Slope: params\.options\.callback is a function/,
    );
    expect(() => canonicalParameters(slope, 'Slope', registry, new Map())).toThrow(FingerprintError);
  });
});

group('unhashed references', () => {
  const source = `
    function helper(v) { return v + OFFSET; }
    class Slope extends Data {
      static uses = { helper };
      run(v) { return Math.round(helper(v)) + mystery(v) + slope(v); }
    }
    return { Slope };
  `;

  it('are reported in the record, except globals and known library names', async () => {
    const { classes, registry } = buildWorld(source);
    const record = await describe(new classes.Slope(), undefined, { registry, knownNames: ['slope'] });
    expect(record.unhashed).toEqual([
      { className: 'Slope', identifier: 'mystery' },
      { className: 'Slope.uses.helper', identifier: 'OFFSET' },
    ]);
  });

  it('are an error in strict mode, naming the class and the identifier and the fix', async () => {
    const { classes, registry } = buildWorld(source);
    const strict = { registry, knownNames: ['slope'], strict: true };
    await expect(fingerprint(new classes.Slope(), undefined, strict)).rejects.toThrow(FingerprintError);
    await expect(fingerprint(new classes.Slope(), undefined, strict)).rejects.toThrow(
      /^Slope refers to "mystery", .*add it to `static uses = \{ mystery \}`/,
    );
    const helperOnly = buildWorld(source.replace(' + mystery(v)', ''));
    await expect(fingerprint(new helperOnly.classes.Slope(), undefined, { ...strict, registry: helperOnly.registry })).rejects.toThrow(
      /^the helper Slope\.uses\.helper refers to "OFFSET", .*helper\.uses = \{ OFFSET \}/,
    );
  });
});

group('state the fingerprint cannot see', () => {
  it('reports private fields as unhashed, and refuses them in strict mode', async () => {
    const { classes, registry } = buildWorld(`
      class Scaled extends Data { #factor; constructor(f) { super(); this.#factor = f; } run(v) { return v * this.#factor; } }
      return { Scaled };
    `);
    const record = await describe(new classes.Scaled(1), undefined, { registry });
    expect(record.unhashed).toEqual([{ className: 'Scaled', identifier: '#factor' }]);
    await expect(describe(new classes.Scaled(2), undefined, { registry, strict: true })).rejects.toThrow(
      /^Scaled has the private field #factor: .*Make it a public property \(a parameter\)/,
    );
  });

  it('leaves names in static external out of the fingerprint on purpose, even in strict mode', async () => {
    const { classes, registry } = buildWorld(`
      class Writer extends Data { static external = ['writeFile']; async run(p) { await writeFile(p, 'x'); } }
      return { Writer };
    `, { writeFile: () => undefined });
    const record = await describe(new classes.Writer(), undefined, { registry, strict: true });
    expect(record.unhashed).toEqual([]);
  });

  it('treats a library class named in a body as a library reference, registered yet or not', async () => {
    const { markLibraryClass } = await import('../../src/fingerprint/index.js');
    const Ready = markLibraryClass(class ReadyMade extends Data {});
    const source = `class User extends Data { run() { return new ReadyMade(); } } return { User };`;
    const before = buildWorld(source, { ReadyMade: Ready });
    const hashBefore = (await describe(new before.classes.User(), undefined, { registry: before.registry, knownNames: ['ReadyMade'] })).depTreeHash;
    const after = buildWorld(source, { ReadyMade: Ready });
    after.registry.add(Ready);
    const recordAfter = await describe(new after.classes.User(), undefined, { registry: after.registry, knownNames: ['ReadyMade'] });
    expect(recordAfter.depTreeHash).toBe(hashBefore);
    expect(Object.keys(recordAfter.tree.nodes)).toEqual(['User']);
    expect(recordAfter.unhashed).toEqual([]);
  });
});

