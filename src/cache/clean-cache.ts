import { getConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { defaultRegistry } from '../fingerprint/index.js';
import { META_FILE } from '../pipeline/layout.js';
import type { StoreAdapter } from '../store/adapter.js';
import { parseJsonObject } from './json-object.js';
import { summariseReasons, type EntryState } from './reasons.js';
import { scanCache, type CacheProgress, type ScannedEntry } from './scan.js';

/** Options of {@link cleanCache}. */
export interface CleanCacheOptions {
  /**
   * Report what would be removed, and remove nothing. (Judging input changes re-hashes input
   * files, which may refresh the input digest memo `.source/input-digests.json`, as a load would.)
   */
  dryRun?: boolean;
  /**
   * Also remove entries that cannot be judged (kept by default): of classes not registered in
   * this process, or whose processors or parameter classes are not loaded. Refused (a
   * ConfigError) when no class is registered at all, as every entry would go; a dry run may show it.
   */
  removeUnknown?: boolean;
  /** Also remove entries whose input files changed since they were computed (kept by default). */
  includeInputChanges?: boolean;
  /**
   * The store to judge and clean: the configured one by default. The registry browser gives its
   * own, which reads nothing through links that leave the cache.
   */
  store?: StoreAdapter;
  /** How long to wait for an entry another caller is computing before leaving it alone. Default 10 s. */
  lockTimeoutMs?: number;
  onProgress?: (progress: CacheProgress) => void;
}

/** One entry (or piece of debris) in a clean report. */
export interface CleanItem {
  /** Its store prefix: `data_processed/<state_hash>/`, `figures/<state_hash>/`, `.staging/<name>/`, `.locks/<name>/`. */
  key: string;
  stateHash: string | null;
  className: string | null;
  /** The entry's state; `staging` for a staging folder (or a lock leftover) of an interrupted run. */
  state: EntryState | 'staging';
  /** Why it was removed or kept, as a sentence. */
  reason: string;
  bytes: number;
}

/**
 * What {@link cleanCache} removed (or, in a dry run, would remove). Every entry is in exactly one
 * list; each list is sorted by key.
 */
export interface CleanReport {
  removed: CleanItem[];
  /** Entries that stay: fresh ones, input-changed ones unless asked, and entries in use. */
  kept: CleanItem[];
  /** Entries of classes not registered in this process, kept (unless `removeUnknown`). */
  unknown: CleanItem[];
  bytesFreed: number;
}

/**
 * Debris that only a platform can see (the fs store's staging folders). The Node entry's
 * `cleanCache` adds one; `find` must not change anything.
 */
export interface DebrisSource {
  find(): Promise<CleanItem[]>;
  /** Removes one item `find` returned; false when it turned out to be in use. */
  remove(item: CleanItem): Promise<boolean>;
}

/**
 * Removes cache entries that no longer match the classes loaded in this process: stale code,
 * stale dependencies, an old format, unreadable or missing meta.json, missing or truncated
 * outputs, and folders left by interrupted runs. Each entry is locked while it is removed, so a
 * computation of the same entry is never broken. A dry run reports exactly what a real run
 * would remove.
 * @example
 * const report = await cleanCache({ dryRun: true });
 * console.log(report.removed.map((item) => `${item.key}: ${item.reason}`));
 */
export function cleanCache(options: CleanCacheOptions = {}): Promise<CleanReport> {
  return cleanCacheWith(options, []);
}

/** {@link cleanCache} with platform debris sources (the Node entry's staging folders). */
export async function cleanCacheWith(options: CleanCacheOptions, debris: DebrisSource[]): Promise<CleanReport> {
  if (options.removeUnknown && !options.dryRun && noClassLoaded()) {
    throw new ConfigError(
      'cleanCache({ removeUnknown: true }) refuses to run when no class is registered in this process: every entry would be unknown, and removed; import the pipeline modules first, or pass dryRun: true to see what it would remove',
    );
  }
  const store = options.store ?? getConfig().store;
  const entries = await scanCache({ store, onProgress: options.onProgress });
  const report: CleanReport = { removed: [], kept: [], unknown: [], bytesFreed: 0 };
  const toRemove: Array<{ item: CleanItem; entry?: ScannedEntry; source?: DebrisSource }> = [];
  for (const entry of entries) {
    const item = itemOf(entry);
    const decision = decide(entry.state, options);
    if (decision === 'remove') toRemove.push({ item, entry });
    else report[decision].push(item);
  }
  for (const source of debris) for (const item of await source.find()) toRemove.push({ item, source });

  let done = 0;
  for (const { item, entry, source } of toRemove) {
    let removed = true;
    if (!options.dryRun) {
      removed = entry ? await removeEntry(store, entry, options.lockTimeoutMs ?? 10_000) : await source!.remove(item);
    }
    if (removed) {
      report.removed.push(item);
      report.bytesFreed += item.bytes;
    } else {
      report.kept.push({ ...item, reason: `${item.reason}; left alone: it changed or was in use while the cleaner ran (run clean again)` });
    }
    options.onProgress?.({ phase: options.dryRun ? 'checking' : 'removing', done: ++done, total: toRemove.length });
  }
  for (const list of [report.removed, report.kept, report.unknown]) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

/**
 * Whether no class at all is registered in this process: every entry is then unknown, and
 * removing unknown entries would empty the cache. The command line and the registry browser
 * refuse that too, in their own words.
 */
export function noClassLoaded(): boolean {
  return defaultRegistry.names().length === 0;
}

function decide(state: EntryState, options: CleanCacheOptions): 'remove' | 'kept' | 'unknown' {
  switch (state) {
    case 'fresh':
      return 'kept';
    case 'input-changed':
      return options.includeInputChanges ? 'remove' : 'kept';
    case 'unknown':
      return options.removeUnknown ? 'remove' : 'unknown';
    default:
      return 'remove';
  }
}

function itemOf(entry: ScannedEntry): CleanItem {
  return {
    key: entry.key,
    stateHash: entry.stateHash,
    className: entry.className,
    state: entry.state,
    reason: summariseReasons(entry.state, entry.reasons),
    bytes: entry.bytes,
  };
}

/**
 * Removes an entry under its lock, if it is still what the scan saw (same files, same
 * meta.json): a computation may have committed it meanwhile. Returns whether it was removed.
 */
async function removeEntry(store: StoreAdapter, entry: ScannedEntry, timeoutMs: number): Promise<boolean> {
  let release: () => Promise<void>;
  try {
    release = await store.lock(`entry-${entry.stateHash}`, { timeoutMs });
  } catch {
    return false; // busy: someone is computing it right now
  }
  try {
    const files = await store.keys(entry.key);
    const meta = parseJsonObject(await store.get(entry.key + META_FILE));
    const sameMeta = entry.meta === undefined ? meta === undefined : JSON.stringify(meta) === JSON.stringify(entry.meta);
    if (files.join('\n') !== entry.files.join('\n') || !sameMeta) return false;
    await store.removePrefix(entry.key);
    return true;
  } finally {
    await release();
  }
}
