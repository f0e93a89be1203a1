// What refusing costs: importing a gzip bomb (1 MB of gzip that inflates to about 1 GB of zeros)
// and loading a 100000x100000 Reprojector spec. Each case runs in its own Node process (peak
// memory is the process's maxRSS), interleaved round by round; `--compare <checkout>` runs the
// bomb through another checkout's archive code (such as main before the archive budget) in the
// same rounds.
//
//   npx tsx bench/refusals.ts [--rounds 3] [--compare /work/main]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMs, median } from './lib/timing.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, compare: { type: 'string' } } });
const ROUNDS = Number(values.rounds);
const scratch = mkdtempSync(join(tmpdir(), 'geodata-refusals-'));

// About 1 MB of gzip: deflate's best ratio is about 1030:1. Made in a child process: Linux keeps a
// parent's peak RSS in the children it forks, which would hide theirs.
const bomb = join(scratch, 'zeros.tar.gz');
spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(bomb)}, require('zlib').gzipSync(new Uint8Array(1030 * 2 ** 20), { level: 9 }))`]);

const BOMB_SCRIPT = (repo: string) => `
  const { unpackArchive } = await import(${JSON.stringify(join(repo, 'src/cache/archive.ts'))});
  const { readFileSync } = await import('node:fs');
  const bytes = new Uint8Array(readFileSync(${JSON.stringify(bomb)}));
  const start = performance.now();
  let outcome = 'accepted';
  try { await unpackArchive(bytes, 'zeros.tar.gz'); } catch (error) { outcome = error.message.slice(0, 90); }
  console.log(JSON.stringify({ ms: performance.now() - start, rssMB: process.resourceUsage().maxRSS / 1024, outcome }));`;

const HUGE_SCRIPT = `
  const { Data, Raster, Reprojector, SpatialSpec, getConfig, load, register } = await import(${JSON.stringify(join(REPO, 'src/node.ts'))});
  const root = ${JSON.stringify(scratch)} + '/huge-' + process.pid;
  getConfig().update({ root });
  const small = new SpatialSpec({ crs: 'EPSG:3857', transform: [1, 0, 0, 0, -1, 0], shape: [2, 2] });
  await Raster.fromArrays([new Float32Array(4)], small).write(root + '.tif');
  class Huge extends Data { constructor(file) { super(); this.file = file; } get processor() { return new Reprojector(this.file); } }
  register(Huge);
  const spec = new SpatialSpec({ crs: 'EPSG:3857', transform: [1, 0, 0, 0, -1, 0], shape: [100000, 100000] });
  const start = performance.now();
  let outcome = 'accepted';
  try { await load(new Huge(root + '.tif'), spec); } catch (error) { outcome = error.name; }
  console.log(JSON.stringify({ ms: performance.now() - start, rssMB: process.resourceUsage().maxRSS / 1024, outcome }));`;

function run(script: string): { ms: number; rssMB: number; outcome: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return { ms: NaN, rssMB: NaN, outcome: `crashed: ${(child.stderr || line).trim().split('\n').slice(-1)[0]}` };
  }
}

const cases: Array<[string, string]> = [['bomb, this checkout', BOMB_SCRIPT(REPO)]];
if (values.compare) cases.push([`bomb, ${values.compare}`, BOMB_SCRIPT(values.compare)]);
cases.push(['100000x100000 Reprojector, this checkout', HUGE_SCRIPT]);
const results = new Map<string, Array<ReturnType<typeof run>>>(cases.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) for (const [name, script] of cases) results.get(name)!.push(run(script));
rmSync(scratch, { recursive: true, force: true });
for (const [name, list] of results) {
  console.log(`${name.padEnd(48)} refused in ${formatMs(median(list.map((r) => r.ms)))}, peak RSS ${Math.round(median(list.map((r) => r.rssMB)))} MB  (${list[0]!.outcome})`);
}
