import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

/** Every file path named in package.json's exports/main/types/bin. */
function exportTargets(): string[] {
  const targets: string[] = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
  const walk = (value: unknown) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return [...new Set(targets)];
}

describe('the package', () => {
  const out = mkdtempSync(join(tmpdir(), 'geodata-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds with tsc, and every file package.json names exists in the build', async () => {
    execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json'), '--outDir', join(out, 'dist')], { cwd: REPO });
    const missing = exportTargets().filter((target) => {
      const file = target.startsWith('./dist/') ? join(out, target.slice(2)) : join(REPO, target);
      return !existsSync(file);
    });
    expect(missing).toEqual([]);
    // The built Node entry loads and exports what the source entry exports.
    const built = await import(pathToFileURL(join(out, 'dist/src/node.js')).href);
    const source = await import('../../src/node.js');
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });

  it('reaches no Node builtin from the browser entry', async () => {
    const result = await build({
      entryPoints: [join(REPO, 'src/browser.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || /-node\.ts$|\/node\.ts$|\/node\//.test(input))).toEqual([]);
    const imports = Object.values(result.metafile!.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
  });
});
