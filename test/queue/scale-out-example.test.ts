import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpatialSpec } from 'geodata';
import { REDIS_SERVER, storedEntries } from './queue-helpers.js';
import { runClient, startCluster } from '../../examples/scale-out/run.js';
import { SPEC } from '../../examples/scale-out/pipeline.js';

// The scale-out example as its README runs it (its own Redis on a free port, two `geodata worker`
// processes importing examples/scale-out/pipeline.ts, the client here), on 4 tiles of 128 x 128.
describe.skipIf(!REDIS_SERVER)('the scale-out example', () => {
  it('computes slope and hillshade of 4 tiles on 2 workers and mosaics them, every entry whole', async () => {
    const root = mkdtempSync(join(tmpdir(), 'geodata-example-scale-'));
    const cluster = await startCluster(2, root);
    try {
      const small = new SpatialSpec({ crs: SPEC.crs!, transform: SPEC.transform!, shape: [128, 128] });
      await runClient(root, cluster.url, small, { rows: 2, cols: 2, halo: 1 });
      const entries = storedEntries(root);
      expect(entries.every((e) => e.valid)).toBe(true);
      const count = (name: string) => entries.filter((e) => e.className === name).length;
      expect([count('Dem'), count('Slope'), count('Hillshade'), count('Mosaic')]).toEqual([4, 4, 4, 2]);
      const jobs = cluster.outputs.map((out) => out.split('\n').filter((line) => line.includes('"event":"job"')).length);
      expect(jobs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
      for (const taken of jobs) expect(taken).toBeGreaterThan(0);
    } finally {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);
});
