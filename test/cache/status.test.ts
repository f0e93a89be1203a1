import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  PipelineError,
  classes,
  codeVersions,
  entries,
  entryDetails,
  explainEntry,
  sourceHash,
  defaultRegistry,
  status,
} from '../../src/node.js';
import { analyseClass } from '../../src/fingerprint/dependencies.js';
import { useTempCache } from '../helpers/cache.js';
import { buildScenario, type Scenario } from './scenario.js';

const dependencyTreeHash = (cls: Function) => analyseClass(cls).depTreeHash;
const metaOf = (s: Scenario, folder: string, hash: string) => JSON.parse(readFileSync(join(s.root, folder, hash, 'meta.json'), 'utf8'));

describe('status and classes', () => {
  useTempCache('geodata-status');

  it('counts every entry by state, and the code registry', async () => {
    await buildScenario();
    const result = await status();
    expect(result.entries.count).toBe(15);
    expect(result.entries.states).toEqual({ fresh: 3, stale: 7, 'input-changed': 1, unknown: 1, damaged: 2, incomplete: 1 });
    // Eight class versions, and three dependencies found in the scenario's module: CopyInput (the
    // processor FromFile's body names), and readFile and writeFile of node:fs/promises.
    expect(result.source.codeVersions).toBe(11);
    expect(result.source.snapshots).toBe(8);
  });

  it('says which classes are stale, by their own code or by a dependency, and which are unknown', async () => {
    const s = await buildScenario();
    const list = await classes();
    expect(list.map((c) => [c.className, c.objectType, c.state, c.registered])).toEqual([
      ['Chart', 'figure', 'stale', true],
      ['Constant', 'data', 'fresh', true],
      // Their code is unchanged, but their only entries are not fresh (an upstream entry, an input
      // file changed): a class is fresh only when one of its entries is.
      ['Doubled', 'data', 'stale', true],
      ['Extreme', 'data', 'fresh', true],
      ['FromFile', 'data', 'stale', true],
      ['Gone', 'data', 'unknown', false],
      ['Label', 'data', 'stale', true],
    ]);
    const byName = Object.fromEntries(list.map((c) => [c.className, c]));
    expect(byName.Chart).toMatchObject({ codeStale: false, staleDependencies: ['Constant'] });
    expect(byName.Label).toMatchObject({ codeStale: true, staleDependencies: [] });
    expect(byName.Label!.live!.sourceHash).toBe(sourceHash(defaultRegistry.get('Label')!));
    expect(byName.Label!.stored!.sourceHash).toBe(metaOf(s, 'data_processed', s.hashes.labelV1).source_hash);
    expect(byName.Label!.live!.sourceHash).not.toBe(byName.Label!.stored!.sourceHash);
    expect(byName.Gone!.live).toBeNull();
    expect(byName.Constant!.versions).toBe(2);
    expect(byName.Constant!.entries.count).toBe(6);
    expect(byName.Constant!.entries.states).toMatchObject({ fresh: 1, stale: 4, damaged: 1 });
    expect(byName.Constant!.stored!.sourceHash).toBe(metaOf(s, 'data_processed', s.hashes.truncated).source_hash);
    expect(byName.Extreme!.entries.newest).toBe(metaOf(s, 'data_processed', s.hashes.extremeMax).finished_at);
    expect(byName.FromFile!.entries.states['input-changed']).toBe(1);
    expect(byName.FromFile).toMatchObject({ codeStale: false });
  });
});

