import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolchainReport } from './fixtures/toolchain/hashes.js';

// The same TypeScript pipeline (decorators, parameter properties, `uses`, an import from another
// module, a class extending a registered class) is compiled and run by each toolchain in a child
// process; every one must report the same hashes, instance and state hashes included. The
// reference is tsx. toolchain-corpus.test.ts does the same for one class per syntax form that
// some toolchain rewrites, with every toolchain configuration.

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(repo, 'test/fingerprint/fixtures/toolchain');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const CLASSES = ['ElevationLoader', 'SlopeLoader', 'HillshadeFigure'];

let work: string;
let reference: ToolchainReport;
const rawTexts = new Map<string, Set<string>>(CLASSES.map((name) => [name, new Set<string>()]));

async function node(script: string): Promise<ToolchainReport> {
  const { stdout } = await run(process.execPath, [script], { cwd: repo, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as ToolchainReport;
}

/** tsc writes the fixture and the fingerprint sources it imports under `outDir`, then node runs it. */
async function tsc(name: string, compilerOptions: Record<string, unknown>): Promise<ToolchainReport> {
  const outDir = join(work, name);
  const config = join(work, `${name}.tsconfig.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        rootDir: repo,
        outDir,
        ...compilerOptions,
      },
      files: [join(fixture, 'print-hashes.ts')],
    }),
  );
  // Type errors elsewhere in the checkout (work in progress) do not stop tsc from emitting.
  await run(bin('tsc'), ['-p', config], { cwd: repo }).catch(() => undefined);
  return node(join(outDir, 'test/fingerprint/fixtures/toolchain/print-hashes.js'));
}

async function esbuild(name: string, extraFlags: string[]): Promise<ToolchainReport> {
  const outfile = join(work, `${name}.mjs`);
  const flags = ['--bundle', '--format=esm', '--platform=node', '--target=node20', `--outfile=${outfile}`, '--log-level=error'];
  await run(bin('esbuild'), [join(fixture, 'print-hashes.ts'), ...flags, ...extraFlags], { cwd: repo });
  return node(outfile);
}

/** A child `vitest run` of the fixture's entry with its own config (vite's SSR transform). */
async function vitest(name: string, configBody: string): Promise<ToolchainReport> {
  const config = join(work, `${name}.vitest.config.mjs`);
  const out = join(work, `${name}.json`);
  writeFileSync(config, configBody);
  await run(bin('vitest'), ['run', '--config', config, '--root', repo], {
    cwd: repo,
    env: { ...process.env, FINGERPRINT_OUT: out },
  });
  return JSON.parse(readFileSync(out, 'utf8')) as ToolchainReport;
}

const vitestTest = (work: string) => `test: {
    include: ['test/fingerprint/fixtures/toolchain/print-hashes.vitest.ts'],
    pool: 'forks',
    maxWorkers: 1,
  },
  cacheDir: ${JSON.stringify(join(work, 'vite-cache'))},`;

function expectSameAsReference(report: ToolchainReport, toolchain: string): void {
  expect(Object.keys(report).sort()).toEqual([...CLASSES].sort());
  for (const name of CLASSES) {
    const { rawText, ...hashes } = report[name]!;
    const { rawText: _referenceText, ...expected } = reference[name]!;
    rawTexts.get(name)!.add(rawText);
    expect(hashes, `${toolchain}: ${name} compiled to\n${rawText}`).toEqual(expected);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-fingerprint-toolchain-'));
  // Compiled output outside the checkout still finds acorn & co., and runs as ESM.
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
  const { stdout } = await run(bin('tsx'), [join(fixture, 'print-hashes.ts')], { cwd: repo });
  reference = JSON.parse(stdout) as ToolchainReport;
  for (const name of CLASSES) rawTexts.get(name)!.add(reference[name]!.rawText);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('source hashes under every toolchain', () => {
  it('tsx reports well-formed hashes for each class of the fixture', () => {
    for (const name of CLASSES) {
      expect(reference[name]!.sourceHash).toMatch(/^[0-9a-f]{64}$/);
      expect(reference[name]!.stateHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(CLASSES.map((name) => reference[name]!.sourceHash)).size).toBe(3);
  });

  it('tsc output (TC39 decorators lowered for ES2022) run by node gives the same hashes as tsx', async () => {
    expectSameAsReference(await tsc('tsc', {}), 'tsc');
  });

  it('tsc output with experimentalDecorators gives the same hashes as tsx', async () => {
    expectSameAsReference(await tsc('tsc-legacy', { experimentalDecorators: true }), 'tsc (experimentalDecorators)');
  });

  it('tsc output for target ES2020 (fields assigned in constructors, statics after the class) gives the same hashes as tsx', async () => {
    const report = await tsc('tsc-es2020', { target: 'ES2020', experimentalDecorators: true });
    expect(report.SlopeLoader!.rawText).toMatch(/this\.zFactor = 1/);
    expectSameAsReference(report, 'tsc (ES2020, experimentalDecorators)');
  });

  it('tsx with experimentalDecorators (static fields moved out of the class) gives the same hashes as tsx', async () => {
    const config = join(work, 'tsx-legacy.tsconfig.json');
    // tsx applies a tsconfig only to the files it includes.
    writeFileSync(config, JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: true }, include: [join(repo, 'src/**/*'), join(fixture, '**/*')] }));
    const { stdout } = await run(bin('tsx'), ['--tsconfig', config, join(fixture, 'print-hashes.ts')], { cwd: repo, maxBuffer: 16 << 20 });
    const report = JSON.parse(stdout) as ToolchainReport;
    expect(report.SlopeLoader!.rawText).not.toMatch(/static uses/);
    expectSameAsReference(report, 'tsx (experimentalDecorators)');
  });

  it('an esbuild ESM bundle gives the same hashes as tsx, though it renames a helper', async () => {
    const report = await esbuild('esbuild', []);
    expect(report.SlopeLoader!.rawText).toContain('scaleValue2(');
    expectSameAsReference(report, 'esbuild');
  });

  it('an esbuild ESM bundle with --keep-names gives the same hashes as tsx', async () => {
    const report = await esbuild('esbuild-keep-names', ['--keep-names']);
    expect(report.SlopeLoader!.rawText).toContain('__name(this');
    expectSameAsReference(report, 'esbuild --keep-names');
  });

  it('vitest with its default oxc transform and legacy decorators gives the same hashes as tsx', async () => {
    // vite 8's oxc transform lowers only legacy decorators; TC39 decorators reach node 20 as a
    // syntax error, hence the legacy flag here.
    const report = await vitest(
      'vitest-oxc',
      `export default {\n  oxc: { decorator: { legacy: true } },\n  ${vitestTest(work)}\n};\n`,
    );
    expect(report.SlopeLoader!.rawText).toMatch(/__vite_ssr_import_\d+__\.scaleValue/);
    expectSameAsReference(report, 'vitest (oxc, legacy decorators)');
  });

  it('vitest with an esbuild transform and TC39 decorators gives the same hashes as tsx', async () => {
    const report = await vitest(
      'vitest-esbuild',
      `import { transform } from 'esbuild';
export default {
  oxc: false,
  plugins: [{
    name: 'esbuild-typescript',
    enforce: 'pre',
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const result = await transform(code, {
        loader: 'ts', format: 'esm', target: 'node20', sourcefile: id,
        tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
      });
      return { code: result.code, map: null };
    },
  }],
  ${vitestTest(work)}
};
`,
    );
    expect(report.SlopeLoader!.rawText).toMatch(/__vite_ssr_import_\d+__/);
    expectSameAsReference(report, 'vitest (esbuild, TC39 decorators)');
  });

  it('saw a different compiled text for every class, so the agreement above is not trivial', () => {
    for (const name of CLASSES) expect(rawTexts.get(name)!.size, name).toBeGreaterThanOrEqual(4);
  });
});
