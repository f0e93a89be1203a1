// A user's class may carry the name of one of geodata's own (Slope, Hillshade): a scan must judge
// its entries by the class that made them, not by geodata's class of that name.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanCache, Data, defaultRegistry, load, register, SpatialSpec } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [2, 2] });

/** A user's own class named like geodata's terrain step. */
class Slope extends Data {
  override get ext() {
    return 'bin';
  }
  async _process() {
    return new Uint8Array([1, 2, 3]);
  }
}

describe("entries of a user's class named like one of geodata's", () => {
  const cache = useTempCache('geodata-namesakes');
  afterEach(() => {
    if (defaultRegistry.get('Slope') === Slope) defaultRegistry.unregister('Slope');
  });

  async function userSlopeEntry(): Promise<string> {
    register(Slope);
    await load(new Slope(), SPEC);
    const [commit] = cache.events.filter((event) => event.type === 'commit') as Array<{ stateHash: string }>;
    // A script that judges the cache without importing the pipeline's modules: only geodata's Slope is known.
    defaultRegistry.unregister('Slope');
    return commit!.stateHash;
  }

  it("keeps the entry of a user's Slope that cleanCache judges by geodata's Slope, saying whose it is", async () => {
    const hash = await userSlopeEntry();
    const meta = JSON.parse(await readFile(join(cache.root, 'data_processed', hash, 'meta.json'), 'utf8')) as { library_class?: boolean };
    expect(meta.library_class).toBe(false);

    const report = await cleanCache();
    expect(report.removed).toEqual([]);
    expect(report.unknown.map((item) => [item.key, item.className, item.state, item.reason])).toEqual([
      [
        `data_processed/${hash}/`,
        'Slope',
        'unknown',
        "class Slope loaded here is geodata's own; the entry was made by a class of yours named Slope (import the module that defines it to judge the entry)",
      ],
    ]);
  });

  it('keeps an entry written before meta.json said whose class made it, when geodata\'s class of its name finds it changed', async () => {
    const hash = await userSlopeEntry();
    const metaPath = join(cache.root, 'data_processed', hash, 'meta.json');
    const { library_class: _, ...older } = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
    await writeFile(metaPath, JSON.stringify(older));

    const report = await cleanCache();
    expect(report.removed).toEqual([]);
    expect(report.unknown.map((item) => [item.key, item.state])).toEqual([[`data_processed/${hash}/`, 'unknown']]);
    expect(report.unknown[0]!.reason).toMatch(/^geodata's own Slope finds the entry's code changed, but the entry does not say whether it was made by geodata's Slope or by a class of yours of that name/);
  });
});
