import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import {
  ClassRegistry,
  compareRecords,
  describe,
  markFrameworkBase,
  register,
  type InstanceRecord,
  type StaleReason,
} from '../../src/fingerprint/index.js';
import { NodeInputHasher } from '../../src/fingerprint/input-hasher-node.js';

// A small pipeline as real ES modules (fixtures/edit-corpus): ElevationLoader reads an input file
// through a processor; SlopeLoader takes it as a parameter, names it, and declares a helper and a
// constant in `uses`; HillshadeFigure takes a SlopeLoader and names the class. Each edit below is
// a real edit of the module text (or of a parameter, the input bytes, the spec), and states
// exactly which hashes of which class change, and why `compareRecords` says they did. A code
// change in SlopeLoader's tree also changes the instance hash of the SlopeLoader that
// HillshadeFigure takes as its `slope` parameter, hence `parameter-changed:params.slope` there.

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/edit-corpus');
const MODULES = ['helpers.mjs', 'elevation.mjs', 'slope.mjs', 'hillshade.mjs'];
const CLASSES = ['ElevationLoader', 'SlopeLoader', 'HillshadeFigure'] as const;
type ClassName = (typeof CLASSES)[number];
type HashName = 'sourceHash' | 'depTreeHash' | 'instanceHash' | 'stateHash';
const SPEC = { crs: 'EPSG:32632', resolution: 30, shape: [4, 4] };
const INPUT = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80]);

const ALL: HashName[] = ['sourceHash', 'depTreeHash', 'instanceHash', 'stateHash'];
const DEPS: HashName[] = ['depTreeHash', 'instanceHash', 'stateHash'];
const INSTANCE: HashName[] = ['instanceHash', 'stateHash'];
const STATE: HashName[] = ['stateHash'];

interface Edit {
  name: string;
  /** Text replacements: [module, search, replacement]; each search must occur. */
  code?: [string, string | RegExp, string][];
  /** Parameters instead of the defaults. */
  instances?: (classes: Classes) => Record<ClassName, object>;
  input?: Uint8Array;
  spec?: object;
  changes: Partial<Record<ClassName, HashName[]>>;
  /** Why compareRecords says each class is stale: `kind:detail`. */
  reasons: Partial<Record<ClassName, string[]>>;
}

type Classes = Record<ClassName, new (...args: any[]) => object>;

