import { summaryOf, type EntrySummary } from '../../cache/entries.js';
import { scanCache, type ScannedEntry } from '../../cache/scan.js';
import { readJson } from '../../cache/source-registry.js';
import { statusOf, type CacheStatus } from '../../cache/status.js';
import { getConfig } from '../../config.js';
import { describeError } from '../../format.js';
import type { JsonValue } from '../../fingerprint/index.js';
import { META_FILE, PARAMETERS_FILE, SPEC_FILE } from '../../pipeline/layout.js';
import type { StoreAdapter } from '../../store/adapter.js';
import { gridFacts, type GridFacts } from './grid-facts.js';
import { GuardedStore, type ReadGuard } from './guarded-store.js';
import { SnapshotStore } from './snapshot-store.js';

/** One cache entry as the browser knows it: judged, summarised, with its parameters and grid. */
export interface IndexedEntry {
  entry: ScannedEntry;
  summary: EntrySummary;
  /** spec.json as stored; null when missing or unreadable. */
  spec: JsonValue | null;
  /** CRS, resolution, shape and bounds read from spec.json; null when it is not a spec. */
  grid: GridFacts | null;
}

/** What the index is doing, for a progress bar. */
export interface IndexProgress {
  state: 'building' | 'refreshing' | 'ready' | 'failed';
  phase: string;
  done: number;
  total: number;
  /** Why the last build or refresh failed. */
  error?: string;
}

/** Options of {@link BrowseIndex}. */
export interface BrowseIndexOptions {
  /** Default: the configured store. */
  store?: StoreAdapter;
  /** Re-hash the input files entries recorded (Node file paths), as `scanCache` does. Default true. */
  checkInputs?: boolean;
  /**
   * Whether a key's file may be read (see {@link GuardedStore}): the Node server refuses files
   * whose links lead outside the cache root. Every read of the index, and of the routes through
   * its store, goes through it. Default: every key.
   */
  canRead?: ReadGuard;
}

/**
 * Every entry of a cache, judged once against the classes loaded in this process and then kept
 * up to date incrementally: a refresh lists the cache again and reads only the entry folders
 * whose files or meta.json changed (see {@link SnapshotStore}). The generation number goes up
 * each time something changed, so pages know when to fetch again. Reads only through the
 * StoreAdapter interface and the library's cache functions, so it can run in a browser too.
 * @example
 * const index = new BrowseIndex();
 * await index.refresh();
 * index.entries().filter((e) => e.entry.state === 'stale').length;
 */
export class BrowseIndex {
  /** The store every read of the browser goes through: guarded (see {@link BrowseIndexOptions.canRead}), kept in memory. */
  readonly store: SnapshotStore;
  /**
   * The same store without the memory: for the actions, which must see the cache as it is now
   * (a clean compares it with its preview) and still read nothing a link leads to.
   */
  readonly guardedStore: GuardedStore;
  readonly #checkInputs: boolean;
  #entries: IndexedEntry[] = [];
  #byHash = new Map<string, IndexedEntry>();
  #generation = 0;
  #progress: IndexProgress = { state: 'building', phase: 'starting', done: 0, total: 0 };
  #refreshedAt = 0;
  /** How long the last refresh took (ms). */
  #refreshTook = 0;
  #running: Promise<boolean> | undefined;
  #queued: { promise: Promise<boolean>; full: boolean } | undefined;
  #built = false;
  /** Parsed parameters.json and spec.json per entry folder, kept while the folder is unchanged. */
  readonly #files = new Map<string, { parameters: JsonValue | null; spec: JsonValue | null; grid: GridFacts | null }>();
  /** Grid facts by spec.json text. */
  readonly #grids = new Map<string, GridFacts | null>();
  /** Results computed once per generation (class statuses, code versions). */
  #memo = new Map<string, Promise<unknown>>();
  readonly #listeners = new Set<(progress: IndexProgress) => void>();

  constructor(options: BrowseIndexOptions = {}) {
    const layout = getConfig().layout;
    const entryFiles = [META_FILE, PARAMETERS_FILE, SPEC_FILE];
    this.guardedStore = new GuardedStore(options.store ?? getConfig().store, options.canRead ?? (async () => true));
    this.store = new SnapshotStore(this.guardedStore, [
      { prefix: `${layout.data}/`, signature: META_FILE, readAhead: entryFiles },
      { prefix: `${layout.figures}/`, signature: META_FILE, readAhead: entryFiles },
      { prefix: `${layout.source}/code/`, signature: 'source.json', readAhead: ['source.json'] },
      { prefix: `${layout.source}/snapshots/`, signature: 'tree.json', readAhead: ['tree.json'] },
    ]);
    this.#checkInputs = options.checkInputs ?? true;
  }

  /** Whether `key` exists and its store refuses to read it (a link out of the cache): a route then answers 403. */
  refuses(key: string): Promise<boolean> {
    return this.guardedStore.refuses(key);
  }

  /** Goes up by one each time a refresh found a change (0 until the first build is done). */
  get generation(): number {
    return this.#generation;
  }

