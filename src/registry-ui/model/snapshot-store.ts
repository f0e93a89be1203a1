import { mapConcurrently, READ_CONCURRENCY } from '../../cache/concurrency.js';
import type { StoreAdapter } from '../../store/adapter.js';

/**
 * A read-through copy of a store's entry and code-registry folders: their key lists, file sizes
 * and small files, kept in memory so the registry browser can judge thousands of entries with
 * the library's own cache functions (`scanCache({ store })`, `statusOf`, `codeVersions({ store })`)
 * without reading the disk again for folders that did not change.
 *
 * `refresh()` lists the folders again and compares each folder's signature (its file list and
 * the size and modification time of its meta.json, source.json or tree.json); only folders whose
 * signature changed are read again, many at a time. A change that leaves the signature alone
 * (an output truncated in place) is seen by `refresh({ full: true })`. Writes go straight to the
 * wrapped store and make the folders they touch be read again.
 */

/** A top-level folder whose sub-folders are kept: the file that signs each, and the files read ahead. */
export interface SnapshotRoot {
  /** A folder key prefix ending with `/`, e.g. `data_processed/`, `.source/code/`. */
  prefix: string;
  signature: string;
  /** Small files of each folder read during the refresh (many at a time) rather than one by one later. */
  readAhead: string[];
}

/** What changed in one refresh, as folder prefixes (`data_processed/<hash>/`). */
export interface SnapshotChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

type Stat = { size: number; mtimeMs: number };

/** What is known of one folder. */
interface FolderRecord {
  signature: string;
  stats: Map<string, Stat | undefined>;
  bytes: Map<string, Uint8Array | undefined>;
}

/** Files up to this size are kept in memory after the first read; larger ones are read each time. */
const MAX_KEPT_FILE = 256 * 1024;

/** A StoreAdapter over another, serving listings and small files from memory between refreshes. */
export class SnapshotStore implements StoreAdapter {
  readonly name: string;
  readonly #inner: StoreAdapter;
  readonly #roots: SnapshotRoot[];
  /** Per root prefix: its keys, sorted. */
  readonly #keys = new Map<string, string[]>();
  readonly #folders = new Map<string, FolderRecord>();
  /** Folders written through this store since the last refresh. */
  readonly #dirty = new Set<string>();

  constructor(inner: StoreAdapter, roots: SnapshotRoot[]) {
    this.#inner = inner;
    this.#roots = roots;
    this.name = inner.name;
    if (inner.localPath) this.localPath = (key: string) => inner.localPath!(key);
    // Debris is listed live (never snapshotted): status() must see what a killed run just left.
    if (inner.debris) this.debris = () => inner.debris!();
  }

  /** The store this one reads through. */
  get inner(): StoreAdapter {
    return this.#inner;
  }

