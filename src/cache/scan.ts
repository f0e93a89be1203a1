import { getConfig } from '../config.js';
import type { TreeRecord } from '../fingerprint/index.js';
import { ENTRY_FORMAT_VERSION, type EntryMeta } from '../pipeline/entry.js';
import { entryFolder, META_FILE } from '../pipeline/layout.js';
import { getPlatform } from '../platform.js';
import type { StoreAdapter } from '../store/adapter.js';
import { isLive, LiveClasses, type LiveClass } from './live-classes.js';
import type { CacheReason, EntryState } from './reasons.js';
import { readSnapshotTree } from './source-registry.js';
import { inputHasher } from '../pipeline/identity.js';

/** One entry folder of `data_processed/` or `figures/`, judged against the classes loaded now. */
export interface ScannedEntry {
  /** The entry's store prefix: `data_processed/<state_hash>/`. */
  key: string;
  /** The folder name (the state hash, for anything the pipeline wrote). */
  stateHash: string;
  objectType: 'data' | 'figure';
  /** Its meta.json, when readable. */
  meta: EntryMeta | undefined;
  className: string | null;
  files: string[];
  /** Total size of its files. */
  bytes: number;
  state: EntryState;
  reasons: CacheReason[];
}

/** Progress of a long cache operation, for bars and counters. */
export interface CacheProgress {
  phase: string;
  done: number;
  total: number;
}

/** Options of {@link scanCache}. */
export interface ScanOptions {
  /** Default: the configured store. */
  store?: StoreAdapter;
  /** Re-hash the input files recorded in meta.json (local file paths, Node only). Default true. */
  checkInputs?: boolean;
  onProgress?: (progress: CacheProgress) => void;
}

/**
 * Reads every entry of the store once (file list, sizes, meta.json, tree snapshot) and judges it
 * against the classes registered in this process: see {@link EntryState}. Entries are sorted by
 * key. An entry whose parameter entry (meta.upstream) is stale is stale too: the parameter's
 * hash is part of its own, so no `load` can reach it any more.
 * @example (await scanCache()).filter((e) => e.state === 'stale').map((e) => e.key)
 */
export async function scanCache(options: ScanOptions = {}): Promise<ScannedEntry[]> {
  const store = options.store ?? getConfig().store;
  const folders = await listEntryFolders(store);
  const judge = new EntryJudge(store, options.checkInputs ?? true);
  let done = 0;
  // Reading is waiting on small files: many folders at once keep the disk (or IndexedDB) busy.
  const entries = await mapConcurrently(folders, 32, async (folder) => {
    const entry = await judge.judge(folder);
    options.onProgress?.({ phase: 'scanning entries', done: ++done, total: folders.length });
    return entry;
  });
  propagateUpstream(entries);
  return entries;
}

