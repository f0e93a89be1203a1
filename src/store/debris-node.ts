// Node only: the debris killed processes leave in an fs store (staging folders, lock folders
// renamed away but never removed), found with one readdir per folder and reclaimed when its
// owner is provably dead.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireFolderLock } from './fs-lock-node.js';
import { TEMP_MARKER } from './key.js';
import { nameOwnerIsGone, ownerIsDead, ownerOfName, type ProcessOwner } from './process-owner-node.js';

/** One piece of debris of an fs store. */
export interface DebrisItem {
  /** Relative to the store root: `.staging/<name>` or `.locks/<name>`. */
  path: string;
  kind: 'staging' | 'lock';
  /**
   * `dead`: its owner is provably gone (reclaimable now); `alive`: its owner runs (in use);
   * `other-host`: its owner ran on another host, whose processes this one cannot judge;
   * `unknown`: no owner is recorded (written by an older version, or killed while being created).
   */
  owner: 'dead' | 'alive' | 'other-host' | 'unknown';
  bytes: number;
}

/**
 * Lock folders renamed away on release or recovery, or being created (`<lock>.geodata-tmp-<kind>-<id>`),
 * and recovery guards (`<lock>.geodata-tmp-recovering`): a process killed while recovering a lock
 * left its guard, which nothing else removed once that lock was gone.
 */
const LOCK_DEBRIS = /\.geodata-tmp-(?:(?:released|stale|new)-|recovering$)/;
/** The lock a computation holds on its entry (its folder name is the lock name). */
const ENTRY_LOCK = /^entry-[0-9a-f]{64}$/;

/**
 * The debris under `root` (`.staging/`, the lock folders of `.locks/` that are no lock, and entry
 * locks whose owner is dead), with their owners judged and, when `withSizes`, their sizes.
 */
export async function findDebris(root: string, options: { withSizes?: boolean } = {}): Promise<DebrisItem[]> {
  const items: DebrisItem[] = [];
  for (const name of await names(join(root, '.staging'))) {
    // A worker thread of this process that ended is as gone as a dead process (see nameOwnerIsGone).
    items.push({ path: `.staging/${name}`, kind: 'staging', owner: nameOwnerIsGone(name) ? 'dead' : judge(ownerOfName(name)), bytes: 0 });
  }
  for (const name of await names(join(root, '.locks'))) {
    if (ENTRY_LOCK.test(name)) {
      // A computation killed after its commit, or whose entry no run asks for again, leaves its
      // entry lock for good: nothing else ever takes it over. A lock held by a live owner is no debris.
      const owner = judge(await lockOwner(join(root, '.locks', name)));
      if (owner === 'dead') items.push({ path: `.locks/${name}`, kind: 'lock', owner, bytes: 0 });
      continue;
    }
    if (!name.includes(TEMP_MARKER) || !LOCK_DEBRIS.test(name)) continue;
    items.push({ path: `.locks/${name}`, kind: 'lock', owner: judge(await lockOwner(join(root, '.locks', name))), bytes: 0 });
  }
  if (options.withSizes) for (const item of items) item.bytes = await treeSize(join(root, item.path));
  return items;
}

/**
 * Removes the debris under `root` whose owner is provably dead, and returns it. Cheap enough for
 * every run that writes to the store: one readdir of `.staging/` (owners are in the names) and
 * one of `.locks/`, where only leftovers of a release or a recovery have their owner read.
 */
export async function reclaimDebris(root: string): Promise<DebrisItem[]> {
  const dead = (await findDebris(root)).filter((item) => item.owner === 'dead');
  const reclaimed: DebrisItem[] = [];
  for (const item of dead) {
    item.bytes = await treeSize(join(root, item.path));
    const lockName = item.path.slice('.locks/'.length);
    if (item.kind === 'lock' && ENTRY_LOCK.test(lockName)) {
      // A lock is taken over the way waiters take it (under the recovery guard, its owner read
      // again), never removed outright: another process may be recovering it this very moment.
      const release = await acquireFolderLock(join(root, '.locks'), lockName, { timeoutMs: 0, storeName: `fs:${root}` }).catch(() => undefined);
      if (!release) continue;
      await release().catch(() => undefined);
    } else {
      await rm(join(root, item.path), { recursive: true, force: true }).catch(() => undefined);
    }
    reclaimed.push(item);
  }
  return reclaimed;
}

function judge(owner: ProcessOwner | undefined): DebrisItem['owner'] {
  if (!owner) return 'unknown';
  if (owner.hostname.startsWith('host ')) return 'other-host';
  return ownerIsDead(owner) ? 'dead' : 'alive';
}

async function lockOwner(folder: string): Promise<ProcessOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(folder, 'owner.json'), 'utf8')) as ProcessOwner;
    if (typeof owner.pid !== 'number' || typeof owner.hostname !== 'string') return undefined;
    // A folder that says another host: judged as such (ownerIsDead never judges those).
    return owner.hostname === hostname() ? owner : { ...owner, hostname: `host ${owner.hostname}` };
  } catch {
    return undefined;
  }
}

async function names(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch {
    return [];
  }
}

/** The total size of a file or folder tree (0 if it vanished meanwhile). */
export async function treeSize(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let bytes = 0;
  for (const name of await names(path)) bytes += await treeSize(join(path, name));
  return bytes;
}
