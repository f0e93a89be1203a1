/**
 * Screenshots of what issue "what a user sees" changed, taken from two checkouts of geodata on the
 * same small project: the code view's diff of two versions of a class, and an entry's page, in
 * the registry browser, plus `geodata code --diff` as printed. Each checkout must be built
 * (`npm run build`) and have its node_modules.
 *
 *   npx tsx scripts/before-after-screenshots.ts --before /path/to/old/checkout [--after .] [--out docs/before-after]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/browser.js';

const { values } = parseArgs({ options: { before: { type: 'string' }, after: { type: 'string', default: '.' }, out: { type: 'string', default: 'docs/before-after' } } });
if (!values.before) throw new Error('give --before <checkout of the older geodata>');

const pipeline = (tide: string) => `import { Data, register } from 'geodata';

/** Sea level at one of the two tides. */
@register
export class Level extends Data {
  constructor(public which: 'low' | 'high') {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async _process() {
    // The tide table says so.
    const table = { low: '${tide} low', high: '${tide} high' };
    return new TextEncoder().encode(table[this.which]);
  }
}
`;
const RUN = `import { SpatialSpec, getConfig, produce } from 'geodata';
import { Level } from './pipeline.ts';
getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 10], shape: [10, 10] }) });
await produce(new Level('high'));
`;

async function shoot(checkout: string, label: string, out: string): Promise<void> {
  const project = join(checkout, 'test-output', `before-after-${process.pid}`);
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  const tsx = join(checkout, 'node_modules', '.bin', 'tsx');
  const sourceHashes: string[] = [];
  for (const tide of ['tide v1', 'tide v2']) {
    writeFileSync(join(project, 'pipeline.ts'), pipeline(tide));
    writeFileSync(join(project, 'run.ts'), RUN);
    const run = spawnSync(tsx, ['run.ts'], { cwd: project, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${label}: run.ts failed:\n${run.stderr}`);
  }
  const entries = readdirSync(join(project, 'cache', 'data_processed'));
  const metas = entries.map((hash) => ({ hash, meta: JSON.parse(readFileSync(join(project, 'cache', 'data_processed', hash, 'meta.json'), 'utf8')) }));
  for (const { meta } of metas) if (!sourceHashes.includes(meta.source_hash)) sourceHashes.push(meta.source_hash);
  const bin = join(checkout, 'bin', 'geodata.js');
  const diff = spawnSync(process.execPath, [bin, 'code', 'pipeline.ts', 'Level', '--diff', '--root', 'cache'], { cwd: project, encoding: 'utf8' });
  writeFileSync(join(out, `${label}-cli-code-diff.txt`), diff.stdout + diff.stderr);
  const server = spawn(process.execPath, [bin, 'browse', 'pipeline.ts', '--root', 'cache', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (found) done(found[1]!);
    });
    server.once('exit', (code) => fail(new Error(`${label}: geodata browse exited ${code}`)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const high = metas.at(-1)!;
    await page.goto(`${url}#/code/Level?a=${sourceHashes[0]}&b=${sourceHashes[1]}`);
    await page.waitForSelector('table.diff', { timeout: 60_000 });
    await page.screenshot({ path: join(out, `${label}-code-diff.png`), fullPage: true });
    await page.goto(`${url}#/entry/${high.hash}`);
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(out, `${label}-entry.png`), fullPage: true });
  } finally {
    await browser.close();
    server.kill('SIGINT');
    rmSync(project, { recursive: true, force: true });
  }
}

const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
await shoot(resolve(values.before), 'before', out);
await shoot(resolve(values.after!), 'after', out);
console.log(`wrote before-/after- screenshots and CLI diffs to ${out}`);
