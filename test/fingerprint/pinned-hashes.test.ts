// Hashes pinned to the values computed before the fingerprint was made faster: a speed-up must
// change no hash (a changed hash makes every cache entry stale). The expected values live in
// fixtures/pinned/hashes.json; `PIN_HASHES=write npx vitest run test/fingerprint/pinned-hashes.test.ts`
// rewrites them, which only a deliberate change of the canonical form (with a version bump) may do.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseClass } from '../../src/fingerprint/dependencies.js';
import { canonicalSource } from '../../src/fingerprint/canonical-source.js';
import { canonicalSourceText, describe as describeInstance } from '../../src/fingerprint/index.js';
import { NodeModuleReader } from '../../src/fingerprint/module-reader-node.js';
import { hashCorpus } from './fixtures/toolchain-corpus/hash-corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const pinnedFile = join(here, 'fixtures/pinned/hashes.json');
const writing = process.env.PIN_HASHES === 'write';
const pinned: Record<string, unknown> = writing ? {} : (JSON.parse(readFileSync(pinnedFile, 'utf8')) as Record<string, unknown>);
const fingerprintModule = pathToFileURL(join(here, '../../src/fingerprint/index.ts')).href;
const work = mkdtempSync(join(tmpdir(), 'geodata-pinned-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (writing) {
    mkdirSync(dirname(pinnedFile), { recursive: true });
    writeFileSync(pinnedFile, `${JSON.stringify(pinned, null, 2)}\n`);
  }
});

function check(key: string, actual: unknown): void {
  if (writing) pinned[key] = actual;
  else expect(actual).toEqual(pinned[key]);
}

// A JavaScript module of many forms, registered in the module itself (as a user's code is), so
// that its classes are located in it and their free names resolved there by a module reader.
// Self-contained: vitest rewrites the names a module imports, and a class whose text differs from
// its file's is not located there.
const helpersModule = `
export const SCALE = 3;
export function rescale(values, by = SCALE) { return values.map((v) => v * by); }
export class Unregistered { twice(x) { return x * 2; } }
`;

function formsModule(chain: number): string {
  const steps = Array.from({ length: chain }, (_, i) => `
export class Step${i} extends Data {
  static uses = { helper, LIMIT };
  constructor(upstream = ${i === 0 ? 'null' : `new Step${i - 1}()`}, factor = ${i}) { super(); this.upstream = upstream; this.factor = factor; }
  compute(values) { return helper(values, this.factor).filter((value) => value < LIMIT); }
  async run(spec) { const input = this.upstream ? await this.upstream.run(spec) : [1, 2, 3]; return this.compute(input); }
}
register(Step${i}, undefined, registry);`);
  return `import { ClassRegistry, markFrameworkBase, register } from ${JSON.stringify(fingerprintModule)};
${helpersModule}export const registry = new ClassRegistry();
export class Data {}
markFrameworkBase(Data);
function helper(values, factor) { return values.map((value) => value * factor); }
const LIMIT = 10;
const NEGATIVE = -1.5;
const LABEL = 'pinned';
let counter = 0;
function bump() { counter += 1; return counter; }
function withOwnUses(x) { return x + LIMIT; }
withOwnUses.uses = { LIMIT };
${steps.join('\n')}

export class Forms extends Data {
  static THRESHOLD = 0.25;
  static uses = { rescale };
  static options = { bands: [1, 2, 3], nodata: -9999, name: 'forms' };
  #secret = 1;
  label = LABEL;
  count;
  constructor(values = [1, 2], { mode = 'fast', ...rest } = {}) {
    super();
    this.values = values;
    this.mode = mode;
    this.rest = rest;
  }
  get ext() { return 'tif'; }
  static make() { return new Forms(); }
  undef(value) { return value === undefined ? void 0 : typeof value === 'undefined'; }
  folded() { return 'a' + 'b' + \`c\${SCALE}d\` + (1 + 2) * NEGATIVE; }
  regex(text) { return /^(\\d+)-(?<name>\\w+)$/u.exec(text)?.groups?.name ?? null; }
  template(tag) { return tag\`raw \\n \${this.mode}\`; }
  *generate() { for (let i = 0; i < 3; i++) yield i; }
  async *stream() { for await (const value of this.values) yield value; }
  labelled() { outer: for (const a of this.values) { for (const b of this.values) { if (a === b) continue outer; if (a > b) break outer; } } return 1; }
  switching(kind) { switch (kind) { case 1: return 'one'; case 2: { const two = 'two'; return two; } default: return String(kind); } }
  guarded() { try { return JSON.parse(this.mode); } catch { return null; } finally { bump(); } }
  spread(...args) { const [first, , third = 3, ...others] = args; return { first, third, others, ...this.rest }; }
  optional(obj) { return obj?.a?.[0]?.(1) ?? obj ?? 0n; }
  logical(a, b) { a ||= b; a &&= b; a ??= 1; return a ** 2 >>> 1; }
  computed() { const key = 'dyn'; return { [key]: 1, [\`\${key}2\`]: 2, 'quoted key': 3, 4: 4 }; }
  helpers() { return [rescale(this.values), new Unregistered().twice(SCALE), withOwnUses(1), bump()]; }
  priv() { return this.#secret + Forms.THRESHOLD; }
  static { this.initialised = true; }
}
register(Forms, undefined, registry);

export class Child extends Forms {
  extra() { return super.priv() + Step0.name.length; }
}
register(Child, undefined, registry);

export const Expressed = class extends Data {
  run() { return [LIMIT, LABEL, helper([1], 2)]; }
};
register(Expressed, undefined, registry);

export function factory(offset) {
  class Inner extends Data { shift(x) { return x + offset + LIMIT; } }
  return Inner;
}
const Made = factory(1);
register(Made, undefined, registry);
export { Made };

class Standalone { static BASE = 2; area(r) { return Math.PI * r ** 2 * Standalone.BASE; } }
export { Standalone };
`;
}

