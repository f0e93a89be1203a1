/**
 * Toolchains (issue 12, point 4): one TypeScript pipeline with legacy decorators
 * (`experimentalDecorators`, which the README supports), importing the package's build (`dist/`,
 * what `import 'geodata'` gives an npm user). The baseline runs it under tsx; cases compile the
 * same file with tsc (several targets) or bundle it with esbuild and run the JavaScript under
 * plain Node, which must hit every entry tsx made (the library's own Reprojector included); switch
 * the import to the library's sources (`src/`, what the CLI runs); write `undefined` and folded
 * constants the way another toolchain prints them; and edit a static field, which legacy
 * decorators move out of the class text.
 */
import { buildSync } from 'esbuild';
import ts from 'typescript';
import { Raster, SpatialSpec } from '../../src/node.js';
import { LIBRARY, type EditCase, type Project, type Template } from './harness.js';

const GRID = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200640], shape: [16, 16] });

const TSCONFIG = { compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', experimentalDecorators: true, strict: true } };

export const toolchains: Template = {
  name: 'toolchains',
  library: 'dist',
  async data(project) {
    await Raster.fromArrays([Float32Array.from({ length: 256 }, (_, i) => (i * 7) % 31)], GRID).write(project.path('data/grid.tif'));
  },
  files: { 'tsconfig.json': JSON.stringify(TSCONFIG, null, 2) },
  pipeline: `
import { Data, Reprojector, SpatialSpec, getConfig, load, register } from '@geodata';
import { runTargets } from '@runner';

getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200640], shape: [8, 8] }) });

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Mentions undefined and a constant esbuild folds: tsc prints both as written. */
@register
export class Labels extends Data {
  get ext() {
    return 'json';
  }
  async _process() {
    const missing: string | undefined = undefined;
    const label = 'a' + 'b';
    return json({ missing: missing ?? null, label, size: 2 * 8 });
  }
}

/** A static field: legacy decorators move its initialiser out of the class text. */
@register
export class Thresholded extends Data {
  static THRESHOLD = 5;
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const labels = await load<{ label: string }>(new Labels(), spec);
    return json({ label: labels.label, threshold: Thresholded.THRESHOLD });
  }
}

/** The library's own Reprojector, from dist/ here, from src/ under the CLI. */
@register
export class Warped extends Data {
  get processor() {
    return new Reprojector('data/grid.tif', { resampling: 'bilinear' });
  }
}

await runTargets([Labels, Thresholded, Warped].map((cls) => ({ label: cls.name, make: () => new cls() })));
`,
};

/** Compiles pipeline.ts to pipeline.js as tsc emits it (the same emitter, one file, no type check). */
function compileWithTsc(project: Project, options: ts.CompilerOptions): void {
  const output = ts.transpileModule(project.read('pipeline.ts').toString('utf8'), {
    fileName: 'pipeline.ts',
    compilerOptions: { module: ts.ModuleKind.ESNext, experimentalDecorators: true, ...options },
  });
  project.write('pipeline.js', output.outputText);
}

/** Bundles pipeline.ts with esbuild into pipeline.js, the library and the runner left as imports. */
function bundleWithEsbuild(project: Project, options: { keepNames?: boolean; minifyWhitespace?: boolean; minifySyntax?: boolean }): void {
  buildSync({
    entryPoints: [project.path('pipeline.ts')],
    outfile: project.path('pipeline.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: project.path('tsconfig.json'),
    external: [LIBRARY.dist, './corpus-runner.mjs'],
    logLevel: 'silent',
    ...options,
  });
}

const NODE: EditCase['run'] = ['node', 'pipeline.js'];

export const toolchainCases: EditCase[] = [
  {
    name: 'the pipeline compiled by tsc (ES2022) and run under node hits every entry tsx made, the library’s Reprojector included',
    kind: 'toolchains',
    edit: (project) => compileWithTsc(project, { target: ts.ScriptTarget.ES2022 }),
    run: NODE,
    expected: { computed: [] },
  },
  {
    name: 'the pipeline compiled by tsc (ES2020) and run under node hits every entry tsx made',
    kind: 'toolchains',
    edit: (project) => compileWithTsc(project, { target: ts.ScriptTarget.ES2020 }),
    run: NODE,
    expected: { computed: [] },
  },
  {
    name: 'the pipeline compiled by tsc (ESNext, useDefineForClassFields off) and run under node hits every entry tsx made',
    kind: 'toolchains',
    edit: (project) => compileWithTsc(project, { target: ts.ScriptTarget.ESNext, useDefineForClassFields: false }),
    run: NODE,
    expected: { computed: [] },
  },
  {
    name: 'the pipeline bundled by esbuild with --keep-names and run under node hits every entry tsx made',
    kind: 'toolchains',
    edit: (project) => bundleWithEsbuild(project, { keepNames: true }),
    run: NODE,
    expected: { computed: [] },
  },
  {
    // Not --minify-whitespace: it drops the file comments, and a bundle's top-level `var` (esbuild's
    // `const`) is then a variable that may be reassigned, reported as unhashed (see README).
    name: 'the pipeline bundled by esbuild with --minify-syntax and run under node hits every entry tsx made',
    kind: 'toolchains',
    edit: (project) => bundleWithEsbuild(project, { minifySyntax: true }),
    run: NODE,
    expected: { computed: [] },
  },
  {
    name: 'the same pipeline importing the library’s sources (src/, what the CLI runs) instead of dist/ hits every entry, the Reprojector included',
    kind: 'toolchains',
    edit: (project) => {
      project.replace('pipeline.ts', LIBRARY.dist, LIBRARY.src);
      project.replace('corpus-runner.mjs', JSON.stringify(LIBRARY.dist), JSON.stringify(LIBRARY.src));
    },
    expected: { computed: [] },
  },
  {
    name: "undefined written void 0 and 'a' + 'b' written 'ab', as esbuild prints them, is a hit everywhere",
    kind: 'toolchains',
    edit: (project) => {
      project.replace('pipeline.ts', '= undefined;', '= void 0;');
      project.replace('pipeline.ts', "'a' + 'b'", "'ab'");
    },
    expected: { computed: [] },
  },
  {
    name: 'a changed static field under legacy decorators recomputes its class (tsx)',
    kind: 'toolchains',
    edit: (project) => project.replace('pipeline.ts', 'static THRESHOLD = 5;', 'static THRESHOLD = 6;'),
    expected: { computed: ['Thresholded'] },
  },
  {
    name: 'a changed static field under legacy decorators recomputes its class (compiled by tsc, run under node)',
    kind: 'toolchains',
    edit: (project) => {
      project.replace('pipeline.ts', 'static THRESHOLD = 5;', 'static THRESHOLD = 6;');
      compileWithTsc(project, { target: ts.ScriptTarget.ES2022 });
    },
    run: NODE,
    expected: { computed: ['Thresholded'] },
  },
  {
    name: 'an edited class compiled by tsc recomputes it and what loads it, nothing else',
    kind: 'toolchains',
    edit: (project) => {
      project.replace('pipeline.ts', 'size: 2 * 8', 'size: 2 * 9');
      compileWithTsc(project, { target: ts.ScriptTarget.ES2022 });
    },
    run: NODE,
    expected: { computed: ['Labels', 'Thresholded'] },
  },
];
