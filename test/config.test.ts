import { describe, expect, it } from 'vitest';
import { ConfigError, SpatialSpec, getConfig, memoryStore, withConfig } from '../src/node.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326' });

describe('config', () => {
  it('changes settings with update and rejects unknown keys and wrong types without changing anything', () => {
    const before = getConfig().snapshot();
    try {
      getConfig().update({ root: 'somewhere', verbose: true });
      expect(getConfig().root).toBe('somewhere');
      expect(() => getConfig().update({ root: 'elsewhere', strict: true } as never)).toThrow(ConfigError);
      expect(getConfig().root).toBe('somewhere');
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
        expect(getConfig().root).toBe('scratch');
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
});
