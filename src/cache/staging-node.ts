// Node only: finds the staging folders interrupted runs left in an fs store. Never reached from the browser entry.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreAdapter } from '../store/adapter.js';
import { nameOwnerIsGone, ownerIsDead, ownerOfName } from '../store/process-owner-node.js';
import type { CleanItem, DebrisSource } from './clean-cache.js';

/** A computation stages its outputs in `.staging/<first 16 hex of the state hash>-<owner tag>-<random>/`. */
const STAGING_NAME = /^([0-9a-f]{16})-/;
const ENTRY_LOCK = /^entry-[0-9a-f]{64}$/;

/**
 * The staging folders of an fs store that no running computation owns, older than `minAgeMs`.
 * A computation holds its entry's lock for as long as its staging folder exists, so a folder
 * whose entry lock can be taken (or has no lock at all) belongs to a run that is over; a lock
 * left by a dead process is taken over by the store's own recovery. Undefined for other stores.
 */
export function stagingDebris(store: StoreAdapter, options: { minAgeMs: number }): DebrisSource | undefined {
  const root = (store as { root?: unknown }).root;
  if (typeof root !== 'string' || !store.createStagingFolder) return undefined;
  const stagingRoot = join(root, '.staging');
  const locksRoot = join(root, '.locks');

  /** Takes (then, after `whileHeld`, releases) every entry lock the folder may belong to; false if one is held. */
  const withOwnerLocks = async (name: string, whileHeld: () => Promise<void>): Promise<boolean> => {
    const hash16 = STAGING_NAME.exec(name)?.[1];
    const lockNames = hash16 ? (await listNames(locksRoot)).filter((lock) => ENTRY_LOCK.test(lock) && lock.startsWith(`entry-${hash16}`)) : [];
    const releases: Array<() => Promise<void>> = [];
    const releaseAll = async () => {
      for (const release of releases.splice(0)) await release();
    };
    try {
      for (const lock of lockNames) releases.push(await store.lock(lock, { timeoutMs: 0 }));
    } catch {
      await releaseAll();
      return false;
    }
    try {
      await whileHeld();
    } finally {
      await releaseAll();
    }
    return true;
  };

  return {
    async find() {
      const items: CleanItem[] = [];
      for (const name of await listNames(stagingRoot)) {
        const usage = await folderUsage(join(stagingRoot, name));
        const owner = ownerOfName(name);
        const deadOwner = nameOwnerIsGone(name) === true;
        // A folder whose owner is provably dead needs no waiting; others must be untouched for a while.
        if (!deadOwner && Date.now() - usage.mtimeMs < options.minAgeMs) continue;
        if (!(await withOwnerLocks(name, async () => {}))) continue;
        const age = Math.round((Date.now() - usage.mtimeMs) / 60_000);
        items.push({
          key: `.staging/${name}/`,
          stateHash: null,
          className: null,
          state: 'staging',
          reason: deadOwner
            ? `staging folder of an interrupted run (its ${ownerIsDead(owner!) ? `process ${owner!.pid}` : 'worker thread'} is gone)`
            : `staging folder of an interrupted run (untouched for ${age} min, not locked by any running computation)`,
          bytes: usage.bytes,
        });
      }
      return items;
    },
    async remove(item) {
      const name = item.key.slice('.staging/'.length, -1);
      return withOwnerLocks(name, () => rm(join(stagingRoot, name), { recursive: true, force: true }));
    },
  };
}

async function listNames(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch {
    return [];
  }
}

/** Total size and newest modification time of a folder's tree (the folder's own time included). */
async function folderUsage(path: string): Promise<{ bytes: number; mtimeMs: number }> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return { bytes: 0, mtimeMs: 0 };
  if (!info.isDirectory()) return { bytes: info.size, mtimeMs: info.mtimeMs };
  let bytes = 0;
  let mtimeMs = info.mtimeMs;
  for (const name of await listNames(path)) {
    const inner = await folderUsage(join(path, name));
    bytes += inner.bytes;
    mtimeMs = Math.max(mtimeMs, inner.mtimeMs);
  }
  return { bytes, mtimeMs };
}
