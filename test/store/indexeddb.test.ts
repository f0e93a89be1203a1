import 'fake-indexeddb/auto';
import { createStore, keys as rawKeys } from 'idb-keyval';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { indexedDbStore } from '../../src/store/indexeddb.js';
import { testStore } from './conformance.js';

let counter = 0;
const freshDbName = () => `geodata-test-${++counter}`;

testStore('indexeddb', () => indexedDbStore({ dbName: freshDbName() }));

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * Makes fake-indexeddb refuse values larger than `limit` bytes the way a browser over quota
 * does. `mode: 'transaction'` fails the put's request, which aborts the whole transaction with
 * a QuotaExceededError (what Chrome and Firefox report); `mode: 'throw'` throws from put()
 * itself, the harder case for atomicity since earlier puts of the transaction are queued.
 */
function simulateQuota(limit: number, mode: 'transaction' | 'throw'): () => void {
  // fake-indexeddb/auto installed its classes as the globals.
  const prototype = IDBObjectStore.prototype as unknown as { put(this: FakeObjectStore, value: unknown, key?: IDBValidKey): unknown };
  const put = prototype.put;
  prototype.put = function (value, key) {
    if (!(value instanceof Uint8Array) || value.byteLength <= limit) return put.call(this, value, key);
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    if (mode === 'throw') throw quota;
    // fake-indexeddb internals: queue a request whose operation fails, as a real put over quota would.
    return this.transaction._execRequestAsync({ source: this, operation: () => { throw quota; } });
  };
  return () => {
    prototype.put = put;
  };
}

