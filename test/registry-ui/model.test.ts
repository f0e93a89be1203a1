import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClasses } from '../../src/cache/live-classes.js';
import { BrowseActions } from '../../src/registry-ui/model/actions.js';
import { BrowseIndex } from '../../src/registry-ui/model/browse-index.js';
import { diffSources } from '../../src/cache/code-diff.js';
import { classGraph, entryGraph } from '../../src/registry-ui/model/dependency-graph.js';
import { entryView } from '../../src/registry-ui/model/entry-view.js';
import { parseEntryQuery, queryEntries } from '../../src/registry-ui/model/entry-query.js';
import { footprintSvg } from '../../src/registry-ui/model/footprint-svg.js';
import { formatSource } from '../../src/cache/format-source.js';
import { gridFacts, lonLatOutline } from '../../src/registry-ui/model/grid-facts.js';
import { thinBand } from '../../src/registry-ui/model/preview.js';
import { isServableKey, parseTarget } from '../../src/registry-ui/model/request-target.js';
import { SnapshotStore } from '../../src/registry-ui/model/snapshot-store.js';
import { parseRoute } from '../../src/registry-ui/page/route.js';
import { cleanCache } from '../../src/cache/clean-cache-node.js';
import { cleanSourceRegistry, codeVersions, defaultRegistry, getConfig, InvalidInputError, memoryStore, register, scanCache, SpatialSpec, status, type StoreAdapter } from '../../src/node.js';
import { buildCache, removeFolder, runPipeline, storedEntries, tempFolder, V2, type BuiltCache } from './registry-ui-helpers.js';
// The code loaded in this process is version 2 of the pipeline, as `geodata browse pipeline-v2.ts` loads it.
import { SPEC } from './fixtures/pipeline-v2.js';

