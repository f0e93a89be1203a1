// Fingerprint cost for a generated pipeline of 100 classes, cold (first time: parse and
// canonicalise) and warm (memoised); then for chains of 100 and 400 classes, each taking the one
// before as a parameter, written in a real module and resolved there. Run: npx tsx bench/fingerprint.ts
//
// Each class is about 60 lines, names two other classes, declares a helper and a constant in
// `static uses`, and most take the previous class's instance as a parameter (chains of up to 10).
// Cold figures are medians over fresh evaluations of the same source (new class objects), so
// nothing is memoised; raw acorn parsing of the same text is timed alongside for scale.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { ClassRegistry, fingerprint, markFrameworkBase, register, sourceHash, type FingerprintOptions } from '../src/fingerprint/index.js';
import { median as medianOf } from './lib/timing.js';

const CLASSES = 100;
const HELPERS = 20;
const COLD_ROUNDS = 7;
const WARM_ROUNDS = 50;

class Data {}
markFrameworkBase(Data);

function helperSource(index: number): string {
  return `function helper${index}(values, factor) {
    let total = 0;
    for (const value of values) total += Math.abs(value) * factor + ${index};
    return total / Math.max(values.length, 1);
  }`;
}

function classSource(index: number): string {
  const upstream = index % 10 === 0 ? 'null' : `new Step${index - 1}()`;
  const named = index >= 7 ? `Step${index - 7}` : 'null';
  return `class Step${index} extends Data {
    static uses = { helper${index % HELPERS}, LIMIT${index % 5} };
    constructor(upstream = ${upstream}, zFactor = ${index}, units = 'degrees') {
      super();
      this.upstream = upstream;
      this.zFactor = zFactor;
      this.units = units;
      this.options = { bands: [1, 2, 3], nodata: -9999, label: 'step ${index}' };
    }
    get ext() { return 'tif'; }
    describeStep() {
      const parts = [this.units, String(this.zFactor), this.options.label];
      return parts.filter((part) => part.length > 0).join(' / ');
    }
    compute(values) {
      const scaled = values.map((value) => value * this.zFactor);
      const mean = helper${index % HELPERS}(scaled, 2);
      if (mean > LIMIT${index % 5}) {
        return scaled.map((value) => Math.min(value, LIMIT${index % 5}));
      }
      const sorted = [...scaled].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      return scaled.map((value) => (value - median) / (mean || 1));
    }
    neighbours(grid, row, column) {
      const result = [];
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if (dr === 0 && dc === 0) continue;
          const r = row + dr;
          const c = column + dc;
          if (r < 0 || c < 0 || r >= grid.length || c >= grid[0].length) continue;
          result.push(grid[r][c]);
        }
      }
      return result;
    }
    slope(grid) {
      return grid.map((line, row) => line.map((_, column) => {
        const around = this.neighbours(grid, row, column);
        const steepest = Math.max(...around.map((value) => Math.abs(value - grid[row][column])));
        return this.units === 'degrees' ? Math.atan(steepest) * 180 / Math.PI : steepest * 100;
      }));
    }
    related() {
      return ${named};
    }
    async run(spec) {
      const input = this.upstream ? await this.upstream.run(spec) : [[1, 2], [3, 4]];
      try {
        return this.slope(input);
      } catch (error) {
        throw new Error('Step${index} failed: ' + error.message);
      }
    }
  }`;
}

const source = [
  ...Array.from({ length: 5 }, (_, i) => `const LIMIT${i} = ${10 * (i + 1)};`),
  ...Array.from({ length: HELPERS }, (_, i) => helperSource(i)),
  ...Array.from({ length: CLASSES }, (_, i) => classSource(i)),
  `return [${Array.from({ length: CLASSES }, (_, i) => `Step${i}`).join(', ')}];`,
].join('\n');

type Step = new () => object;

function evaluate(): Step[] {
  return new Function('Data', source)(Data) as Step[];
}

function registered(classes: Step[]): ClassRegistry {
  const registry = new ClassRegistry();
  for (const cls of classes) register(cls, undefined, registry);
  return registry;
}

async function time(action: () => unknown): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const perClass = (ms: number, rounds = 1) => (ms * 1000) / (CLASSES * rounds);

