import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorpusClassReport } from './fixtures/toolchain-corpus/hash-corpus.js';
import {
  type Build,
  type Reports,
  esbuildBuilds,
  hashBuilds,
  hashWithTsx,
  prepareWork,
  repo,
  tscBuilds,
  viteBuilds,
} from './toolchain-builds.js';

// Toolchain edits: the edit corpus's kind for what compilers rewrite. Each edit changes the text
// of fixtures/toolchain-edits (a real edit of TypeScript), and names the toolchains that compile
// it; the original and the edited copy are compiled by each, and the edited class's hashes must
// change (a different program), stay (the same program, spelt differently), or be refused (code
// the fingerprint cannot see). A hash that stays where it must change is a false hit (the old
// result is reused), one that changes where it must stay is a false miss (a needless recompute).

const fixtures = join(repo, 'test/fingerprint/fixtures');
const MODULES = ['toolchain-edits/pipeline.ts', 'toolchain-edits/helpers.ts', 'toolchain-corpus/collect.ts'];
const ENTRY = 'toolchain-edits/pipeline.ts';

type Toolchain = 'tsx' | 'tsx-legacy' | 'tsc-ES2020' | 'tsc-ES2022' | 'tsc-ES2022-legacy' | 'esbuild' | 'esbuild-legacy' | 'vite';
type Outcome = 'changes' | 'stays' | 'refused';

interface Edit {
  name: string;
  /** [module, search, replacement]; each search must occur. */
  code: [string, string | RegExp, string][];
  className: string;
  outcome: Outcome;
  toolchains: Toolchain[];
}

