/**
 * A cache hit in a new process: `load()` of a cached 4000x4000 Float32 entry (DEFLATE, as the
 * cache writes it) against native GDAL's Python `ReadAsArray` of the same file, each a whole
 * process, interleaved, medians. Also the time of the read alone inside each process.
 *
 *   npm run build && npx tsx bench/load.ts [--size 4000] [--repetitions 7]
 *
 * The geodata process runs the compiled package (bench/lib/load-child.mjs, `import 'geodata'`):
 * Node start-up, module loading, the class's fingerprint, the entry's checks (meta, spec, the
 * output's SHA-256) and the decode. A run whose every step is cached never starts GDAL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '7' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const CHILD = fileURLToPath(new URL('./lib/load-child.mjs', import.meta.url));
const PYTHON = '/usr/bin/python3';
const PY_READ = [
  'import sys, time',
  't = time.perf_counter()',
  'from osgeo import gdal',
  'a = gdal.Open(sys.argv[1]).ReadAsArray()',
  'print((time.perf_counter() - t) * 1000)',
].join('\n');

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

const root = mkdtempSync(path.join(tmpdir(), 'geodata-bench-load-'));
try {
  const cold = timed(() => execFileSync(process.execPath, [CHILD, root, String(SIZE)], { encoding: 'utf8' }));
  const folder = path.join(root, 'data_processed', readdirSync(path.join(root, 'data_processed'))[0]!);
  const file = path.join(folder, 'bench_terrain.tif');
  console.log(`computed the ${SIZE}x${SIZE} Float32 entry in ${formatMs(cold.ms)} (whole process): ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  const ours: number[] = [];
  const oursInside: number[] = [];
  const python: number[] = [];
  const pythonInside: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const run = timed(() => JSON.parse(execFileSync(process.execPath, [CHILD, root, String(SIZE)], { encoding: 'utf8' })) as { ms: number });
    ours.push(run.ms);
    oursInside.push(run.value.ms);
    const py = timed(() => Number(execFileSync(PYTHON, ['-c', PY_READ, file], { encoding: 'utf8' })));
    python.push(py.ms);
    pythonInside.push(py.value);
  }
  const [o, p, oi, pi] = [median(ours), median(python), median(oursInside), median(pythonInside)];
  console.log(`load() in a new process (node + geodata): ${formatMs(o)}   (load() itself ${formatMs(oi)})`);
  console.log(`python ReadAsArray in a new process:      ${formatMs(p)}   (import + open + read ${formatMs(pi)})`);
  console.log(`ratio, whole process: ${(o / p).toFixed(2)}x   ratio, the read inside the process: ${(oi / pi).toFixed(2)}x   (goal <= 1.2x)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
