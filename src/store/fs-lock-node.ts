// Node only: a cross-process exclusive lock made of a folder, for the fs store.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InvalidInputError } from '../errors.js';
import { errorCode, fsStoreError } from './fs-errors-node.js';
import { createInProcessLock, lockTimeoutError, WAIT_NOTICE_MS, type InProcessLock, type LockOptions } from './in-process-lock.js';
import { TEMP_MARKER } from './key.js';
import { OWN_START, osThreadIsGone, ownOsThread, ownerIsDead } from './process-owner-node.js';
import { foreignLeaseExpired, holdLease } from './lock-lease-node.js';
import { sha256Hex } from '../sha256.js';

/** What `owner.json` of a lock folder holds. `token` tells this holding apart from any other. */
export interface LockOwner {
  pid: number;
  hostname: string;
  createdAt: string;
  token: string;
  /** The worker thread (0 for the main thread): holders on other threads of a live process are alive. */
  threadId: number;
  /** Linux only: the process start time from /proc, to recognise a reused pid. */
  startTicks?: string;
  /** Linux only: the holder's OS thread, which tells a worker_thread that ended from one that runs. */
  osThread?: { tid: number; startTicks: string };
}

/** Reported when a lock left by a dead process is taken over (`owner` is undefined if its owner.json was unreadable). */
export interface StaleLockInfo {
  name: string;
  path: string;
  owner: LockOwner | undefined;
}

/** Options of {@link acquireFolderLock}. */
export interface FolderLockOptions extends LockOptions {
  /** Names the store in messages. */
  storeName: string;
  onStaleLock?: (info: StaleLockInfo) => void;
  /** The lease this holder renews, in ms (default `LEASE_MS`); tests shorten it. */
  leaseMs?: number;
}

interface ProcessLockState {
  queue: InProcessLock;
  heldTokens: Set<string>;
}

// One state per process, not per store: every fs store on the same root shares the lock folders,
// and a lock folder owned by this pid is stale exactly when no token of ours is held. Kept on
// globalThis so that two copies of this module (two bundles, test isolation) still agree.
const STATE_KEY = Symbol.for('geodata.fs-store.locks');
const state: ProcessLockState = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= {
  queue: createInProcessLock(),
  heldTokens: new Set<string>(),
}) as ProcessLockState;

const OWNER_FILE = 'owner.json';
/** The OS thread this module's thread runs on (each worker_thread loads its own copy). */
const OWN_THREAD = ownOsThread();
/** A recovery guard older than this was left by a crash: recovering takes milliseconds. */
const STALE_GUARD_MS = 10_000;

/**
 * Takes the lock `name` under `locksDir` and resolves to its release function.
 *
 * Holders in this process queue in memory first; then the lock folder is created atomically
 * with its owner.json already inside (written in a temp folder, then renamed into place, so no
 * one ever sees a lock without an owner). Waiters poll with backoff (10 to 200 ms). A lock
 * whose owner is a dead process on this host is taken over: under a recovery guard folder, the
 * owner is read again and the lock renamed away, so two waiters never both take it over.
 */
export async function acquireFolderLock(locksDir: string, name: string, options: FolderLockOptions): Promise<() => Promise<void>> {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidInputError(`store ${options.storeName}: a lock name must be a non-empty string such as "data_processed/<state_hash>", got ${JSON.stringify(name)}`);
  }
  const path = join(locksDir, safeLockName(name));
  const what = `lock ${JSON.stringify(name)} of store ${options.storeName}`;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const releaseInProcess = await state.queue.acquire(path, { ...options, describe: `${what} (held in this process)` });

  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    createdAt: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
    threadId,
    startTicks: OWN_START,
    ...(OWN_THREAD ? { osThread: OWN_THREAD } : {}),
  };
  const waitingSince = Date.now();
  let noticed = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (await tryCreate(path, owner)) break;
      const current = await readOwner(path);
      if (current === 'gone') continue;
      // Same host: the owner's pid tells; another host: its lease (see lock-lease-node.ts).
      if (isStale(current) || (current !== 'unreadable' && (await foreignLeaseExpired(path, current)))) {
        await recover(path, name, current, options);
        continue;
      }
      if (options.signal?.aborted) throw options.signal.reason;
      // A live holder may compute for hours, or be stopped (Ctrl-Z): without a word, a waiting
      // run looked hung and named neither the holder nor the lock.
      if (!noticed && options.onWait && Date.now() - waitingSince >= (options.noticeAfterMs ?? WAIT_NOTICE_MS)) {
        noticed = true;
        options.onWait({ holder: describeOwner(current), path });
      }
      if (Date.now() >= deadline) {
        throw lockTimeoutError(what, options.timeoutMs!, `it is held by ${describeOwner(current)}; if that process is gone for good, delete ${path}`);
      }
      await pause(Math.min(backoff(attempt), deadline - Date.now()), options.signal);
    }
  } catch (error) {
    releaseInProcess();
    throw errorCode(error) ? fsStoreError(`take ${what} at`, path, locksDir, error) : error;
  }
  state.heldTokens.add(owner.token);
  const stopLease = holdLease(path, owner.token, options.leaseMs);

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    stopLease();
    try {
      const current = await readOwner(path);
      // Only remove the folder if it is still ours; rename first so no one sees it half-deleted.
      if (current !== 'gone' && current !== 'unreadable' && current.token === owner.token) await removeFolder(path, 'released');
    } catch (error) {
      throw fsStoreError(`release ${what} at`, path, locksDir, error);
    } finally {
      state.heldTokens.delete(owner.token);
      releaseInProcess();
    }
  };
}