const edits: Edit[] = [
  {
    name: 'changing a static field under legacy decorators (moved out of the class)',
    code: [['pipeline.ts', 'static THRESHOLD = 5;', 'static THRESHOLD = 6;']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['tsx-legacy', 'esbuild-legacy', 'tsc-ES2020', 'tsc-ES2022-legacy', 'vite'],
  },
  {
    name: 'changing what a static block computes (moved out of the class below ES2022)',
    code: [['pipeline.ts', 'Thresholds.LIMIT_TWICE = LIMIT * 2;', 'Thresholds.LIMIT_TWICE = LIMIT * 3;']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['tsc-ES2020', 'tsx-legacy'],
  },
  {
    name: "changing a static arrow function's body",
    code: [['pipeline.ts', 'static double = (x: number) => x * 2;', 'static double = (x: number) => x * 3;']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['esbuild-legacy', 'tsc-ES2020'],
  },
  {
    name: 'changing an instance field that tsc moves into the constructor',
    code: [['pipeline.ts', '  factor = 2;', '  factor = 3;']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['tsc-ES2020', 'esbuild-legacy'],
  },
  {
    name: 'changing a constant in uses that Rolldown inlines',
    code: [['helpers.ts', 'export const LIMIT = 3;', 'export const LIMIT = 4;']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['vite', 'tsx'],
  },
  {
    name: 'changing an enum member that esbuild inlines into a bundle',
    code: [['helpers.ts', 'Fast = 10,', 'Fast = 11,']],
    className: 'Thresholds',
    outcome: 'changes',
    toolchains: ['esbuild', 'tsx'],
  },
  {
    name: "changing a private method's body under legacy decorators (compiled out of the class)",
    code: [['pipeline.ts', 'return x * 2;\n  }\n\n  run', 'return x * 3;\n  }\n\n  run']],
    className: 'Counter',
    outcome: 'refused',
    toolchains: ['esbuild-legacy', 'tsx-legacy', 'tsc-ES2020'],
  },
  {
    name: "changing a private field's initial value under legacy decorators (lowered to a WeakMap)",
    code: [['pipeline.ts', '#count = 0;', '#count = 1;']],
    className: 'Tally',
    outcome: 'changes',
    toolchains: ['esbuild-legacy', 'tsc-ES2020'],
  },
  {
    name: 'renaming a private field',
    code: [['pipeline.ts', /#count/g, '#total']],
    className: 'Tally',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022', 'esbuild-legacy'],
  },
  {
    name: 'writing undefined as void 0',
    code: [['pipeline.ts', 'if (x === undefined)', 'if (x === void 0)']],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsc-ES2022', 'tsx'],
  },
  {
    name: "writing 'sh' + 'ape' as 'shape'",
    code: [['pipeline.ts', "const name = 'sh' + 'ape';", "const name = 'shape';"]],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsc-ES2022', 'tsx', 'esbuild', 'vite'],
  },
  {
    name: 'writing 1 + 2 as 3',
    code: [['pipeline.ts', '1 + 2, x > LIMIT', '3, x > LIMIT']],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsc-ES2022', 'tsx'],
  },
  {
    name: 'writing a uses constant as its value',
    code: [['pipeline.ts', 'x < LIMIT * Mode.Fast', 'x < 3 * Mode.Fast']],
    className: 'Thresholds',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: "moving a field's initial value into the constructor",
    code: [
      ['pipeline.ts', "  label = 'shape';\n", '  label: string;\n'],
      ['pipeline.ts', "  constructor() {\n    this.label += '!';", "  constructor() {\n    this.label = 'shape';\n    this.label += '!';"],
    ],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: 'renaming a label',
    code: [['pipeline.ts', /outer/g, 'rows']],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: 'writing if (found) { this.note(found); } as found && this.note(found)',
    code: [['pipeline.ts', 'if (found) {\n      this.note(found);\n    }', 'found && this.note(found);']],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: 'inlining a variable used once in the next statement',
    code: [
      ['pipeline.ts', '    const scaled = scale(x, this.factor);\n', ''],
      ['pipeline.ts', 'return scaled > Thresholds.THRESHOLD', 'return scale(x, this.factor) > Thresholds.THRESHOLD'],
    ],
    className: 'Thresholds',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: 'writing this.cache ??= [] as this.cache ?? (this.cache = [])',
    code: [['pipeline.ts', 'this.cache ??= [];', 'this.cache ?? (this.cache = []);']],
    className: 'Shapes',
    outcome: 'stays',
    toolchains: ['tsx', 'tsc-ES2022'],
  },
  {
    name: 'changing a literal the folding must not hide',
    code: [['pipeline.ts', "const name = 'sh' + 'ape';", "const name = 'sh' + 'apes';"]],
    className: 'Shapes',
    outcome: 'changes',
    toolchains: ['tsc-ES2022', 'tsx', 'esbuild'],
  },
];

const TSC_CONFIG = {
  'tsc-ES2020': { target: 'ES2020', decorators: 'tc39' },
  'tsc-ES2022': { target: 'ES2022', decorators: 'tc39' },
  'tsc-ES2022-legacy': { target: 'ES2022', decorators: 'legacy' },
} as const;

let work: string;
const reports: Reports = {};

/** Writes the original (`variant` 'original') or an edited copy of the fixtures under `work/variants`. */
function writeVariant(variant: string, edit?: Edit): string {
  for (const module of MODULES) {
    let text = readFileSync(join(fixtures, module), 'utf8');
    for (const [target, search, replacement] of edit?.code ?? []) {
      if (!module.endsWith(`/${target}`)) continue;
      const edited = text.replace(search, replacement);
      expect(edited, `edit "${edit!.name}" must change ${module}`).not.toBe(text);
      text = edited;
    }
    mkdirSync(join(work, 'variants', variant, module, '..'), { recursive: true });
    writeFileSync(join(work, 'variants', variant, module), text);
  }
  return `${variant}/${ENTRY}`;
}

function variantsFor(toolchain: Toolchain): string[] {
  return ['original', ...edits.flatMap((edit, index) => (edit.toolchains.includes(toolchain) ? [`edit-${index}`] : []))].map((variant) => `${variant}/${ENTRY}`);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-toolchain-edits-'));
  prepareWork(work);
  writeVariant('original');
  edits.forEach((edit, index) => writeVariant(`edit-${index}`, edit));
  const sources = join(work, 'variants');
  const builds: Build[] = [
    ...(await tscBuilds(
      work,
      sources,
      [...new Set(Object.keys(TSC_CONFIG).flatMap((name) => variantsFor(name as Toolchain)))],
      Object.entries(TSC_CONFIG).map(([name, config]) => ({ name, module: 'NodeNext' as const, ...config })),
    )),
    ...(await esbuildBuilds(work, sources, variantsFor('esbuild'), [{ name: 'esbuild', decorators: 'tc39' }])),
    ...(await esbuildBuilds(work, sources, variantsFor('esbuild-legacy'), [{ name: 'esbuild-legacy', decorators: 'legacy' }])),
    ...(await viteBuilds(work, sources, variantsFor('vite'), [{ name: 'vite', kind: 'ssr', minify: false }])),
  ];
  Object.assign(reports, await hashBuilds(work, builds));
  Object.assign(reports, await hashWithTsx(work, 'tsx', sources, variantsFor('tsx'), 'tc39'));
  Object.assign(reports, await hashWithTsx(work, 'tsx-legacy', sources, variantsFor('tsx-legacy'), 'legacy'));
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function classReport(toolchain: Toolchain, variant: string, className: string): CorpusClassReport {
  const key = `${toolchain}/${variant}/${ENTRY.replace(/\.ts$/, '')}`;
  const report = reports[key];
  expect(report, `${key} was not hashed`).toBeDefined();
  expect((report as { loadError?: string }).loadError, `${key} did not load`).toBeUndefined();
  const found = (report as Record<string, CorpusClassReport>)[className];
  expect(found, `${key} has no ${className}`).toBeDefined();
  return found!;
}

/** What an edit did to the class under one toolchain. */
function observed(edit: Edit, index: number, toolchain: Toolchain): Outcome | 'error' {
  const before = classReport(toolchain, 'original', edit.className);
  const after = classReport(toolchain, `edit-${index}`, edit.className);
  if ('error' in after) return /compiled into a function outside the class/.test(after.error) ? 'refused' : 'error';
  if ('error' in before) return 'error';
  return before.sourceHash === after.sourceHash && before.depTreeHash === after.depTreeHash ? 'stays' : 'changes';
}

describe('toolchain edits', () => {
  it('has at least 15 edits, each compiled by the toolchains it names', () => {
    expect(edits.length).toBeGreaterThanOrEqual(15);
    const pairs = edits.reduce((total, edit) => total + edit.toolchains.length, 0);
    expect(pairs).toBeGreaterThanOrEqual(40);
  });

  edits.forEach((edit, index) => {
    it(`${edit.name}: ${edit.className} ${edit.outcome === 'refused' ? 'is refused' : `${edit.outcome} hash`} under ${edit.toolchains.join(', ')}`, () => {
      const results = Object.fromEntries(edit.toolchains.map((toolchain) => [toolchain, observed(edit, index, toolchain)]));
      expect(results).toEqual(Object.fromEntries(edit.toolchains.map((toolchain) => [toolchain, edit.outcome])));
    });
  });

  it('counts no false hit and no false miss', () => {
    let falseHits = 0;
    let falseMisses = 0;
    edits.forEach((edit, index) => {
      for (const toolchain of edit.toolchains) {
        const got = observed(edit, index, toolchain);
        if (edit.outcome !== 'stays' && got === 'stays') falseHits++;
        if (edit.outcome === 'stays' && got === 'changes') falseMisses++;
      }
    });
    expect({ falseHits, falseMisses }).toEqual({ falseHits: 0, falseMisses: 0 });
  });
});
