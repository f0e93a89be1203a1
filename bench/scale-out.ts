// The scale-out example (16 tiles, slope and hillshade, mosaicked) on 1 and on 2 workers,
// interleaved, each run on a fresh cache; and the queue's overhead per job: the same small entry
// computed locally vs as a job on one worker.
//   npx tsx bench/scale-out.ts [rounds=2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { getConfig, processAll, SpatialSpec, withConfig } from 'geodata';
import { fileURLToPath } from 'node:url';
import { Tiny } from './lib/tiny-entry.js';
import { queueExecutor } from 'geodata/queue';
import { runClient, startCluster } from '../examples/scale-out/run.js';

const rounds = Number(process.argv[2] ?? 2);
const times: Record<string, number[]> = { '1 worker': [], '2 workers': [] };
for (let round = 0; round < rounds; round++) {
  for (const workers of round % 2 === 0 ? [1, 2] : [2, 1]) {
    const root = mkdtempSync(join(tmpdir(), 'geodata-bench-scale-'));
    const cluster = await startCluster(workers, root);
    try {
      times[`${workers} worker${workers > 1 ? 's' : ''}`]!.push(await runClient(root, cluster.url));
    } finally {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, xs] of Object.entries(times)) console.log(`16-tile slope + hillshade, ${name}: median ${median(xs).toFixed(1)} s (${xs.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`ratio 1 worker / 2 workers: ${(median(times['1 worker']!) / median(times['2 workers']!)).toFixed(2)}x`);

const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [16, 16] });
const jobs = 40;
const root = mkdtempSync(join(tmpdir(), 'geodata-bench-overhead-'));
const cluster = await startCluster(1, root, [fileURLToPath(new URL('./lib/tiny-entry.ts', import.meta.url))]);
try {
  getConfig().update({ root });
  const local: number[] = [];
  const queued: number[] = [];
  const executor = queueExecutor({ redis: cluster.url });
  for (let round = 0; round < 2; round++) {
    let started = performance.now();
    await withConfig({ executor: undefined }, () => processAll(Array.from({ length: jobs }, (_, i) => [new Tiny(round * 1000 + i), spec] as const), { concurrency: 1 }));
    local.push((performance.now() - started) / jobs);
    started = performance.now();
    await withConfig({ executor }, () => processAll(Array.from({ length: jobs }, (_, i) => [new Tiny(round * 1000 + 500 + i), spec] as const), { concurrency: 1 }));
    queued.push((performance.now() - started) / jobs);
  }
  await executor.close();
  console.log(`per entry, one at a time (${jobs} tiny entries x 2 rounds, interleaved): local ${median(local).toFixed(1)} ms, through the queue ${median(queued).toFixed(1)} ms: overhead ${(median(queued) - median(local)).toFixed(1)} ms per job`);
} finally {
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
}
