import { promisifyRequest, type UseStore } from 'idb-keyval';
import { openObjectStore } from './idb-connection.js';
import { StoreError } from '../errors.js';
import { createInProcessLock, watchLimits, type LockingStoreAdapter, type LockOptions } from './in-process-lock.js';
import { checkBytes, checkPrefix, keySegments } from './key.js';

/** Options of {@link indexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** The IndexedDB database; defaults to `geodata`. Stores with different names never see each other's keys. */
  dbName?: string;
  /** The object store inside it; defaults to `cache`. A database holds one geodata object store. */
  storeName?: string;
}

interface StatRecord {
  size: number;
  mtimeMs: number;
}

// Size and time live beside the bytes under an array key: IndexedDB orders every array after every
// string, so string ranges (user keys) never include them, and stat() need not load the bytes.
const statKey = (key: string): IDBValidKey => ['stat', key];

/**
 * A store in the browser's IndexedDB, through idb-keyval. Values are kept as plain Uint8Arrays
 * (IndexedDB copies them, so callers cannot change what is stored); every write is one
 * transaction, so `setMany` is all or nothing, quota failures included. `lock()` uses Web Locks
 * when the platform has them (held across tabs), else an in-process queue.
 * @example
 * const store = indexedDbStore({ dbName: 'my-project' });
 * await store.setMany([['data_processed/ab12/elevation_loader.tif', tif], ['data_processed/ab12/meta.json', meta]]);
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): LockingStoreAdapter {
  const dbName = options.dbName ?? 'geodata';
  const storeName = options.storeName ?? 'cache';
  const name = storeName === 'cache' ? `indexeddb:${dbName}` : `indexeddb:${dbName}/${storeName}`;
  const use: UseStore = openObjectStore(dbName, storeName);
  const inProcess = createInProcessLock();

  const run = async <T>(action: string, key: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => T | PromiseLike<T>): Promise<T> => {
    try {
      return await use(mode, body);
    } catch (error) {
      throw idbError(name, action, key, error);
    }
  };

  const get = async (key: string): Promise<Uint8Array | undefined> => {
    keySegments(key, name);
    const value = await run('read', key, 'readonly', (store) => promisifyRequest<unknown>(store.get(key)));
    if (value === undefined) return undefined;
    return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
  };

  const write = async (entries: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void> => {
    const mtimeMs = Date.now();
    const records = entries.map(([key, value]) => {
      keySegments(key, name);
      checkBytes(value, key, name);
      return [key, plainBytes(value)] as const;
    });
    try {
      await use('readwrite', (store) => {
        try {
          for (const [key, bytes] of records) {
            store.put(bytes, key);
            store.put({ size: bytes.byteLength, mtimeMs } satisfies StatRecord, statKey(key));
          }
        } catch (error) {
          // A put that throws on the spot (rather than failing the transaction) must not let the earlier puts commit.
          try {
            store.transaction.abort();
          } catch {
            // Only throws if the transaction already finished, which it cannot have while we are in its callback.
          }
          throw error;
        }
        return transactionDone(store.transaction);
      });
    } catch (error) {
      if (isQuotaError(error)) throw quotaError(name, records, error);
      throw idbError(name, 'write', records.map(([key]) => key).join('", "'), error);
    }
  };

  return {
    name,

    get,

    async has(key) {
      keySegments(key, name);
      return (await run('check', key, 'readonly', (store) => promisifyRequest(store.count(key)))) > 0;
    },

    async stat(key) {
      keySegments(key, name);
      const [record, count] = await run('stat', key, 'readonly', (store) =>
        Promise.all([promisifyRequest<StatRecord | undefined>(store.get(statKey(key))), promisifyRequest(store.count(key))]),
      );
      if (count === 0) return undefined;
      // Bytes written by something other than this adapter have no stat record: measure them.
      return record ?? { size: (await get(key))?.byteLength ?? 0, mtimeMs: 0 };
    },

    async keys(prefix = '') {
      checkPrefix(prefix, name);
      const found = await run('list', prefix, 'readonly', (store) => promisifyRequest(store.getAllKeys(prefixRange(prefix))));
      return found.filter((key): key is string => typeof key === 'string' && key.startsWith(prefix)).sort();
    },

    set: (key, value) => write([[key, value]]),
    setMany: write,

    async remove(key) {
      keySegments(key, name);
      await run('remove', key, 'readwrite', (store) => {
        store.delete(key);
        store.delete(statKey(key));
        return transactionDone(store.transaction);
      });
    },

    async removePrefix(prefix) {
      checkPrefix(prefix, name);
      const removed = await run('remove the keys under', prefix, 'readwrite', (store) => {
        const listed = promisifyRequest(store.getAllKeys(prefixRange(prefix)));
        store.delete(prefixRange(prefix));
        store.delete(prefixRange(prefix, 'stat'));
        return Promise.all([listed, transactionDone(store.transaction)]).then(([keys]) => keys);
      });
      return removed.filter((key) => typeof key === 'string' && key.startsWith(prefix)).length;
    },

    async lock(lockName, lockOptions = {}) {
      const describe = `lock ${JSON.stringify(lockName)} of store ${name}`;
      const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
      if (!locks) {
        const release = await inProcess.acquire(lockName, { ...lockOptions, describe });
        return async () => release();
      }
      return webLock(locks, `geodata:${dbName}/${storeName}:${lockName}`, describe, lockOptions);
    },
  };
}

/**
 * Settles when a write transaction commits or aborts. Not idb-keyval's promisifyRequest: a failed
 * request reaches the transaction's onerror before the abort, while `transaction.error` is still
 * null, so it would reject with null instead of the QuotaExceededError.
 */
