/**
 * The browser-safe store subsystem: the adapter interface, key rules, and the memory and
 * IndexedDB adapters. The filesystem adapter lives behind `./node.js`.
 */
export { joinKey, type StoreAdapter } from './adapter.js';
export { createInProcessLock, type InProcessLock, type LockOptions, type LockingStoreAdapter } from './in-process-lock.js';
export { indexedDbStore, type IndexedDbStoreOptions } from './indexeddb.js';
export { isValidKey } from './key.js';
export { memoryStore, type MemoryStoreOptions } from './memory.js';
