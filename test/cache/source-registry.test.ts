import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classes, cleanCache, cleanSourceRegistry, defaultRegistry, rebuildRegistry, sourceHash, type SourceItem } from '../../src/node.js';
import { dependencyTree } from '../../src/fingerprint/index.js';
import { treeSvg } from '../../src/pipeline/code-registry.js';
import { useTempCache } from '../helpers/cache.js';
import { backdate, buildScenario, listTree, type Scenario } from './scenario.js';

const metaOf = (s: Scenario, folder: string, hash: string) => JSON.parse(readFileSync(join(s.root, folder, hash, 'meta.json'), 'utf8'));
const brief = (items: SourceItem[]) => items.map((item) => [item.kind, item.className, item.hash]);

describe('cleanSourceRegistry', () => {
  useTempCache('geodata-clean-source');

  /**
   * After cleanCache: the code and trees only removed entries referenced, and that no class
   * loaded now uses. Read before cleaning (the metas go with the entries).
   */
  function expectedRemoved(s: Scenario): Array<[string, string, string]> {
    const constantV1 = metaOf(s, 'data_processed', s.hashes.constant1v1);
    const rows: Array<[string, string, string]> = [
      ['code', 'Constant', constantV1.source_hash],
      ['snapshot', 'Constant', constantV1.dep_tree_hash],
      ['snapshot', 'Chart', metaOf(s, 'figures', s.hashes.chart).dep_tree_hash],
      ['snapshot', 'Label', metaOf(s, 'data_processed', s.hashes.labelV1).dep_tree_hash],
    ];
    const key = ([kind, , hash]: [string, string, string]) => `.source/${kind === 'code' ? 'code' : 'snapshots'}/${hash}/`;
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  }

  it('removes versions no entry references, and keeps the latest version of each class and the code loaded now', async () => {
    const s = await buildScenario();
    const labelV1 = metaOf(s, 'data_processed', s.hashes.labelV1).source_hash;
    const expected = expectedRemoved(s);
    await cleanCache();
    const report = await cleanSourceRegistry({ minAgeMs: 0 });
    expect(brief(report.removed)).toEqual(expected);
    for (const item of report.removed) expect(existsSync(join(s.root, item.key))).toBe(false);
    const kept = Object.fromEntries(report.kept.map((item) => [`${item.kind} ${item.className} ${item.hash.slice(0, 12)}`, item.reason]));
    // Label's only stored version is not referenced any more, but it is Label's latest.
    expect(kept[`code Label ${labelV1.slice(0, 12)}`]).toBe('the latest version of Label');
    expect(kept[`code Doubled ${sourceHash(defaultRegistry.get('Doubled')!).slice(0, 12)}`]).toBe('the code of Doubled as loaded now');
    expect(kept[`code Gone ${metaOf(s, 'data_processed', s.hashes.gone).source_hash.slice(0, 12)}`]).toBe(`referenced by entry ${s.hashes.gone.slice(0, 12)} (Gone)`);
    // 16 versions and 3 dependencies the scenario's module resolves (CopyInput, readFile, writeFile); 4 removed.
    expect(report.kept).toHaveLength(19 - 4);
    expect(report.bytesFreed).toBe(report.removed.reduce((sum, item) => sum + item.bytes, 0));
  });

  it('keeps versions written in the last few minutes, and removes them once older', async () => {
    const s = await buildScenario();
    const expected = expectedRemoved(s);
    await cleanCache();
    const recent = await cleanSourceRegistry();
    expect(recent.removed).toEqual([]);
    // The three snapshots are kept for their age, and the old Constant code because they name it.
    expect(brief(recent.kept.filter((item) => item.reason === 'written in the last few minutes'))).toEqual(expected.filter(([kind]) => kind === 'snapshot'));
    const [, , constantV1] = expected.find(([kind]) => kind === 'code')!;
    expect(recent.kept.find((item) => item.hash === constantV1)!.reason).toMatch(/^named by kept snapshot [0-9a-f]{12}$/);
    await backdate(join(s.root, '.source'), 10 * 60_000);
    expect(brief((await cleanSourceRegistry()).removed)).toEqual(expected);
  });

  it('changes nothing in a dry run, and reports exactly what the real run then removes', async () => {
    const s = await buildScenario();
    await cleanCache();
    const before = await listTree(join(s.root, '.source'));
    const dry = await cleanSourceRegistry({ dryRun: true, minAgeMs: 0 });
    expect(await listTree(join(s.root, '.source'))).toEqual(before);
    expect(await cleanSourceRegistry({ minAgeMs: 0 })).toEqual(dry);
  });
});

describe('rebuildRegistry', () => {
  useTempCache('geodata-rebuild-registry');

  it('writes the code and trees of the classes loaded now, without touching entries', async () => {
    const s = await buildScenario();
    const entriesBefore = await listTree(join(s.root, 'data_processed'));
    await rm(join(s.root, '.source', 'code'), { recursive: true });
    await rm(join(s.root, '.source', 'snapshots'), { recursive: true });
    const report = await rebuildRegistry();
    const registered = ['Chart', 'Constant', 'Doubled', 'Extreme', 'FromFile', 'Label'];
    expect(report.failed).toEqual([]);
    // The classes, and what their module resolves their bodies to: CopyInput, readFile, writeFile.
    const fromFile = dependencyTree(defaultRegistry.get('FromFile')!).nodes;
    const dependencies = ['CopyInput', 'node:fs/promises:readFile', 'node:fs/promises:writeFile'].map((name) => [name, fromFile[name]!.sourceHash, 'added']);
    expect(report.written.filter((w) => w.kind === 'code').map((w) => [w.className, w.hash, w.action]).sort()).toEqual(
      [...registered.map((name) => [name, sourceHash(defaultRegistry.get(name)!), 'added']), ...dependencies].sort(),
    );
    expect(report.written.filter((w) => w.kind === 'snapshot').map((w) => w.className).sort()).toEqual(registered);
    expect(await listTree(join(s.root, 'data_processed'))).toEqual(entriesBefore);
    const constant = sourceHash(defaultRegistry.get('Constant')!);
    expect(readFileSync(join(s.root, '.source', 'code', constant, 'source.js'), 'utf8')).toContain('constant v2 ${this.value}');
    const record = JSON.parse(readFileSync(join(s.root, '.source', 'code', constant, 'source.json'), 'utf8'));
    expect(record).toMatchObject({ class_name: 'Constant', object_type: 'data', source_hash: constant });

    for (const name of registered) {
      const tree = dependencyTree(defaultRegistry.get(name)!);
      const written = report.written.find((w) => w.kind === 'snapshot' && w.className === name)!;
      expect(JSON.parse(readFileSync(join(s.root, written.key, 'tree.json'), 'utf8'))).toEqual(tree);
      // The same drawing a computation stores beside its tree.
      expect(readFileSync(join(s.root, written.key, 'graph.svg'), 'utf8')).toBe(treeSvg(tree));
    }
    // The old trees are gone for good: Chart is still judged stale, without naming the dependency.
    const chart = (await classes()).find((c) => c.className === 'Chart')!;
    expect([chart.state, chart.staleDependencies]).toEqual(['stale', ['(dependencies: the tree snapshot is missing)']]);

    const again = await rebuildRegistry();
    expect(again.written.map((w) => [w.kind, w.action])).toEqual([...registered, ...dependencies].map(() => ['code', 'updated']));
    const later = JSON.parse(readFileSync(join(s.root, '.source', 'code', constant, 'source.json'), 'utf8'));
    expect(later.first_registered).toBe(record.first_registered);
    expect(later.latest_registered >= record.latest_registered).toBe(true);
  });
});
