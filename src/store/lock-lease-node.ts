// Node only: leases for the fs store's lock folders, so locks are safe across machines that share
// the store (NFS and the like), where another host's process ids mean nothing.
import { renameSync, writeFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * How long a lease lasts without renewal (ms). A holder renews every third of it; a waiter on
 * another host takes the lock over once it has seen the same lease unrenewed for this long by its
 * own clock (so clocks need not agree between machines). Same-host owners are judged by pid.
 */
export const LEASE_MS = 30_000;

const LEASE_FILE = 'lease.json';

/** What a holder writes into its lock folder, and rewrites at every renewal. */
export interface Lease {
  token: string;
  /** Counts renewals: a waiter sees the holder alive when it changes. */
  beat: number;
  leaseMs: number;
  hostname: string;
}

/**
 * Starts renewing the lease of the lock folder `path` held with `token`; returns the function that
 * stops renewing (call it before removing the folder). The first lease is written before it returns.
 */
export function holdLease(path: string, token: string, leaseMs = LEASE_MS): () => void {
  let beat = 0;
  let stopped = false;
  const write = async () => {
    if (stopped) return;
    const lease: Lease = { token, beat: beat++, leaseMs, hostname: hostname() };
    const temp = join(path, `.${LEASE_FILE}.${token}.tmp`);
    try {
      // Written aside and renamed: a reader never sees half a lease.
      await writeFile(temp, JSON.stringify(lease));
      await rename(temp, join(path, LEASE_FILE));
    } catch {
      // The folder is gone (released, or taken over after our lease expired): nothing to renew.
    }
  };
  // The first lease is there when the lock is: no waiter ever sees a held lock without one.
  try {
    const temp = join(path, `.${LEASE_FILE}.${token}.tmp`);
    writeFileSync(temp, JSON.stringify({ token, beat: beat++, leaseMs, hostname: hostname() } satisfies Lease));
    renameSync(temp, join(path, LEASE_FILE));
  } catch {
    // Written at the first renewal instead.
  }
  const timer = setInterval(() => void write(), Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** The last lease seen per lock folder, and when (this process's monotonic clock). */
const seen = new Map<string, { token: string; beat: number; since: number }>();

/**
 * Whether the lock folder `path`, owned by `owner` on another host, has a lease that has not been
 * renewed for its `leaseMs` as this process saw it. The first look only starts the clock: a waiter
 * always waits a full lease before taking a foreign lock over. A foreign owner without a lease
 * file (an older geodata) is never judged expired: its owner must release it, or a person delete it.
 */
export async function foreignLeaseExpired(path: string, owner: { hostname: string; token: string }): Promise<boolean> {
  if (owner.hostname === hostname()) return false;
  let lease: Lease;
  try {
    lease = JSON.parse(await readFile(join(path, LEASE_FILE), 'utf8')) as Lease;
  } catch {
    return false;
  }
  if (lease.token !== owner.token || typeof lease.beat !== 'number' || typeof lease.leaseMs !== 'number') return false;
  const now = performance.now();
  const last = seen.get(path);
  if (!last || last.token !== lease.token || last.beat !== lease.beat) {
    seen.set(path, { token: lease.token, beat: lease.beat, since: now });
    return false;
  }
  if (now - last.since < lease.leaseMs) return false;
  seen.delete(path);
  return true;
}
