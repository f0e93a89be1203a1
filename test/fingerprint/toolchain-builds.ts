// Compiles a small TypeScript project (an entry file and what it imports) with each toolchain a
// user may run it through, one batch per toolchain, and hashes every copy in as few processes as
// possible. Shared by the differential corpus and the toolchain edit corpus.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build as esbuild, type BuildOptions } from 'esbuild';
import type { CorpusReport } from './fixtures/toolchain-corpus/hash-corpus.js';

const run = promisify(execFile);
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const printer = join(repo, 'test/fingerprint/fixtures/toolchain-corpus/print-corpus.ts');

export type Decorators = 'tc39' | 'legacy';

/** A compiled copy: its name and the file to import. */
export interface Build {
  name: string;
  entry: string;
}

/** The reports of every copy, by build name; a copy that did not load has `loadError`. */
export type Reports = Record<string, CorpusReport | { loadError: string }>;

/** A temporary folder where compiled output runs as ESM and finds the repository's packages. */
export function prepareWork(work: string): void {
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
}

export interface TscConfig {
  name: string;
  target: 'ES2020' | 'ES2022' | 'ESNext';
  module: 'NodeNext' | 'ESNext';
  decorators: Decorators;
  useDefineForClassFields?: boolean;
}

/**
 * tsc, every configuration in one `tsc -b` process: each project compiles `entries` (and what
 * they import) from `sourceRoot` to `work/<name>`. Returns one build per configuration and entry.
 */
export async function tscBuilds(work: string, sourceRoot: string, entries: string[], configs: TscConfig[]): Promise<Build[]> {
  const projects = configs.map((config) => {
    const file = join(work, `${config.name}.tsconfig.json`);
    const compilerOptions: Record<string, unknown> = {
      target: config.target,
      module: config.module,
      moduleResolution: config.module === 'NodeNext' ? 'NodeNext' : 'Bundler',
      strict: true,
      skipLibCheck: true,
      types: [],
      lib: ['ESNext', 'DOM'],
      rootDir: sourceRoot,
      outDir: join(work, config.name),
      experimentalDecorators: config.decorators === 'legacy',
      tsBuildInfoFile: join(work, `${config.name}.tsbuildinfo`),
    };
    if (config.useDefineForClassFields !== undefined) compilerOptions.useDefineForClassFields = config.useDefineForClassFields;
    writeFileSync(file, JSON.stringify({ compilerOptions, files: entries.map((entry) => join(sourceRoot, entry)) }));
    return file;
  });
  // Type errors do not stop tsc from emitting, and the corpus has none; a failed emit shows up as
  // a missing file below.
  await run(bin('tsc'), ['-b', ...projects], { cwd: work, maxBuffer: 16 << 20 }).catch((error: { stdout?: string }) => {
    if (!/error TS/.test(error.stdout ?? '')) throw error;
  });
  return configs.flatMap((config) =>
    entries.map((entry) => ({ name: nameOf(config.name, entries, entry), entry: join(work, config.name, entry.replace(/\.ts$/, '.js')) })),
  );
}

export interface EsbuildConfig {
  name: string;
  decorators: Decorators;
  options?: BuildOptions;
}

/** esbuild bundles (ESM, Node 20), in this process. */
export async function esbuildBuilds(work: string, sourceRoot: string, entries: string[], configs: EsbuildConfig[]): Promise<Build[]> {
  const builds: Build[] = [];
  for (const config of configs) {
    for (const entry of entries) {
      const outfile = join(work, config.name, entry.replace(/\.ts$/, '.mjs'));
      await esbuild({
        entryPoints: [join(sourceRoot, entry)],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outfile,
        logLevel: 'error',
        tsconfigRaw: { compilerOptions: { experimentalDecorators: config.decorators === 'legacy' } },
        ...config.options,
      });
      builds.push({ name: nameOf(config.name, entries, entry), entry: outfile });
    }
  }
  return builds;
}

export interface ViteConfig {
  name: string;
  /** `ssr` builds for Node, `client` for browsers (library mode, ES module), `app` a page's script. */
  kind: 'ssr' | 'client' | 'app';
  /** `false` (Vite's development-like build) or undefined for Vite's default, minified. */
  minify?: false;
}

