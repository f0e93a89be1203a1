import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, REDIS_SERVER, REPO, runClient, spawnSync, startRedis, startWorker, storedEntries, type RedisServer, type WorkerProcess } from './queue-helpers.js';

// Real Redis, real `geodata worker` processes (each with its own working folder and TMPDIR, as on
// separate machines) and a real client process; the store is one folder all of them share.
const TILES = join(FIXTURES, 'tiles.ts');
const SKEW = join(FIXTURES, 'tiles-skew.ts');
const PRIVATE = join(FIXTURES, 'private.ts');
const FAILING = join(FIXTURES, 'failing.ts');
const CLOCK_AHEAD = join(FIXTURES, 'clock-ahead.mjs');

if (!REDIS_SERVER) console.warn('test/queue: skipped: no redis-server installed (apt-get install redis-server)');

describe.skipIf(!REDIS_SERVER)('the job queue on Redis', () => {
  let redis: RedisServer;
  let root: string;
  let workers: WorkerProcess[] = [];
  beforeEach(async () => {
    redis = await startRedis();
    root = mkdtempSync(join(tmpdir(), 'geodata-queue-store-'));
    workers = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill9()));
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  });
  const start = async (count: number, module = TILES) => {
    const started = Array.from({ length: count }, () => startWorker(module, root, redis.url));
    workers.push(...started);
    await Promise.all(started.map((w) => w.waitFor((line) => line.event === 'ready')));
    return started;
  };
  const until = async (test: () => boolean, timeoutMs = 10_000) => {
    for (const end = Date.now() + timeoutMs; !test() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  };
  const commits = (worker: WorkerProcess) => worker.lines.filter((line) => line.event === 'commit');
  const jobs = (worker: WorkerProcess) => worker.lines.filter((line) => line.event === 'job');

  it('3 workers compute the 32 tile entries exactly once between them, and the mosaic equals the untiled run', async () => {
    const three = await start(3);
    const result = await runClient(root, redis.url, ['mosaic', '40']);
    // Each worker prints its job line as the job ends; the client may have its answer a moment before.
    await until(() => three.flatMap(commits).length >= 32);
    expect(result).toMatchObject({ ok: true, equal: true, pixels: 256 * 512 });
    // The client computed the mosaic and the untiled Field itself, no tile.
    expect(result.computedHere.sort()).toEqual(['Field', 'Mosaic']);
    // Commits are what was computed; a job may run twice when its lock lapses under load (BullMQ
    // then hands it on), and the second run finds the entry committed.
    const computed = three.flatMap(commits);
    expect(computed).toHaveLength(32);
    expect(new Set(computed.map((c) => c.stateHash)).size).toBe(32);
    expect(computed.every((c) => c.className === 'Field')).toBe(true);
    for (const worker of three) expect(commits(worker).length).toBeGreaterThan(0);
    const entries = storedEntries(root);
    expect(entries.every((e) => e.valid)).toBe(true);
    expect(entries.filter((e) => e.className === 'Field')).toHaveLength(33);
  });

  it('a worker killed (kill -9) mid-job leaves no entry; its job finishes on another worker, each entry computed once', async () => {
    const [a, b] = await start(2);
    const client = runClient(root, redis.url, ['tiles', '1500', '4']);
    const active = await Promise.race([a!, b!].map((w) => w.waitFor((line) => line.event === 'active').then((line) => ({ worker: w, line }))));
    await active.worker.kill9();
    const survivor = active.worker === a ? b! : a!;
    const result = await client;
    expect(result.ok).toBe(true);
    expect(result.hashes).toHaveLength(4);
    await until(() => commits(a!).length + commits(b!).length >= 4);
    expect(commits(survivor).map((c) => c.stateHash)).toContain(active.line.stateHash);
    // The killed worker never committed the job it was killed in.
    expect(commits(active.worker).map((c) => c.stateHash)).not.toContain(active.line.stateHash);
    const all = [...commits(a!), ...commits(b!)].map((c) => c.stateHash);
    expect(all.sort()).toEqual([...result.hashes].sort());
    expect(storedEntries(root).map((e) => [e.hash, e.valid]).sort()).toEqual(result.hashes.map((h: string) => [h, true]).sort());
  });

  it('refuses a job whose class hashes differently on the worker (code skew), naming the class; nothing is written', async () => {
    const [skewed] = await start(1, SKEW);
    const result = await runClient(root, redis.url, ['tiles', '0', '1']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^processAll: 1 of 1 items failed \(items 0\); the first: the job for Field \([0-9a-f]{12}\) failed on a worker: code skew: class Field hashes to dep tree [0-9a-f]{12} on worker .* but [0-9a-f]{12} where the job was asked for; the worker refused it/);
    expect(jobs(skewed!)).toMatchObject([{ className: 'Field', computed: false, error: expect.stringContaining('code skew: class Field') }]);
    expect(storedEntries(root)).toEqual([]);
  });

  it('Redis stopped mid-run: the client fails naming the URL, the worker stops naming it, and the store holds only whole entries', async () => {
    const [worker] = await start(1);
    const client = runClient(root, redis.url, ['tiles', '700', '8']);
    await worker!.waitFor((line) => line.event === 'job');
    await redis.stop();
    const result = await client;
    expect(result.ok).toBe(false);
    expect(result.error).toContain(`lost the connection to Redis at ${redis.url}`);
    expect(await worker!.exited).toBe(2);
    expect(worker!.stderr()).toContain(`lost the connection to Redis at ${redis.url}`);
    const entries = storedEntries(root);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => !e.valid)).toEqual([]);
  });

  it('Redis restarted without persistence while a client waits: the client asks again and gets the entry, computed once', async () => {
    const [worker] = await start(1);
    const client = runClient(root, redis.url, ['tiles', '4000', '1']);
    const active = await worker!.waitFor((line) => line.event === 'active');
    // Back within lostAfterMs, so nobody counts Redis as lost; but it has forgotten the job.
    await redis.stop();
    redis = await startRedis(Number(new URL(redis.url).port));
    const result = await client;
    expect(result).toEqual({ ok: true, hashes: [active.stateHash], computedHere: [] });
    expect(commits(worker!).map((c) => c.stateHash)).toEqual([active.stateHash]);
    expect(storedEntries(root)).toEqual([{ hash: active.stateHash, className: 'Field', valid: true }]);
  });

  it('an entry removed from the store is computed again by a worker whose clock is ahead, though the job that computed it is still kept', async () => {
    const worker = startWorker(TILES, root, redis.url, [], { NODE_OPTIONS: `--import ${pathToFileURL(CLOCK_AHEAD).href}` });
    workers.push(worker);
    await worker.waitFor((line) => line.event === 'ready');
    const first = await runClient(root, redis.url, ['tiles', '0', '1']);
    expect(first).toMatchObject({ ok: true, hashes: [expect.any(String)] });
    const [hash] = first.hashes as string[];
    rmSync(join(root, 'data_processed', hash!), { recursive: true });
    const second = await runClient(root, redis.url, ['tiles', '0', '1']);
    expect(second).toEqual({ ok: true, hashes: [hash], computedHere: [] });
    await until(() => commits(worker).length >= 2);
    expect(commits(worker).map((c) => c.stateHash)).toEqual([hash, hash]);
    expect(storedEntries(root)).toEqual([{ hash, className: 'Field', valid: true }]);
  });

  it('a Redis nobody runs: the client fails at once with the URL, nothing is written', async () => {
    const url = redis.url;
    await redis.stop();
    const result = await runClient(root, url, ['tiles', '0', '1']);
    expect(result).toEqual({ ok: false, error: expect.stringContaining(`cannot reach Redis at ${url}`) });
    expect(storedEntries(root)).toEqual([]);
  });

  it('a worker started with a Redis nobody runs exits with code 2 saying it cannot reach it', async () => {
    const url = redis.url;
    await redis.stop();
    const worker = startWorker(TILES, root, url);
    workers.push(worker);
    expect(await worker.exited).toBe(2);
    expect(worker.stderr()).toMatch(new RegExp(`^geodata worker: error: cannot reach Redis at ${url} \\(connect ECONNREFUSED [^)]*\\) within 5\\.0 s: start redis-server there or fix --redis\\n$`));
  });

  it('an idle worker stopped with SIGTERM (as systemd or Kubernetes stop it) exits with code 0 within seconds', async () => {
    const [worker] = await start(1);
    const asked = Date.now();
    worker!.child.kill('SIGTERM');
    expect(await worker!.exited).toBe(0);
    // Kubernetes sends SIGKILL 30 s after SIGTERM by default: a worker must be gone well before.
    expect(Date.now() - asked).toBeLessThan(15_000);
    expect(worker!.stderr()).toBe('');
  }, 120_000);

  it('a worker started without a pipeline module does not start, so it takes no job it would fail', async () => {
    // Every job has a class of the user's at its root (library datasets such as Slope take one as
    // input), so a worker without the pipeline module could only take jobs and fail them.
    const home = mkdtempSync(join(tmpdir(), 'geodata-worker-'));
    const result = spawnSync(globalThis.process.execPath, [join(REPO, 'bin', 'geodata.js'), 'worker', '--root', root, '--redis', redis.url], { cwd: home, encoding: 'utf8', timeout: 60_000 });
    rmSync(home, { recursive: true, force: true });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').at(-2)).toBe(
      "geodata worker: error: geodata worker needs the pipeline modules the clients import (geodata worker pipeline.ts --redis <url>, or --module, or modules in geodata.config.json): without them it has no class to rebuild a job with, and would take jobs from the shared queue only to fail them",
    );
  });

  it('a worker whose pipeline module fails to load does not start, so it takes no job it would fail', async () => {
    const missing = join(FIXTURES, 'no-such-pipeline.ts');
    const worker = startWorker(missing, root, redis.url);
    workers.push(worker);
    expect(await worker.exited).toBe(2);
    expect(worker.lines).toEqual([]);
    expect(worker.stderr()).toBe(
      `geodata: error: cannot load pipeline module ${missing}: the file does not exist\n` +
        'geodata worker: error: geodata worker does not start while a pipeline module failed to load (see above): it would take jobs of the classes that module registers and fail them; fix the module, then start the worker again\n',
    );
  });

  it('a fresh worker takes a job for a library class (Slope over a tile), registering it from the job', async () => {
    // The worker imports only tiles.ts, which never constructs a Slope: library classes register
    // when first constructed, so the job decoder must register Slope (and TerrainDataset) itself.
    const [worker] = await start(1);
    const result = await runClient(root, redis.url, ['slope']);
    await until(() => commits(worker!).some((c) => c.className === 'Slope'));
    expect(result).toMatchObject({ ok: true });
    expect(result.computedHere).toEqual([]);
    expect(commits(worker!).map((c) => c.className).sort()).toEqual(['Field', 'Slope']);
    expect(commits(worker!).find((c) => c.className === 'Slope')!.stateHash).toBe(result.hash);
    const entries = storedEntries(root);
    expect(entries.map((e) => e.className).sort()).toEqual(['Field', 'Slope']);
    expect(entries.every((e) => e.valid)).toBe(true);
  });

  it('a client whose timeout passes with no worker fails naming the class, entry, queue and remedy; nothing is written', async () => {
    const result = await runClient(root, redis.url, ['timeout', '500']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^waited 0\.5 s for the job computing Field \(entry [0-9a-f]{12}\) on queue geodata at redis:\/\/127\.0\.0\.1:\d+, and no worker finished it: start workers \(geodata worker <pipeline module> --redis redis:\/\/127\.0\.0\.1:\d+ --queue geodata\) or raise queueExecutor's timeout; the job stays queued and nothing was written$/);
    expect(storedEntries(root)).toEqual([]);
  });

  it('a job whose class keeps state in a #private field fails on the worker saying such fields do not travel; nothing is written', async () => {
    await start(1, PRIVATE);
    const result = await runClient(root, redis.url, ['private']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^the job for Scaled \([0-9a-f]{12}\) failed on a worker: .*#factor.*; note: a worker rebuilds Scaled from its parameters without running its constructor, so fields named _x and #private fields \(not parameters, not in the state hash\) do not exist there: make them parameters or derive them inside _process$/);
    expect(storedEntries(root)).toEqual([]);
  });

  it('a _process that fails with a wrapped error: the caller and the worker name the class, the error and its cause; nothing is written', async () => {
    const [worker] = await start(1, FAILING);
    const result = await runClient(root, redis.url, ['failing']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /^the job for Fetched \([0-9a-f]{12}\) failed on a worker: computing Fetched for SpatialSpec\([^)]*\) failed \(Error\): cannot read tile 3; no entry was written; caused by: HTTP 403 Forbidden for https:\/\/example\.com\/tiles\/3\.tif$/,
    );
    expect(worker!.stderr()).toContain('caused by: HTTP 403 Forbidden for https://example.com/tiles/3.tif');
    expect(storedEntries(root)).toEqual([]);
  });

  it('a job whose workers are all killed mid-job (3 in turn, as by the out-of-memory killer): the caller is told so and what to do; nothing is written', async () => {
    const client = runClient(root, redis.url, ['tiles', '120000', '1']);
    for (let round = 0; round < 3; round++) {
      const [worker] = await start(1);
      await worker!.waitFor((line) => line.event === 'active', 120_000);
      await worker!.kill9();
    }
    // The stalled-job check of a live worker gives the job up.
    const [last] = await start(1);
    const result = await client;
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /^processAll: 1 of 1 items failed \(items 0\); the first: the job for Field \([0-9a-f]{12}\) failed on a worker: each of the 3 workers that took it in turn stopped before finishing it \(killed, out of memory, or frozen longer than its --lock-duration\), so BullMQ gave up on it \(job stalled more than allowable limit\): look in those workers' logs \(and the kernel's, for the out-of-memory killer\), then ask again; no entry was written$/,
    );
    await last!.waitFor((line) => line.event === 'job');
    expect(last!.stderr()).toContain('each of the 3 workers that took it in turn stopped before finishing it');
    expect(storedEntries(root)).toEqual([]);
  }, 300_000);
});
