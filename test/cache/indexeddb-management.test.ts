import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { classes, cleanCache, cleanSourceRegistry, getConfig, indexedDbStore, memoryStore, process, status, type CleanItem, type SourceItem, type StoreAdapter } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { Label as LabelV1 } from './fixtures/classes-v1.js';
import { loadVersion1, loadVersion2, make, SPEC } from './scenario.js';

/**
 * Cache management on the stores a browser page has: IndexedDB (fake-indexeddb here; the demo
 * test cleans a real one in Chromium, with nothing stale in it) and memory. The scenario of scenario.ts writes through node:fs, so
 * this one is smaller and goes through the store only: Constant(1), Constant(2), Chart (which
 * names Constant) and Label computed with the first code version, then Constant(1) again with
 * the second (Constant and Label edited).
 */

let counter = 0;

/**
 * Each store, and how to open it afresh: what a reopened IndexedDB store lists was read from the
 * database, not from the adapter that wrote it.
 */
const STORES: Array<{ name: string; open: () => { store: StoreAdapter; reopen: () => StoreAdapter } }> = [
  {
    name: 'IndexedDB',
    open: () => {
      const dbName = `geodata-management-${++counter}`;
      return { store: indexedDbStore({ dbName }), reopen: () => indexedDbStore({ dbName }) };
    },
  },
  {
    name: 'memory',
    open: () => {
      const store = memoryStore();
      return { store, reopen: () => store };
    },
  },
];

const data = (hash: string) => `data_processed/${hash}/`;
const brief = (items: CleanItem[]) => items.map((item) => [item.key, item.className, item.state]);
const byKey = <T extends unknown[]>(rows: T[]) => rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));

async function metaOf(store: StoreAdapter, key: string): Promise<{ source_hash: string; dep_tree_hash: string }> {
  return JSON.parse(new TextDecoder().decode(await store.get(`${key}meta.json`)));
}

/** Computes the scenario in the configured store; leaves version 2 loaded. */
async function buildHistory() {
  loadVersion1();
  const constant1v1 = (await process(make.constant(1), SPEC)).stateHash;
  const constant2v1 = (await process(make.constant(2), SPEC)).stateHash;
  const chart = (await process(make.chart(), SPEC)).stateHash;
  const label = (await process(new LabelV1(), SPEC)).stateHash;
  // latest_registered has milliseconds: the edited Constant is recorded later, so it is the latest.
  await new Promise((resolve) => setTimeout(resolve, 2));
  loadVersion2();
  const constant1v2 = (await process(make.constant(1), SPEC)).stateHash;
  return { constant1v1, constant2v1, chart, label, constant1v2 };
}

