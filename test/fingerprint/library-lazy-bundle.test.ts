import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// esbuild wraps a module that is also imported dynamically in a lazy initialiser (`__esm`): the
// export is declared `var Raster;` and assigned when the module first loads. geodata's modules are
// wrapped so in a page's bundle (its formats and codecs load on first use), so a class naming
// `Raster` was reported as naming "a variable declared without a value", and refused under
// strictFingerprints, in the page only. A user's module that is also imported with `import()` is
// wrapped the same way: its constants (`var LAZY_FACTOR;`) were unhashed and its top-level
// statements (`LAZY_OPTIONS.levels.push(4)`, moved into the initialiser) unseen, so the page's
// hashes differed from Node's.

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = join(repo, 'test/fingerprint/fixtures/lazy-library/print.ts');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'geodata-lazy-library-'));
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a library export and a user module that a bundle loads lazily', () => {
  it('are hashed as under tsx: the library’s export, the module’s constants and top-level statements; nothing unhashed, the same hashes', async () => {
    const outfile = join(work, 'bundle.mjs');
    await run(bin('esbuild'), [entry, '--bundle', '--format=esm', '--platform=node', '--target=node20', '--keep-names', `--outfile=${outfile}`, '--external:gdal3.js', '--external:esbuild', '--external:tsx', '--log-level=error'], { cwd: repo });
    // The form this is about: the export declared without a value, assigned in its module's init.
    const bundle = readFileSync(outfile, 'utf8');
    expect(bundle).toMatch(/^var Raster;$/m);
    expect(bundle).toMatch(/^var LAZY_FACTOR, LAZY_OPTIONS;$/m);
    expect(bundle).toMatch(/^ {4}LAZY_OPTIONS\.levels\.push\(4\);$/m);
    const bundled = JSON.parse((await run(process.execPath, [outfile], { cwd: work, maxBuffer: 16 << 20 })).stdout);
    const tsx = JSON.parse((await run(bin('tsx'), [entry], { cwd: repo, maxBuffer: 16 << 20 })).stdout);
    expect(tsx.unhashed).toEqual([]);
    expect(bundled).toEqual(tsx);
  }, 120_000);
});