  get progress(): IndexProgress {
    return { ...this.#progress };
  }

  /** When the last refresh finished (ms since the epoch), 0 before. */
  get refreshedAt(): number {
    return this.#refreshedAt;
  }

  /** Calls `listener` on every progress step; returns the function that stops it. */
  onProgress(listener: (progress: IndexProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reads what changed since the last refresh (everything the first time, or with `full`: that
   * also re-checks input files and outputs changed in place). Refreshes never overlap: a call
   * during one runs once it is done. Resolves to whether anything changed.
   */
  refresh(options: { full?: boolean } = {}): Promise<boolean> {
    const full = options.full === true;
    if (!this.#running) return this.#start(full);
    if (this.#queued) {
      this.#queued.full ||= full;
      return this.#queued.promise;
    }
    const queued = { full, promise: Promise.resolve(false) };
    const settled = this.#running.then(
      () => undefined,
      () => undefined,
    );
    queued.promise = settled.then(() => {
      this.#queued = undefined;
      return this.#start(queued.full);
    });
    this.#queued = queued;
    return queued.promise;
  }

  #start(full: boolean): Promise<boolean> {
    const started = Date.now();
    const run: Promise<boolean> = this.#runRefresh(full).finally(() => {
      if (this.#running === run) this.#running = undefined;
      this.#refreshedAt = Date.now();
      this.#refreshTook = this.#refreshedAt - started;
    });
    this.#running = run;
    return run;
  }

  /**
   * A refresh, unless one is running or finished less than `ms` ago; on a large cache, where
   * even looking for changes takes a while, at least ten times that long ago.
   */
  refreshIfOlderThan(ms: number): void {
    if (this.#running || Date.now() - this.#refreshedAt < Math.max(ms, 10 * this.#refreshTook)) return;
    this.refresh().catch(() => undefined);
  }

  /** Resolves once the first build is done (it starts the build if nothing did). */
  async ready(): Promise<void> {
    if (this.#built) return;
    await (this.#running ?? this.refresh());
    if (!this.#built) await this.refresh();
  }

  /** Every entry, sorted by key. */
  entries(): readonly IndexedEntry[] {
    return this.#entries;
  }

  /** The entry with this state hash, or the one entry whose hash starts with it. */
  entry(hash: string): IndexedEntry | undefined {
    const exact = this.#byHash.get(hash);
    if (exact || hash.length >= 64 || !/^[0-9a-f]+$/.test(hash)) return exact;
    const found = this.#entries.filter((e) => e.entry.stateHash.startsWith(hash));
    return found.length === 1 ? found[0] : undefined;
  }

  /** The whole cache at a glance (classes, counts, code registry), once per generation. */
  status(): Promise<CacheStatus> {
    return this.memo('status', () => statusOf(this.#entries.map((e) => e.entry), this.store));
  }

  /** `compute()` once per generation under `key`. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let found = this.#memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = compute();
      this.#memo.set(key, found);
      found.catch(() => this.#memo.delete(key));
    }
    return found;
  }

  async #runRefresh(full: boolean): Promise<boolean> {
    try {
      return await this.#refreshNow(full);
    } catch (error) {
      this.#setProgress({ state: 'failed', phase: 'failed', done: 0, total: 0, error: describeError(error) });
      throw error;
    }
  }

  async #refreshNow(full: boolean): Promise<boolean> {
    const state = this.#built ? 'refreshing' : 'building';
    // Looking for changes is quiet: the page shows progress only for a build or real work.
    const loud = !this.#built || full;
    if (loud) this.#setProgress({ state, phase: 'listing the cache', done: 0, total: 0 });
    const changes = await this.store.refresh({ full, onProgress: loud ? (done, total) => this.#setProgress({ state, phase: 'listing the cache', done, total }) : undefined });
    const changed = [...changes.added, ...changes.changed, ...changes.removed];
    if (this.#built && changed.length === 0) {
      this.#setProgress({ state: 'ready', phase: 'ready', done: this.#entries.length, total: this.#entries.length });
      return false;
    }
    for (const folder of changed) this.#files.delete(folder);

    const scanned = await scanCache({
      store: this.store,
      checkInputs: this.#checkInputs,
      onProgress: ({ done, total }) => this.#setProgress({ state, phase: 'judging entries', done, total }),
    });
    const entries: IndexedEntry[] = [];
    for (const [index, entry] of scanned.entries()) {
      const files = await this.#readFiles(entry);
      entries.push({ entry, summary: summaryOf(entry, files.parameters), spec: files.spec, grid: files.grid });
      if (index % 200 === 0) this.#setProgress({ state, phase: 'reading parameters', done: index, total: scanned.length });
    }
    this.#entries = entries;
    this.#byHash = new Map(entries.map((e) => [e.entry.stateHash, e]));
    this.#memo = new Map();
    this.#generation++;
    this.#built = true;
    this.#setProgress({ state: 'ready', phase: 'ready', done: entries.length, total: entries.length });
    return true;
  }

  async #readFiles(entry: ScannedEntry): Promise<{ parameters: JsonValue | null; spec: JsonValue | null; grid: GridFacts | null }> {
    let found = this.#files.get(entry.key);
    if (!found) {
      const has = (name: string) => entry.files.includes(entry.key + name);
      const parameters = has(PARAMETERS_FILE) ? ((await readJson<JsonValue>(this.store, entry.key + PARAMETERS_FILE)) ?? null) : null;
      const spec = has(SPEC_FILE) ? ((await readJson<JsonValue>(this.store, entry.key + SPEC_FILE)) ?? null) : null;
      // Most entries share a few specs: their facts (a proj4 reprojection) are worked out once.
      const specText = JSON.stringify(spec);
      if (!this.#grids.has(specText)) this.#grids.set(specText, gridFacts(spec));
      found = { parameters, spec, grid: this.#grids.get(specText)! };
      this.#files.set(entry.key, found);
    }
    return found;
  }

  #setProgress(progress: IndexProgress): void {
    this.#progress = progress;
    for (const listener of this.#listeners) listener({ ...progress });
  }
}
