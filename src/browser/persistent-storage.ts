/** What `requestPersistentStorage` found out. */
export interface PersistentStorageState {
  /** Whether the browser promised not to evict this site's storage (the cache) under pressure. */
  persisted: boolean;
  /** Bytes this site uses, and may use, as the browser estimates them; undefined where unknown. */
  usage?: number;
  quota?: number;
}

/**
 * Asks the browser to keep this site's storage (IndexedDB: the geodata cache) when space runs
 * low, and reports usage and quota. Without it, browsers may evict a "best-effort" cache under
 * storage pressure. Chromium decides silently (from site engagement, installed apps, bookmarks);
 * Firefox asks the user, so call it from a user action there. Never throws: where the Storage API
 * is missing it reports `persisted: false`.
 *
 * @example
 * const { persisted, usage, quota } = await requestPersistentStorage();
 * if (!persisted) console.info('the cache may be evicted when the disk fills up');
 */
export async function requestPersistentStorage(): Promise<PersistentStorageState> {
  const storage = (globalThis as { navigator?: { storage?: Partial<StorageManager> } }).navigator?.storage;
  let persisted = false;
  try {
    persisted = (await storage?.persisted?.()) === true || (await storage?.persist?.()) === true;
  } catch {
    persisted = false;
  }
  let estimate: StorageEstimate | undefined;
  try {
    estimate = await storage?.estimate?.();
  } catch {
    estimate = undefined;
  }
  return {
    persisted,
    ...(estimate?.usage !== undefined ? { usage: estimate.usage } : {}),
    ...(estimate?.quota !== undefined ? { quota: estimate.quota } : {}),
  };
}