describe.each(STORES)('cache management on a $name store', ({ open }) => {
  useTempCache('geodata-store-management');

  async function setUp() {
    const opened = open();
    getConfig().update({ store: opened.store });
    const h = await buildHistory();
    const stale: Array<[string, string, string]> = byKey([
      [data(h.constant1v1), 'Constant', 'stale'],
      [data(h.constant2v1), 'Constant', 'stale'],
      [`figures/${h.chart}/`, 'Chart', 'stale'],
      [data(h.label), 'Label', 'stale'],
    ]);
    return { ...opened, h, stale };
  }

  it('lists exactly the stale entries with their reasons in a dry run, and changes nothing', async () => {
    const { store, reopen, h, stale } = await setUp();
    const before = await store.keys();
    const dry = await cleanCache({ dryRun: true });
    expect(brief(dry.removed)).toEqual(stale);
    expect(brief(dry.kept)).toEqual([[data(h.constant1v2), 'Constant', 'fresh']]);
    expect(dry.unknown).toEqual([]);
    const reason = (key: string) => dry.removed.find((item) => item.key === key)!.reason;
    expect(reason(data(h.constant1v1))).toMatch(/^Constant's code changed \([0-9a-f]{12} → [0-9a-f]{12}\)$/);
    expect(reason(data(h.constant2v1))).toBe(reason(data(h.constant1v1)));
    expect(reason(`figures/${h.chart}/`)).toMatch(/^Constant's code changed \([0-9a-f]{12} → [0-9a-f]{12}\), and Chart depends on it$/);
    expect(reason(data(h.label))).toMatch(/^Label's code changed \([0-9a-f]{12} → [0-9a-f]{12}\)$/);
    expect(dry.bytesFreed).toBe(dry.removed.reduce((sum, item) => sum + item.bytes, 0));
    expect(dry.bytesFreed).toBeGreaterThan(0);
    expect(await reopen().keys()).toEqual(before);
  });

  it('removes exactly the stale entries’ keys, and the fresh entry still loads from the cache', async () => {
    const { store, reopen, h, stale } = await setUp();
    const before = await store.keys();
    const report = await cleanCache();
    expect(brief(report.removed)).toEqual(stale);
    const prefixes = stale.map(([key]) => key);
    const expected = before.filter((key) => !prefixes.some((prefix) => key.startsWith(prefix)));
    expect(expected.length).toBeLessThan(before.length);
    expect(await reopen().keys()).toEqual(expected);
    expect((await cleanCache({ dryRun: true })).removed).toEqual([]);
    expect((await process(make.constant(1), SPEC)).stateHash).toBe(h.constant1v2);
    expect(await reopen().keys()).toEqual(expected);
  });

  it('prunes exactly the code versions and trees only the removed entries referenced', async () => {
    const { store, reopen, h } = await setUp();
    const constantV1 = await metaOf(store, data(h.constant1v1));
    const chart = await metaOf(store, `figures/${h.chart}/`);
    const label = await metaOf(store, data(h.label));
    await cleanCache();
    const before = await store.keys();
    const report = await cleanSourceRegistry({ minAgeMs: 0 });
    const rows = (items: SourceItem[]) => items.map((item) => [item.key, item.kind, item.className]);
    expect(rows(report.removed)).toEqual(
      byKey([
        [`.source/code/${constantV1.source_hash}/`, 'code', 'Constant'],
        [`.source/snapshots/${constantV1.dep_tree_hash}/`, 'snapshot', 'Constant'],
        [`.source/snapshots/${chart.dep_tree_hash}/`, 'snapshot', 'Chart'],
        [`.source/snapshots/${label.dep_tree_hash}/`, 'snapshot', 'Label'],
      ]),
    );
    // Label's edited version was never computed: its first version stays, as the latest stored.
    expect(report.kept.find((item) => item.key === `.source/code/${label.source_hash}/`)!.reason).toBe('the latest version of Label');
    const prefixes = report.removed.map((item) => item.key);
    expect(await reopen().keys()).toEqual(before.filter((key) => !prefixes.some((prefix) => key.startsWith(prefix))));
    expect((await cleanSourceRegistry({ minAgeMs: 0 })).removed).toEqual([]);
  });

  it('reports the stale classes and the entries by state in status() and classes()', async () => {
    const { h } = await setUp();
    const summary = await status();
    expect(summary.entries.count).toBe(5);
    expect(summary.entries.states).toEqual({ fresh: 1, stale: 4, 'input-changed': 0, unknown: 0, damaged: 0, incomplete: 0 });
    expect(summary.source).toMatchObject({ codeVersions: 4, snapshots: 4 });
    const list = await classes();
    expect(list.map((c) => [c.className, c.state, c.codeStale, c.staleDependencies, c.entries.count])).toEqual([
      ['Chart', 'stale', false, ['Constant'], 1],
      ['Constant', 'fresh', false, [], 3],
      ['Doubled', 'new', false, [], 0],
      ['Extreme', 'new', false, [], 0],
      ['FromFile', 'new', false, [], 0],
      ['Label', 'stale', true, [], 1],
    ]);
    expect(list.find((c) => c.className === 'Constant')!.versions).toBe(2);

    await cleanCache();
    expect((await status()).entries.states).toMatchObject({ fresh: 1, stale: 0 });
    expect((await classes()).find((c) => c.className === 'Constant')!.stored!.sourceHash).toBe((await metaOf(getConfig().store, data(h.constant1v2))).source_hash);
  });
});
