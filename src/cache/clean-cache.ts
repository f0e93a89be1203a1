import { getConfig } from '../config.js';
import { META_FILE } from '../pipeline/layout.js';
import type { StoreAdapter } from '../store/adapter.js';
import { summariseReasons, type EntryState } from './reasons.js';
import { scanCache, type CacheProgress, type ScannedEntry } from './scan.js';

/** Options of {@link cleanCache}. */
export interface CleanCacheOptions {
  /**
   * Report what would be removed, and remove nothing. (Judging input changes re-hashes input
   * files, which may refresh the input digest memo `.source/input-digests.json`, as a load would.)
   */
  dryRun?: boolean;
  /** Also remove entries of classes not registered in this process (kept by default). */
  removeUnknown?: boolean;
  /** Also remove entries whose input files changed since they were computed (kept by default). */
  includeInputChanges?: boolean;
  /** How long to wait for an entry another caller is computing before leaving it alone. Default 10 s. */
  lockTimeoutMs?: number;
  onProgress?: (progress: CacheProgress) => void;
}

/** One entry (or piece of debris) in a clean report. */
export interface CleanItem {
  /** Its store prefix: `data_processed/<state_hash>/`, `figures/<state_hash>/`, `.staging/<name>/`. */
  key: string;
  stateHash: string | null;
  className: string | null;
  /** The entry's state; `staging` for a staging folder of an interrupted run. */
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
  const store = getConfig().store;
  const entries = await scanCache({ onProgress: options.onProgress });
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
    const meta = parseObject(await store.get(entry.key + META_FILE));
    const sameMeta = entry.meta === undefined ? meta === undefined : JSON.stringify(meta) === JSON.stringify(entry.meta);
    if (files.join('\n') !== entry.files.join('\n') || !sameMeta) return false;
    await store.removePrefix(entry.key);
    return true;
  } finally {
    await release();
  }
}

function parseObject(bytes: Uint8Array | undefined): object | undefined {
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
