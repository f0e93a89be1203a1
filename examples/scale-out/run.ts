// The scale-out example, all on this machine: one Redis, two workers, one client.
//   npx tsx examples/scale-out/run.ts [workers=2] [cache folder]
// On real machines: run redis-server once, `geodata worker examples/scale-out/pipeline.ts
// --root /shared/cache --redis redis://redis-host:6379` on each worker machine, and the client
// part below with the same root (the shared store) and Redis URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getConfig, onPipelineEvent, produce } from 'geodata';
import { queueExecutor } from 'geodata/queue';
import { GRID, SPEC, targets } from './pipeline.js';
import type { SpatialSpec } from 'geodata';

const here = resolve(import.meta.dirname);
const BIN = resolve(here, '../../bin/geodata.js');

/** Starts Redis and `workers` worker processes; returns the URL and a stop function. */
export async function startCluster(workers: number, root: string, modules: string[] = [join(here, 'pipeline.ts')]) {
  const port = await new Promise<number>((ok) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
  const children: ChildProcess[] = [];
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(redis);
  const url = `redis://127.0.0.1:${port}`;
  await new Promise((r) => setTimeout(r, 300));
  const ready: Array<Promise<void>> = [];
  /** What each worker printed on stdout (one JSON line per job). */
  const outputs: string[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = spawn(process.execPath, [BIN, 'worker', ...modules, '--root', root, '--redis', url], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(worker);
    outputs.push('');
    worker.stdout!.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString()));
    ready.push(new Promise((ok) => worker.stdout!.on('data', () => outputs[i]!.includes('"ready"') && ok())));
  }
  await Promise.all(ready);
  return {
    url,
    outputs,
    async stop() {
      for (const child of children.reverse()) child.kill('SIGTERM');
    },
  };
}

/** Computes the targets (of `grid` over `spec`) through the queue; resolves to the seconds it took. */
export async function runClient(root: string, url: string, spec: SpatialSpec = SPEC, grid = GRID): Promise<number> {
  const executor = queueExecutor({ redis: url });
  getConfig().update({ root, executor });
  const started = performance.now();
  try {
    for (const target of targets(grid)) await produce(target, spec);
  } finally {
    await executor.close();
    getConfig().update({ executor: undefined });
  }
  return (performance.now() - started) / 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const workers = Number(process.argv[2] ?? 2);
  const root = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'geodata-scale-out-'));
  const cluster = await startCluster(workers, root);
  let jobs = 0;
  onPipelineEvent('miss', () => jobs++);
  try {
    const seconds = await runClient(root, cluster.url);
    console.log(`${jobs} misses (tiles through the queue, mosaics here) on ${workers} worker(s) in ${seconds.toFixed(1)} s; cache: ${root}`);
  } finally {
    await cluster.stop();
  }
}
