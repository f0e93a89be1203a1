import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The library's own classes (Reprojector, Rasterizer, the terrain datasets, Data, Figure) are part
// of every fingerprint that uses them, so they must hash the same in Node and in a bundle, and in
// dist/ (tsc's output, what `import 'geodata'` gives an npm user) as in src/ under tsx (what the
// CLI runs from a checkout). tsc keeps `undefined` where esbuild writes `void 0`; a bundle renames
// module-level names that collide (the `WHO` of reprojector.ts and of rasterizer.ts: esbuild
// writes `WHO2`, Rolldown `WHO$1`), and Rolldown also drops braces and inlines.

type Report = Record<string, { sourceHash: string; depTreeHash: string; rawText: string }>;

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = join(repo, 'test/fingerprint/fixtures/toolchain/print-library-hashes.ts');
// Loaded at run time by the Node entry (the engine, the CLI's TypeScript loader), not bundled.
const EXTERNAL = ['gdal3.js', 'esbuild', 'tsx'];

let work: string;
let reference: Report;

async function report(script: string): Promise<Report> {
  const { stdout } = await run(process.execPath, [script], { cwd: repo, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Report;
}

function hashes(found: Report): Record<string, string> {
  return Object.fromEntries(Object.entries(found).map(([name, { sourceHash, depTreeHash }]) => [name, `${sourceHash} ${depTreeHash}`]));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'geodata-library-toolchain-'));
  const { stdout } = await run(join(repo, 'node_modules/.bin/tsx'), [entry], { cwd: repo, maxBuffer: 64 << 20 });
  reference = JSON.parse(stdout) as Report;
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the library's own classes under every way of running them", () => {
  it('finds the processors, the terrain datasets and the bases', () => {
    expect(Object.keys(reference).sort()).toEqual(
      expect.arrayContaining(['ColorRelief', 'Data', 'Figure', 'Hillshade', 'Rasterizer', 'Reprojector', 'Slope', 'TerrainDataset']),
    );
  });

  it('hash the same in dist/, compiled by tsc with the project\'s tsconfig, as in src/ under tsx', async () => {
    const outDir = join(work, 'dist');
    const config = join(work, 'tsconfig.dist.json');
    // The project's own settings, plus the fixture that prints the hashes, compiled beside src/.
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(repo, 'tsconfig.json'),
        compilerOptions: { outDir, rootDir: repo, declaration: false, sourceMap: false },
        include: [join(repo, 'src'), join(repo, 'wasm'), entry],
      }),
    );
    symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
    // Type errors elsewhere in the checkout (work in progress) do not stop tsc from emitting.
    await run(join(repo, 'node_modules/.bin/tsc'), ['-p', config], { cwd: repo, maxBuffer: 16 << 20 }).catch(() => undefined);
    const compiled = await report(join(outDir, 'test/fingerprint/fixtures/toolchain/print-library-hashes.js'));
    // tsc keeps `undefined` in Reprojector and Rasterizer, which esbuild (tsx) writes `void 0`.
    expect(compiled.Reprojector!.rawText).toMatch(/!== undefined/);
    expect(reference.Reprojector!.rawText).toMatch(/!== ?void 0/);
    expect(hashes(compiled)).toEqual(hashes(reference));
  }, 180_000);

  it('hash the same in an esbuild bundle, which renames a colliding module-level name', async () => {
    const outfile = join(work, 'esbuild.mjs');
    await esbuild({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile,
      external: EXTERNAL,
      // The bundled CommonJS dependencies call require(): give the ESM bundle one.
      banner: { js: "import { createRequire as __geodataRequire } from 'node:module'; const require = __geodataRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const bundled = await report(outfile);
    expect(Object.values(bundled).some(({ rawText }) => /\bWHO2\b/.test(rawText))).toBe(true);
    // esbuild names a class that refers to itself `_TerrainDataset` in a bundle; the registry and
    // dependency trees name it by its declared name (`declaredClassName`), so its trees agree too.
    expect(hashes(bundled)).toEqual(hashes(reference));
  }, 120_000);

  it('hash the same in a Rolldown (Vite) build, which renames names and drops braces', async () => {
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
        rollupOptions: { external: [/^node:/, ...EXTERNAL], output: { format: 'es', entryFileNames: 'entry.mjs' } },
      },
      ssr: { noExternal: true },
    });
    const bundled = await report(join(outDir, 'entry.mjs'));
    expect(Object.values(bundled).some(({ rawText }) => /\bWHO\$1\b/.test(rawText))).toBe(true);
    expect(hashes(bundled)).toEqual(hashes(reference));
  }, 180_000);
});
