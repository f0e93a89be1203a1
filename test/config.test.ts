import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Config, ConfigError, Data, SpatialSpec, getConfig, load, memoryStore, register, withConfig } from '../src/node.js';
import { nodePlatform } from '../src/node/platform-node.js';
import { getPlatform, setPlatform } from '../src/platform.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326' });

describe('config', () => {
  it('changes settings with update and rejects unknown keys and wrong types without changing anything', () => {
    const before = getConfig().snapshot();
    try {
      getConfig().update({ root: 'somewhere', verbose: true });
      expect(getConfig().root).toBe(resolve('somewhere'));
      expect(() => getConfig().update({ root: 'elsewhere', strict: true } as never)).toThrow(ConfigError);
      expect(getConfig().root).toBe(resolve('somewhere'));
      expect(() => getConfig().update({ layout: { data: 'd' } } as never)).toThrow(/config layout must be an object \{ data, figures, source \}/);
    } finally {
      getConfig().restore(before);
    }
  });

  it('withConfig restores the previous settings on exit and on throw', async () => {
    const before = getConfig().snapshot();
    const store = memoryStore();
    const seen = await withConfig({ spec: SPEC, store }, () => [getConfig().spec, getConfig().store]);
    expect(seen).toEqual([SPEC, store]);
    expect(getConfig().snapshot()).toEqual(before);
    await expect(
      withConfig({ root: 'scratch' }, async () => {
        expect(getConfig().root).toBe(resolve('scratch'));
        throw new Error('inside');
      }),
    ).rejects.toThrow('inside');
    expect(getConfig().snapshot()).toEqual(before);
  });

  it('creates the default store for the root on first use, and a new one when the root changes', async () => {
    await withConfig({ root: '/tmp/geodata-config-a' }, async () => {
      const first = getConfig().store;
      expect(first.name).toContain('/tmp/geodata-config-a');
      expect(getConfig().store).toBe(first);
      getConfig().update({ root: '/tmp/geodata-config-b' });
      expect(getConfig().store.name).toContain('/tmp/geodata-config-b');
    });
  });

  it('gives two concurrent withConfig blocks each its own root across their awaits, and leaves the process-wide root as it was', async () => {
    const before = getConfig().root;
    const seen: string[] = [];
    const block = (root: string, delays: number[]) =>
      withConfig({ root }, async () => {
        for (const delay of delays) {
          await sleep(delay);
          seen.push(`${root}:${getConfig().root}`);
        }
      });
    // Interleaved: a sets, b sets, a reads, b reads, b ends, a reads after b ended.
    const outside = (async () => {
      await sleep(5);
      seen.push(`outside:${getConfig().root}`);
    })();
    await Promise.all([block('/tmp/geodata-config-a', [10, 30]), block('/tmp/geodata-config-b', [15]), outside]);
    expect(seen).toEqual([`outside:${before}`, '/tmp/geodata-config-a:/tmp/geodata-config-a', '/tmp/geodata-config-b:/tmp/geodata-config-b', '/tmp/geodata-config-a:/tmp/geodata-config-a']);
    expect(getConfig().root).toBe(before);
  });

  it('computes with the store of each concurrent block: two loads of one class land in the two stores', async () => {
    class ConfigScoped extends Data {
      override get ext() {
        return 'txt';
      }
      async _process() {
        return new TextEncoder().encode('scoped');
      }
    }
    register(ConfigScoped);
    const [a, b] = [memoryStore({ name: 'a' }), memoryStore({ name: 'b' })];
    await Promise.all([withConfig({ store: a, spec: SPEC }, () => load(new ConfigScoped())), withConfig({ store: b, spec: SPEC }, () => load(new ConfigScoped()))]);
    const entriesOf = async (store: typeof a) => (await store.keys('data_processed/')).filter((key) => key.endsWith('/meta.json')).length;
    expect([await entriesOf(a), await entriesOf(b)]).toEqual([1, 1]);
    expect(getConfig().snapshot().store).toBeUndefined();
  });

  it('keeps an update inside a block to a key the block did not set, and confines one to a key it set', async () => {
    const before = getConfig().snapshot();
    try {
      await withConfig({ root: '/tmp/geodata-config-scoped' }, async () => {
        getConfig().update({ verbose: true, root: '/tmp/geodata-config-scoped-2' });
        expect([getConfig().root, getConfig().verbose]).toEqual(['/tmp/geodata-config-scoped-2', true]);
        // Nested: adds to the outer block's changes, and sees the outer block's root.
        await withConfig({ strictFingerprints: true }, () => expect([getConfig().root, getConfig().strictFingerprints]).toEqual(['/tmp/geodata-config-scoped-2', true]));
        expect(getConfig().strictFingerprints).toBe(false);
      });
      expect([getConfig().root, getConfig().verbose]).toEqual([before.root, true]);
    } finally {
      getConfig().restore(before);
    }
  });

  it('rejects a bad change before running the block', async () => {
    let ran = false;
    await expect(withConfig({ root: '' }, () => (ran = true))).rejects.toThrow(/config root must be a non-empty path string/);
    expect(ran).toBe(false);
  });

  it('without an async context (browsers), changes the configuration while the block runs and puts back only the keys it set, unless changed since', async () => {
    const platform = getPlatform();
    setPlatform({ ...nodePlatform, createAsyncContext: undefined });
    try {
      const config = new Config();
      config.update({ root: 'process-wide' });
      await config.within({ root: 'block', verbose: true }, () => {
        expect([config.root, config.verbose]).toEqual([resolve('block'), true]);
        config.update({ strictFingerprints: true, verbose: false });
      });
      // root: put back; verbose: changed inside the block since it was set, so kept; strictFingerprints: never the block's.
      expect([config.root, config.verbose, config.strictFingerprints]).toEqual([resolve('process-wide'), false, true]);
    } finally {
      setPlatform(platform);
    }
  });
});
