// Node only: cleanCache with the fs store's staging folders. Never reached from the browser entry.
import { getConfig } from '../config.js';
import { cleanCacheWith, type CleanCacheOptions, type CleanReport } from './clean-cache.js';
import { lockLeftovers } from './lock-leftovers-node.js';
import { stagingDebris } from './staging-node.js';

/** Options of the Node `cleanCache`: those of every platform, plus the staging folders' age limit. */
export interface NodeCleanCacheOptions extends CleanCacheOptions {
  /**
   * Staging folders (`.staging/` of an fs store) untouched for less than this are left alone,
   * even when unlocked, and so are lock leftovers in `.locks/` (at least a minute). Default 5 minutes.
   */
  stagingMinAgeMs?: number;
}

/**
 * Removes stale and damaged cache entries (see the browser-safe `cleanCache`) and, for an fs
 * store, the staging folders of interrupted runs that no running computation owns and the lock
 * folders they left that are no lock.
 * @example
 * const { removed, bytesFreed } = await cleanCache();
 * console.log(`${removed.length} entries removed, ${bytesFreed} bytes freed`);
 */
export function cleanCache(options: NodeCleanCacheOptions = {}): Promise<CleanReport> {
  const minAgeMs = options.stagingMinAgeMs ?? 5 * 60_000;
  const sources = [stagingDebris(getConfig().store, { minAgeMs }), lockLeftovers(getConfig().store, { minAgeMs })];
  return cleanCacheWith(options, sources.filter((source) => source !== undefined));
}
