import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Aspect,
  ColorRelief,
  Data,
  FingerprintError,
  Hillshade,
  Raster,
  Reprojector,
  Roughness,
  Slope,
  SpatialSpec,
  Tpi,
  Tri,
  explain,
  fingerprint,
  getConfig,
  load,
  register,
  withConfig,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const spec = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 10, 0, -1, 50], shape: [4, 4] });
const wider = spec.with({ transform: [0.5, 0, 10, 0, -0.5, 50], shape: [8, 8] });

let inputPath = '';

class FromFile extends Data {
  override get processor() {
    return new Reprojector(inputPath, { resampling: 'nearest' });
  }
}
register(FromFile);

// A module function would be resolved and hashed; a `let` may be reassigned, so its value is not
// in the code: an unhashed reference.
// eslint-disable-next-line prefer-const
let noteUsed = (): number => 1;

/** Calls a module variable whose value the fingerprint cannot know: an unhashed reference. */
class Careless extends Data {
  async _process(at: SpatialSpec) {
    await Raster.fromArrays([new Float32Array(16).fill(noteUsed())], at).write(this.ensureProcessedPath(at));
  }
}
register(Careless);

/** A DEM by its path, as a parameter: nothing unhashed. */
class DemAt extends Data {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.path, { resampling: 'nearest' });
  }
}
register(DemAt);

async function writeInput(value: number): Promise<void> {
  await Raster.fromArrays([new Float32Array(16).fill(value)], spec).write(inputPath);
}

function storedMeta(root: string): Record<string, unknown> {
  const [entry] = readdirSync(join(root, 'data_processed'));
  return JSON.parse(readFileSync(join(root, 'data_processed', entry!, 'meta.json'), 'utf8'));
}

describe('fingerprint and explain as the cache sees them', () => {
  const cache = useTempCache();

  it('names a path or the class itself given instead of an instance, in load, explain and fingerprint', async () => {
    await expect(load(FromFile as never, spec)).rejects.toThrow(
      'load/process need an instance of a Data or Figure subclass, got the class FromFile itself; pass an instance: new FromFile(...)',
    );
    await expect(explain('dem.tif' as never, spec)).rejects.toThrow(
      'Cannot fingerprint "dem.tif" (a string), not an instance of a Data or Figure subclass; a file is read through a class whose processor names it, e.g. new Reprojector(path)',
    );
    await expect(fingerprint(FromFile, spec)).rejects.toThrow('Cannot fingerprint the class FromFile itself; pass an instance: new FromFile(...)');
    await expect(load({ width: 1 } as never, spec)).rejects.toThrow('got a plain object, not an instance of a Data or Figure subclass');
    await expect(load(undefined as never, spec)).rejects.toThrow('got undefined, not an instance of a Data or Figure subclass');
  });

  it('gives the hashes of the entry load writes, for a class whose processor reads a file path', async () => {
    inputPath = join(cache.root, 'input.tif');
    await writeInput(3);
    const hashes = await fingerprint(new FromFile(), spec);
    await load(new FromFile(), spec);
    const meta = storedMeta(cache.root);
    expect(hashes).toEqual({
      sourceHash: meta.source_hash,
      depTreeHash: meta.dep_tree_hash,
      instanceHash: meta.instance_hash,
      stateHash: meta.state_hash,
    });
    expect(readdirSync(join(cache.root, 'data_processed'))).toEqual([hashes.stateHash]);
    // A spec as JSON (its derived bounds and resolution included) names the same entry.
    expect((await fingerprint(new FromFile(), spec.toJSON())).stateHash).toBe(hashes.stateHash);
  });

  it('explains a recomputation by the changed input file, then by the changed spec', async () => {
    inputPath = join(cache.root, 'input.tif');
    await writeInput(3);
    await load(new FromFile(), spec);
    expect((await explain(new FromFile(), spec)).status).toBe('cached');

    await writeInput(4);
    const afterEdit = await explain(new FromFile(), spec);
    expect(afterEdit.status).toBe('stale');
    expect(afterEdit.reasons).toEqual([{ kind: 'input-changed', id: inputPath, from: expect.stringMatching(/^[0-9a-f]{64}$/), to: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const [changed] = afterEdit.reasons as Array<{ from: string; to: string }>;
    expect(changed!.from).not.toBe(changed!.to);
    expect(afterEdit.summary[1]).toBe(`input ${inputPath} changed (${changed!.from.slice(0, 12)} → ${changed!.to.slice(0, 12)})`);

    await load(new FromFile(), spec);
    const otherGrid = await explain(new FromFile(), wider);
    expect(otherGrid.status).toBe('stale');
    expect(otherGrid.reasons.map((r) => r.kind)).toEqual(['spec-changed']);
  });

  it('reports an unhashed reference in explain, and refuses it under strictFingerprints naming class and identifier', async () => {
    const why = await explain(new Careless(), spec);
    expect(why.status).toBe('new');
    expect(why.unhashed).toEqual([
      { className: 'Careless', identifier: 'noteUsed', reason: 'is a variable (let) that may be reassigned, so its value is not in the code' },
    ]);
    expect(why.summary.at(-1)).toBe(
      'not fingerprinted (changes there go unseen): Careless → noteUsed (noteUsed is a variable (let) that may be reassigned, so its value is not in the code); declare what they use in static uses = { ... }, or write it so that it can be read',
    );

    await withConfig({ strictFingerprints: true }, async () => {
      await expect(fingerprint(new Careless(), spec)).rejects.toThrow(FingerprintError);
      await expect(fingerprint(new Careless(), spec)).rejects.toThrow(/Careless.*noteUsed/);
      await expect(load(new Careless(), spec)).rejects.toThrow(/Careless.*noteUsed/);
    });
    expect(readdirSync(cache.root)).not.toContain('data_processed');
    // Outside the strict scope the same class computes, with the reference recorded.
    await load(new Careless(), spec);
    expect(storedMeta(cache.root).unhashed).toEqual(why.unhashed);
    expect(getConfig().strictFingerprints).toBe(false);
  });

  it("accepts geodata's terrain datasets under strictFingerprints, with the hashes they have without it", async () => {
    inputPath = join(cache.root, 'input.tif');
    await writeInput(3);
    const dem = () => new DemAt(inputPath);
    const terrain = () => [new Slope(dem()), new Aspect(dem()), new Hillshade(dem()), new Roughness(dem()), new Tpi(dem()), new Tri(dem()), new ColorRelief(dem(), [[0, 0, 0, 0], [10, 255, 255, 255]])];
    const loose = await Promise.all(terrain().map((dataset) => fingerprint(dataset, spec)));
    for (const dataset of terrain()) expect((await explain(dataset, spec)).unhashed).toEqual([]);
    // TerrainDataset's constructor calls a module function of geodata that registers the class:
    // strict mode refused every terrain dataset, naming a helper no user can declare.
    const strict = await withConfig({ strictFingerprints: true }, () => Promise.all(terrain().map((dataset) => fingerprint(dataset, spec))));
    expect(strict).toEqual(loose);
  });
});
