import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFolderLock, safeLockName } from '../../src/store/fs-lock-node.js';

// A lock folder as a process on another machine sharing the store leaves it: its pid means
// nothing here, so only its lease tells whether it is alive.
function foreignLock(locks: string, name: string, leaseMs: number) {
  const path = join(locks, safeLockName(name));
  mkdirSync(path, { recursive: true });
  const token = 'f0f0f0f0f0f0f0f0f0f0f0f0';
  writeFileSync(join(path, 'owner.json'), JSON.stringify({ pid: 1, hostname: 'another-machine', createdAt: new Date().toISOString(), token, threadId: 0 }));
  let beat = 0;
  const renew = () => writeFileSync(join(path, 'lease.json'), JSON.stringify({ token, beat: beat++, leaseMs, hostname: 'another-machine' }));
  renew();
  return { path, renew };
}

describe('fs store locks across machines (leases)', () => {
  let locks: string;
  beforeEach(() => {
    locks = mkdtempSync(join(tmpdir(), 'geodata-lease-'));
  });
  afterEach(() => rmSync(locks, { recursive: true, force: true }));

  it('takes over a foreign lock whose lease was not renewed for its duration', async () => {
    const { path } = foreignLock(locks, 'entry-a', 300);
    const taken: unknown[] = [];
    const started = performance.now();
    const release = await acquireFolderLock(locks, 'entry-a', { storeName: 'test', onStaleLock: (info) => taken.push(info.owner) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(taken).toMatchObject([{ hostname: 'another-machine' }]);
    // The new holder writes its own lease at once, renewed while it holds the lock.
    const lease = JSON.parse(readFileSync(join(path, 'lease.json'), 'utf8'));
    expect(lease.token).toBe(JSON.parse(readFileSync(join(path, 'owner.json'), 'utf8')).token);
    await release();
    expect(existsSync(path)).toBe(false);
  });

  it('waits for a foreign holder that keeps renewing its lease', async () => {
    const { renew } = foreignLock(locks, 'entry-b', 300);
    const timer = setInterval(renew, 100);
    try {
      await expect(acquireFolderLock(locks, 'entry-b', { storeName: 'test', timeoutMs: 1200 })).rejects.toThrow(/lock "entry-b" of store test was not released within 1200 ms: it is held by pid 1 on another-machine/);
    } finally {
      clearInterval(timer);
    }
  });

  it('renews its own lease while held', async () => {
    const release = await acquireFolderLock(locks, 'entry-c', { storeName: 'test', leaseMs: 60 });
    const path = join(locks, safeLockName('entry-c'));
    const first = JSON.parse(readFileSync(join(path, 'lease.json'), 'utf8')).beat;
    await new Promise((r) => setTimeout(r, 600));
    expect(JSON.parse(readFileSync(join(path, 'lease.json'), 'utf8')).beat).toBeGreaterThan(first);
    await release();
  });
});