function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.addEventListener('complete', () => resolve());
    transaction.addEventListener('abort', () => reject(transaction.error ?? new DOMException('The transaction was aborted', 'AbortError')));
  });
}

/** Takes a Web Lock and keeps it until the returned function is called. */
function webLock(locks: LockManager, id: string, describe: string, options: LockOptions): Promise<() => Promise<void>> {
  const controller = new AbortController();
  const stopWatching = watchLimits(options, describe, (reason) => controller.abort(reason));
  return new Promise((resolve, reject) => {
    locks
      .request(id, { mode: 'exclusive', signal: controller.signal }, () => new Promise<void>((release) => {
        stopWatching();
        resolve(async () => release());
      }))
      .catch((error: unknown) => {
        stopWatching();
        reject(controller.signal.aborted ? controller.signal.reason : new StoreError(`${describe}: Web Locks refused the request: ${String(error)}`, { cause: error }));
      });
  });
}

/**
 * The keys starting with `prefix`: a string range, or the same range of stat records. The upper
 * bound is the prefix with its last code unit raised by one, so the range is exact.
 */
function prefixRange(prefix: string, kind?: 'stat'): IDBKeyRange {
  const wrap = (key: IDBValidKey): IDBValidKey => (kind ? ['stat', key] : key);
  const last = prefix.charCodeAt(prefix.length - 1);
  // No prefix, or one ending in U+FFFF: everything from the prefix up to the first non-string key.
  if (prefix === '' || last === 0xffff) return IDBKeyRange.bound(wrap(prefix), wrap([]), false, true);
  return IDBKeyRange.bound(wrap(prefix), wrap(prefix.slice(0, -1) + String.fromCharCode(last + 1)), false, true);
}

/** A Uint8Array that owns exactly its bytes: a view into a larger buffer (or a Node Buffer) would store the whole buffer. */
function plainBytes(value: Uint8Array): Uint8Array {
  const exact = value.constructor === Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
  return exact && value.buffer instanceof ArrayBuffer ? value : new Uint8Array(value);
}

function isQuotaError(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}

function quotaError(store: string, records: ReadonlyArray<readonly [string, Uint8Array]>, cause: unknown): StoreError {
  const total = records.reduce((sum, [, bytes]) => sum + bytes.byteLength, 0);
  const what = records.length === 1 ? `"${records[0]![0]}"` : `${records.length} keys (the first "${records[0]?.[0]}")`;
  return new StoreError(
    `store ${store}: the browser storage quota is full: writing ${what}, ${formatBytes(total)}, failed and nothing of it was stored. ` +
      'Free space by cleaning old entries (cleanCache), or ask the browser for persistent storage (navigator.storage.persist()), then try again',
    { cause },
  );
}

function idbError(store: string, action: string, key: string, cause: unknown): StoreError {
  const detail = cause instanceof Error || cause instanceof DOMException ? `${cause.name}: ${cause.message}` : String(cause);
  const hint = (cause as { name?: string } | undefined)?.name === 'NotFoundError'
    ? `the database exists without this object store; use another dbName (one geodata object store per database)`
    : 'check that IndexedDB is available (private windows may disable it), or keep the cache in memory for this page: getConfig().update({ store: memoryStore() })';
  return new StoreError(`store ${store}: could not ${action} "${key}": ${detail}; ${hint}`, { cause });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
