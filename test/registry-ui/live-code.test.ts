import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import { BIN, REPO, SCREENSHOTS } from './registry-ui-helpers.js';

// A user's project inside the package (so `import 'geodata'` finds this checkout's build), run and
// browsed as a user would: the module computed by a script, served by `geodata browse`, then edited.
const PROJECT = join(REPO, 'test-output', `live-code-${process.pid}`);
const TSX_BIN = join(REPO, 'node_modules', '.bin', 'tsx');

const pipeline = (literal: string) => `import { Data, register, write } from 'geodata';

/** Sea level, written by the same run as its twin (co-outputs). */
@register
export class Level extends Data {
  constructor(public which: 'low' | 'high') {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async *_process() {
    // The tide table says so.
    await write(new Level('low'), '${literal} low');
    await write(new Level('high'), '${literal} high');
    yield new Level('low');
    yield new Level('high');
  }
}
`;

const RUN = `import { SpatialSpec, getConfig, produce } from 'geodata';
import { Level } from './pipeline.ts';
getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 10], shape: [10, 10] }) });
await produce(new Level('high'));
`;

describe.skipIf(!HAS_CHROMIUM)(`geodata browse follows the code as it is edited ${HAS_CHROMIUM ? '' : NO_CHROMIUM_REASON}`, () => {
  let server: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(PROJECT, { recursive: true });
    writeFileSync(join(PROJECT, 'pipeline.ts'), pipeline('tide v1'));
    writeFileSync(join(PROJECT, 'run.ts'), RUN);
    const run = spawnSync(TSX_BIN, ['run.ts'], { cwd: PROJECT, encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`run.ts failed:\n${run.stderr}`);
    server = spawn(process.execPath, [BIN, 'browse', 'pipeline.ts', '--root', 'cache', '--port', '0'], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (found) resolve(found[1]!);
      });
      server.once('exit', (code) => reject(new Error(`geodata browse exited ${code}: ${out}`)));
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGINT');
    rmSync(PROJECT, { recursive: true, force: true });
  });

  const classState = () => page.$eval('tr[data-class="Level"]', (tr) => tr.getAttribute('data-state'));

  it('shows an edited class as stale after a reload, without restarting the server', async () => {
    await page.goto(`${url}#/classes`);
    await page.waitForSelector('tr[data-class="Level"]');
    expect(await classState()).toBe('fresh');
    await page.screenshot({ path: join(SCREENSHOTS, 'live-code-before-edit.png') });
    writeFileSync(join(PROJECT, 'pipeline.ts'), pipeline('tide v2'));
    await page.click('button.reload');
    await page.waitForFunction(() => document.querySelector('tr[data-class="Level"]')?.getAttribute('data-state') === 'stale', undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'live-code-after-edit.png') });
    expect(await page.$eval('tr[data-class="Level"] .own-code', (td) => td.textContent)).toBe('changed');
  }, 60_000);

  it('shows the stored code as written, diffs it line by line against the live code, and links a version to its entries', async () => {
    await page.goto(`${url}#/code/Level`);
    await page.waitForSelector('table.versions a.entries-of-version');
    const meta = JSON.parse(readFileSync(join(PROJECT, 'cache', 'data_processed', spawnSync('ls', [join(PROJECT, 'cache', 'data_processed')], { encoding: 'utf8' }).stdout.split('\n')[0]!, 'meta.json'), 'utf8'));
    await page.goto(`${url}#/code/Level?show=${meta.source_hash}`);
    await page.waitForSelector('.written-from');
    expect(await page.$eval('.written-from', (p) => p.textContent)).toBe(`as written, in ${join(PROJECT, 'pipeline.ts')}:3 · the hashed text`);
    const lines = await page.$$eval('table.source td.code', (tds) => tds.map((td) => td.textContent));
    expect(lines.slice(0, 3)).toEqual(['/** Sea level, written by the same run as its twin (co-outputs). */', '@register', 'export class Level extends Data {']);
    expect(lines).toContain('    // The tide table says so.');

    await page.goto(`${url}#/code/Level?a=${meta.source_hash}&b=live`);
    await page.waitForSelector('table.diff');
    expect(await page.$eval('.diff-mode', (p) => p.textContent)).toBe('the source as written, line by line · the hashed text');
    const changed = await page.$$eval('table.diff tr.add td.code, table.diff tr.remove td.code', (tds) => tds.map((td) => td.textContent));
    expect(changed).toEqual(["-     await write(new Level('low'), 'tide v1 low');", "-     await write(new Level('high'), 'tide v1 high');", "+     await write(new Level('low'), 'tide v2 low');", "+     await write(new Level('high'), 'tide v2 high');"]);
    await page.screenshot({ path: join(SCREENSHOTS, 'code-as-written-diff.png'), fullPage: true });

    await page.goto(`${url}#/code/Level`);
    await page.waitForSelector('a.entries-of-version');
    expect(await page.$eval('a.entries-of-version', (a) => a.textContent)).toBe('2');
    await page.click('a.entries-of-version');
    await page.waitForSelector('p.code-filter');
    await page.waitForFunction(() => document.querySelectorAll('table.entries tbody tr').length === 2);
  }, 60_000);

  it("lists a co-output with its parameters, so the two twins can be told apart", async () => {
    await page.goto(`${url}#/entries?class=Level`);
    await page.waitForSelector('table.entries tbody tr');
    const high = await page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.querySelector('a.hash')?.getAttribute('href')).filter(Boolean));
    await page.goto(`${url}${high[0]}`);
    await page.waitForSelector('section[data-section^="co-outputs"] li');
    const coOutput = await page.$eval('section[data-section^="co-outputs"] li .link-parameters', (span) => span.textContent);
    const own = await page.$eval('tr[data-parameter="which"] td', (td) => td.textContent);
    expect([own, coOutput]).toEqual(own === 'low' ? ['low', ' (which=high)'] : ['high', ' (which=low)']);
    await page.screenshot({ path: join(SCREENSHOTS, 'entry-co-outputs.png'), fullPage: true });
  }, 60_000);
});