/** `items.map(fn)` with at most `limit` calls running at once; results keep the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface EntryFolder {
  key: string;
  stateHash: string;
  objectType: 'data' | 'figure';
  files: string[];
}

/** Entry folders by key: the keys under each entries folder, grouped by their first segment. */
export async function listEntryFolders(store: StoreAdapter): Promise<EntryFolder[]> {
  const byKey = new Map<string, EntryFolder>();
  for (const objectType of ['data', 'figure'] as const) {
    const folder = entryFolder(objectType);
    for (const key of await store.keys(`${folder}/`)) {
      const rest = key.slice(folder.length + 1);
      const slash = rest.indexOf('/');
      if (slash <= 0) continue; // a stray file beside the entries is nobody's entry
      const prefix = `${folder}/${rest.slice(0, slash)}/`;
      let found = byKey.get(prefix);
      if (!found) byKey.set(prefix, (found = { key: prefix, stateHash: rest.slice(0, slash), objectType, files: [] }));
      found.files.push(key);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Judges entries one by one, remembering live classes, trees and input digests between them. */
class EntryJudge {
  readonly #live = new LiveClasses();
  readonly #trees = new Map<string, Promise<TreeRecord | undefined>>();
  readonly #digests = new Map<string, Promise<string | null>>();

  constructor(
    private readonly store: StoreAdapter,
    private readonly checkInputs: boolean,
  ) {}

  async judge(folder: EntryFolder): Promise<ScannedEntry> {
    const sizes = new Map(await Promise.all(folder.files.map(async (file) => [file, (await this.store.stat(file))?.size ?? 0] as const)));
    const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    const base = { ...folder, bytes, meta: undefined, className: null };
    const problem = (state: 'damaged' | 'incomplete', text: string, meta?: EntryMeta): ScannedEntry => ({
      ...base,
      meta,
      className: typeof meta?.class_name === 'string' ? meta.class_name : null,
      state,
      reasons: [{ kind: state, problem: text }],
    });

    const metaKey = folder.key + META_FILE;
    if (!sizes.has(metaKey)) return problem('incomplete', `no ${META_FILE}`);
    const meta = await readMeta(this.store, metaKey);
    if (!meta) return problem('damaged', `${META_FILE} is not a JSON object`);
    const className = typeof meta.class_name === 'string' ? meta.class_name : null;
    if (meta.format_version !== ENTRY_FORMAT_VERSION) {
      return { ...base, meta, className, state: 'stale', reasons: [{ kind: 'entry-format', from: meta.format_version, to: ENTRY_FORMAT_VERSION }] };
    }
    if (meta.state_hash !== folder.stateHash || !className || typeof meta.output?.file !== 'string') {
      return problem('damaged', `${META_FILE} does not describe this entry`, meta);
    }
    const outputSize = sizes.get(folder.key + meta.output.file);
    if (outputSize === undefined) return problem('damaged', `output ${meta.output.file} is missing`, meta);
    if (outputSize !== meta.output.size) {
      return problem('damaged', `output ${meta.output.file} has ${outputSize} bytes, expected ${meta.output.size} (truncated?)`, meta);
    }

    const live = this.#live.get(className);
    if (!live) return { ...base, meta, className, state: 'unknown', reasons: [{ kind: 'class-unregistered', className }] };
    if (!isLive(live)) return { ...base, meta, className, state: 'unknown', reasons: [{ kind: 'class-error', className, message: live.error }] };
    const codeReasons = await this.codeReasons(meta, live);
    if (codeReasons.length > 0) return { ...base, meta, className, state: 'stale', reasons: codeReasons };
    const inputReasons = this.checkInputs ? await this.inputReasons(meta) : [];
    return { ...base, meta, className, state: inputReasons.length ? 'input-changed' : 'fresh', reasons: inputReasons };
  }

  /** Differences between the code the entry was made with and the code loaded now. */
  private async codeReasons(meta: EntryMeta, live: LiveClass): Promise<CacheReason[]> {
    const reasons: CacheReason[] = [];
    const className = live.name;
    if (meta.source_hash !== live.sourceHash) reasons.push({ kind: 'source-changed', className, from: meta.source_hash, to: live.sourceHash });
    const stored = await this.tree(meta.dep_tree_hash);
    if (stored) {
      const names = new Set([...Object.keys(stored.nodes), ...Object.keys(live.tree.nodes)]);
      names.delete(stored.root);
      names.delete(live.tree.root);
      for (const name of [...names].sort()) {
        const from = stored.nodes[name]?.sourceHash ?? null;
        const to = live.tree.nodes[name]?.sourceHash ?? null;
        if (from !== to) reasons.push({ kind: 'dependency-changed', className, dependency: name, from, to });
      }
    }
    if (reasons.length === 0 && meta.dep_tree_hash !== live.depTreeHash) {
      // Same code everywhere, yet another tree: links changed (a name now resolves to a class),
      // or the snapshot that would say which dependency is gone.
      const dependency = stored ? '(dependency links)' : '(dependencies: the tree snapshot is missing)';
      reasons.push({ kind: 'dependency-changed', className, dependency, from: meta.dep_tree_hash, to: live.depTreeHash });
    }
    const processor = meta.processor;
    const processorClass = processor ? this.#live.get(processor.class_name) : undefined;
    if (processor && isLive(processorClass) && processorClass.sourceHash !== processor.source_hash) {
      const from = { className: processor.class_name, sourceHash: processor.source_hash, settings: processor.settings as never };
      reasons.push({ kind: 'processor-changed', from, to: { ...from, sourceHash: processorClass.sourceHash } });
    }
    return reasons;
  }

  /** Input files whose bytes differ from what meta.json recorded (local paths only). */
  private async inputReasons(meta: EntryMeta): Promise<CacheReason[]> {
    const reasons: CacheReason[] = [];
    for (const input of Array.isArray(meta.inputs) ? meta.inputs : []) {
      if (typeof input?.id !== 'string' || !isLocalPath(input.id)) continue;
      const now = await this.digest(input.id);
      if (now !== input.sha256) reasons.push({ kind: 'input-changed', id: input.id, from: input.sha256, to: now });
    }
    return reasons;
  }

  private tree(depTreeHash: string): Promise<TreeRecord | undefined> {
    // A damaged meta.json may hold anything here; only a hash can name a snapshot folder.
    if (typeof depTreeHash !== 'string' || !/^[0-9a-f]+$/.test(depTreeHash)) return Promise.resolve(undefined);
    let found = this.#trees.get(depTreeHash);
    if (!found) this.#trees.set(depTreeHash, (found = readSnapshotTree(this.store, depTreeHash)));
    return found;
  }

  private digest(path: string): Promise<string | null> {
    let found = this.#digests.get(path);
    if (!found) {
      const hasher = inputHasher();
      this.#digests.set(path, (found = hasher.hash(path).then((d) => d.sha256, () => null)));
    }
    return found;
  }
}

/** Input ids are file paths in Node; blobs, bytes and URLs cannot be re-read here. */
function isLocalPath(id: string): boolean {
  return getPlatform().name === 'node' && (id.startsWith('/') || /^[A-Za-z]:[\\/]/.test(id));
}

async function readMeta(store: StoreAdapter, key: string): Promise<EntryMeta | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as EntryMeta) : undefined;
  } catch {
    return undefined;
  }
}

/** Marks entries whose parameter entries are stale (or had inputs change), until nothing changes. */
function propagateUpstream(entries: ScannedEntry[]): void {
  const byHash = new Map(entries.map((entry) => [entry.stateHash, entry]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const entry of entries) {
      if (entry.state !== 'fresh' && entry.state !== 'input-changed') continue;
      for (const hash of Array.isArray(entry.meta?.upstream) ? entry.meta.upstream : []) {
        const upstream = byHash.get(hash);
        if (!upstream?.className) continue;
        const worse = upstream.state === 'stale' ? 'stale' : upstream.state === 'input-changed' && entry.state === 'fresh' ? 'input-changed' : undefined;
        if (!worse) continue;
        if (worse === 'stale') entry.reasons = entry.reasons.filter((r) => r.kind !== 'upstream-changed');
        entry.state = worse;
        entry.reasons.push({ kind: 'upstream-changed', stateHash: upstream.stateHash, className: upstream.className, state: worse });
        changed = true;
        break;
      }
    }
  }
}
