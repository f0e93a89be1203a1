import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Data, SpatialSpec, load, register } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

class WaitedFor extends Data {
  override get ext() {
    return 'txt';
  }
  async _process() {
    return new TextEncoder().encode('computed here');
  }
}
register(WaitedFor);

describe('a run waiting for another process computing the same entry', () => {
  const cache = useTempCache();
  afterEach(() => vi.restoreAllMocks());

  it('says once, after 5 s, which entry it waits for, who holds its lock, where, and what to do', async () => {
    // The entry's lock, as a process on another host computing it leaves it (no lease: never taken over).
    const hash = dirname(new WaitedFor().getProcessedPath(SPEC)).split('/').pop()!;
    const lock = join(cache.root, '.locks', `entry-${hash}`);
    await mkdir(lock, { recursive: true });
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: 4242, hostname: 'render-node-7', createdAt: '2026-01-02T03:04:05.000Z', token: 't' }));
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));

    const started = Date.now();
    const loading = load<Uint8Array>(new WaitedFor(), SPEC);
    try {
      while (warnings.length === 0 && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
      expect(warnings).toEqual([
        `geodata: waiting for WaitedFor (${hash.slice(0, 12)}): pid 4242 on render-node-7 since 2026-01-02T03:04:05.000Z is computing it and holds its lock ${lock}; ` +
          'this run reads the entry once that process commits it. If that process is stopped (Ctrl-Z), resume or end it; if it is gone for good, delete the lock folder',
      ]);
    } finally {
      // Whatever failed above, the waiting load ends inside this test's cache root.
      if (warnings.length === 0) await rm(lock, { recursive: true, force: true }).then(() => loading.catch(() => undefined));
    }

    // The holder goes away without committing: the waiting run computes the entry itself, and says nothing more.
    await rm(lock, { recursive: true });
    expect(new TextDecoder().decode(await loading)).toBe('computed here');
    expect(cache.computed()).toEqual(['WaitedFor']);
    expect(warnings).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
  }, 30_000);
});
