// Node only: cleanCache with the fs store's staging folders. Never reached from the browser entry.
import { getConfig } from '../config.js';
import { cleanCacheWith, type CleanCacheOptions, type CleanReport } from './clean-cache.js';
import { stagingDebris } from './staging-node.js';

/** Options of the Node `cleanCache`: those of every platform, plus the staging folders' age limit. */
export interface NodeCleanCacheOptions extends CleanCacheOptions {
  /**
   * Staging folders (`.staging/` of an fs store) untouched for less than this are left alone,
   * even when unlocked. Default 5 minutes.
   */
  stagingMinAgeMs?: number;
}

/**
 * Removes stale and damaged cache entries (see the browser-safe `cleanCache`) and, for an fs
 * store, the staging folders of interrupted runs that no running computation owns.
 * @example
 * const { removed, bytesFreed } = await cleanCache();
 * console.log(`${removed.length} entries removed, ${bytesFreed} bytes freed`);
 */
export function cleanCache(options: NodeCleanCacheOptions = {}): Promise<CleanReport> {
  const staging = stagingDebris(getConfig().store, { minAgeMs: options.stagingMinAgeMs ?? 5 * 60_000 });
  return cleanCacheWith(options, staging ? [staging] : []);
}
