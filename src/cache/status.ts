import { getConfig } from '../config.js';
import type { StaleReason } from '../fingerprint/record.js';
import { CODE_REASON_KINDS, type EntryState } from './reasons.js';
import { isLive, LiveClasses } from './live-classes.js';
import { scanCache, type CacheProgress, type ScannedEntry } from './scan.js';
import { readCodeVersions, readSnapshots } from './source-registry.js';
import type { StoreAdapter } from '../store/adapter.js';

/** Counts and sizes of a group of entries. */
export interface EntryCounts {
  count: number;
  bytes: number;
  /** Entries per state; states without entries are 0. */
  states: Record<EntryState, number>;
  /** `finished_at` of the newest and oldest entries (ISO 8601), null without any. */
  newest: string | null;
  oldest: string | null;
}

/** A class known to this process or to the cache, and how its entries compare with its code now. */
export interface ClassStatus {
  className: string;
  objectType: 'data' | 'figure' | 'helper' | null;
  registered: boolean;
  /** Hashes of the code loaded now; null when not registered (or not fingerprintable). */
  live: { sourceHash: string; depTreeHash: string } | null;
  /** Hashes of its newest entry; null without entries. */
  stored: { sourceHash: string; depTreeHash: string; finishedAt: string } | null;
  /**
   * `fresh`: an entry matches its code now; `stale`: it has entries, and none matches its code
   * now; `new`: registered, no entries; `unknown`: not registered in this process, or none of
   * its entries can be judged (code in their keys is not loaded).
   */
  state: 'fresh' | 'stale' | 'new' | 'unknown';
  /** Stale because its own code changed (compared with the newest entry). */
  codeStale: boolean;
  /** Stale because of dependencies only: their names (processors included). */
  staleDependencies: string[];
  /** Code versions of it stored in `.source/code`. */
  versions: number;
  entries: EntryCounts;
}

/** The whole cache at a glance. */
export interface CacheStatus {
  store: string;
  entries: EntryCounts;
  classes: ClassStatus[];
  source: { codeVersions: number; snapshots: number; bytes: number };
}

/** Options of {@link status}, {@link classes} and {@link entries}. */
export interface StatusOptions {
  /** Re-hash input files recorded by entries (Node file paths). Default true. */
  checkInputs?: boolean;
  onProgress?: (progress: CacheProgress) => void;
}

/**
 * Every class registered now or known from the cache (its entries and `.source/code`), sorted by
 * name, with live and stored hashes, whether it is stale, and its entries' counts and sizes.
 * @example (await classes()).filter((c) => c.state === 'stale').map((c) => c.className)
 */
export async function classes(options: StatusOptions = {}): Promise<ClassStatus[]> {
  return (await status(options)).classes;
}

/**
 * The cache at a glance: entries by state, classes (see {@link classes}), the size of `.source`.
 * @example const { entries } = await status(); console.log(entries.states.stale, 'stale entries');
 */
export async function status(options: StatusOptions = {}): Promise<CacheStatus> {
  return statusOf(await scanCache(options));
}

/**
 * {@link status} of entries scanned already (by {@link scanCache}, possibly through another
 * store that reads the same cache, such as the registry browser's index).
 * @example const summary = await statusOf(await scanCache());
 */
export async function statusOf(scanned: readonly ScannedEntry[], store: StoreAdapter = getConfig().store): Promise<CacheStatus> {
  const codes = await readCodeVersions(store);
  const snapshots = await readSnapshots(store);
  const live = new LiveClasses();

  const names = new Set<string>(live.all().map((entry) => entry.name));
  for (const entry of scanned) if (entry.className) names.add(entry.className);
  for (const code of codes) if (code.record && (code.record.object_type === 'data' || code.record.object_type === 'figure')) names.add(code.record.class_name);

  const list: ClassStatus[] = [];
  for (const className of [...names].sort()) {
    const found = live.get(className);
    const own = scanned
      .filter((entry) => entry.className === className && entry.meta)
      .sort((a, b) => String(b.meta!.finished_at).localeCompare(String(a.meta!.finished_at)));
    const newest = own[0];
    const versions = codes.filter((code) => code.record?.class_name === className);
    const storedType = versions.find((code) => code.record)?.record?.object_type;
    const liveHashes = isLive(found) ? { sourceHash: found.sourceHash, depTreeHash: found.depTreeHash } : null;
    // Damaged entries say nothing about code, nor do entries that cannot be judged: only the
    // others are compared with it.
    const judged = own.filter((entry) => entry.state !== 'damaged' && entry.state !== 'unknown');
    const codeFresh = judged.some((entry) => !entry.reasons.some((r) => CODE_REASON_KINDS.has(r.kind)));
    const unjudged = own.some((entry) => entry.state === 'unknown');
    const state = !liveHashes ? 'unknown' : judged.length === 0 ? (unjudged ? 'unknown' : 'new') : codeFresh ? 'fresh' : 'stale';
    const newestReasons = state === 'stale' ? judged[0]!.reasons : [];
    list.push({
      className,
      objectType: isLive(found) ? found.objectType : newest?.objectType ?? (storedType === 'data' || storedType === 'figure' ? storedType : null),
      registered: found !== undefined,
      live: liveHashes,
      stored: newest ? { sourceHash: newest.meta!.source_hash, depTreeHash: newest.meta!.dep_tree_hash, finishedAt: newest.meta!.finished_at } : null,
      state,
      codeStale: newestReasons.some((r) => r.kind === 'source-changed'),
      staleDependencies: [...new Set(newestReasons.flatMap(dependencyOf))],
      versions: versions.length,
      entries: countEntries(scanned.filter((entry) => entry.className === className)),
    });
  }
  return {
    store: store.name,
    entries: countEntries(scanned),
    classes: list,
    source: {
      codeVersions: codes.length,
      snapshots: snapshots.length,
      bytes: [...codes, ...snapshots].reduce((sum, folder) => sum + folder.bytes, 0),
    },
  };
}

/** The dependency a code reason names: a class or helper of the tree, or a processor. */
function dependencyOf(reason: StaleReason): string[] {
  if (reason.kind === 'dependency-changed') return [reason.dependency];
  if (reason.kind === 'processor-code-changed') return [reason.processor];
  return [];
}

/** Counts, sizes and newest/oldest finish times of some entries. */
export function countEntries(entries: readonly ScannedEntry[]): EntryCounts {
  const states: Record<EntryState, number> = { fresh: 0, stale: 0, 'input-changed': 0, unknown: 0, damaged: 0, incomplete: 0 };
  let bytes = 0;
  const finished: string[] = [];
  for (const entry of entries) {
    states[entry.state]++;
    bytes += entry.bytes;
    if (typeof entry.meta?.finished_at === 'string') finished.push(entry.meta.finished_at);
  }
  finished.sort();
  return { count: entries.length, bytes, states, newest: finished.at(-1) ?? null, oldest: finished[0] ?? null };
}
