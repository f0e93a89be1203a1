// Node only: the lock folders of an fs store that are no lock, for cleanCache. Never reached from the browser entry.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreAdapter } from '../store/adapter.js';
import { findDebris } from '../store/debris-node.js';
import type { CleanItem, DebrisSource } from './clean-cache.js';

/** An entry lock itself (`entry-<hash>`): taken over by the store's recovery, never removed here. */
const ENTRY_LOCK = /^\.locks\/entry-[0-9a-f]{64}$/;
/** Creating a lock folder takes milliseconds: one untouched this long is no longer being created, whatever minAgeMs says. */
const MIN_AGE_FLOOR_MS = 60_000;

/**
 * The leftovers in `.locks/` of an fs store (a lock folder renamed away on release or recovery, or
 * one being created, by a process killed meanwhile) untouched for `minAgeMs`, unless a live
 * process on this host owns them. None is a lock, so none guards anything: a leftover without an
 * owner.json (killed before writing it) was otherwise never removed, by a run or by the cleaner,
 * while `geodata status` said clean-cache would. Undefined for other stores.
 */
export function lockLeftovers(store: StoreAdapter, options: { minAgeMs: number }): DebrisSource | undefined {
  const root = (store as { root?: unknown }).root;
  if (typeof root !== 'string' || !store.createStagingFolder) return undefined;
  const minAgeMs = Math.max(options.minAgeMs, MIN_AGE_FLOOR_MS);
  return {
    async find() {
      const items: CleanItem[] = [];
      for (const item of await findDebris(root, { withSizes: true })) {
        if (item.kind !== 'lock' || ENTRY_LOCK.test(item.path) || item.owner === 'alive') continue;
        const info = await stat(join(root, item.path)).catch(() => undefined);
        if (!info || Date.now() - info.mtimeMs < minAgeMs) continue;
        const owner = item.owner === 'dead' ? 'its process is gone' : item.owner === 'other-host' ? 'its process ran on another host' : 'it has no owner.json';
        items.push({
          key: `${item.path}/`,
          stateHash: null,
          className: null,
          state: 'staging',
          reason: `lock folder left by an interrupted run (no lock: ${owner}; untouched for ${Math.round((Date.now() - info.mtimeMs) / 60_000)} min)`,
          bytes: item.bytes,
        });
      }
      return items;
    },
    async remove(item) {
      await rm(join(root, item.key), { recursive: true, force: true });
      return true;
    },
  };
}
