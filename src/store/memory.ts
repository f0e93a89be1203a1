import { createInProcessLock, type LockingStoreAdapter } from './in-process-lock.js';
import { checkBytes, checkPrefix, keySegments } from './key.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Name used in messages; defaults to `memory`. */
  name?: string;
}

interface MemoryRecord {
  bytes: Uint8Array;
  mtimeMs: number;
}

/**
 * A store held in a Map, for tests and throwaway sessions. Bytes are copied on the way in and
 * out, so callers can neither change a stored value nor see later changes through it. The lock
 * is in-process only (there is nothing to share across processes).
 * @example
 * const store = memoryStore();
 * await store.set('data_processed/ab12/meta.json', new TextEncoder().encode('{}'));
 * await store.keys('data_processed/'); // ['data_processed/ab12/meta.json']
 */
export function memoryStore(options: MemoryStoreOptions = {}): LockingStoreAdapter {
  const name = options.name ?? 'memory';
  const records = new Map<string, MemoryRecord>();
  const locks = createInProcessLock();

  const record = (key: string, bytes: Uint8Array): [string, MemoryRecord] => {
    keySegments(key, name);
    checkBytes(bytes, key, name);
    // new Uint8Array(x) copies; x.slice() would not for a Node Buffer (its slice is a view).
    return [key, { bytes: new Uint8Array(bytes), mtimeMs: Date.now() }];
  };

  return {
    name,

    async get(key) {
      keySegments(key, name);
      const found = records.get(key);
      return found && new Uint8Array(found.bytes);
    },

    async has(key) {
      keySegments(key, name);
      return records.has(key);
    },

    async stat(key) {
      keySegments(key, name);
      const found = records.get(key);
      return found && { size: found.bytes.byteLength, mtimeMs: found.mtimeMs };
    },

    async keys(prefix = '') {
      checkPrefix(prefix, name);
      return [...records.keys()].filter((key) => key.startsWith(prefix)).sort();
    },

    async set(key, value) {
      records.set(...record(key, value));
    },

    async setMany(entries) {
      // Validate and copy everything before touching the map, so a bad key stores nothing.
      const prepared = entries.map(([key, value]) => record(key, value));
      for (const [key, value] of prepared) records.set(key, value);
    },

    async remove(key) {
      keySegments(key, name);
      records.delete(key);
    },

    async removePrefix(prefix) {
      checkPrefix(prefix, name);
      let removed = 0;
      for (const key of [...records.keys()]) {
        if (key.startsWith(prefix) && records.delete(key)) removed++;
      }
      return removed;
    },

    async lock(lockName, lockOptions) {
      const release = await locks.acquire(lockName, { ...lockOptions, describe: `lock ${JSON.stringify(lockName)} of store ${name}` });
      return async () => release();
    },
  };
}
