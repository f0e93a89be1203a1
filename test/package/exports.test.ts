import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  /**
   * `out` as the published package: package.json and the build in dist/ (the repository's, which
   * test/helpers/global-setup.ts keeps up to date, linked), where app.js can import it by name.
   */
  let built: string | undefined;
  const builtPackage = (): string => {
    if (built) return built;
    symlinkSync(join(REPO, 'dist'), join(out, 'dist'), 'dir');
    writeFileSync(join(out, 'package.json'), JSON.stringify(pkg));
    return (built = out);
  };

  it('is built, and every file package.json names exists in the build', async () => {
    const missing = exportTargets().filter((target) => !existsSync(join(REPO, target)));
    expect(missing).toEqual([]);
    // The built Node entries (tsc's, and the bundle Node runs) load and export what the source entry exports.
    const source = Object.keys(await import('../../src/node.js')).sort();
    for (const entry of ['dist/src/node.js', 'dist/bundle/node.js']) {
      const built = await import(pathToFileURL(join(REPO, entry)).href);
      expect(Object.keys(built).sort()).toEqual(source);
    }
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

  it('names no file beside a browser module by `new URL(literal, import.meta.url)` that the package lacks, unless bundlers are told to ignore it', async () => {
    // webpack 5 resolves every such URL as a file of the package at build time and fails the
    // build ("Can't resolve './gdal3WebAssembly.wasm'") when it is missing; Vite copies it.
    const result = await build({
      entryPoints: [join(REPO, 'dist/src/browser.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      external: ['gdal3.js', 'h5wasm'],
      logLevel: 'silent',
    });
    const ownModules = Object.keys(result.metafile!.inputs).filter((input) => input.startsWith('dist/'));
    expect(ownModules.length).toBeGreaterThan(100);
    const assetUrl = /new URL\(\s*((?:\/\*[^*]*\*\/\s*)*)(['"])(\.{1,2}\/[^'"]+)\2\s*,\s*import\.meta\.url\s*\)/g;
    const missing: string[] = [];
    for (const input of ownModules) {
      const path = join(process.cwd(), input);
      for (const [, comments, , file] of readFileSync(path, 'utf8').matchAll(assetUrl)) {
        if (comments!.includes('webpackIgnore: true')) continue;
        if (!existsSync(join(path, '..', file!))) missing.push(`${input}: ${file}`);
      }
    }
    expect(missing).toEqual([]);
  });

  /**
   * What a bundler picks for `import { load } from 'geodata'` by the export conditions, from a
   * module inside the package (a self-reference, resolved through package.json's exports as an
   * application's would be). Dependencies stay out of the bundle: only geodata's own files count.
   */
  async function entryFilesFor(platform: 'browser' | 'node' | 'neutral'): Promise<string[]> {
    const root = builtPackage();
    writeFileSync(join(root, 'app.js'), "import { load } from 'geodata';\nexport { load };\n");
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['app.js'],
      bundle: true,
      platform,
      format: 'esm',
      write: false,
      metafile: true,
      // Paths as the package has them (dist/ is a link to the repository's build).
      preserveSymlinks: true,
      external: Object.keys(pkg.dependencies),
      logLevel: 'silent',
    });
    const appImports = result.metafile!.inputs['app.js']!.imports.map((i) => [i.original, i.path]);
    expect(appImports).toEqual([['geodata', expect.stringMatching(/^dist\/src\/\w+\.js$/)]]);
    return Object.keys(result.metafile!.inputs).filter((input) => /^dist\/src\/(browser|node)\.js$/.test(input));
  }

  it('resolves `geodata` to the browser entry when bundled for browsers, and by default', async () => {
    expect(await entryFilesFor('browser')).toEqual(['dist/src/browser.js']);
    expect(await entryFilesFor('neutral')).toEqual(['dist/src/browser.js']);
  });

  it('resolves `geodata` to the Node entry when bundled for Node', async () => {
    expect(await entryFilesFor('node')).toEqual(['dist/src/node.js']);
  });
});