  /**
   * Lists every root again and reads what changed since the last refresh (everything the first
   * time, and with `full`). Returns the folders added, changed and removed.
   */
  async refresh(options: { full?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<SnapshotChanges> {
    const changes: SnapshotChanges = { added: [], changed: [], removed: [] };
    const listed: Array<{ root: SnapshotRoot; keys: string[]; folders: Map<string, string[]> }> = [];
    for (const root of this.#roots) {
      const keys = await this.#inner.keys(root.prefix);
      listed.push({ root, keys, folders: groupByFolder(root.prefix, keys) });
    }
    const work = listed.flatMap(({ root, folders }) => [...folders].map(([folder, files]) => ({ root, folder, files })));
    let done = 0;
    await mapConcurrently(work, READ_CONCURRENCY, async ({ root, folder, files }) => {
      const signingKey = folder + root.signature;
      const signingStat = files.includes(signingKey) ? await this.#inner.stat(signingKey) : undefined;
      const signature = `${files.join('\n')}\n${signingStat ? `${signingStat.size}:${signingStat.mtimeMs}` : '-'}`;
      const before = this.#folders.get(folder);
      if (before && before.signature === signature && !options.full && !this.#dirty.has(folder)) {
        options.onProgress?.(++done, work.length);
        return;
      }
      (before ? changes.changed : changes.added).push(folder);
      const record: FolderRecord = { signature, stats: new Map([[signingKey, signingStat]]), bytes: new Map() };
      await Promise.all(
        files.map(async (key) => {
          if (key !== signingKey) record.stats.set(key, await this.#inner.stat(key));
          const size = record.stats.get(key)?.size ?? Infinity;
          if (root.readAhead.some((name) => key === folder + name) && size <= MAX_KEPT_FILE) record.bytes.set(key, await this.#inner.get(key));
        }),
      );
      this.#folders.set(folder, record);
      options.onProgress?.(++done, work.length);
    });
    const seen = new Set(work.map((item) => item.folder));
    for (const folder of [...this.#folders.keys()]) {
      if (seen.has(folder)) continue;
      changes.removed.push(folder);
      this.#folders.delete(folder);
    }
    for (const { root, keys } of listed) this.#keys.set(root.prefix, keys);
    this.#dirty.clear();
    for (const list of [changes.added, changes.changed, changes.removed]) list.sort();
    return changes;
  }

  /** The root a key or prefix falls under, when it is one this store keeps and has listed. */
  #rootOf(key: string): string | undefined {
    const root = this.#roots.find((r) => key.startsWith(r.prefix))?.prefix;
    return root !== undefined && this.#keys.has(root) ? root : undefined;
  }

  /** The record of the folder a kept key is in; null when the key is kept but was not listed. */
  #recordOf(key: string): FolderRecord | null | undefined {
    const root = this.#rootOf(key);
    if (root === undefined) return undefined;
    const slash = key.indexOf('/', root.length);
    const folder = slash < 0 ? undefined : key.slice(0, slash + 1);
    // A folder written since the last refresh is read from the wrapped store until the next one.
    if (folder !== undefined && this.#dirty.has(folder)) return undefined;
    const record = folder === undefined ? undefined : this.#folders.get(folder);
    return record && record.stats.has(key) ? record : null;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const record = this.#recordOf(key);
    if (record === undefined) return this.#inner.get(key);
    if (record === null) return undefined;
    if (record.bytes.has(key)) return record.bytes.get(key);
    const bytes = await this.#inner.get(key);
    if (!bytes || bytes.length <= MAX_KEPT_FILE) record.bytes.set(key, bytes);
    return bytes;
  }

  async has(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async stat(key: string): Promise<Stat | undefined> {
    const record = this.#recordOf(key);
    if (record === undefined) return this.#inner.stat(key);
    return record?.stats.get(key);
  }

  async keys(prefix = ''): Promise<string[]> {
    const root = this.#rootOf(prefix);
    if (root === undefined) return this.#inner.keys(prefix);
    const keys = this.#keys.get(root)!;
    const found: string[] = [];
    for (let i = lowerBound(keys, prefix); i < keys.length && keys[i]!.startsWith(prefix); i++) found.push(keys[i]!);
    return found;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.#touch([key]);
    await this.#inner.set(key, value);
  }

  async setMany(entries: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void> {
    this.#touch(entries.map(([key]) => key));
    await this.#inner.setMany(entries);
  }

  async remove(key: string): Promise<void> {
    this.#touch([key]);
    await this.#inner.remove(key);
  }

  async removePrefix(prefix: string): Promise<number> {
    this.#touch([prefix]);
    return this.#inner.removePrefix(prefix);
  }

  lock(name: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<() => Promise<void>> {
    return this.#inner.lock(name, options);
  }

  localPath?(key: string): string;

  debris?(): ReturnType<NonNullable<StoreAdapter['debris']>>;

  /** Marks the folders of written keys, so the next refresh reads them again. */
  #touch(keys: string[]): void {
    for (const key of keys) {
      const root = this.#roots.find((r) => key.startsWith(r.prefix));
      if (!root) continue;
      const slash = key.indexOf('/', root.prefix.length);
      if (slash > 0) this.#dirty.add(key.slice(0, slash + 1));
    }
  }
}

/** Groups keys under `root` by their folder (`root` + first segment + `/`); loose files are left out. */
function groupByFolder(root: string, keys: string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const key of keys) {
    const slash = key.indexOf('/', root.length);
    if (slash <= root.length) continue;
    const folder = key.slice(0, slash + 1);
    let files = folders.get(folder);
    if (!files) folders.set(folder, (files = []));
    files.push(key);
  }
  return folders;
}

/** The first index of a sorted array whose value is not less than `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
