import { StoreError } from '../errors.js';
import type { StoreAdapter } from './adapter.js';

/** How long `lock()` may wait. Without either, it waits as long as the holder keeps the lock. */
export interface LockOptions {
  /** Gives up with a StoreError naming the lock (and, for fs, its owner) after this many ms. */
  timeoutMs?: number;
  /** Gives up when aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called once when another process still holds the lock after `noticeAfterMs` (default
   * {@link WAIT_NOTICE_MS}), with who holds it and where (fs: the lock folder), so a run that waits
   * can say for whom. Holders in this process are this run's own work and are not reported.
   */
  onWait?: (info: LockWaitInfo) => void;
  noticeAfterMs?: number;
}

/** What {@link LockOptions.onWait} is told: the holder as a phrase (`pid 12 on host since ...`) and the lock's path. */
export interface LockWaitInfo {
  holder: string;
  path: string;
}

/** How long a lock held by another process is waited for before `onWait` is called. */
export const WAIT_NOTICE_MS = 5_000;

/** A store adapter whose `lock` also takes {@link LockOptions} (all of geodata's adapters do). */
export interface LockingStoreAdapter extends StoreAdapter {
  lock(name: string, options?: LockOptions): Promise<() => Promise<void>>;
}

/**
 * A named lock queue inside one JavaScript realm: holders of the same name take turns in the
 * order they asked (FIFO), holders of different names do not wait for each other.
 */
export interface InProcessLock {
  /**
   * Waits for `name` and resolves to its release function (calling it twice is harmless).
   * `describe` names the lock in the timeout error.
   */
  acquire(name: string, options?: LockOptions & { describe?: string }): Promise<() => void>;
  /** Whether someone in this realm holds `name` right now. */
  isHeld(name: string): boolean;
}

interface Waiter {
  grant(): void;
}

/**
 * Creates an independent in-process lock queue. The memory and IndexedDB adapters keep one per
 * store; the fs adapter shares one per process because its lock folders are shared.
 * @example
 * const locks = createInProcessLock();
 * const release = await locks.acquire('data_processed/ab12');
 * try { await compute(); } finally { release(); }
 */
export function createInProcessLock(): InProcessLock {
  // name -> the waiters behind the current holder; a name is present exactly while held.
  const queues = new Map<string, Waiter[]>();

  const releaseFor = (name: string): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = queues.get(name);
      const next = queue?.shift();
      if (next) next.grant();
      else queues.delete(name);
    };
  };

  return {
    isHeld: (name) => queues.has(name),
    acquire(name, options = {}) {
      if (options.signal?.aborted) return Promise.reject(options.signal.reason);
      const queue = queues.get(name);
      if (!queue) {
        queues.set(name, []);
        return Promise.resolve(releaseFor(name));
      }
      return new Promise<() => void>((resolve, reject) => {
        let stopWaiting = () => {};
        const waiter: Waiter = {
          grant() {
            stopWaiting();
            resolve(releaseFor(name));
          },
        };
        queue.push(waiter);
        stopWaiting = watchLimits(options, options.describe ?? `lock ${JSON.stringify(name)}`, (error) => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(error);
        });
      });
    },
  };
}

/**
 * Calls `onGiveUp` once when `options.signal` aborts (with its reason) or `options.timeoutMs`
 * elapses (with a StoreError naming `what`). Returns a function that stops watching. An already
 * aborted signal calls `onGiveUp` synchronously.
 */
export function watchLimits(options: LockOptions, what: string, onGiveUp: (error: unknown) => void): () => void {
  const { signal, timeoutMs } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    stop();
    onGiveUp(signal!.reason);
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  if (signal?.aborted) {
    onGiveUp(signal.reason);
    return () => {};
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => {
      stop();
      onGiveUp(lockTimeoutError(what, timeoutMs));
    }, timeoutMs);
  }
  return stop;
}

/** The StoreError for a lock wait that ran out of time; `what` names the lock and, if known, its owner. */
export function lockTimeoutError(what: string, timeoutMs: number, hint = 'another caller is still computing this entry; wait longer or raise timeoutMs'): StoreError {
  return new StoreError(`${what} was not released within ${timeoutMs} ms: ${hint}`);
}