describe('pinned hashes (a faster fingerprint changes none)', () => {
  it('of classes located in a JavaScript module and resolved there', async () => {
    const dir = join(work, 'js');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'forms.mjs'), formsModule(12));
    const module = (await import(pathToFileURL(join(dir, 'forms.mjs')).href)) as Record<string, any>;
    const reader = new NodeModuleReader();
    const names = ['Step11', 'Step3', 'Forms', 'Child', 'Expressed', 'Made'];
    const analyses: Record<string, unknown> = {};
    for (const name of names) {
      const cls = name === 'Made' ? module.Made : module[name];
      const analysis = analyseClass(cls, module.registry, reader);
      analyses[name] = {
        sourceHash: analysis.sourceHash,
        depTreeHash: analysis.depTreeHash,
        unresolved: analysis.unresolved.map((ref) => `${ref.className}:${ref.identifier}`),
        tree: analysis.tree,
      };
    }
    check('module classes', analyses);
    const record = await describeInstance(new module.Step11(), { crs: 'EPSG:4326' }, { registry: module.registry, moduleReader: reader });
    check('Step11 state', { instanceHash: record.instanceHash, stateHash: record.stateHash });
    const forms = await describeInstance(new module.Child([4, 5], { mode: 'slow', z: 1 }), { crs: 'EPSG:3857' }, { registry: module.registry, moduleReader: reader });
    check('Child state', { instanceHash: forms.instanceHash, stateHash: forms.stateHash });
  });

  it('of the same classes read from their own text only (no module)', async () => {
    const dir = join(work, 'text');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'forms.mjs'), formsModule(3));
    const module = (await import(pathToFileURL(join(dir, 'forms.mjs')).href)) as Record<string, any>;
    const hashes: Record<string, unknown> = {};
    for (const name of ['Step2', 'Forms', 'Child', 'Expressed', 'Made', 'Standalone', 'factory']) {
      const source = canonicalSource(module[name]);
      hashes[name] = { hash: source.hash, free: source.free, text: canonicalSourceText(module[name]) };
    }
    check('canonical sources', hashes);
  });

  it('of every form of the differential corpus', async () => {
    const report = await hashCorpus(pathToFileURL(join(here, 'fixtures/toolchain-corpus/forms.ts')).href);
    const summary = Object.fromEntries(
      Object.entries(report).map(([name, entry]) => [name, 'error' in entry ? `error: ${entry.errorType}` : [entry.sourceHash, entry.depTreeHash, ...entry.unresolved]]),
    );
    expect(Object.keys(summary).length).toBeGreaterThan(30);
    check('corpus', summary);
  });
});
