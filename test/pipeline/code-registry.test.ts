import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/sha256.js';
import type { TreeRecord } from '../../src/fingerprint/index.js';
import { packageExportText, recordCode, sourceText } from '../../src/pipeline/code-registry.js';
import type { ActiveOutput } from '../../src/pipeline/active.js';
import { withConfig } from '../../src/config.js';
import { memoryStore } from '../../src/store/memory.js';

/** A package export's node as the dependency analysis makes it (dependencies.ts: `geodata-package/1`). */
const packageNode = (name: string, version: string, member: string) => ({ kind: 'value' as const, sourceHash: sha256Hex(`geodata-package/1\n${name}\n${version}\n${member}`) });

const tree: TreeRecord = {
  format_version: 1,
  root: 'UsesPackage',
  nodes: {
    UsesPackage: { kind: 'class', sourceHash: 'a'.repeat(64) },
    'tinykernel@1.4.2:tiny': packageNode('tinykernel', '1.4.2', 'tiny'),
    'proj4@2.22.0:default': packageNode('proj4', '2.22.0', 'default'),
    'node:fs:readFileSync': packageNode('node:fs', '', 'readFileSync'),
  },
  edges: [],
};

describe('the code registry text of a package export', () => {
  it('names the package, its version and the export, so the registry page shows what the node stands for', () => {
    expect(sourceText('tinykernel@1.4.2:tiny', tree)).toBe(
      '// The export tiny of the package tinykernel, version 1.4.2.\n' +
        '// Code outside the project: the package name, its version and the export name are fingerprinted, not its code.\n' +
        'import { tiny } from "tinykernel";\n',
    );
    expect(sourceText('proj4@2.22.0:default', tree)).toMatch(/^\/\/ The default export of the package proj4, version 2\.22\.0\.\n.*\nimport proj4 from "proj4";\n$/);
    expect(sourceText('node:fs:readFileSync', tree)).toMatch(/^\/\/ The export readFileSync of the package node:fs, of unknown version\.\n.*\nimport \{ readFileSync \} from "node:fs";\n$/);
  });

  it('is not given to a node whose hash is not that package export’s, whatever its name', () => {
    const forged: TreeRecord = { ...tree, nodes: { ...tree.nodes, 'tinykernel@9.9.9:tiny': tree.nodes['tinykernel@1.4.2:tiny']! } };
    expect(packageExportText('tinykernel@9.9.9:tiny', forged)).toBeUndefined();
    expect(packageExportText('UsesPackage', tree)).toBeUndefined();
  });
});

describe('recording a run’s code', () => {
  it('gives the event loop a turn before each tree and piece of code it stores (a page is not held through all of them)', async () => {
    const events: string[] = [];
    const store = memoryStore();
    const setMany = store.setMany.bind(store);
    store.setMany = async (files) => {
      events.push(`stored ${files.map(([key]) => key.split('/').at(-1)).join(' ')}`);
      return setMany(files);
    };
    const values: TreeRecord = {
      format_version: 1,
      root: 'one',
      nodes: { one: { kind: 'value', sourceHash: '1'.repeat(64) }, two: { kind: 'value', sourceHash: '2'.repeat(64) }, three: { kind: 'value', sourceHash: '3'.repeat(64) } },
      edges: [],
    };
    const output = { identity: { record: { tree: values }, depTreeHash: 'd'.repeat(64), objectType: 'data' } } as unknown as ActiveOutput;
    // A task that keeps queueing itself, as a page's events would: it logs each turn it gets.
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      events.push('turn');
      setImmediate(tick);
    };
    setImmediate(tick);
    await withConfig({ store }, () => recordCode([output]));
    ticking = false;
    const stored = events.flatMap((event, i) => (event.startsWith('stored') ? [i] : []));
    expect(stored).toHaveLength(4); // the tree, then the three values
    for (const at of stored) expect(events[at - 1]).toBe('turn');
    expect(events.filter((e) => e.startsWith('stored')).map((e) => e.split(' ').slice(1).join(' '))).toEqual(['graph.svg tree.json', 'source.json', 'source.json', 'source.json']);
  });
});
