import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The same classes, naming helpers of other modules with no `uses` (one through an aliased
// import, one through a namespace, one beside a colliding name in another module, a constant,
// a library import, a JSON file), run by each toolchain in a child process; the names are resolved in the
// module each toolchain's stack points to: the TypeScript source under tsx (types stripped),
// tsc's JavaScript, or the one bundle. Every toolchain must give tsx's dependency tree hashes.

type Report = Record<string, { sourceHash: string; depTreeHash: string; unhashed: string[]; nodes: string[]; text: string }>;

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(repo, 'test/fingerprint/fixtures/names/toolchain');
const entry = join(fixture, 'print.ts');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const CLASSES = ['ElevationLoader', 'SlopeLoader'];

let work: string;
let reference: Report;
const texts = new Set<string>();

async function node(script: string): Promise<Report> {
  const { stdout } = await run(process.execPath, [script], { cwd: repo, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as Report;
}

async function tsc(target: string): Promise<Report> {
  const outDir = join(work, `tsc-${target}`);
  const config = join(work, `tsc-${target}.tsconfig.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { target, module: 'NodeNext', moduleResolution: 'NodeNext', resolveJsonModule: true, strict: true, skipLibCheck: true, types: ['node'], rootDir: repo, outDir },
      files: [entry],
    }),
  );
  // Type errors elsewhere in the checkout (work in progress) do not stop tsc from emitting.
  await run(bin('tsc'), ['-p', config], { cwd: repo }).catch(() => undefined);
  return node(join(outDir, 'test/fingerprint/fixtures/names/toolchain/print.js'));
}

function expectSameTrees(report: Report, toolchain: string): void {
  for (const name of CLASSES) {
    texts.add(report[name]!.text);
    expect(report[name]!.unhashed, `${toolchain}: ${name}`).toEqual([]);
    expect({ sourceHash: report[name]!.sourceHash, depTreeHash: report[name]!.depTreeHash }, `${toolchain}: ${name} compiled to\n${report[name]!.text}`).toEqual({
      sourceHash: reference[name]!.sourceHash,
      depTreeHash: reference[name]!.depTreeHash,
    });
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-names-toolchain-'));
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
  const { stdout } = await run(bin('tsx'), [entry], { cwd: repo, maxBuffer: 16 << 20 });
  reference = JSON.parse(stdout) as Report;
  for (const name of CLASSES) texts.add(reference[name]!.text);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('names resolved in their module, under every toolchain', () => {
  it('tsx (the TypeScript source, types stripped) finds every helper and leaves nothing unhashed', () => {
    expect(reference.SlopeLoader!.unhashed).toEqual([]);
    // Both scaleValue functions (helpers.ts's, and other.ts's through shout); the constants
    // (THRESHOLD, both OFFSETs) are literals, read as their values where named, as bundlers inline them.
    // settings.json is the default export of its file, by its value, as bundlers inline it.
    expect(reference.SlopeLoader!.nodes).toEqual(['ElevationLoader', 'SlopeLoader', 'clamp', 'default', 'scaleValue', 'scaleValue#2', 'shout']);
  });

  for (const target of ['ES2020', 'ES2022', 'ESNext']) {
    it(`tsc output for ${target}, run by node, gives tsx's dependency tree hashes`, async () => {
      expectSameTrees(await tsc(target), `tsc ${target}`);
    }, 120_000);
  }

  it("an esbuild bundle, which renames a colliding helper, gives tsx's dependency tree hashes", async () => {
    const outfile = join(work, 'esbuild.mjs');
    await run(bin('esbuild'), [entry, '--bundle', '--format=esm', '--platform=node', '--target=node20', `--outfile=${outfile}`, '--log-level=error'], { cwd: repo });
    expect(readFileSync(outfile, 'utf8')).toMatch(/function scaleValue2\(/);
    expectSameTrees(await node(outfile), 'esbuild');
  }, 60_000);

  it("a Rolldown (Vite) build gives tsx's dependency tree hashes", async () => {
    const { build } = await import('vite');
    const outDir = join(work, 'vite');
    await build({
      configFile: false,
      logLevel: 'error',
      root: repo,
      cacheDir: join(work, 'vite-cache'),
      build: {
        ssr: entry,
        outDir,
        minify: false,
        emptyOutDir: true,
        rollupOptions: { external: [/^node:/], output: { format: 'es', entryFileNames: 'entry.mjs' } },
      },
      ssr: { noExternal: true },
    });
    expectSameTrees(await node(join(outDir, 'entry.mjs')), 'Rolldown');
  }, 180_000);

  it('saw different compiled texts, so the agreement above is not trivial', () => {
    expect(texts.size).toBeGreaterThanOrEqual(CLASSES.length * 3);
  });
});
