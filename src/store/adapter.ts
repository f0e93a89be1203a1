import { InvalidInputError } from '../errors.js';
import type { LockOptions } from './in-process-lock.js';

/**
 * The storage seam: a small key/value interface with bytes as the native value. Keys are
 * `/`-separated relative paths such as `data_processed/<state_hash>/meta.json`. JSON, entries
 * and layout are layers above; the pipeline depends only on this interface.
 *
 * Values are bytes; callers must not change an array they passed to `set`/`setMany` until the
 * promise resolves. `keys(prefix)` and `removePrefix(prefix)` match the start of the key string.
 *
 * Implementations: `fs` (Node default), `indexeddb` (browser default, idb-keyval), `memory`
 * (tests). All of them pass the same conformance suite (`test/store/conformance.ts`).
 */
export interface StoreAdapter {
  /** A short name for messages (`fs:/path/to/root`, `indexeddb:geodata`, `memory`). */
  readonly name: string;

  get(key: string): Promise<Uint8Array | undefined>;
  has(key: string): Promise<boolean>;
  /** Size in bytes and modification time (ms since epoch) of a key, or undefined if absent. */
  stat(key: string): Promise<{ size: number; mtimeMs: number } | undefined>;
  /** Every key that starts with `prefix` (all keys without one), sorted. */
  keys(prefix?: string): Promise<string[]>;

  set(key: string, value: Uint8Array): Promise<void>;
  /**
   * Writes several keys, the last one last: the commit of a cache entry, whose meta.json comes
   * last. IndexedDB and memory write them in one transaction (all or none); the filesystem
   * renames them in order and undoes the renames on an error, but a process killed in the middle
   * can leave the first ones written — which is why readers judge an entry by its meta.json.
   */
  setMany(entries: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void>;
  /** Removes a key; a missing key is not an error. */
  remove(key: string): Promise<void>;
  /** Removes every key under `prefix` (which should end with `/`). Returns how many were removed. */
  removePrefix(prefix: string): Promise<number>;

  /**
   * Takes an exclusive lock named `name`, waiting while another holder has it, and resolves to
   * the release function. Holds across processes where the adapter can (fs: a lock folder with
   * the owner's pid, recovered when that process is dead; IndexedDB: Web Locks), and always
   * within one process.
   */
  lock(name: string, options?: LockOptions): Promise<() => Promise<void>>;

  /** Optional, fs only: the file path behind a key, so GDAL can read a committed file in place. */
  localPath?(key: string): string;
  /**
   * Optional, fs only: a fresh empty folder on the store's own disk, for staging outputs before
   * `commitFolder`.
   */
  createStagingFolder?(label: string): Promise<string>;
  /**
   * Optional, fs only: atomically makes the files of `folder` the content of `prefix` (a rename).
   * Fails if `prefix` already has content, leaving both sides untouched; with `replace`, the old
   * content is moved aside first (a rename) and removed after, so readers see the old folder or
   * the new one, never a mix (and for an instant neither).
   */
  commitFolder?(folder: string, prefix: string, options?: { replace?: boolean }): Promise<void>;
  /**
   * Optional, fs only: what killed runs left behind (staging folders, lock leftovers) and is not
   * reclaimed yet, with whether each owner is dead, alive, on another host or unknown.
   */
  debris?(): Promise<Array<{ path: string; kind: 'staging' | 'lock'; owner: 'dead' | 'alive' | 'other-host' | 'unknown'; bytes: number }>>;
}

/** Joins key parts with `/`, refusing parts that would escape the store (`..`, absolute, empty). */
export function joinKey(...parts: string[]): string {
  const segments: string[] = [];
  for (const part of parts) {
    for (const segment of part.split('/')) {
      if (segment === '') continue;
      if (segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0')) {
        throw new InvalidInputError(
          `invalid store key segment ${JSON.stringify(segment)} in ${JSON.stringify(parts.join('/'))}: ` +
            'key parts are relative names without ".", "..", "\\" or NUL',
        );
      }
      segments.push(segment);
    }
  }
  return segments.join('/');
}
