import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/cache/archive.js';
import { startBrowseServer, type BrowseServer } from '../../src/browse/server-node.js';
import { classes, cleanCache, codeVersions, getConfig, readRasterBytes } from '../../src/node.js';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, NO_CHROMIUM_REASON } from '../helpers/browser.js';
import { buildCache, removeFolder, runPipeline, SCREENSHOTS, storedEntries, tempFolder, V2, type BuiltCache } from './browse-helpers.js';
// The code loaded in this process is version 2 of the pipeline, as `geodata browse pipeline-v2.ts` loads it.
import { COARSE, HOSTILE } from './fixtures/pipeline-v2.js';

describe.skipIf(!HAS_CHROMIUM)(`geodata browse in Chromium ${HAS_CHROMIUM ? '' : NO_CHROMIUM_REASON}`, () => {
  let folder: string;
  let cache: BuiltCache;
  let server: BrowseServer;
  let browser: Browser;
  let page: Page;
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;
  const problems: string[] = [];

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
    page.on('dialog', (dialog) => void dialog.accept());
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
    await page.evaluate((target) => {
      document.getElementById('view')!.dataset.ready = '0';
      if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = target;
    }, hash);
    await page.waitForSelector('main[data-ready="1"]');
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
      { className: 'Doubled', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '1' },
      { className: 'Extreme', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '2' },
      { className: 'Gone', state: 'unknown', ownCode: '?', dependencies: '-', entries: '1' },
      { className: 'Label', state: 'stale', ownCode: 'changed', dependencies: '', entries: '1' },
      { className: 'Terrain', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '2' },
      { className: 'TerrainMap', state: 'fresh', ownCode: 'same', dependencies: '-', entries: '1' },
    ]);
    const library = await classes();
    expect(rows.map((r) => [r.className, r.state, Number(r.entries)])).toEqual(library.map((c) => [c.className, c.state, c.entries.count]));
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
    expect(await squeezed('table.diff tr.remove td.code')).toEqual(['- return new TextEncoder().encode(`constant ${this.value}`)']);
    expect(await squeezed('table.diff tr.add td.code')).toEqual(['+ return new TextEncoder().encode(`constant v2 ${this.value}`)']);

    // The source of the old version, as it was when its entries were made.
    await show(`#/code/Constant?show=${versions[0]!.sourceHash}`);
    const lines = await texts('table.source td.code');
    expect(lines).toContain('return new TextEncoder().encode(`constant ${this.value}`)');
    // Laid out one statement per line: only whitespace differs from the stored text.
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.join('').replace(/\s+/g, '')).toBe(readSource(versions[0]!.sourceHash).replace(/\s+/g, ''));
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
    await page.waitForSelector(`table.entries tr[data-hash="${added.hash}"]`, { timeout: 20_000 });
    expect(server.index.generation).toBe(before + 1);
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