/** A store that counts what is read from it, by key. */
function counting(inner: StoreAdapter): StoreAdapter & { reads: string[] } {
  const reads: string[] = [];
  return {
    ...inner,
    name: inner.name,
    reads,
    get: (key) => (reads.push(`get ${key}`), inner.get(key)),
    stat: (key) => (reads.push(`stat ${key}`), inner.stat(key)),
    has: (key) => inner.has(key),
    keys: (prefix) => inner.keys(prefix),
    set: (key, value) => inner.set(key, value),
    setMany: (entries) => inner.setMany(entries),
    remove: (key) => inner.remove(key),
    removePrefix: (prefix) => inner.removePrefix(prefix),
    lock: (name, options) => inner.lock(name, options),
  };
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('the request target reader', () => {
  it('splits a path into decoded segments and keeps the query', () => {
    const target = parseTarget('/api/code/SlopeLoader.uses.helper/?a=1&b=x%20y');
    expect(target).toMatchObject({ ok: true, segments: ['api', 'code', 'SlopeLoader.uses.helper'] });
    expect(target.ok && [...target.search]).toEqual([['a', '1'], ['b', 'x y']]);
    expect(parseTarget('/')).toMatchObject({ ok: true, segments: [] });
  });

  it('refuses traversal however it is spelled, and malformed encoding as such', () => {
    for (const path of ['/a/../b', '/a/%2e%2e/b', '/a/%2E./b', '/a/.%2e/b', '/a/./b', '/a//b', '/a/b%2fc', '/a/b%5cc', '/a\\b', '/a/%00']) {
      expect(parseTarget(path), path).toMatchObject({ ok: false, status: 403 });
    }
    for (const path of ['/a/%zz', '/a/%e0%a4%a', 'a/b', 'http://host/a', '*', '/a#b']) expect(parseTarget(path), path).toMatchObject({ ok: false, status: 400 });
  });

  it('serves only files of entry folders and of code versions and tree snapshots', () => {
    const layout = getConfig().layout;
    expect(isServableKey('data_processed/ab12/meta.json', layout)).toBe(true);
    expect(isServableKey('figures/ab12/figure.png', layout)).toBe(true);
    expect(isServableKey('.source/code/ab12/source.js', layout)).toBe(true);
    expect(isServableKey('.source/snapshots/ab12/tree.json', layout)).toBe(true);
    for (const key of ['data_processed/ab12', 'data_processed/ab12/sub/file', '.source/input-digests.json', '.source/other/ab12/x', 'inputs/dem.tif', '.staging/x/y/z', '.locks/a/b']) {
      expect(isServableKey(key, layout), key).toBe(false);
    }
  });
});

describe('the snapshot store', () => {
  it('reads a folder again only when its files or its meta.json changed', async () => {
    const inner = counting(memoryStore());
    const entry = (hash: string, text: string): Array<[string, Uint8Array]> => [
      [`data_processed/${hash}/meta.json`, encode(text)],
      [`data_processed/${hash}/out.txt`, encode('out')],
    ];
    await inner.setMany([...entry('aa', '{"a":1}'), ...entry('bb', '{"b":1}'), ...entry('cc', '{"c":1}')]);
    const store = new SnapshotStore(inner, [{ prefix: 'data_processed/', signature: 'meta.json', readAhead: ['meta.json'] }]);
    expect(await store.refresh()).toEqual({ added: ['data_processed/aa/', 'data_processed/bb/', 'data_processed/cc/'], changed: [], removed: [] });
    inner.reads.length = 0;
    expect(new TextDecoder().decode(await store.get('data_processed/bb/meta.json'))).toBe('{"b":1}');
    expect(await store.stat('data_processed/bb/out.txt')).toMatchObject({ size: 3 });
    expect(await store.keys('data_processed/b')).toEqual(['data_processed/bb/meta.json', 'data_processed/bb/out.txt']);
    expect(inner.reads).toEqual([]); // all from memory

    await inner.set('data_processed/bb/meta.json', encode('{"b":22}'));
    await inner.removePrefix('data_processed/cc/');
    await inner.setMany(entry('dd', '{"d":1}'));
    inner.reads.length = 0;
    expect(await store.refresh()).toEqual({ added: ['data_processed/dd/'], changed: ['data_processed/bb/'], removed: ['data_processed/cc/'] });
    // Unchanged aa: only its meta.json's stat, to compare signatures.
    expect(inner.reads.filter((read) => read.includes('/aa/'))).toEqual(['stat data_processed/aa/meta.json']);
    expect(new TextDecoder().decode(await store.get('data_processed/bb/meta.json'))).toBe('{"b":22}');
    expect(await store.get('data_processed/cc/meta.json')).toBeUndefined();
  });
});

describe('the registry browser model on a real cache', () => {
  let folder: string;
  let cache: BuiltCache;
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;

  beforeAll(() => {
    folder = tempFolder('model');
    cache = buildCache(folder);
    saved = getConfig().snapshot();
    getConfig().update({ root: cache.root });
  });
  afterAll(() => {
    if (saved) getConfig().restore(saved);
    if (folder) removeFolder(folder);
  });

  it('judges every entry and class exactly as scanCache() and status() do', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const scanned = await scanCache();
    expect(index.entries().map((e) => [e.entry.key, e.entry.state, e.entry.reasons])).toEqual(scanned.map((e) => [e.key, e.state, e.reasons]));
    expect(await index.status()).toEqual(await status());
  });

  it('reads only the folders a new computation wrote when it refreshes', async () => {
    const inner = counting(getConfig().store);
    const index = new BrowseIndex({ store: inner });
    await index.ready();
    expect(index.generation).toBe(1);
    expect(await index.refresh()).toBe(false);
    expect(index.generation).toBe(1);

    const [constantV2] = (await codeVersions({ className: 'Constant' })).filter((v) => v.live).map((v) => v.sourceHash);
    runPipeline(cache.root, V2, 'later');
    const added = storedEntries(cache.root).find((e) => e.parameters.value === 9)!;
    inner.reads.length = 0;
    expect(await index.refresh()).toBe(true);
    expect(index.generation).toBe(2);
    expect(index.entry(added.hash)?.entry.state).toBe('fresh');
    // Besides one stat per folder (its signature), only the new entry and the code version whose source.json the run touched.
    const read = new Set(inner.reads.filter((r) => !/^stat .*\/(meta|source|tree)\.json$/.test(r)).map((r) => r.split(' ')[1]!.split('/').slice(0, -1).join('/')));
    expect([...read].sort()).toEqual([`.source/code/${constantV2}`, `data_processed/${added.hash}`].sort());
  });

  it('filters entries by class, parameters, CRS, resolution and bounds, and names a bad filter', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const hashes = (query: string) => queryEntries(index.entries(), parseEntryQuery(new URLSearchParams(query))).rows.map((row) => row.stateHash).sort();
    const of = (predicate: (e: (typeof cache.entries)[number]) => boolean) => storedEntries(cache.root).filter(predicate).map((e) => e.hash).sort();
    expect(hashes('class=Extreme')).toEqual(of((e) => e.className === 'Extreme'));
    expect(hashes('p.which=min')).toEqual(of((e) => e.parameters.which === 'min'));
    expect(hashes('class=Constant&p.value=3')).toEqual(of((e) => e.className === 'Constant' && e.parameters.value === 3));
    expect(hashes('crs=EPSG:32632&resolution=200')).toEqual(of((e) => e.className === 'Terrain' && JSON.parse(readFileSync(join(cache.root, e.key, 'spec.json'), 'utf8')).resolution[0] === 200));
    expect(hashes('bounds=10.37,46.94,11,47')).toHaveLength(storedEntries(cache.root).length);
    expect(hashes('bounds=10.38,46.94,11,47')).toEqual([]);
    expect(() => parseEntryQuery(new URLSearchParams('state=old'))).toThrow(new InvalidInputError('query parameter state="old" must be one of fresh, stale, input-changed, unknown, damaged, incomplete'));
    expect(() => parseEntryQuery(new URLSearchParams('bounds=1,2,3'))).toThrow(/bounds="1,2,3" must be west,south,east,north/);
    expect(() => parseEntryQuery(new URLSearchParams('limit=0'))).toThrow(/limit="0" must be a whole number from 1 to 1000/);
  });

  it('marks the changed dependency and what depends on it in a class graph, and unloaded classes as missing', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const sources = { store: index.store, live: new LiveClasses(), entries: index.entries() };
    const chart = await classGraph('Chart', sources);
    expect(chart?.nodes.map((n) => [n.id, n.kind, n.status])).toEqual([
      ['Chart', 'figure', 'stale'],
      ['Constant', 'class', 'changed'],
    ]);
    const gone = await classGraph('Gone', sources);
    expect(gone?.nodes.map((n) => [n.id, n.status])).toEqual([['Gone', 'missing']]);
    expect(await classGraph('NeverHeardOf', sources)).toBeUndefined();
  });

  it("shows the entries a computation loaded, both ways, and draws them in the entry's graph", async () => {
    const index = new BrowseIndex();
    await index.ready();
    const stored = storedEntries(cache.root);
    const chart = stored.find((e) => e.className === 'Chart')!;
    const constant = stored.find((e) => e.hash === chart.meta.recorded.entries[0].state_hash)!;
    expect([constant.className, constant.parameters]).toEqual(['Constant', { value: 1 }]);
    const view = await entryView(index.entry(chart.hash)!, index);
    expect(view.loaded.map((link) => [link.stateHash, link.className])).toEqual([[constant.hash, 'Constant']]);
    const constantView = await entryView(index.entry(constant.hash)!, index);
    expect(constantView.loadedBy.map((link) => link.stateHash)).toEqual([chart.hash]);
    const graph = await entryGraph(index.entry(chart.hash)!, { store: index.store, live: new LiveClasses(), entries: index.entries() });
    expect(graph.edges).toContainEqual({ from: 'Chart', to: `entry:${constant.hash}`, kind: 'loads' });
    expect(graph.nodes.find((node) => node.id === `entry:${constant.hash}`)).toMatchObject({ kind: 'entry', label: 'Constant' });
  });

  it('draws a class graph from the code loaded now when its newest entry names no tree hash', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const chart = index.entries().find((e) => e.entry.className === 'Chart')!;
    // A meta.json may hold anything: this one would name a path the file system refuses.
    const forged = { ...chart, entry: { ...chart.entry, meta: { ...chart.entry.meta!, dep_tree_hash: 'x'.repeat(300), finished_at: '9999-01-01T00:00:00.000Z' } } };
    const graph = await classGraph('Chart', { store: getConfig().store, live: new LiveClasses(), entries: [forged] });
    expect(graph?.nodes.map((n) => [n.id, n.status])).toEqual([
      ['Chart', 'ok'],
      ['Constant', 'ok'],
    ]);
  });

  it('removes nothing when the cache changed between the preview and the confirmation', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const actions = new BrowseActions(index, { cleanCache });
    const preview = await actions.previewClean({ kind: 'cache' });
    expect(preview.report.removed.map((item) => item.key)).toEqual((await cleanCache({ dryRun: true })).removed.map((item) => item.key));
    const debris = 'c1'.repeat(32);
    mkdirSync(join(cache.root, 'data_processed', debris));
    writeFileSync(join(cache.root, 'data_processed', debris, 'constant.txt'), 'half');
    const outcome = await actions.confirmClean(preview.previewId);
    expect(outcome.done).toBe(false);
    expect(!outcome.done && outcome.preview.report.removed.map((item) => item.key)).toContain(`data_processed/${debris}/`);
    for (const item of preview.report.removed) expect(existsSync(join(cache.root, item.key)), item.key).toBe(true);
    await expect(actions.confirmClean(preview.previewId)).rejects.toThrow(/is unknown or expired/);
  });

  it('refuses to preview or confirm a clean that removes unknown entries when no class is loaded', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const actions = new BrowseActions(index, { cleanCache });
    const allowed = await actions.previewClean({ kind: 'cache', removeUnknown: true });
    const registered = defaultRegistry.names().map((name) => defaultRegistry.get(name)!);
    for (const cls of registered) defaultRegistry.unregister(cls);
    try {
      const message =
        'removing unknown entries is refused while no class is loaded: every entry would be unknown, and removed; start geodata browse with the pipeline modules (geodata browse pipeline.ts)';
      await expect(actions.previewClean({ kind: 'cache', removeUnknown: true })).rejects.toThrow(new InvalidInputError(message));
      await expect(actions.confirmClean(allowed.previewId)).rejects.toThrow(new InvalidInputError(message));
      for (const entry of storedEntries(cache.root)) expect(existsSync(join(cache.root, entry.key, 'meta.json')), entry.key).toBe(true);
    } finally {
      for (const cls of registered) register(cls);
    }
  });

  it('previews a source-registry clean exactly as cleanSourceRegistry() reports it', async () => {
    const index = new BrowseIndex();
    await index.ready();
    const preview = await new BrowseActions(index).previewClean({ kind: 'source' });
    const expected = await cleanSourceRegistry({ dryRun: true });
    expect(preview.report.removed.map((item) => item.key)).toEqual(expected.removed.map((item) => item.key));
    expect(preview.report.kept.map((item) => [item.key, item.reason])).toEqual(expected.kept.map((item) => [item.key, item.reason]));
  });
});

