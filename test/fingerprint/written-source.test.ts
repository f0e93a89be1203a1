import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareWork, repo } from './toolchain-builds.js';

// A class as a user writes it: a doc comment, a decorator, types and comments inside.
const CLASS_TEXT = `/** Elevation, reprojected to the spec. */
@register
export class ElevationLoader extends Data {
  // The sea is at zero.
  constructor(public offset: number = 0) {
    super();
  }

  /** Bilinear: a DEM is continuous. */
  get processor(): Reprojector {
    return new Reprojector('dem.tif', { resampling: 'bilinear' }); // not nearest
  }
}
`;

const MODULE = `import { Data, Reprojector, register } from '${repo}/src/node.ts';
import { writtenSource } from '${repo}/src/fingerprint/written-source.ts';

${CLASS_TEXT}
const written = writtenSource(ElevationLoader);
console.log(JSON.stringify(written));
`;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'geodata-written-source-'));
  prepareWork(work);
  writeFileSync(join(work, 'pipeline.ts'), MODULE);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bundle(name: string, sourcemap: boolean | 'inline'): Promise<string> {
  const outfile = join(work, name, 'pipeline.mjs');
  await build({ entryPoints: [join(work, 'pipeline.ts')], bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', outfile, sourcemap, logLevel: 'error', tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } });
  return outfile;
}

function runNode(args: string[]): any {
  const out = execFileSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('the source of a class as written', () => {
  it('is read from the TypeScript module under tsx, comments, types and decorator included', () => {
    const written = runNode(['--import', 'tsx', join(work, 'pipeline.ts')]);
    expect(written).toEqual({ text: CLASS_TEXT, file: join(work, 'pipeline.ts'), line: 4, language: 'typescript', via: 'module' });
  });

  it('is found through the source map of an esbuild bundle, external or inline', async () => {
    for (const sourcemap of [true, 'inline'] as const) {
      const written = runNode([await bundle(`map-${sourcemap}`, sourcemap)]);
      expect(written).toEqual({ text: CLASS_TEXT, file: join(work, 'pipeline.ts'), line: 4, language: 'typescript', via: 'source-map' });
    }
  });

  it('is the compiled class, said to be so, in a bundle without a source map', async () => {
    const file = await bundle('no-map', false);
    const written = runNode([file]);
    expect([written.file, written.language, written.via]).toEqual([file, 'javascript', 'compiled']);
    // esbuild keeps comments but drops types and rewrites the class as an expression.
    expect(written.text).toMatch(/^var ElevationLoader = class extends Data \{\n {2}\/\/ The sea is at zero\.\n {2}constructor\(offset = 0\) \{\n/);
    expect(readFileSync(file, 'utf8')).toContain(written.text.trim().split('\n')[0]);
  });
});
