// The registry browser on a large cache: 5,000 entries of a few classes, written straight into an
// fs store (meta.json, parameters.json, spec.json and a tiny output each). Measures the time to
// the entries view's first response (server start, page bundle and index build, then the first
// /api/entries answer), the answers after it, and an incremental refresh after one new entry
// against a full re-read, side by side with the library's own scanCache() over the same cache.
// Run: npx tsx bench/registry-ui.ts [entries]
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBrowseServer } from '../src/registry-ui/server-node.js';
import { Data, describe, getConfig, rebuildRegistry, register, scanCache, SpatialSpec } from '../src/node.js';
import { median } from './lib/timing.js';

const ENTRIES = Number(process.argv[2] ?? 5000);

class Elevation extends Data {
  constructor(
    public tile: number,
    public year: number,
  ) {
    super();
  }
  override get ext() {
    return 'txt';
  }
}
class Slope extends Data {
  constructor(
    public tile: number,
    public units: 'degrees' | 'percent',
  ) {
    super();
  }
  override get ext() {
    return 'txt';
  }
}
class Landcover extends Data {
  constructor(
    public tile: number,
    public classes: number[],
  ) {
    super();
  }
  override get ext() {
    return 'txt';
  }
}
class Summary extends Data {
  constructor(public tile: number, public options: { method: string; threshold: number }) {
    super();
  }
  override get ext() {
    return 'txt';
  }
}
for (const cls of [Elevation, Slope, Landcover, Summary]) register(cls);

const SPECS = [
  new SpatialSpec({ crs: 'EPSG:32632', transform: [100, 0, 600000, 0, -100, 5200000], shape: [100, 100] }),
  new SpatialSpec({ crs: 'EPSG:32632', transform: [30, 0, 600000, 0, -30, 5200000], shape: [333, 333] }),
  new SpatialSpec({ crs: 'EPSG:4326', transform: [0.001, 0, 10, 0, -0.001, 47], shape: [500, 500] }),
];

function instanceFor(index: number): Data {
  const tile = Math.floor(index / 12);
  switch (index % 4) {
    case 0:
      return new Elevation(tile, 2000 + (index % 20));
    case 1:
      return new Slope(tile, index % 8 === 1 ? 'degrees' : 'percent');
    case 2:
      return new Landcover(tile, [1, 2, index % 7]);
    default:
      return new Summary(tile, { method: index % 2 ? 'mean' : 'median', threshold: index % 13 });
  }
}

/** Writes one entry as the pipeline would; every tenth with another code version (stale). */
async function writeEntry(root: string, index: number): Promise<void> {
  const instance = instanceFor(index);
  const spec = SPECS[index % SPECS.length]!;
  const record = await describe(instance, spec);
  const folder = join(root, 'data_processed', record.stateHash!);
  mkdirSync(folder, { recursive: true });
  const output = new TextEncoder().encode(`entry ${index}\n`);
  const file = `${record.className.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase())}.txt`;
  const finished = new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString();
  const meta = {
    format_version: 1,
    class_name: record.className,
    object_type: 'data',
    source_hash: index % 10 === 9 ? 'e'.repeat(64) : record.sourceHash,
    dep_tree_hash: record.depTreeHash,
    instance_hash: record.instanceHash,
    state_hash: record.stateHash,
    params_hash: record.paramsHash,
    spec_hash: record.specHash,
    co_outputs: [],
    upstream: [],
    started_at: finished,
    finished_at: finished,
    duration_s: 0.01,
    library_version: 'bench',
    output: { file, size: output.length, sha256: createHash('sha256').update(output).digest('hex') },
    inputs: [],
    processor: null,
    unhashed: [],
  };
  writeFileSync(join(folder, file), output);
  writeFileSync(join(folder, 'parameters.json'), JSON.stringify(record.parameters));
  writeFileSync(join(folder, 'spec.json'), JSON.stringify(spec.toJSON()));
  writeFileSync(join(folder, 'meta.json'), JSON.stringify(meta, null, 2));
}

function get(port: number, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await body();
  return [value, performance.now() - start];
}

const root = mkdtempSync(join(tmpdir(), 'geodata-bench-browse-'));
try {
  getConfig().update({ root });
  const [, writing] = await timed(async () => {
    for (let index = 0; index < ENTRIES; index++) await writeEntry(root, index);
    await rebuildRegistry();
  });
  console.log(`generated ${ENTRIES} entries of 4 classes at 3 specs in ${(writing / 1000).toFixed(1)} s (${root})`);

  // The library's own full scan of the same cache, for scale (a second run has warm OS caches, as the server's has).
  await scanCache();
  const scans = [];
  for (let i = 0; i < 3; i++) scans.push((await timed(() => scanCache()))[1]);
  const scan = median(scans);

  const start = performance.now();
  const server = await startBrowseServer({ port: 0 });
  const listening = performance.now() - start;
  const first = await get(server.port, '/api/entries');
  const firstResponse = performance.now() - start;
  if (first.status !== 200) throw new Error(`/api/entries answered ${first.status}`);

  const warm = [];
  for (let i = 0; i < 5; i++) warm.push((await timed(() => get(server.port, '/api/entries?class=Slope&p.units=degrees&hideStale=1')))[1]);
  const [, statusTime] = await timed(() => get(server.port, '/api/status'));
  const some = server.index.entries()[Math.floor(ENTRIES / 2)]!.entry.stateHash;
  const [, detail] = await timed(() => get(server.port, `/api/entries/${some}`));

  const [, unchanged] = await timed(() => server.index.refresh());
  await writeEntry(root, ENTRIES);
  const [changed, incremental] = await timed(() => server.index.refresh());
  const [, full] = await timed(() => server.index.refresh({ full: true }));
  await server.close();

  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`server listening (page bundled)          ${ms(listening)}`);
  console.log(`first /api/entries response              ${ms(firstResponse)} (index build included; ${(first.bytes / 1000).toFixed(0)} kB, first 200 of ${ENTRIES})`);
  console.log(`library scanCache() of the same cache    ${ms(scan)} (median of 3)`);
  console.log(`  ratio first response / scanCache       ${(firstResponse / scan).toFixed(2)}`);
  console.log(`filtered /api/entries once indexed       ${ms(median(warm))} (median of 5)`);
  console.log(`/api/status (class statuses)             ${ms(statusTime)}`);
  console.log(`/api/entries/<hash> (entry page data)    ${ms(detail)}`);
  console.log(`refresh, nothing changed                 ${ms(unchanged)}`);
  console.log(`refresh after one new entry              ${ms(incremental)} (changed: ${changed})`);
  console.log(`full re-read (Reload button)             ${ms(full)}`);
  console.log(`  ratio incremental / full               ${(incremental / full).toFixed(2)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
