import type { StoreAdapter } from '../../store/adapter.js';

/**
 * Whether a key's file may be read: the Node server answers false for a file whose real path,
 * symbolic links resolved, leaves the cache root.
 */
export type ReadGuard = (key: string) => Promise<boolean>;

/**
 * A store whose reads refuse keys the guard does not allow: the registry browser reads the cache
 * only through one of these (under its index's snapshot), so no route, listing, graph or preview
 * can show what a link in the cache points at outside it. A refused key reads as absent, as
 * every reader of the cache treats an unreadable file; a route that serves a file asks
 * {@link refuses} to answer 403 rather than 404. Listings, sizes and writes go through
 * unchanged.
 * @example
 * const store = new GuardedStore(fsStore({ root }), insideRoot);
 * await store.get('data_processed/ab12/leak.txt'); // undefined when leak.txt links outside root
 */
export class GuardedStore implements StoreAdapter {
  readonly name: string;
  readonly #inner: StoreAdapter;
  readonly #canRead: ReadGuard;

  constructor(inner: StoreAdapter, canRead: ReadGuard) {
    this.#inner = inner;
    this.#canRead = canRead;
    // No localPath: a file path would let a reader past the guard.
    this.name = inner.name;
    if (inner.debris) this.debris = () => inner.debris!();
  }

  /** Whether `key` exists and is one the guard refuses (a link out of the cache). */
  async refuses(key: string): Promise<boolean> {
    return (await this.#inner.has(key)) && !(await this.#canRead(key));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.#canRead(key)) ? this.#inner.get(key) : undefined;
  }

  has(key: string): Promise<boolean> {
    return this.#inner.has(key);
  }

  stat(key: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    return this.#inner.stat(key);
  }

  keys(prefix?: string): Promise<string[]> {
    return this.#inner.keys(prefix);
  }

  set(key: string, value: Uint8Array): Promise<void> {
    return this.#inner.set(key, value);
  }

  setMany(entries: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void> {
    return this.#inner.setMany(entries);
  }

  remove(key: string): Promise<void> {
    return this.#inner.remove(key);
  }

  removePrefix(prefix: string): Promise<number> {
    return this.#inner.removePrefix(prefix);
  }

  /** The inner store's debris (sizes and owners only: nothing is read through it); absent where the inner store has none. */
  debris?(): ReturnType<NonNullable<StoreAdapter['debris']>>;

  lock(name: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<() => Promise<void>> {
    return this.#inner.lock(name, options);
  }
}
