/**
 * What users install: this repository packed with `npm pack` and installed from the tarball into
 * a new project (test/package/packed-project.ts), then used there as a user would: every entry
 * under Node and a bundler, the types, the `geodata` command, and a pipeline (TypeScript under
 * tsx, the same compiled by tsc under plain node, the same bundled for Chromium) whose entries
 * must be the same everywhere.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_VERSION } from '../../src/version.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { PackedProject, REPO } from './packed-project.js';

/** One target of the pipeline, as run.ts and browser-run.ts print it. */
interface Produced {
  className: string;
  stateHash: string;
  computed: boolean;
}

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const TSX_VERSION = (JSON.parse(readFileSync(join(REPO, 'node_modules', 'tsx', 'package.json'), 'utf8')) as { version: string }).version;

/** Every file path a package.json names in main, types, bin and exports. */
function namedFiles(manifest: { main: string; types: string; bin: Record<string, string>; exports: unknown }): string[] {
  const files: string[] = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') files.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  return [...new Set(files)];
}

describe('geodata packed, and installed from the tarball into a new project', () => {
  const packed = new PackedProject();
  const installed = (...path: string[]) => join(packed.project, 'node_modules', 'geodata', ...path);
  beforeAll(async () => void (await packed.install()), 600_000);
  afterAll(() => packed.remove());

  it('installs with no install-script warning, without esbuild or tsx, with every file its package.json names', () => {
    expect(packed.installOutput).not.toMatch(/install.?script/i);
    expect(existsSync(join(packed.project, 'node_modules', 'esbuild'))).toBe(false);
    expect(existsSync(join(packed.project, 'node_modules', 'tsx'))).toBe(false);
    const manifest = JSON.parse(packed.read('node_modules/geodata/package.json'));
    expect(namedFiles(manifest).filter((file) => !existsSync(installed(file)))).toEqual([]);
    expect(existsSync(installed('dist', 'assets', 'registry-ui-page.js'))).toBe(true);
  });

  it("resolves each entry under Node: 'geodata' and 'geodata/node' are one module, the browser and worker entries their builds", () => {
    writeFileSync(
      join(packed.project, 'entries.mjs'),
      [
        "const main = await import('geodata');",
        "const node = await import('geodata/node');",
        'console.log(JSON.stringify({',
        '  same: main === node,',
        '  produce: main.produce === main.process && typeof main.produce,',
        '  fingerprintRecord: main.fingerprintRecord === main.describe && typeof main.fingerprintRecord,',
        "  main: import.meta.resolve('geodata'),",
        "  browser: import.meta.resolve('geodata/browser'),",
        "  worker: import.meta.resolve('geodata/engine-worker'),",
        "  queue: import.meta.resolve('geodata/queue'),",
        '}));',
      ].join('\n'),
    );
    const run = packed.node(['entries.mjs']);
    expect(run.stderr).toBe('');
    const entries = JSON.parse(run.stdout);
    const url = (path: string) => new URL(`file://${installed(path)}`).href;
    expect(entries).toEqual({
      same: true,
      produce: 'function',
      fingerprintRecord: 'function',
      main: url('dist/bundle/node.js'),
      browser: url('dist/src/browser.js'),
      worker: url('dist/wasm/engine-worker.js'),
      queue: url('dist/bundle/queue.js'),
    });
  });

  it('loads geodata/queue once the project installs bullmq and ioredis, its optional peers, and names bullmq until then', () => {
    writeFileSync(join(packed.project, 'queue.mjs'), "console.log(JSON.stringify(Object.keys(await import('geodata/queue')).sort()));\n");
    const without = packed.node(['queue.mjs']);
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/Cannot find package 'bullmq'/);
    const version = (name: string) => (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(packed.npm(['install', `bullmq@${version('bullmq')}`, `ioredis@${version('ioredis')}`]).code).toBe(0);
    const withBullmq = packed.node(['queue.mjs']);
    expect(withBullmq.stderr).toBe('');
    expect(JSON.parse(withBullmq.stdout)).toEqual(['DEFAULT_QUEUE', 'QueueError', 'queueExecutor', 'startWorker']);
  });

  it('bundles for browsers from the browser and worker entries without a Node builtin, and for Node from the Node entry', async () => {
    writeFileSync(join(packed.project, 'page.js'), "import { load, SpatialSpec } from 'geodata';\nimport { createWorkerEngine } from 'geodata/browser';\nexport { load, SpatialSpec, createWorkerEngine };\n");
    writeFileSync(join(packed.project, 'script.js'), "import { load } from 'geodata';\nexport { load };\n");
    const bundle = async (entry: string, platform: 'browser' | 'node') => {
      const result = await build({ absWorkingDir: packed.project, entryPoints: [entry], bundle: true, platform, format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['gdal3.js'] });
      const inputs = Object.keys(result.metafile.inputs);
      const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
      return { entries: inputs.filter((input) => /node_modules\/geodata\/dist\/(src\/(node|browser)|wasm\/engine-worker)\.js$/.test(input)), builtins: imports.filter((path) => path.startsWith('node:')) };
    };
    expect(await bundle('page.js', 'browser')).toEqual({ entries: ['node_modules/geodata/dist/src/browser.js'], builtins: [] });
    expect(await bundle('worker.ts', 'browser')).toEqual({ entries: ['node_modules/geodata/dist/wasm/engine-worker.js'], builtins: [] });
    const node = await bundle('script.js', 'node');
    expect(node.entries).toEqual(['node_modules/geodata/dist/src/node.js']);
  });

  it('runs its geodata command from the compiled build, and browse serves the page the package was built with', async () => {
    const version = packed.geodata(['--version']);
    expect([version.code, version.stdout, version.stderr]).toEqual([0, `${LIBRARY_VERSION}\n`, '']);
    mkdirSync(join(packed.project, 'empty-cache'));
    const { match, stop } = await packed.start(['browse', '--root', 'empty-cache', '--port', '0'], /at (http:\/\/127\.0\.0\.1:\d+\/)/);
    try {
      const html = await (await fetch(match[1]!)).text();
      const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const served = new Uint8Array(await (await fetch(new URL(script!, match[1]))).arrayBuffer());
      expect(Buffer.from(served).equals(readFileSync(installed('dist', 'assets', 'registry-ui-page.js')))).toBe(true);
    } finally {
      stop();
    }
  });

  it('says how to get tsx when a TypeScript pipeline is named and tsx is not installed', () => {
    mkdirSync(join(packed.project, 'no-tsx-cache'));
    const run = packed.geodata(['classes', 'pipeline.ts', '--root', 'no-tsx-cache']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `geodata: error: cannot load pipeline module ${join(packed.project, 'pipeline.ts')}: it is TypeScript, and loading TypeScript needs tsx, which is not installed: npm install --save-dev tsx (or compile the module to JavaScript and name the .js file)\n`,
    );
  });

  it('type-checks a consumer of the public API against the installed declarations (tsc --noEmit, skipLibCheck off)', () => {
    const checked = packed.node([TSC, '-p', 'tsconfig.json', '--noEmit']);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it("type-checks a Node module under moduleResolution bundler with customConditions ['node'], as the README says, and not without it", () => {
    // TypeScript's bundler resolution sets neither `node` nor `browser`: 'geodata' is the browser entry's types.
    const checked = packed.node([TSC, '-p', 'tsconfig.bundler.json']);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    const withoutCondition = packed.node([TSC, '-p', 'tsconfig.bundler.json', '--customConditions', 'browser']);
    expect(withoutCondition.stdout).toContain("Module '\"geodata\"' has no exported member 'showProgress'.");
  });

  describe('a pipeline, run in the project', () => {
    let underTsx: Produced[];
    beforeAll(() => {
      // tsx is an optional peer of geodata: a project with TypeScript pipelines installs it.
      const tsx = packed.npm(['install', '--save-dev', `tsx@${TSX_VERSION}`]);
      if (tsx.code !== 0) throw new Error(`npm install tsx failed:\n${tsx.stdout}${tsx.stderr}`);
      // Run with V8 options, as users of large rasters do: a worker thread refuses them by name.
      const dem = packed.node(['--max-old-space-size=4096', '--expose-gc', '--input-type=module', '-e', "import { getConfig, syntheticTerrain } from 'geodata'; await syntheticTerrain({ size: 256, pixel: 60 }).write('dem.tif'); await getConfig().engine.close();"]);
      if (dem.code !== 0) throw new Error(`writing dem.tif failed:\n${dem.stderr}`);
    }, 600_000);

    it('computes the TypeScript pipeline under tsx, and the same compiled by tsc is all hits under plain node, with the same state hashes', () => {
      const first = packed.node(['--import', 'tsx', 'run.ts']);
      expect(first.code, first.stderr).toBe(0);
      underTsx = JSON.parse(first.stdout);
      expect(underTsx.map((entry) => [entry.className, entry.computed])).toEqual([
        ['Elevation', true],
        ['Slope', true],
        ['SlopeMap', true],
      ]);
      const compiled = packed.node([TSC, '-p', 'tsconfig.json']);
      expect(compiled.stdout + compiled.stderr).toBe('');
      const second = packed.node(['build/run.js']);
      expect(second.code, second.stderr).toBe(0);
      const underNode: Produced[] = JSON.parse(second.stdout);
      expect(underNode).toEqual(underTsx.map((entry) => ({ ...entry, computed: false })));
    }, 300_000);

    it.each([['pipeline.ts'], ['build/pipeline.js']])(
      'the installed geodata command judges the cache with the classes %s registers: classes exits 0, entries are fresh, clean-cache --dry-run removes nothing',
      (module) => {
        expect(underTsx, 'the pipeline ran').toBeDefined();
        const classes = packed.geodataJson<Array<{ className: string; state: string }>>(['classes', module, '--root', 'cache']);
        expect(classes.code, classes.stderr).toBe(0);
        // Classes without entries ('new': the library's TerrainDataset base) judge nothing.
        expect(classes.value.filter((c) => c.state !== 'new').map((c) => [c.className, c.state])).toEqual([
          ['Elevation', 'fresh'],
          ['Slope', 'fresh'],
          ['SlopeMap', 'fresh'],
        ]);
        const entries = packed.geodataJson<Array<{ stateHash: string; state: string }>>(['entries', module, '--root', 'cache']);
        expect(entries.code, entries.stderr).toBe(0);
        expect(entries.value.map((e) => [e.stateHash, e.state]).sort()).toEqual(underTsx.map((e) => [e.stateHash, 'fresh']).sort());
        const clean = packed.geodataJson<{ removed: unknown[]; unknown: unknown[] }>(['clean-cache', module, '--root', 'cache', '--dry-run']);
        expect([clean.code, clean.value.removed, clean.value.unknown]).toEqual([0, [], []]);
      },
    );

    it("hands over from another installation's geodata command (this repository's) to the one the pipeline imports", () => {
      expect(underTsx, 'the pipeline ran').toBeDefined();
      const run = packed.node([join(REPO, 'bin', 'geodata.js'), 'classes', 'pipeline.ts', '--root', 'cache', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const classes = JSON.parse(run.stdout) as Array<{ className: string; state: string }>;
      expect(classes.filter((c) => c.state !== 'new').map((c) => [c.className, c.state])).toEqual([
        ['Elevation', 'fresh'],
        ['Slope', 'fresh'],
        ['SlopeMap', 'fresh'],
      ]);
    });

    it.skipIf(!HAS_CHROMIUM)(`computes the same state hashes in Chromium, bundled from the same pipeline${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, async () => {
      expect(underTsx, 'the pipeline ran').toBeDefined();
      const gdal = join(packed.project, 'node_modules', 'gdal3.js', 'dist', 'package');
      const page = {
        entry: join(packed.project, 'browser-run.ts'),
        bundles: { '/engine-worker.js': join(packed.project, 'worker.ts') },
        assets: {
          '/gdal3WebAssembly.wasm': join(gdal, 'gdal3WebAssembly.wasm'),
          '/gdal3WebAssembly.data': join(gdal, 'gdal3WebAssembly.data'),
          '/dem.tif': join(packed.project, 'dem.tif'),
        },
      };
      const inBrowser = await withBrowserPage(page, async (browserPage) => {
        await browserPage.waitForFunction(() => typeof (window as unknown as { runPipeline?: unknown }).runPipeline === 'function');
        return browserPage.evaluate(() => (window as unknown as { runPipeline(): Promise<Produced[]> }).runPipeline());
      });
      expect(inBrowser).toEqual(underTsx);
    }, 300_000);
  });
});
