// `geodata status` on a cache of 1,000 entries: what a user waits for, from typing the command to
// its last line (Node's start, loading geodata, reading every entry, printing). In a temporary
// project whose node_modules/geodata is this repository (its build in dist/, as installed), a
// pipeline (JavaScript and the same in TypeScript) computes 1,000 small entries; then each command
// below runs in its own process, interleaved round by round (the machine is shared), and the
// medians are compared with Node's own start (`node -e 0`).
//
//   npm run build && npx tsx bench/cli.ts [--rounds 15] [--compare <another geodata/bin/geodata.js>]
//
// --compare adds the same `status` through another installation's command, such as a checkout of
// an older commit, side by side in the same rounds. The same with hyperfine, once the cache exists:
//   hyperfine -w 2 'node bin/geodata.js status --root <project>/cache'   (in <project>)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { formatMs, median } from './lib/timing.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'geodata.js');
const ENTRIES = 1000;

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, compare: { type: 'string' } } });
const ROUNDS = Number(values.rounds);

const PIPELINE_JS = `import { Data, register } from 'geodata';

/** One small text entry per index. */
export class Item extends Data {
  constructor(index) {
    super();
    this.index = index;
  }
  get ext() {
    return 'txt';
  }
  async _process() {
    return new TextEncoder().encode(\`item \${this.index}\\n\`);
  }
}
register(Item);
`;

const PIPELINE_TS = `import { Data, register } from 'geodata';

/** One small text entry per index. */
@register
export class Item extends Data {
  constructor(public index: number) {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async _process() {
    return new TextEncoder().encode(\`item \${this.index}\\n\`);
  }
}
`;

const GENERATE = `import { getConfig, load, SpatialSpec } from 'geodata';
import { Item } from './pipeline.mjs';

getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 0], shape: [1, 1] }) });
for (let index = 0; index < ${ENTRIES}; index++) await load(new Item(index));
`;

/** Runs a command in `cwd`; its wall-clock time in ms (throws when it fails). */
function timed(command: string[], cwd: string): number {
  const start = performance.now();
  const run = spawnSync(command[0]!, command.slice(1), { cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${command.join(' ')} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return ms;
}

function main(): void {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run npm run build (npm install does it) first');
  const project = mkdtempSync(join(tmpdir(), 'geodata-bench-cli-'));
  try {
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(REPO, join(project, 'node_modules', 'geodata'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-cli', private: true, type: 'module' }));
    writeFileSync(join(project, 'pipeline.mjs'), PIPELINE_JS);
    writeFileSync(join(project, 'pipeline.ts'), PIPELINE_TS);
    writeFileSync(join(project, 'generate.mjs'), GENERATE);
    const generating = timed([process.execPath, 'generate.mjs'], project);
    console.log(`generated ${ENTRIES} entries in ${(generating / 1000).toFixed(1)} s (${project})\n`);

    const status = ['status', '--root', 'cache'];
    const commands: Array<[string, string[]]> = [
      ['node -e 0 (Node alone)', [process.execPath, '-e', '0']],
      ['geodata status', [process.execPath, BIN, ...status]],
      ['geodata status pipeline.mjs', [process.execPath, BIN, ...status, 'pipeline.mjs']],
      ['geodata status pipeline.ts (tsx)', [process.execPath, BIN, ...status, 'pipeline.ts']],
    ];
    if (values.compare) commands.push([`${values.compare} status`, [process.execPath, resolve(values.compare), ...status]]);
    const times = new Map(commands.map(([name]) => [name, [] as number[]]));
    // One warm-up round, then interleaved rounds in a rotating order.
    for (const [, command] of commands) timed(command, project);
    for (let round = 0; round < ROUNDS; round++) {
      for (let index = 0; index < commands.length; index++) {
        const [name, command] = commands[(index + round) % commands.length]!;
        times.get(name)!.push(timed(command, project));
      }
    }
    const node = median(times.get(commands[0]![0])!);
    const width = Math.max(...commands.map(([name]) => name.length));
    console.log(`${'command'.padEnd(width)}  ${'median'.padStart(8)}  ${'min'.padStart(8)}  ${'max'.padStart(8)}  vs node -e 0`);
    for (const [name] of commands) {
      const list = times.get(name)!;
      const value = median(list);
      console.log(`${name.padEnd(width)}  ${formatMs(value).padStart(8)}  ${formatMs(Math.min(...list)).padStart(8)}  ${formatMs(Math.max(...list)).padStart(8)}  ${(value / node).toFixed(1)}x`);
    }
    console.log(`\n${ROUNDS} interleaved rounds after a warm-up round; each run is its own process.`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

main();
