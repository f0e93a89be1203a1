import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/store/memory.js';
import { testStore } from './conformance.js';

testStore('memory', () => memoryStore());

describe('memoryStore', () => {
  it('keeps separate stores apart: keys and locks are per store', async () => {
    const first = memoryStore();
    const second = memoryStore({ name: 'memory:second' });
    await first.set('data_processed/ab12/meta.json', new Uint8Array([1]));
    expect(await second.keys()).toEqual([]);
    const held = await first.lock('entry');
    // The same lock name in another store is another lock.
    await (await second.lock('entry', { timeoutMs: 1000 }))();
    await held();
  });

  it('names itself in its errors', async () => {
    const store = memoryStore({ name: 'memory:scratch' });
    await expect(store.get('../x')).rejects.toThrow(/store memory:scratch: key "\.\.\/x"/);
  });
});