const edits: Edit[] = [
  {
    name: 'reformatting the code',
    code: [
      ['slope.mjs', 'const steepest = slopeKernel(values, Z_FACTOR);\n', 'const steepest = slopeKernel( values,Z_FACTOR )\n\n\n'],
      ['hillshade.mjs', 'constructor(slope = new SlopeLoader()) {\n    super();', 'constructor(slope = new SlopeLoader()) { super();'],
      ['helpers.mjs', 'if (diff > best) best = diff;', 'if (diff>best)\n      best   =   diff'],
    ],
    changes: {},
    reasons: {},
  },
  {
    name: 'adding comments',
    code: [
      ['slope.mjs', '  compute(values) {', '  /** Slope in degrees or percent. */\n  compute(values /* heights */) {'],
      ['helpers.mjs', '  let best = 0;', '  // steepest neighbour difference\n  let best = 0;'],
    ],
    changes: {},
    reasons: {},
  },
  {
    name: 'renaming local variables and parameters',
    code: [
      ['slope.mjs', /steepest/g, 'maxRise'],
      ['slope.mjs', /values/g, 'heights'],
      ['helpers.mjs', /\bbest\b/g, 'top'],
      ['helpers.mjs', /\bdiff\b/g, 'delta'],
    ],
    changes: {},
    reasons: {},
  },
  {
    name: 'reordering imports',
    code: [
      [
        'slope.mjs',
        "import { ElevationLoader } from './elevation.mjs';\nimport { Z_FACTOR, slopeKernel } from './helpers.mjs';",
        "import { slopeKernel, Z_FACTOR } from './helpers.mjs';\nimport { ElevationLoader } from './elevation.mjs';",
      ],
    ],
    changes: {},
    reasons: {},
  },
  {
    name: 'adding an unrelated function to a helper module',
    code: [['helpers.mjs', 'export const Z_FACTOR = 1;', 'export const Z_FACTOR = 1;\n\nexport function unused() {\n  return 42;\n}']],
    changes: {},
    reasons: {},
  },
  {
    name: 'changing a literal in a class',
    code: [['hillshade.mjs', '* 0.5', '* 0.6']],
    changes: { HillshadeFigure: ALL },
    reasons: { HillshadeFigure: ['source-changed:HillshadeFigure'] },
  },
  {
    name: 'changing an operator in a helper',
    code: [['helpers.mjs', 'diff > best', 'diff >= best']],
    changes: { SlopeLoader: DEPS, HillshadeFigure: DEPS },
    reasons: {
      SlopeLoader: ['dependency-changed:SlopeLoader.uses.slopeKernel'],
      HillshadeFigure: ['dependency-changed:SlopeLoader.uses.slopeKernel', 'parameter-changed:params.slope'],
    },
  },
  {
    name: 'changing a method body',
    code: [['slope.mjs', 'steepest * 100', 'steepest * 1000']],
    changes: { SlopeLoader: ALL, HillshadeFigure: DEPS },
    reasons: {
      SlopeLoader: ['source-changed:SlopeLoader'],
      HillshadeFigure: ['dependency-changed:SlopeLoader', 'parameter-changed:params.slope'],
    },
  },
  {
    name: 'changing a constant in uses',
    code: [['helpers.mjs', 'Z_FACTOR = 1', 'Z_FACTOR = 2']],
    // The constant's value is read into the class's canonical code, as Rolldown inlines it into a
    // bundle: the source hash changes too.
    changes: { SlopeLoader: ALL, HillshadeFigure: DEPS },
    reasons: {
      SlopeLoader: ['source-changed:SlopeLoader', 'dependency-changed:SlopeLoader.uses.Z_FACTOR'],
      HillshadeFigure: ['dependency-changed:SlopeLoader', 'dependency-changed:SlopeLoader.uses.Z_FACTOR', 'parameter-changed:params.slope'],
    },
  },
  {
    name: 'calling another helper',
    code: [
      ['helpers.mjs', 'export const Z_FACTOR = 1;', 'export const Z_FACTOR = 1;\n\nexport function meanRise(values, zFactor) {\n  return (Math.abs(values.at(-1) - values[0]) * zFactor) / values.length;\n}'],
      ['slope.mjs', "import { Z_FACTOR, slopeKernel } from './helpers.mjs';", "import { Z_FACTOR, meanRise } from './helpers.mjs';"],
      ['slope.mjs', 'static uses = { slopeKernel, Z_FACTOR };', 'static uses = { meanRise, Z_FACTOR };'],
      ['slope.mjs', 'const steepest = slopeKernel(values, Z_FACTOR);', 'const steepest = meanRise(values, Z_FACTOR);'],
    ],
    changes: { SlopeLoader: ALL, HillshadeFigure: DEPS },
    reasons: {
      SlopeLoader: ['source-changed:SlopeLoader', 'dependency-changed:SlopeLoader.uses.meanRise', 'dependency-changed:SlopeLoader.uses.slopeKernel'],
      HillshadeFigure: [
        'dependency-changed:SlopeLoader',
        'dependency-changed:SlopeLoader.uses.meanRise',
        'dependency-changed:SlopeLoader.uses.slopeKernel',
        'parameter-changed:params.slope',
      ],
    },
  },
  {
    name: 'changing an upstream class',
    code: [['elevation.mjs', "resampling: 'bilinear'", "resampling: 'cubic'"]],
    changes: { ElevationLoader: ALL, SlopeLoader: DEPS, HillshadeFigure: DEPS },
    reasons: {
      ElevationLoader: ['source-changed:ElevationLoader', 'processor-changed'],
      SlopeLoader: ['dependency-changed:ElevationLoader', 'parameter-changed:params.dem'],
      HillshadeFigure: ['dependency-changed:ElevationLoader', 'parameter-changed:params.slope'],
    },
  },
  {
    name: 'changing a parameter',
    instances: (c) => ({
      ElevationLoader: new c.ElevationLoader(),
      SlopeLoader: new c.SlopeLoader(undefined, 'percent'),
      HillshadeFigure: new c.HillshadeFigure(new c.SlopeLoader(undefined, 'percent')),
    }),
    changes: { SlopeLoader: INSTANCE, HillshadeFigure: INSTANCE },
    reasons: { SlopeLoader: ['parameter-changed:params.units'], HillshadeFigure: ['parameter-changed:params.slope'] },
  },
  {
    name: "changing the input file's bytes (same size)",
    input: new Uint8Array([10, 20, 30, 40, 50, 60, 70, 81]),
    changes: { ElevationLoader: INSTANCE, SlopeLoader: INSTANCE, HillshadeFigure: INSTANCE },
    reasons: {
      ElevationLoader: ['input-changed'],
      SlopeLoader: ['parameter-changed:params.dem'],
      HillshadeFigure: ['parameter-changed:params.slope'],
    },
  },
  {
    name: 'changing the spec',
    spec: { ...SPEC, resolution: 10 },
    changes: { ElevationLoader: STATE, SlopeLoader: STATE, HillshadeFigure: STATE },
    reasons: { ElevationLoader: ['spec-changed'], SlopeLoader: ['spec-changed'], HillshadeFigure: ['spec-changed'] },
  },
];