async function main(): Promise<void> {
  const texts = evaluate().map((cls) => cls.toString());
  const lines = texts.reduce((sum, text) => sum + text.split('\n').length, 0) / CLASSES;

  // Warm the JIT once on a separate copy so cold rounds measure first-time work, not compilation.
  for (const cls of evaluate()) sourceHash(cls);

  const parseCold: number[] = [];
  const sourceCold: number[] = [];
  const fingerprintCold: number[] = [];
  for (let round = 0; round < COLD_ROUNDS; round++) {
    parseCold.push(await time(() => texts.forEach((text) => parse(`(${text})`, { ecmaVersion: 'latest' }))));
    const forSource = evaluate();
    sourceCold.push(await time(() => forSource.forEach((cls) => sourceHash(cls))));
    const forFingerprint = evaluate();
    const registry = registered(forFingerprint);
    const instances = forFingerprint.map((cls) => new cls());
    fingerprintCold.push(
      await time(async () => {
        for (const instance of instances) await fingerprint(instance, { crs: 'EPSG:4326' }, { registry });
      }),
    );
  }

  const classes = evaluate();
  const registry = registered(classes);
  const instances = classes.map((cls) => new cls());
  for (const instance of instances) await fingerprint(instance, { crs: 'EPSG:4326' }, { registry });
  const sourceWarm = await time(() => {
    for (let round = 0; round < WARM_ROUNDS; round++) classes.forEach((cls) => sourceHash(cls));
  });
  const fingerprintWarm = await time(async () => {
    for (let round = 0; round < WARM_ROUNDS; round++) {
      for (const instance of instances) await fingerprint(instance, { crs: 'EPSG:4326' }, { registry });
    }
  });

  console.log(`fingerprint bench: ${CLASSES} classes of ~${Math.round(lines)} lines, ${HELPERS} helpers; cold = median of ${COLD_ROUNDS} fresh evaluations, warm = mean of ${WARM_ROUNDS} rounds`);
  console.log('per class                         µs');
  console.log(`acorn.parse alone (cold)     ${perClass(median(parseCold)).toFixed(1).padStart(9)}`);
  console.log(`sourceHash cold              ${perClass(median(sourceCold)).toFixed(1).padStart(9)}`);
  console.log(`sourceHash warm              ${perClass(sourceWarm, WARM_ROUNDS).toFixed(2).padStart(9)}`);
  console.log(`fingerprint cold             ${perClass(median(fingerprintCold)).toFixed(1).padStart(9)}`);
  console.log(`fingerprint warm             ${perClass(fingerprintWarm, WARM_ROUNDS).toFixed(1).padStart(9)}`);
  console.log(`ratios: sourceHash cold / acorn.parse = ${(median(sourceCold) / median(parseCold)).toFixed(2)}, ` +
    `sourceHash cold / warm = ${(perClass(median(sourceCold)) / perClass(sourceWarm, WARM_ROUNDS)).toFixed(0)}, ` +
    `fingerprint cold / warm = ${(perClass(median(fingerprintCold)) / perClass(fingerprintWarm, WARM_ROUNDS)).toFixed(1)}`);
}

// Chains: Step0 ← Step1 ← … ← StepN-1, each taking the one before as a parameter (and naming it,
// calling a helper and reading a constant of its module). Cold: a new module file per round
// (parsed and resolved afresh, new class objects), after one discarded round to warm the JIT; the
// whole chain is fingerprinted through its last class, as `load(new StepN-1())` does.
const CHAIN_ROUNDS = 5;

function chainModule(length: number): string {
  const fingerprintModule = pathToFileURL(join(import.meta.dirname, '../src/fingerprint/index.ts')).href;
  const lines = [
    `import { ClassRegistry, markFrameworkBase, register } from ${JSON.stringify(fingerprintModule)};`,
    'export const registry = new ClassRegistry();',
    'export class Data {}',
    'markFrameworkBase(Data);',
    'function helper(values, factor) { return values.map((value) => value * factor); }',
    'const LIMIT = 10;',
  ];
  for (let i = 0; i < length; i++) {
    const upstream = i === 0 ? 'null' : `new Step${i - 1}()`;
    lines.push(`export class Step${i} extends Data {
  static uses = { helper, LIMIT };
  constructor(upstream = ${upstream}, factor = ${i}) { super(); this.upstream = upstream; this.factor = factor; }
  compute(values) { return helper(values, this.factor).filter((value) => value < LIMIT); }
  async run(spec) { const input = this.upstream ? await this.upstream.run(spec) : [1, 2, 3]; return this.compute(input); }
}
register(Step${i}, undefined, registry);`);
  }
  return lines.join('\n');
}

/** This checkout's module reader, when it has one (an older checkout resolves through `uses` only). */
async function moduleReader(): Promise<FingerprintOptions['moduleReader']> {
  try {
    const { NodeModuleReader } = await import('../src/fingerprint/module-reader-node.js');
    return new NodeModuleReader();
  } catch {
    return undefined;
  }
}

async function chains(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'geodata-bench-chain-'));
  const reader = await moduleReader();
  console.log(`\nchains, fingerprint of the last class (the whole chain), cold: median of ${CHAIN_ROUNDS} new modules${reader ? ', resolved in the module' : ', without module resolution'}`);
  console.log('classes        ms   CPU ms   per class µs');
  try {
    let file = 0;
    for (const length of [100, 400]) {
      const text = chainModule(length);
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let round = -1; round < CHAIN_ROUNDS; round++) {
        const path = join(dir, `chain-${file++}.mjs`);
        writeFileSync(path, text);
        const module = await import(pathToFileURL(path).href);
        const last = new module[`Step${length - 1}`]();
        const options: FingerprintOptions = { registry: module.registry, ...(reader ? { moduleReader: reader } : {}) };
        const startCpu = process.cpuUsage();
        const start = performance.now();
        await fingerprint(last, { crs: 'EPSG:4326' }, options);
        const elapsed = performance.now() - start;
        const used = process.cpuUsage(startCpu);
        if (round < 0) continue;
        wall.push(elapsed);
        cpu.push((used.user + used.system) / 1000);
      }
      const ms = medianOf(wall);
      console.log(`${String(length).padStart(7)} ${ms.toFixed(1).padStart(9)} ${medianOf(cpu).toFixed(1).padStart(8)} ${((ms * 1000) / length).toFixed(0).padStart(14)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
await chains();
