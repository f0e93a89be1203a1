import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { geodata, V1 } from '../cli/cli-helpers.js';
import { freePort } from './queue-helpers.js';

describe('geodata worker with no Redis at the URL', () => {
  const root = mkdtempSync(join(tmpdir(), 'geodata-worker-unreachable-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exits 2 saying it cannot reach Redis there, instead of crashing on its first refused connection', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const run = geodata(['worker', V1, '--root', root, '--redis', url], root);
    expect(run.stderr).not.toContain('ReferenceError');
    expect([run.code, run.stderr]).toEqual([2, `geodata worker: error: cannot reach Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${url.split(':').at(-1)}) within 5.0 s: start redis-server there or fix --redis\n`]);
  });
});