let work: string;
let framework: { Data: new () => object; inputs: { dir: string } };
let baseline: Record<ClassName, InstanceRecord>;
let variantCount = 0;

/** Writes the modules (edited) to a new folder, imports them, registers the classes in a new registry. */
async function loadVariant(edit?: Edit): Promise<{ classes: Classes; registry: ClassRegistry }> {
  const dir = join(work, `variant-${variantCount++}`);
  mkdirSync(dir);
  for (const module of MODULES) {
    let text = readFileSync(join(fixtures, module), 'utf8');
    for (const [target, search, replacement] of edit?.code ?? []) {
      if (target !== module) continue;
      const edited = text.replace(search, replacement);
      expect(edited, `edit "${edit!.name}" must change ${module}`).not.toBe(text);
      text = edited;
    }
    writeFileSync(join(dir, module), text);
  }
  // One at a time: concurrent dynamic imports of modules that import each other can make
  // vitest's module runner evaluate a module twice (two SlopeLoader classes).
  const load = (module: string) => import(pathToFileURL(join(dir, module)).href);
  const { HillshadeFigure } = await load('hillshade.mjs');
  const { SlopeLoader } = await load('slope.mjs');
  const { ElevationLoader } = await load('elevation.mjs');
  const registry = new ClassRegistry();
  for (const cls of [ElevationLoader, SlopeLoader, HillshadeFigure]) register(cls, undefined, registry);
  return { classes: { ElevationLoader, SlopeLoader, HillshadeFigure }, registry };
}

async function recordsOf(edit?: Edit): Promise<Record<ClassName, InstanceRecord>> {
  const { classes, registry } = await loadVariant(edit);
  const inputDir = join(work, `inputs-${variantCount}`);
  mkdirSync(inputDir);
  writeFileSync(join(inputDir, 'elevation.bin'), edit?.input ?? INPUT);
  framework.inputs.dir = inputDir;
  const instances = edit?.instances?.(classes) ?? {
    ElevationLoader: new classes.ElevationLoader(),
    SlopeLoader: new classes.SlopeLoader(),
    HillshadeFigure: new classes.HillshadeFigure(),
  };
  const options = {
    registry,
    knownNames: ['Reprojector', 'inputFile'],
    inputHasher: new NodeInputHasher(join(work, 'input-digests.json')),
    strict: true,
  };
  const records = {} as Record<ClassName, InstanceRecord>;
  for (const name of CLASSES) records[name] = await describe(instances[name], edit?.spec ?? SPEC, options);
  return records;
}

function summarise(reason: StaleReason): string {
  switch (reason.kind) {
    case 'source-changed':
      return `${reason.kind}:${reason.className}`;
    case 'dependency-changed':
      return `${reason.kind}:${reason.dependency}`;
    case 'parameter-changed':
    case 'parameter-added':
    case 'parameter-removed':
      return `${reason.kind}:${reason.path}`;
    default:
      return reason.kind;
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-fingerprint-edits-'));
  cpSync(join(fixtures, 'framework.mjs'), join(work, 'framework.mjs'));
  framework = await import(pathToFileURL(join(work, 'framework.mjs')).href);
  markFrameworkBase(framework.Data);
  baseline = await recordsOf();
});

afterAll(() => {
  if (work) rmSync(resolve(work), { recursive: true, force: true });
});

group('the edit corpus', () => {
  it('starts from a pipeline with no unhashed references and distinct hashes per class', () => {
    for (const name of CLASSES) expect(baseline[name].unhashed).toEqual([]);
    expect(new Set(CLASSES.map((name) => baseline[name].sourceHash)).size).toBe(3);
    expect(Object.keys(baseline.HillshadeFigure.tree.nodes).sort()).toEqual([
      'ElevationLoader',
      'HillshadeFigure',
      'SlopeLoader',
      'SlopeLoader.uses.Z_FACTOR',
      'SlopeLoader.uses.slopeKernel',
    ]);
  });

  for (const edit of edits) {
    it(`${edit.name}: changes exactly the expected hashes, for the expected reasons`, async () => {
      const records = await recordsOf(edit);
      for (const name of CLASSES) {
        const changed = ALL.filter((hash) => records[name][hash] !== baseline[name][hash]);
        expect(changed, `${name} after ${edit.name}`).toEqual(edit.changes[name] ?? []);
        const reasons = compareRecords(records[name], baseline[name]).map(summarise);
        expect(reasons, `${name} after ${edit.name}`).toEqual(edit.reasons[name] ?? []);
      }
    });
  }
});
