import { getConfig } from '../config.js';
import type { EntryMeta } from '../pipeline/entry.js';
import { entryFolder } from '../pipeline/layout.js';
import type { StoreAdapter } from '../store/adapter.js';
import { mapConcurrently, READ_CONCURRENCY } from './concurrency.js';
import { EntryJudge } from './entry-judge.js';
import type { StaleReason } from '../fingerprint/record.js';
import type { EntryState } from './reasons.js';

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
  reasons: StaleReason[];
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
 * against the code loaded in this process: see {@link EntryState}. Besides the class and its
 * dependency tree, that is the code its key covers beyond them (`meta.key_dependencies`): every
 * processor (registered, geodata's own, or the one the live class returns for the entry's
 * parameters) and the class of every Data parameter. Entries are sorted by key. An entry whose
 * parameter entry (meta.upstream) is stale is stale too: the parameter's hash is part of its own,
 * so no `load` can reach it any more.
 * @example (await scanCache()).filter((e) => e.state === 'stale').map((e) => e.key)
 */
export async function scanCache(options: ScanOptions = {}): Promise<ScannedEntry[]> {
  const store = options.store ?? getConfig().store;
  const folders = await listEntryFolders(store);
  const judge = new EntryJudge(store, options.checkInputs ?? true);
  const total = folders.length;
  let read = 0;
  const readings = await mapConcurrently(folders, READ_CONCURRENCY, async (folder) => {
    const reading = await judge.read(folder);
    options.onProgress?.({ phase: 'reading entries', done: ++read, total });
    return reading;
  });
  // Judged once all are read: an entry may need a processor only another entry's class returns.
  let judged = 0;
  const entries = await mapConcurrently(readings, READ_CONCURRENCY, async (reading) => {
    const entry = await judge.judge(reading);
    options.onProgress?.({ phase: 'judging entries', done: ++judged, total });
    return entry;
  });
  propagateUpstream(entries);
  return entries;
}

/** An entry folder as listed: its key, its files, and which folder it is in. */
export interface EntryFolder {
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