/** Vite (Rolldown and oxc) builds with legacy decorators: Vite 8's oxc does not lower TC39 ones. */
export async function viteBuilds(work: string, sourceRoot: string, entries: string[], configs: ViteConfig[]): Promise<Build[]> {
  const { build } = await import('vite');
  const builds: Build[] = [];
  for (const config of configs) {
    const outDir = join(work, config.name);
    // Keyed by the entry's path, so entries of the same name in different folders stay apart.
    const input = Object.fromEntries(entries.map((entry) => [entry.replace(/\.ts$/, ''), join(sourceRoot, entry)]));
    await build({
      configFile: false,
      logLevel: 'error',
      root: sourceRoot,
      cacheDir: join(work, 'vite-cache'),
      oxc: { decorator: { legacy: true } },
      build: {
        outDir,
        emptyOutDir: true,
        ...(config.minify === false ? { minify: false } : {}),
        ...(config.kind === 'client'
          ? { lib: { entry: input, formats: ['es'] as const, fileName: (_format: string, name: string) => `${name}.mjs` } }
          : { ssr: config.kind === 'ssr', rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].mjs' } } }),
      },
    });
    for (const entry of entries) builds.push({ name: nameOf(config.name, entries, entry), entry: join(outDir, entry.replace(/\.ts$/, '.mjs')) });
  }
  return builds;
}

/** Hashes compiled copies in one plain `node` process: the hashing code bundled by esbuild. */
export async function hashBuilds(work: string, builds: Build[]): Promise<Reports> {
  const script = join(work, 'print-corpus.mjs');
  await esbuild({
    entryPoints: [printer],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile: script,
    logLevel: 'error',
  });
  return printReports(process.execPath, [script], builds);
}

/** Hashes TypeScript entries under tsx (the reference), with legacy decorators when asked. */
export async function hashWithTsx(work: string, name: string, sourceRoot: string, entries: string[], decorators: Decorators): Promise<Reports> {
  const args: string[] = [];
  if (decorators === 'legacy') {
    const config = join(work, `${name}.tsconfig.json`);
    // tsx applies a tsconfig only to the files it includes.
    const include = [join(sourceRoot, '**/*'), join(dirname(printer), '**/*')];
    writeFileSync(config, JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: true }, include }));
    args.push('--tsconfig', config);
  }
  return printReports(bin('tsx'), [...args, printer], entries.map((entry) => ({ name: nameOf(name, entries, entry), entry: join(sourceRoot, entry) })));
}

/**
 * Hashes TypeScript entries inside a child `vitest run`, through Vite's SSR transform: `oxc`
 * (Vite 8's default, legacy decorators) or an `esbuild` plugin (TC39 decorators, as this
 * repository's own vitest config does).
 */
export async function hashWithVitest(work: string, name: string, sourceRoot: string, entries: string[], transform: 'oxc' | 'esbuild'): Promise<Reports> {
  const out = join(work, `${name}.json`);
  const config = join(work, `${name}.vitest.config.mjs`);
  const plugin = `import { transform } from 'esbuild';
const esbuildTypescript = {
  name: 'esbuild-typescript',
  enforce: 'pre',
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const result = await transform(code, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: id,
      tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } } });
    return { code: result.code, map: null };
  },
};
`;
  writeFileSync(
    config,
    `${transform === 'esbuild' ? plugin : ''}export default {
  ${transform === 'esbuild' ? 'oxc: false, plugins: [esbuildTypescript],' : 'oxc: { decorator: { legacy: true } },'}
  test: { include: [${JSON.stringify(relative(repo, join(dirname(printer), 'print-corpus.vitest.ts')))}], pool: 'forks', maxWorkers: 1 },
  cacheDir: ${JSON.stringify(join(work, `${name}-vite-cache`))},
};
`,
  );
  const builds = entries.map((entry) => ({ name: nameOf(name, entries, entry), entry: join(sourceRoot, entry) }));
  await run(bin('vitest'), ['run', '--config', config, '--root', repo], {
    cwd: repo,
    env: { ...process.env, CORPUS_OUT: out, CORPUS_BUILDS: builds.map((b) => `${b.name}=${b.entry}`).join('\n') },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Reports;
}

async function printReports(command: string, args: string[], builds: Build[]): Promise<Reports> {
  if (builds.length === 0) return {};
  const { stdout } = await run(command, [...args, ...builds.map((b) => `${b.name}=${b.entry}`)], { cwd: repo, maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as Reports;
}

/** One entry keeps the toolchain's name; several get `toolchain/entry`. */
function nameOf(toolchain: string, entries: string[], entry: string): string {
  return entries.length === 1 ? toolchain : `${toolchain}/${entry.replace(/\.ts$/, '')}`;
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