/** A file name for any lock name: unambiguous (percent-encoding), no dots, bounded length. */
export function safeLockName(name: string): string {
  const encoded = [...new TextEncoder().encode(name)]
    .map((byte) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  if (encoded.length <= 120) return encoded;
  return `${encoded.slice(0, 80)}~${sha256Hex(name).slice(0, 32)}`;
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  const temp = `${path}${TEMP_MARKER}new-${owner.token}`;
  await mkdir(temp, { recursive: true });
  try {
    await writeFile(join(temp, OWNER_FILE), JSON.stringify(owner));
    await rename(temp, path);
    return true;
  } catch (error) {
    const code = errorCode(error);
    // Renaming onto a non-empty folder fails with ENOTEMPTY or EEXIST (EPERM on Windows).
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') return false;
    throw error;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(join(path, OWNER_FILE), 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    // A lock folder always holds its owner.json; a folder without one is damaged, not in use.
    return (await stat(path).then(() => true, () => false)) ? 'unreadable' : 'gone';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Whether the lock's owner is certainly gone. Owners on other hosts are never judged (their pids
 * mean nothing here). Within this process, a holder on another thread counts as alive.
 */
function isStale(owner: LockOwner | 'unreadable'): boolean {
  // owner.json is complete before the folder becomes visible, so unreadable means damaged.
  if (owner === 'unreadable') return true;
  if (owner.hostname === hostname() && owner.pid === process.pid && owner.startTicks === OWN_START) {
    if (owner.threadId === threadId) return !state.heldTokens.has(owner.token);
    // A worker_thread terminated while holding a lock never releases it, and this process lives
    // on: without this, every later holder here and elsewhere waited until the process exited.
    return owner.osThread !== undefined && osThreadIsGone(owner.osThread);
  }
  return ownerIsDead(owner);
}

async function recover(path: string, name: string, judged: LockOwner | 'unreadable', options: FolderLockOptions): Promise<void> {
  const guard = `${path}${TEMP_MARKER}recovering`;
  try {
    await mkdir(guard);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const age = Date.now() - (await stat(guard).then((s) => s.mtimeMs, () => Date.now()));
    if (age > STALE_GUARD_MS) await rm(guard, { recursive: true, force: true });
    else await pause(10);
    return;
  }
  try {
    // Under the guard the folder cannot change except by its (dead) owner: check it is still the one judged.
    const current = await readOwner(path);
    if (current === 'gone') return;
    const same = current === 'unreadable' || judged === 'unreadable' ? current === judged : current.token === judged.token;
    // A foreign owner's lease was judged expired just before: the guard keeps it so.
    if (!same || !(isStale(current) || (current !== 'unreadable' && current.hostname !== hostname()))) return;
    await removeFolder(path, 'stale');
    options.onStaleLock?.({ name, path, owner: current === 'unreadable' ? undefined : current });
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

async function removeFolder(path: string, why: string): Promise<void> {
  const away = `${path}${TEMP_MARKER}${why}-${randomBytes(6).toString('hex')}`;
  await rename(path, away);
  await rm(away, { recursive: true, force: true });
}

function describeOwner(owner: LockOwner | 'unreadable'): string {
  return owner === 'unreadable' ? 'an unknown owner' : `pid ${owner.pid} on ${owner.hostname} since ${owner.createdAt}`;
}

function backoff(attempt: number): number {
  const base = Math.min(200, 10 * 1.5 ** attempt);
  return base * (0.75 + Math.random() * 0.5);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