interface FakeObjectStore {
  transaction: { _execRequestAsync(request: { source: unknown; operation: () => unknown }): unknown };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('indexedDbStore', () => {
  for (const mode of ['transaction', 'throw'] as const) {
    it(`turns a quota failure (${mode === 'transaction' ? 'transaction aborted' : 'put throws'}) into a StoreError and stores nothing of the setMany`, async () => {
      const dbName = freshDbName();
      const store = indexedDbStore({ dbName });
      await store.set('data_processed/old/meta.json', bytes(1));
      restore = simulateQuota(1024, mode);
      const error = await store
        .setMany([
          ['data_processed/ab12/parameters.json', bytes(1, 2, 3)],
          ['data_processed/ab12/elevation_loader.tif', new Uint8Array(3 * 1024 * 1024)],
          ['data_processed/ab12/meta.json', bytes(4)],
        ])
        .then(() => undefined, (thrown: unknown) => thrown);
      restore();
      restore = undefined;

      expect(error).toBeInstanceOf(StoreError);
      const message = (error as Error).message;
      expect(message).toContain(`store indexeddb:${dbName}: the browser storage quota is full`);
      expect(message).toContain('3 keys (the first "data_processed/ab12/parameters.json"), 3.0 MiB');
      expect(message).toContain('nothing of it was stored');
      expect(message).toContain('cleanCache');
      expect(message).toContain('navigator.storage.persist()');
      expect(((error as Error).cause as DOMException).name).toBe('QuotaExceededError');
      expect(await store.keys()).toEqual(['data_processed/old/meta.json']);
      expect(await store.stat('data_processed/ab12/parameters.json')).toBeUndefined();
      // Not even the size records of the refused keys made it in.
      expect(await rawKeys(createStore(dbName, 'cache'))).toHaveLength(2);
    });
  }

  it('names the single key in the quota message of a set', async () => {
    const store = indexedDbStore({ dbName: freshDbName() });
    restore = simulateQuota(10, 'transaction');
    await expect(store.set('figures/cd34/figure_elevation.png', new Uint8Array(2048))).rejects.toThrow(
      /quota is full: writing "figures\/cd34\/figure_elevation.png", 2.0 KiB, failed/,
    );
  });

  it('keeps stores with different database names apart', async () => {
    const first = indexedDbStore({ dbName: freshDbName() });
    const second = indexedDbStore({ dbName: freshDbName() });
    await first.set('data_processed/ab12/meta.json', bytes(1));
    await second.set('figures/cd34/x.png', bytes(2));
    expect(await first.keys()).toEqual(['data_processed/ab12/meta.json']);
    expect(await second.keys()).toEqual(['figures/cd34/x.png']);
    expect(await second.get('data_processed/ab12/meta.json')).toBeUndefined();
    expect(await first.removePrefix('')).toBe(1);
    expect(await second.keys()).toEqual(['figures/cd34/x.png']);
  });

  it('lists only user keys, though it keeps a size record beside each value', async () => {
    const dbName = freshDbName();
    const store = indexedDbStore({ dbName });
    await store.setMany([['a', bytes(1)], ['b/c', bytes(2, 3)]]);
    const raw = await rawKeys(createStore(dbName, 'cache'));
    expect(raw).toEqual(['a', 'b/c', ['stat', 'a'], ['stat', 'b/c']]);
    expect(await store.keys()).toEqual(['a', 'b/c']);
    expect((await store.stat('b/c'))?.size).toBe(2);
    await store.remove('b/c');
    expect(await rawKeys(createStore(dbName, 'cache'))).toEqual(['a', ['stat', 'a']]);
  });

  it('measures a value written without a size record (by another program) in stat', async () => {
    const dbName = freshDbName();
    const store = indexedDbStore({ dbName });
    await store.set('seed', bytes(0));
    const { set } = await import('idb-keyval');
    await set('foreign', new Uint8Array(5), createStore(dbName, 'cache'));
    expect(await store.stat('foreign')).toEqual({ size: 5, mtimeMs: 0 });
  });

  it('removes the size records along with the keys of a prefix', async () => {
    const dbName = freshDbName();
    const store = indexedDbStore({ dbName });
    await store.setMany([['data_processed/ab12/meta.json', bytes(1)], ['data_processed/ab12/x.tif', bytes(2)], ['data_processed/ab13/meta.json', bytes(3)]]);
    expect(await store.removePrefix('data_processed/ab12/')).toBe(2);
    expect(await rawKeys(createStore(dbName, 'cache'))).toEqual(['data_processed/ab13/meta.json', ['stat', 'data_processed/ab13/meta.json']]);
  });

  it('explains a database that exists without its object store', async () => {
    const dbName = freshDbName();
    await indexedDbStore({ dbName, storeName: 'first' }).set('k', bytes(1));
    const other = indexedDbStore({ dbName, storeName: 'second' });
    await expect(other.get('k')).rejects.toThrow(/NotFoundError.*use another dbName/);
  });

  it('says how to keep working in memory when IndexedDB cannot be opened (storage blocked)', async () => {
    const real = globalThis.indexedDB;
    globalThis.indexedDB = { open: () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } } as unknown as IDBFactory;
    try {
      await expect(indexedDbStore({ dbName: freshDbName() }).get('k')).rejects.toThrow(
        /SecurityError: The user denied permission.*private windows may disable it\), or keep the cache in memory for this page: getConfig\(\)\.update\(\{ store: memoryStore\(\) \}\)$/,
      );
    } finally {
      globalThis.indexedDB = real;
    }
  });

  it('lets the page delete its database (a "clear the cache" button, another tab), then starts an empty one', async () => {
    const dbName = freshDbName();
    const store = indexedDbStore({ dbName });
    await store.set('data_processed/ab12/meta.json', bytes(1, 2));
    const outcome = await new Promise<string>((resolve) => {
      const request = indexedDB.deleteDatabase(dbName);
      let blocked = false;
      request.onblocked = () => (blocked = true);
      request.onsuccess = () => resolve(blocked ? 'deleted after being blocked' : 'deleted');
      request.onerror = () => resolve(`failed: ${request.error?.message}`);
      setTimeout(() => resolve(blocked ? 'still blocked after 2 s' : 'still pending after 2 s'), 2000);
    });
    expect(outcome).toBe('deleted');
    expect(await store.keys('')).toEqual([]);
    await store.set('data_processed/cd34/meta.json', bytes(3));
    expect(await store.get('data_processed/cd34/meta.json')).toEqual(bytes(3));
  });
});