describe("the page's router", () => {
  it('routes only to views by their own names: an inherited name such as constructor is no view', () => {
    const views = { classes: 1, entries: 2, entry: 3 };
    expect(parseRoute('#/entry/ab12?x=1', views)).toMatchObject({ name: 'entry', parts: ['ab12'] });
    expect(parseRoute('#/entry/ab12?x=1', views).query.get('x')).toBe('1');
    for (const hash of ['#/constructor', '#/toString', '#/__proto__', '#/hasOwnProperty/x', '#/nowhere', '']) expect([hash, parseRoute(hash, views).name]).toEqual([hash, 'classes']);
  });
});

describe('the platform boundary', () => {
  it('bundles the model and the page for a browser, reaching no Node builtin', async () => {
    for (const entry of ['src/registry-ui/model/app.ts', 'src/registry-ui/page/main.ts']) {
      const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent', metafile: true });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => input.startsWith('node:') || input.includes('-node.ts')), entry).toEqual([]);
      expect(inputs.length, entry).toBeGreaterThan(5);
    }
  });
});

describe('maps, previews, sources and diffs', () => {
  const hasGdaltransform = spawnSync('gdaltransform', ['--version']).status === 0;
  /** Native GDAL's lon/lat of some points, as the reference. */
  const gdaltransform = (crs: string, points: Array<[number, number]>) =>
    spawnSync('gdaltransform', ['-s_srs', crs, '-t_srs', 'EPSG:4326', '-output_xy'], { input: points.map((p) => p.join(' ')).join('\n'), encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .map((line) => line.split(/\s+/).slice(0, 2).map(Number) as [number, number]);

  it.skipIf(!hasGdaltransform)('puts a UTM grid where native GDAL puts it', () => {
    const facts = gridFacts(SPEC.toJSON() as never)!;
    const corners = gdaltransform('EPSG:32632', SPEC.corners()!);
    const [west, south, east, north] = facts.lonLat!;
    expect(west).toBeCloseTo(Math.min(...corners.map((c) => c[0])), 7);
    expect(east).toBeCloseTo(Math.max(...corners.map((c) => c[0])), 7);
    expect(south).toBeCloseTo(Math.min(...corners.map((c) => c[1])), 7);
    expect(north).toBeCloseTo(Math.max(...corners.map((c) => c[1])), 7);
    expect(facts).toMatchObject({ crs: 'EPSG:32632', shape: [48, 48], resolution: [100, 100], bounds: [600000, 5195200, 604800, 5200000] });
  });

  it.skipIf(!hasGdaltransform)('draws the footprint of a CRS proj4 does not know with GDAL, where native GDAL puts it', async () => {
    const swiss = new SpatialSpec({ crs: 'EPSG:2056', transform: [1000, 0, 2600000, 0, -1000, 1200000], shape: [20, 30] });
    expect(gridFacts(swiss.toJSON() as never)!.lonLat).toBeNull();
    expect(await lonLatOutline(swiss)).toBeUndefined();
    const ring = (await lonLatOutline(swiss, getConfig().engine))!;
    expect(ring).toHaveLength(64);
    const reference = gdaltransform('EPSG:2056', [swiss.corners()![0]!]);
    expect(ring[0]![0]).toBeCloseTo(reference[0]![0], 6);
    expect(ring[0]![1]).toBeCloseTo(reference[0]![1], 6);
    const svg = footprintSvg(ring);
    const points = [...svg.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const xs = points.map((p) => p[0]!);
    const ys = points.map((p) => p[1]!);
    // The footprint sits in the middle of the map, inside it.
    expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeCloseTo(180, 0);
    expect((Math.min(...ys) + Math.max(...ys)) / 2).toBeCloseTo(130, 0);
    expect(svg).toContain('7.4°E');
  });

  it('thins a large band to the preview size by taking every n-th pixel', () => {
    const data = Float32Array.from({ length: 4000 * 2000 }, (_, i) => i);
    const thin = thinBand({ width: 4000, height: 2000, data, nodata: -1 }, 500);
    expect([thin.width, thin.height, thin.nodata]).toEqual([500, 250, -1]);
    expect(thin.data[0]).toBe(0);
    expect(thin.data[1]).toBe(8);
    expect(thin.data[500]).toBe(8 * 4000);
    const small = { width: 3, height: 2, data: new Float32Array(6) };
    expect(thinBand(small, 500)).toBe(small);
  });

  it('lays out compacted source one statement per line with the fingerprints\' printer, keeping every name', () => {
    const compact = 'class Slope extends(_a=Data){constructor(zFactor){super();this.zFactor=zFactor}static{__name(this,"Slope")}async _process(spec){const values=await load(new Elevation(),spec);return values.map(v=>{const s=`${v}:${this.zFactor}`;return s})}}';
    expect(formatSource(compact.padEnd(200)).split('\n')).toEqual([
      'class Slope extends (_a = Data) {',
      '  constructor(zFactor) {',
      '    super();',
      '    this.zFactor = zFactor;',
      '  }',
      '  static {',
      '    __name(this, "Slope");',
      '  }',
      '  async _process(spec) {',
      '    const values = await load(new Elevation(), spec);',
      '    return values.map((v) => {',
      '      const s = `${v}:${this.zFactor}`;',
      '      return s;',
      '    });',
      '  }',
      '}',
      '',
    ]);
    const readable = 'class A {\n  f() {\n    return 1;\n  }\n}\n';
    expect(formatSource(readable)).toBe(readable);
    const notCode = `${'x'.repeat(170)} {`;
    expect(formatSource(notCode)).toBe(notCode);
  });

  it('diffs two sources into hunks of added, removed and unchanged lines', () => {
    const diff = diffSources({ label: 'a', text: 'one\ntwo\nthree\n' }, { label: 'b', text: 'one\n2\nthree\n' });
    expect(diff.same).toBe(false);
    expect(diff.lines).toEqual([
      { kind: 'hunk', text: '@@ -1,3 +1,3 @@' },
      { kind: 'context', text: 'one' },
      { kind: 'remove', text: 'two' },
      { kind: 'add', text: '2' },
      { kind: 'context', text: 'three' },
    ]);
    expect(diff.patch).toContain('--- a\n+++ b\n');
    expect(diffSources({ label: 'a', text: 'x' }, { label: 'b', text: 'x\n' }).same).toBe(true);
  });
});