describe('entries, entryDetails and explainEntry', () => {
  useTempCache('geodata-entries');

  it('lists the entries of one class and state, and filters by parameters', async () => {
    const s = await buildScenario();
    const h = s.hashes;
    const sorted = (hashes: string[]) => hashes.sort();
    expect((await entries({ className: 'Constant', state: 'stale' })).map((e) => e.stateHash)).toEqual(sorted([h.constant1v1, h.constant2v1, h.constant3v1, h.oldFormat]));
    expect((await entries({ filter: { value: '1' } })).map((e) => e.stateHash)).toEqual(sorted([h.constant1v1, h.constant1v2]));
    expect((await entries({ filter: { value: 1 } })).map((e) => e.stateHash)).toEqual(sorted([h.constant1v1, h.constant1v2]));
    expect((await entries({ filter: { 'source.$data': 'Constant' } })).map((e) => e.stateHash)).toEqual([h.doubled]);
    const [fresh] = await entries({ className: 'Constant', state: 'fresh' });
    expect(fresh).toMatchObject({ stateHash: h.constant1v2, outputFile: 'constant.txt', parameters: { value: 1 }, reasons: [] });
  });

  it('gives everything stored about one entry by a unique prefix', async () => {
    const s = await buildScenario();
    const details = await entryDetails(s.hashes.extremeMin.slice(0, 10));
    expect(details.stateHash).toBe(s.hashes.extremeMin);
    expect(details.meta!.co_outputs).toEqual([s.hashes.extremeMax]);
    expect(details.parameters).toEqual({ which: 'min' });
    expect((details.spec as { crs: string }).crs).toBe('EPSG:4326');
    expect(details.files.map((f) => [f.key.split('/').pop(), f.key.endsWith('extreme.txt') ? f.bytes : 'json'])).toEqual([
      ['extreme.txt', 6],
      ['meta.json', 'json'],
      ['parameters.json', 'json'],
      ['spec.json', 'json'],
    ]);
  });

  it('explains a stale entry by the dependency that changed, an input change, and a fresh entry', async () => {
    const s = await buildScenario();
    const h = s.hashes;
    const chartMeta = metaOf(s, 'figures', h.chart);
    const constantTree = JSON.parse(readFileSync(join(s.root, '.source', 'snapshots', chartMeta.dep_tree_hash, 'tree.json'), 'utf8'));
    const liveConstant = sourceHash(defaultRegistry.get('Constant')!);
    const chart = await explainEntry(h.chart.slice(0, 8));
    expect(chart.state).toBe('stale');
    expect(chart.summary).toEqual([
      `entry ${h.chart.slice(0, 12)} of Chart is stale: the code loaded now can no longer reach it, and clean-cache removes it, because`,
      `Constant's code changed (${constantTree.nodes.Constant.sourceHash.slice(0, 12)} → ${liveConstant.slice(0, 12)}), and Chart depends on it`,
    ]);
    const fromFile = await explainEntry(h.fromFile);
    expect(fromFile.state).toBe('input-changed');
    expect(fromFile.reasons).toEqual([{ kind: 'input-changed', id: s.inputPath, from: metaOf(s, 'data_processed', h.fromFile).inputs[0].sha256, to: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const fresh = await explainEntry(h.constant1v2);
    expect(fresh.summary).toEqual([`entry ${h.constant1v2.slice(0, 12)} of Constant matches the code loaded now: loading the same parameters and spec reads it from the cache`]);
    const doubled = await explainEntry(h.doubled);
    const constantParameterTree = metaOf(s, 'data_processed', h.doubled).key_dependencies.classes.Constant;
    expect(doubled.summary.slice(1)).toEqual([
      `parameter class Constant's code or dependencies changed (tree ${constantParameterTree.slice(0, 12)} → ${dependencyTreeHash(defaultRegistry.get('Constant')!).slice(0, 12)})`,
    ]);
  });

  it('refuses unknown, ambiguous and malformed hash prefixes with errors that say so', async () => {
    const s = await buildScenario();
    await expect(explainEntry('0123456789abcdef')).rejects.toThrow(PipelineError);
    await expect(explainEntry('0123456789abcdef')).rejects.toThrow(/no cache entry has a hash starting with 0123456789abcdef/);
    const twin = `${s.hashes.chart.slice(0, 20)}${'0'.repeat(44)}`;
    await mkdir(join(s.root, 'data_processed', twin), { recursive: true });
    await writeFile(join(s.root, 'data_processed', twin, 'x.txt'), 'x');
    await expect(entryDetails(s.hashes.chart.slice(0, 20))).rejects.toThrow(/hash prefix [0-9a-f]{20} is ambiguous: it matches 2 entries/);
    await expect(entryDetails('not-hex')).rejects.toThrow(InvalidInputError);
  });
});

describe('codeVersions', () => {
  useTempCache('geodata-code-versions');

  it("lists a class's stored versions oldest first, with the live one, its entries and its source", async () => {
    const s = await buildScenario();
    const versions = await codeVersions({ className: 'Constant', includeSource: true });
    expect(versions.map((v) => [v.sourceHash, v.live, v.entries])).toEqual([
      [metaOf(s, 'data_processed', s.hashes.constant1v1).source_hash, false, 4],
      [metaOf(s, 'data_processed', s.hashes.constant1v2).source_hash, true, 3],
    ]);
    expect(versions[0]!.source).toContain('constant ${this.value}');
    expect(versions[1]!.source).toContain('constant v2 ${this.value}');
    expect(versions[0]!.firstRegistered! <= versions[1]!.firstRegistered!).toBe(true);
  });
});
