import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/cache/archive.js';
import { diffSources } from '../../src/cache/code-diff.js';
import { formatSource } from '../../src/cache/format-source.js';
import { writtenSource } from '../../src/fingerprint/written-source.js';
import { startBrowseServer, type BrowseServer } from '../../src/registry-ui/server-node.js';
import { classes, cleanCache, codeVersions, getConfig, process as processEntry, readRasterBytes } from '../../src/node.js';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import { buildCache, pageToken, rawRequest, removeFolder, runPipeline, SCREENSHOTS, storedEntries, tempFolder, V2, type BuiltCache } from './registry-ui-helpers.js';
// The code loaded in this process is version 2 of the pipeline, as `geodata browse pipeline-v2.ts` loads it.
import { COARSE, Constant, GEOGRAPHIC, HOSTILE, Label } from './fixtures/pipeline-v2.js';

describe.skipIf(!HAS_CHROMIUM)(`geodata browse in Chromium ${HAS_CHROMIUM ? '' : NO_CHROMIUM_REASON}`, () => {
  let folder: string;
  let cache: BuiltCache;
  let server: BrowseServer;
  let browser: Browser;
  let page: Page;
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;
  const problems: string[] = [];
  /** Accepts every dialog (confirm) the page opens; a test that answers one itself takes it off. */
  const acceptDialog = (dialog: Dialog) => void dialog.accept();

  beforeAll(async () => {
    folder = tempFolder('page');
    cache = buildCache(folder);
    saved = getConfig().snapshot();
    getConfig().update({ root: cache.root });
    server = await startBrowseServer({ port: 0 });
    await server.ready;
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('dialog', acceptDialog);
    await page.goto(`${server.url}#/classes`);
    await page.waitForSelector('main[data-ready="1"]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (saved) getConfig().restore(saved);
    if (folder) removeFolder(folder);
  });

  /** Shows a view and waits until it is drawn. */
  async function show(hash: string): Promise<void> {
    await act(() =>
      page.evaluate((target) => {
        if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
        else location.hash = target;
      }, hash),
    );
  }
  /** Does something in the page that draws a view again (a click, a choice), and waits until it is drawn. */
  async function act(action: () => Promise<unknown>): Promise<void> {
    await page.evaluate(() => (document.getElementById('view')!.dataset.ready = '0'));
    await action();
    await page.waitForSelector('main[data-ready="1"]', { timeout: 15_000 });
    expect(await page.$('main .error'), await page.$eval('main', (m) => m.textContent ?? '')).toBeNull();
  }
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const texts = (selector: string) => page.$$eval(selector, (nodes) => nodes.map((n) => (n.textContent ?? '').trim()));

  it('lists every class with the staleness the code edit caused, as classes() judges it', async () => {
    await show('#/classes');
    await screenshot('classes');
    const rows = await page.$$eval('table.classes tbody tr', (trs) =>
      trs.map((tr) => ({
        className: tr.getAttribute('data-class'),
        state: tr.getAttribute('data-state'),
        ownCode: tr.querySelector('.own-code')!.textContent,
        dependencies: tr.querySelector('.dependencies')!.textContent,
        entries: tr.querySelector('.entry-counts a')!.textContent,
      })),
    );
    expect(rows).toEqual([
      { className: 'Chart', state: 'stale', ownCode: 'same', dependencies: 'changed: Constant', entries: '1' },
      { className: 'Constant', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '4' },
      // Its only entry loaded Constant(1) of version 1, which version 2 replaced: input-changed, so not fresh.
      { className: 'Doubled', state: 'stale', ownCode: 'same', dependencies: 'inputs or upstream entries changed', entries: '1' },
      { className: 'Extreme', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '2' },
      { className: 'Gone', state: 'unknown', ownCode: '?', dependencies: '-', entries: '1' },
      { className: 'Label', state: 'stale', ownCode: 'changed', dependencies: '', entries: '1' },
      { className: 'Terrain', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '2' },
      { className: 'TerrainMap', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '1' },
    ]);
    const library = await classes();
    expect(rows.map((r) => [r.className, r.state, Number(r.entries)])).toEqual(library.map((c) => [c.className, c.state, c.entries.count]));
  });

  it('shows the index progress in the header while the index is built, and the entry count once it is ready', async () => {
    await show('#/classes');
    const header = () =>
      page.$eval('#top .index', (div) => {
        const progress = div.querySelector('progress')!;
        return { status: div.querySelector('.index-status')!.textContent, progress: progress.hidden ? null : [progress.value, progress.max] };
      });
    const ready = { status: `${cache.entries.length + 1} entries · fs:${cache.root}`, progress: null };
    expect(await header()).toEqual(ready);
    // What /api/state answers while the index is being built; the page polls it by itself.
    const building = { state: 'building', phase: 'judging entries', done: 3, total: 10 };
    await page.route('**/api/state', (route) => route.fulfill({ json: { generation: server.index.generation, progress: building, refreshedAt: 0, store: `fs:${cache.root}`, entries: 0 } }));
    try {
      await page.waitForFunction(() => document.querySelector('#top .index-status')!.textContent!.startsWith('indexing'), undefined, { timeout: 5000 });
      await screenshot('index-building');
      expect(await header()).toEqual({ status: 'indexing: judging entries 3/10', progress: [3, 10] });
    } finally {
      await page.unroute('**/api/state');
    }
    // Reload asks for the state at once (rather than at the next poll): the index is ready.
    await act(() => page.click('#top button.reload'));
    expect(await header()).toEqual(ready);
  });

  it('lists entries with filters by class, parameter, resolution and bounds, and hides stale ones on request', async () => {
    await show('#/entries');
    await screenshot('entries');
    const all = await page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-hash')));
    expect(all.sort()).toEqual([...cache.entries.map((e) => e.hash), cache.incomplete].sort());

    await show('#/entries?class=Constant&p.value=1');
    const constantOnes = await page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-hash')));
    expect(constantOnes.sort()).toEqual(cache.entries.filter((e) => e.className === 'Constant' && e.parameters.value === 1).map((e) => e.hash).sort());
    // One class shown: a column per parameter.
    expect(await texts('table.entries thead th')).toContain('value');

    await show('#/entries?class=Constant&hideStale=1');
    expect(await page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-state')).sort())).toEqual(['damaged', 'fresh']);

    await show(`#/entries?resolution=${COARSE.resolution![0]}`);
    expect(await page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-hash')))).toEqual([coarseTerrain().hash]);

    // The grid is near 10.3°E 46.9°N: a box around it finds every entry with a grid, one elsewhere none.
    await show('#/entries?bounds=10,46.5,10.5,47');
    expect(await page.$$eval('table.entries tbody tr', (trs) => trs.length)).toBe(cache.entries.length);
    await show('#/entries?bounds=0,0,1,1');
    expect(await page.$$eval('table.entries tbody tr', (trs) => trs.length)).toBe(0);
  });

  /** The files table of an entry's page: name, size and download link of each file. */
  const fileRows = () => page.$$eval('table.files tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

  function coarseTerrain() {
    return cache.entries.find((e) => e.className === 'Terrain' && JSON.parse(readFileSync(join(cache.root, e.key, 'spec.json'), 'utf8')).shape[0] === COARSE.shape![0])!;
  }
  function fineTerrain() {
    return cache.entries.find((e) => e.className === 'Terrain' && e !== coarseTerrain())!;
  }

  it("shows an entry's parameters, spec, footprint map, files and a preview of its raster", async () => {
    const terrain = fineTerrain();
    await show(`#/entry/${terrain.hash}`);
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((img) => img.complete));
    await screenshot('entry-terrain');
    expect(await texts('section[data-section="parameters"] tr')).toEqual(['seed7']);
    const spec = await page.$$eval('table.spec-facts tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent])));
    expect(spec).toMatchObject({ CRS: 'EPSG:32632', Resolution: '100 x 100', Shape: '48 rows x 48 columns', Bounds: '600000, 5195200, 604800, 5200000 (left, bottom, right, top)' });
    expect(spec['Lon/lat']).toMatch(/^10\.31\d+, 46\.90\d+, 10\.37\d+, 46\.94\d+ \(west, south, east, north\)$/);
    expect(await page.$eval('img.footprint', (img) => (img as HTMLImageElement).naturalWidth)).toBe(360);
    expect(await texts('table.files td a[target]')).toEqual(['meta.json', 'parameters.json', 'spec.json', 'terrain.tif']);
    // Each file with its size: bytes below 1000, kilobytes to a tenth above (these files are under 9.95 kB).
    const sizeOf = (name: string) => {
      const bytes = statSync(join(cache.root, terrain.key, name)).size;
      expect(bytes).toBeLessThan(9950);
      return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`;
    };
    expect(sizeOf('terrain.tif')).toMatch(/^\d\.\d kB$/);
    expect(await fileRows()).toEqual([
      ['meta.json', sizeOf('meta.json'), 'download'],
      ['parameters.json', sizeOf('parameters.json'), 'download'],
      ['spec.json', sizeOf('spec.json'), 'download'],
      ['terrain.tif (output)', sizeOf('terrain.tif'), 'download'],
    ]);
    expect(await texts('section[data-section="the same parameters at other specs"] li a')).toEqual([coarseTerrain().hash.slice(0, 12)]);

    // The preview is the raster itself: nodata pixels transparent, the others opaque.
    const src = await page.$eval('figure.preview img', (img) => (img as HTMLImageElement).src);
    const response = await fetch(src);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect(await page.$eval('figure.preview img', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([png.width, png.height]);
    const raster = await readRasterBytes(readFileSync(join(cache.root, terrain.key, 'terrain.tif')), 'terrain.tif');
    const values = raster.bands[0]!;
    const scale = 5; // 48 pixels enlarged to fit half the preview size
    const alphaAt = (index: number) => {
      const [row, column] = [Math.floor(index / 48), index % 48];
      return png.data[((4 + row * scale + 2) * png.width + 4 + column * scale + 2) * 4 + 3];
    };
    const hole = values.findIndex((v) => v === raster.nodata);
    expect(hole).toBeGreaterThan(0);
    expect(alphaAt(hole)).toBe(0);
    expect(alphaAt(0)).toBe(255);
  });

  it('shows a figure as itself, nested Data parameters as links, co-outputs and other code versions', async () => {
    const map = cache.entries.find((e) => e.className === 'TerrainMap')!;
    await show(`#/entry/${map.hash}`);
    await page.waitForFunction(() => [...document.querySelectorAll('figure img')].every((img) => (img as HTMLImageElement).complete));
    const file = PNG.sync.read(readFileSync(join(cache.root, map.key, 'terrain_map.png')));
    expect(await page.$eval('figure.preview img', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([file.width, file.height]);
    await screenshot('entry-figure');

    const doubled = cache.entries.find((e) => e.className === 'Doubled')!;
    const constant3 = cache.entry('Constant', { value: 3 });
    await show(`#/entry/${doubled.hash}`);
    expect(await page.$eval('tr[data-parameter="source"] .data-parameter a', (a) => a.getAttribute('href'))).toBe(`#/entry/${constant3.hash}`);
    expect(await texts('section[data-section="parameter entries (upstream)"] li a')).toEqual([constant3.hash.slice(0, 12)]);
    // Its key holds the tree of its parameter's class, which the edit of Constant changed.
    expect((await texts('ul.explanation li'))[1]).toMatch(/^parameter class Constant's code or dependencies changed \(tree [0-9a-f]{12} → [0-9a-f]{12}\)$/);

    const [max, min] = [cache.entry('Extreme', { which: 'max' }), cache.entry('Extreme', { which: 'min' })];
    await show(`#/entry/${max.hash}`);
    expect(await texts('section[data-section="co-outputs (computed by the same run)"] li a')).toEqual([min.hash.slice(0, 12)]);

    const [v1, v2] = (await codeVersions({ className: 'Constant' })).map((v) => v.sourceHash);
    const old = cache.entry('Constant', { value: 1 }, v1);
    await show(`#/entry/${old.hash}`);
    expect(await texts('section[data-section="the same parameters and spec, made by other code"] li a')).toEqual([cache.entry('Constant', { value: 1 }, v2).hash.slice(0, 12)]);
    expect((await texts('ul.explanation li'))[0]).toMatch(/^entry [0-9a-f]{12} of Constant is stale/);
    // Version 1 wrote `constant 1`: ten bytes.
    expect((await fileRows()).find((row) => row[0]!.startsWith('constant.txt'))).toEqual(['constant.txt (output)', '10 B', 'download']);
  });

  it("explains a damaged entry and an interrupted run's folder", async () => {
    await show(`#/entry/${cache.truncated.hash}`);
    expect(await texts('ul.explanation li')).toEqual([
      `entry ${cache.truncated.hash.slice(0, 12)} of Constant is damaged and will be computed again when loaded:`,
      'damaged: output constant.txt has 3 bytes, expected 10 (truncated?)',
    ]);
    expect(await texts('section[data-section="output"] p.muted')).toEqual(['No preview: the entry is damaged.']);
    await show(`#/entry/${cache.incomplete}`);
    await screenshot('entry-incomplete');
    expect(await texts('ul.explanation li')).toEqual([`entry ${cache.incomplete.slice(0, 12)} is the folder of an interrupted run:`, 'incomplete: no meta.json (left by an interrupted run)']);
    expect(await texts('section[data-section="parameters"] p')).toEqual(['parameters.json is missing']);
  });

  it('shows a hostile parameter value as text, never as markup', async () => {
    const label = cache.entry('Label', { text: HOSTILE });
    await show(`#/entry/${label.hash}`);
    await screenshot('entry-hostile');
    expect(await page.$eval('tr[data-parameter="text"] td', (td) => td.textContent)).toBe(HOSTILE);
    expect(await page.$$eval('main img:not(.footprint)', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('main script', (scripts) => scripts.length)).toBe(0);
    expect(await page.$eval('section[data-section="output"] pre.preview', (pre) => pre.textContent)).toBe(HOSTILE);
    await show('#/entries?class=Label');
    expect(await page.$eval('td.parameter', (td) => td.textContent)).toBe(HOSTILE);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });

  it("shows a class's code versions and the diff between them", async () => {
    const versions = await codeVersions({ className: 'Constant' });
    expect(versions).toHaveLength(2);
    await show('#/code/Constant');
    await screenshot('code');
    expect(await page.$$eval('table.versions tbody tr[data-hash]', (trs) => trs.map((tr) => tr.getAttribute('data-hash')))).toEqual(versions.map((v) => v.sourceHash));
    const squeezed = async (selector: string) => (await texts(selector)).map((text) => text.replace(/\s+/g, ' '));
    // The source as written (the fixture's TypeScript), line by line.
    expect(await squeezed('table.diff tr.remove td.code')).toEqual(['- return new TextEncoder().encode(`constant ${this.value}`);']);
    expect(await squeezed('table.diff tr.add td.code')).toEqual(['+ return new TextEncoder().encode(`constant v2 ${this.value}`);']);
    await show(`#/code/Constant?show=${versions[0]!.sourceHash}`);
    expect((await texts('table.source td.code')).slice(0, 3)).toEqual(['@register', 'export class Constant extends Data {', 'constructor(public value: number) {']);

    // The hashed source of the old version, as it was when its entries were made.
    await show(`#/code/Constant?show=${versions[0]!.sourceHash}&canonical=1`);
    const lines = await texts('table.source td.code');
    expect(lines.map((line) => line.trim())).toContain('return new TextEncoder().encode(`constant ${this.value}`);');
    // Laid out one statement per line by the fingerprints' printer.
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.map((line) => line.trim())).toEqual(formatSource(readSource(versions[0]!.sourceHash)).trimEnd().split('\n').map((line) => line.trim()));
  });

  it('diffs the two versions chosen with the A and B buttons, and a stored version against the live code', async () => {
    const [v1, v2] = (await codeVersions({ className: 'Constant' })).map((v) => v.sourceHash) as [string, string];
    const [s1, s2] = [v1.slice(0, 12), v2.slice(0, 12)];
    const squeezed = async (selector: string) => (await texts(selector)).map((text) => text.replace(/\s+/g, ' '));
    const old = '`constant ${this.value}`';
    const edited = '`constant v2 ${this.value}`';
    /** What the code view shows now: its URL, the chosen A and B, the diff's title and its removed and added lines. */
    const shown = async () => ({
      hash: await page.evaluate(() => location.hash),
      a: await page.$eval('input[name="a"]:checked', (input) => (input as HTMLInputElement).value),
      b: await page.$eval('input[name="b"]:checked', (input) => (input as HTMLInputElement).value),
      title: await page.$eval('.code-detail h2', (h2) => h2.textContent),
      removed: await squeezed('table.diff tr.remove td.code'),
      added: await squeezed('table.diff tr.add td.code'),
      same: await texts('.code-detail p.muted:not(:first-of-type)'),
    });
    await show('#/code/Constant');
    // A: version 2 (B stays at version 2 as drawn): the same text.
    await act(() => page.check(`input[name="a"][value="${v2}"]`));
    expect(await shown()).toEqual({ hash: `#/code/Constant?a=${v2}&b=${v2}`, a: v2, b: v2, title: `Diff ${s2} → ${s2}`, removed: [], added: [], same: ['The two sources are the same text.'] });
    // B: version 1: the edit undone.
    await act(() => page.check(`input[name="b"][value="${v1}"]`));
    await screenshot('code-diff-chosen');
    expect(await shown()).toEqual({
      hash: `#/code/Constant?a=${v2}&b=${v1}`,
      a: v2,
      b: v1,
      title: `Diff ${s2} → ${s1}`,
      removed: [`- return new TextEncoder().encode(${edited});`],
      added: [`+ return new TextEncoder().encode(${old});`],
      same: [],
    });
    // B: the code loaded now, which has version 2's hash; then A: version 1. The live side is the
    // class's text in this process (here vitest's transform of it, which is laid out and names its
    // imports unlike the stored text that tsx made), diffed as the library diffs.
    const againstLive = (stored: string, live: Function) => {
      // Both sides as written: the stored written.ts, and the live class read in its module.
      const written = writtenSource(live);
      if (!('text' in written)) throw new Error(written.unavailable);
      const diff = diffSources({ label: 'stored', text: readFileSync(join(cache.root, '.source', 'code', stored, 'written.ts'), 'utf8') }, { label: 'live', text: written.text });
      const lines = (kind: string, mark: string) => diff.lines.filter((line) => line.kind === kind).map((line) => `${mark} ${line.text}`.replace(/\s+/g, ' ').trim());
      return { removed: lines('remove', '-'), added: lines('add', '+'), same: diff.same ? ['The two sources are the same text.'] : [] };
    };
    await act(() => page.check('input[name="b"][value="live"]'));
    expect(await shown()).toEqual({ hash: `#/code/Constant?a=${v2}&b=live`, a: v2, b: 'live', title: `Diff ${s2} → Constant@live (${s2})`, ...againstLive(v2, Constant) });
    await act(() => page.check(`input[name="a"][value="${v1}"]`));
    const fromV1 = againstLive(v1, Constant);
    expect(fromV1.removed).toContain(`- return new TextEncoder().encode(${old});`);
    expect(fromV1.added).toContainEqual(expect.stringMatching(/^\+ return new TextEncoder\(\)\.encode\(`constant v2 \$\{this\.value\}`\);?$/));
    expect(await shown()).toEqual({ hash: `#/code/Constant?a=${v1}&b=live`, a: v1, b: 'live', title: `Diff ${s1} → Constant@live (${s2})`, ...fromV1 });

    // Label was edited but nothing was computed with its new code: from its entry, the diff against the live code.
    const label = cache.entry('Label', { text: HOSTILE });
    const labelLive = ((await (await fetch(`${server.url}api/code/Label`)).json()) as { liveHash: string }).liveHash;
    expect(labelLive).not.toBe(label.meta.source_hash);
    await show(`#/entry/${label.hash}`);
    await act(() => page.click('section[data-section="code"] a:text("diff against the live code")'));
    await screenshot('code-diff-live');
    expect(await page.evaluate(() => location.hash)).toBe(`#/code/Label?a=${label.meta.source_hash}&b=live`);
    expect(await texts('table.versions tr.live-only td')).toEqual(['·', labelLive.slice(0, 12), 'the code loaded now (no entry made with it yet)', '', '', '']);
    expect(await page.$eval('.code-detail h2', (h2) => h2.textContent)).toBe(`Diff ${label.meta.source_hash.slice(0, 12)} → Label@live (${labelLive.slice(0, 12)})`);
    const fromLabel = againstLive(label.meta.source_hash, Label);
    expect(fromLabel.removed).toContain('- return new TextEncoder().encode(this.text);');
    expect(fromLabel.added).toContainEqual(expect.stringMatching(/^\+ return new TextEncoder\(\)\.encode\(`label: \$\{this\.text\}`\);?$/));
    expect({ removed: await squeezed('table.diff tr.remove td.code'), added: await squeezed('table.diff tr.add td.code') }).toEqual({ removed: fromLabel.removed, added: fromLabel.added });
    // On Label's own code page (one stored version, nothing chosen), choosing B = live pairs it
    // with the stored version as A, not with itself.
    await show('#/code/Label');
    await act(() => page.check('input[name="b"][value="live"]'));
    expect(await page.evaluate(() => location.hash)).toBe(`#/code/Label?a=${label.meta.source_hash}&b=live`);
    expect(await page.$eval('.code-detail h2', (h2) => h2.textContent)).toBe(`Diff ${label.meta.source_hash.slice(0, 12)} → Label@live (${labelLive.slice(0, 12)})`);
  });

  function readSource(hash: string): string {
    return readFileSync(join(cache.root, '.source', 'code', hash, 'source.js'), 'utf8');
  }

  it('draws the dependency graph of a class and of an entry', async () => {
    await show('#/graph/Chart');
    await screenshot('graph');
    const nodes = await page.$$eval('.graph svg g.node', (gs) => gs.map((g) => [g.getAttribute('data-id'), g.getAttribute('data-status')]));
    expect(nodes).toEqual([
      ['Chart', 'stale'],
      ['Constant', 'changed'],
    ]);
    expect(await page.$$eval('.graph svg g.edge', (gs) => gs.map((g) => [g.getAttribute('data-from'), g.getAttribute('data-to'), g.getAttribute('data-kind')]))).toEqual([['Chart', 'Constant', 'calls']]);

    const doubled = cache.entries.find((e) => e.className === 'Doubled')!;
    await show(`#/entry/${doubled.hash}`);
    await page.waitForSelector('.graph svg');
    const constant3 = cache.entry('Constant', { value: 3 });
    expect(await page.$$eval('.graph svg g.node', (gs) => gs.map((g) => [g.getAttribute('data-id'), g.getAttribute('data-kind'), g.getAttribute('data-status')]))).toEqual([
      ['Doubled', 'class', 'stale'],
      [`entry:${constant3.hash}`, 'entry', 'stale'],
    ]);
  });

  it('exports the selected entries as a .tar.gz', async () => {
    const [max, min] = [cache.entry('Extreme', { which: 'max' }), cache.entry('Extreme', { which: 'min' })];
    await show('#/entries?class=Extreme');
    for (const hash of [max.hash, min.hash]) await page.check(`tr[data-hash="${hash}"] input.select-entry`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export 2 selected (.tar.gz)')]);
    expect(download.suggestedFilename()).toBe('geodata-export-2-entries.tar.gz');
    const { manifest } = await unpackArchive(readFileSync((await download.path())!), 'export');
    expect((manifest.entries as Array<{ state_hash: string }>).map((e) => e.state_hash).sort()).toEqual([max.hash, min.hash].sort());
  });

  it('notices a new entry by itself, without a reload', async () => {
    await show('#/entries?class=Constant');
    const before = server.index.generation;
    expect(runPipeline(cache.root, V2, 'later')).toEqual(['Constant']);
    const added = storedEntries(cache.root).find((e) => e.className === 'Constant' && e.parameters.value === 9)!;
    // The server looks again at most every 2 s, or ten times as long as its last look took: after
    // the full reloads of the tests before, on a loaded machine, that can be tens of seconds.
    await page.waitForSelector(`table.entries tr[data-hash="${added.hash}"]`, { timeout: 60_000 });
    expect(server.index.generation).toBe(before + 1);
  });

  /** The entry computed at the lon/lat grid by the Reload test. */
  function geographic() {
    return storedEntries(cache.root).find((e) => e.className === 'Constant' && e.parameters.value === 5)!;
  }
  const entryRows = () => page.$$eval('table.entries tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-hash')!).sort());
  const stateOf = (hash: string) => page.$eval(`table.entries tr[data-hash="${hash}"]`, (tr) => [tr.getAttribute('data-state'), tr.querySelector('td[title]')!.getAttribute('title')]);

  it('reads the cache again on Reload: a new entry at once, and an output changed in place, which polling cannot see', async () => {
    await show('#/entries?class=Constant');
    // An entry computed in this process, on a lon/lat grid; Reload shows it without waiting for a poll.
    await processEntry(new Constant(5), GEOGRAPHIC);
    const geo = geographic();
    await act(() => page.click('#top button.reload'));
    expect(await stateOf(geo.hash)).toEqual(['fresh', '']);

    const output = join(cache.root, geo.key, geo.meta.output.file);
    const bytes = readFileSync(output);
    expect(bytes.toString()).toBe('constant v2 5');
    truncateSync(output, 3);
    const token = await pageToken(server.port);
    const reload = async (body: object) =>
      JSON.parse((await rawRequest(server.port, '/api/reload', { method: 'POST', headers: { 'content-type': 'application/json', 'x-geodata-token': token }, body: JSON.stringify(body) })).text);
    // Looking for changes, as polling does, misses it: the folder's files and its meta.json are as they were.
    const generation = server.index.generation;
    expect(await reload({})).toEqual({ changed: false, codeChanged: false, generation });
    await show('#/entries?class=Constant');
    expect(await stateOf(geo.hash)).toEqual(['fresh', '']);
    // Reload reads every entry again.
    await act(() => page.click('#top button.reload'));
    expect(await stateOf(geo.hash)).toEqual(['damaged', 'damaged: output constant.txt has 3 bytes, expected 13 (truncated?)']);
    expect(server.index.generation).toBe(generation + 1);

    // Mended in place: a full /api/reload sees it, and the page, polling, draws the new state by itself.
    writeFileSync(output, bytes);
    expect(await reload({ full: true })).toEqual({ changed: true, codeChanged: false, generation: generation + 2 });
    await page.waitForSelector(`table.entries tr[data-hash="${geo.hash}"][data-state="fresh"]`, { timeout: 5000 });
  });

  it('filters the entries by CRS with the filter bar, alone and with a class', async () => {
    const geo = geographic();
    const stored = storedEntries(cache.root);
    await show('#/entries');
    expect(await texts('form.filters select[name="crs"] option')).toEqual(['any', `EPSG:32632 (${stored.length - 1})`, 'EPSG:4326 (1)']);
    const choose = (name: string, value: string) => act(() => page.selectOption(`form.filters select[name="${name}"]`, value));
    const where = () => page.evaluate(() => location.hash);

    await choose('crs', 'EPSG:4326');
    await screenshot('entries-crs');
    expect(await where()).toBe('#/entries?crs=EPSG%3A4326');
    expect(await page.$eval('form.filters select[name="crs"]', (select) => (select as HTMLSelectElement).value)).toBe('EPSG:4326');
    expect(await entryRows()).toEqual([geo.hash]);

    await choose('crs', 'EPSG:32632');
    expect(await entryRows()).toEqual(stored.filter((e) => e.hash !== geo.hash).map((e) => e.hash).sort());
    await choose('class', 'Constant');
    expect(await where()).toBe('#/entries?class=Constant&crs=EPSG%3A32632');
    const constants = stored.filter((e) => e.className === 'Constant');
    expect(await entryRows()).toEqual(constants.filter((e) => e.hash !== geo.hash).map((e) => e.hash).sort());
    await choose('crs', '');
    expect(await where()).toBe('#/entries?class=Constant');
    expect(await entryRows()).toEqual(constants.map((e) => e.hash).sort());
  });

  it('deletes an entry from its page once the confirmation is accepted, and keeps it when it is dismissed', async () => {
    const geo = geographic();
    const folder = join(cache.root, geo.key);
    expect(readdirSync(folder).sort()).toEqual(['constant.txt', 'meta.json', 'parameters.json', 'spec.json']);
    await show(`#/entry/${geo.hash}`);
    const asked: string[] = [];
    const answer = (accept: boolean) => (dialog: Dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      void (accept ? dialog.accept() : dialog.dismiss());
    };
    const button = 'p.actions button.danger';
    const message = () => page.$eval('p.actions .action-message', (span) => span.textContent);
    page.off('dialog', acceptDialog);
    try {
      page.once('dialog', answer(false));
      await page.click(button);
      expect(asked).toEqual([`confirm: Delete entry ${geo.hash.slice(0, 12)} (Constant) and its 4 files? This cannot be undone.`]);
      // Dismissed: nothing sent (the button would be disabled while it is), nothing removed.
      expect(await page.$eval(button, (b) => (b as HTMLButtonElement).disabled)).toBe(false);
      expect(await message()).toBe('');
      expect(existsSync(join(folder, 'meta.json'))).toBe(true);

      page.once('dialog', answer(true));
      await page.click(button);
      await page.waitForFunction(() => document.querySelector('p.actions .action-message')!.textContent !== '');
    } finally {
      page.on('dialog', acceptDialog);
    }
    expect(asked).toHaveLength(2);
    expect(await message()).toBe('Deleted (4 files). Back to the entries');
    expect(existsSync(folder)).toBe(false);
    expect((await rawRequest(server.port, `/api/entries/${geo.hash}`)).status).toBe(404);
    await act(() => page.click('p.actions .action-message a'));
    expect(await page.evaluate(() => location.hash)).toBe('#/entries');
    expect(await entryRows()).toEqual([...storedEntries(cache.root).map((e) => e.hash), cache.incomplete].sort());
    expect(await entryRows()).not.toContain(geo.hash);
  });

  it('previews a clean that removes exactly what cleanCache would, and removes it once confirmed', async () => {
    const expected = await cleanCache({ dryRun: true });
    const [v1] = (await codeVersions({ className: 'Constant' })).map((v) => v.sourceHash);
    expect(expected.removed.map((item) => item.key)).toEqual(
      [
        ...cache.entries.filter((e) => ['Chart', 'Doubled', 'Label'].includes(e.className) || e.meta.source_hash === v1).map((e) => e.key),
        `data_processed/${cache.incomplete}/`,
        `.staging/${cache.staging}/`,
      ].sort(),
    );
    await show('#/clean');
    await page.click('section.clean-cache button.preview-clean');
    await page.waitForSelector('section.clean-cache table.would-remove');
    await screenshot('clean-preview');
    const listed = await page.$$eval('section.clean-cache table.would-remove tr[data-key]', (trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(listed).toEqual(expected.removed.map((item) => item.key));

    await page.click('section.clean-cache button.confirm-clean');
    await page.waitForSelector('section.clean-cache p.done');
    expect(await page.$eval('section.clean-cache p.done', (p) => p.textContent)).toMatch(new RegExp(`^Removed ${expected.removed.length} \\(`));
    for (const item of expected.removed) expect(existsSync(join(cache.root, item.key)), item.key).toBe(false);
    await show('#/classes');
    expect(await page.$$eval('table.classes tbody tr', (trs) => trs.filter((tr) => tr.getAttribute('data-state') === 'stale').length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
