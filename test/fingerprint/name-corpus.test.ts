import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, type CorpusResults, misjudged, runCorpus, SRC } from './fixtures/names/cases.js';

// What a free name of a class means, edit by edit, in real modules on disk (see
// fixtures/names/cases.ts): edits that change what the code does must change the class's
// depTreeHash, edits that do not must leave every hash as it was.

let work: string;
let results: CorpusResults;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-name-corpus-'));
  results = await runCorpus(SRC, work);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the name corpus', () => {
  it('holds at least 20 edits that change what the code does, and edits that change nothing', () => {
    expect(cases.filter((c) => c.expect === 'changes').length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.expect === 'same').length).toBeGreaterThanOrEqual(8);
  });

  cases.forEach((c, index) => {
    const verb = c.expect === 'changes' ? 'changes' : 'keeps';
    it(`${c.name}: ${verb} the depTreeHash of ${c.target}, with nothing unhashed`, () => {
      const before = results[join(work, `${index}-before`)]![c.target]!;
      const after = results[join(work, `${index}-after`)]![c.target]!;
      expect(before.unhashed).toEqual(c.unhashed ?? []);
      if (c.expect === 'changes') expect(after.depTreeHash).not.toBe(before.depTreeHash);
      else expect(after).toEqual(before);
    });
  });

  it('misjudges no edit: no false hit, reported or silent, and no false miss', () => {
    expect(misjudged(results, work)).toEqual({ falseHits: [], reportedHits: [], falseMisses: [] });
  });
});
