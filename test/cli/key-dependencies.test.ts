import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, removeAll, runPipeline, storedEntries, tempFolder, type StoredEntry } from './cli-helpers.js';
import { geodataInProcess, geodataJsonInProcess } from './in-process.js';

const KEYS_V1 = join(FIXTURES, 'keys-v1.ts');
const KEYS_V2 = join(FIXTURES, 'keys-v2.ts');
const short = (hash: string) => hash.slice(0, 12);

/**
 * The reviewer's reproductions: code that is part of an entry's key without being part of its
 * class's dependency tree (an unregistered processor, the class of a Data parameter that is
 * never loaded) changes between two versions of a pipeline module.
 */
describe('geodata judges code outside a class tree that is part of its entries keys', () => {
  let root: string;
  let v1: Record<'made' | 'framed' | 'uses', StoredEntry>;
  let v2: Record<'made' | 'framed' | 'uses', StoredEntry>;

  beforeAll(() => {
    root = join(tempFolder('keys'), 'cache');
    expect(runPipeline(root, KEYS_V1).computed).toEqual(['Made', 'Framed', 'Uses']);
    expect(runPipeline(root, KEYS_V2).computed).toEqual(['Made', 'Framed', 'Uses']);
    const stored = storedEntries(root);
    const pick = (className: string, first: boolean) => {
      const found = stored.filter((e) => e.className === className).sort((a, b) => a.meta.finished_at.localeCompare(b.meta.finished_at));
      expect(found).toHaveLength(2);
      return found[first ? 0 : 1]!;
    };
    v1 = { made: pick('Made', true), framed: pick('Framed', true), uses: pick('Uses', true) };
    v2 = { made: pick('Made', false), framed: pick('Framed', false), uses: pick('Uses', false) };
  });
  afterAll(removeAll);

  const states = async (module: string) =>
    Object.fromEntries(
      (await geodataJsonInProcess(['entries', '-m', module, '--root', root], root)).value.map((e: { stateHash: string; className: string; state: string }) => [e.stateHash, e.state]),
    );

  it('shows the entries of the old processor and of the old parameter class as stale, and the new ones as fresh', async () => {
    expect(await states(KEYS_V2)).toEqual({
      [v1.made.hash]: 'stale',
      [v1.framed.hash]: 'stale',
      [v1.uses.hash]: 'stale',
      [v2.made.hash]: 'fresh',
      [v2.framed.hash]: 'fresh',
      [v2.uses.hash]: 'fresh',
    });
    // Judged by version 1, it is the other way round.
    expect(await states(KEYS_V1)).toEqual({
      [v1.made.hash]: 'fresh',
      [v1.framed.hash]: 'fresh',
      [v1.uses.hash]: 'fresh',
      [v2.made.hash]: 'stale',
      [v2.framed.hash]: 'stale',
      [v2.uses.hash]: 'stale',
    });
  });

  it('says which processor or parameter class changed', async () => {
    const writeV1 = v1.made.meta.processor.source_hash as string;
    const writeV2 = v2.made.meta.processor.source_hash as string;
    expect(writeV1).not.toBe(writeV2);
    const made = await geodataInProcess(['explain', '-m', KEYS_V2, '--root', root, short(v1.made.hash)], root);
    expect([made.code, made.stderr]).toEqual([0, '']);
    // Made's body names Write (`new Write()`), so Write's code is also in Made's dependency tree,
    // found in the module: it changed there too.
    expect(made.stdout).toMatch(
      new RegExp(
        `^entry ${short(v1.made.hash)} of Made is stale: the code loaded now can no longer reach it, and clean-cache removes it, because\n` +
          `  - Write's code changed \\([0-9a-f]{12} → [0-9a-f]{12}\\), and Made depends on it\n` +
          `  - processor Write's code changed \\(${short(writeV1)} → ${short(writeV2)}\\)\n$`,
      ),
    );
    const framed = (await geodataJsonInProcess(['explain', '-m', KEYS_V2, '--root', root, short(v1.framed.hash)], root)).value;
    // Framed's parameter is a Made, whose tree holds Write (Made's body names it): that changed too.
    expect(framed.summary.slice(1)).toEqual([
      `processor Write's code changed (${short(writeV1)} → ${short(writeV2)})`,
      expect.stringMatching(/^parameter class Made's code or dependencies changed \(tree [0-9a-f]{12} → [0-9a-f]{12}\)$/),
    ]);
    const sourceV1 = v1.uses.meta.key_dependencies.classes.Source as string;
    const sourceV2 = v2.uses.meta.key_dependencies.classes.Source as string;
    const uses = (await geodataJsonInProcess(['explain', '-m', KEYS_V2, '--root', root, short(v1.uses.hash)], root)).value;
    expect(uses.reasons).toEqual([{ kind: 'parameter-class-changed', className: 'Source', from: sourceV1, to: sourceV2 }]);
    expect(uses.summary.slice(1)).toEqual([`parameter class Source's code or dependencies changed (tree ${short(sourceV1)} → ${short(sourceV2)})`]);
  });

  it('removes the old entries with clean-cache and keeps the new ones', async () => {
    const copy = join(tempFolder('keys-clean'), 'cache');
    // A copy: the other tests keep the original.
    cpSync(root, copy, { recursive: true });
    const report = (await geodataJsonInProcess(['clean-cache', '-m', KEYS_V2, '--root', copy], copy)).value;
    expect(report.removed.map((item: { key: string }) => item.key).sort()).toEqual([v1.made.key, v1.framed.key, v1.uses.key].sort());
    expect(report.kept.map((item: { key: string }) => item.key).sort()).toEqual([v2.made.key, v2.framed.key, v2.uses.key].sort());
    expect(report.unknown).toEqual([]);
    for (const entry of [v1.made, v1.framed, v1.uses]) expect(existsSync(join(copy, entry.key))).toBe(false);
    for (const entry of [v2.made, v2.framed, v2.uses]) expect(existsSync(join(copy, entry.key, 'meta.json'))).toBe(true);
  });
});
