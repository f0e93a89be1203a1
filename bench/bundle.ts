// What a page that uses geodata downloads. Pages that import a part of geodata by its package name
// (resolved through package.json's exports to the built browser entry in dist/, as an
// application's bundler resolves it) are bundled and minified by esbuild with code splitting,
// and measured at start (the entry chunk and the chunks it imports statically: what the page
// loads before it runs) and in all (with the chunks it loads lazily, on first use: proj4,
// geotiff's codecs, acorn...). Then the GDAL worker, gdal3.js's loader, and GDAL's WebAssembly
// and data files. Each raw, gzipped and brotli-compressed (quality 9: 11 takes minutes on the wasm).
//
//   npm run build && npx tsx bench/bundle.ts      (npm run bench:bundle)
//
// The pages:
// - everything: `export * from 'geodata'`, nothing tree-shaken;
// - a pipeline: Data, register, Reprojector, SpatialSpec and load, as examples/browser does;
// - load only: `import { load }`, a page that reads entries other code made;
// - SpatialSpec only: `import { SpatialSpec }`, a page that only describes grids.
// gdal3.js is left out everywhere (it loads in the worker, or by URL).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const GDAL_DIST = join(REPO, 'node_modules', 'gdal3.js', 'dist', 'package');

/** The pages, as an application writes them. */
const PAGES: Record<string, string> = {
  everything: "export * from 'geodata';\n",
  pipeline: [
    "import { Data, Reprojector, SpatialSpec, load, register } from 'geodata';",
    'class Elevation extends Data {',
    "  get processor() { return new Reprojector('https://example.org/dem.tif', { resampling: 'bilinear' }); }",
    '}',
    'register(Elevation);',
    "const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [100, 0, 4321000, 0, -100, 3210000], shape: [500, 400] });",
    'export const run = () => load(new Elevation(), spec);',
    '',
  ].join('\n'),
  'load only': "import { load } from 'geodata';\nexport const run = (instance) => load(instance);\n",
  'SpatialSpec only': [
    "import { SpatialSpec } from 'geodata';",
    "export const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [100, 0, 4321000, 0, -100, 3210000], shape: [500, 400] });",
    'export const describe = () => `${spec.resolution} ${spec.bounds}`;',
    '',
  ].join('\n'),
};

interface Row {
  name: string;
  raw: number;
  gzip: number;
  brotli: number;
}

function sizes(name: string, bytes: Uint8Array): Row {
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}

/** A page bundled into `out`: its chunks' bytes at start and in all, and the metafile. */
async function bundlePage(project: string, name: string, source: string, minify: boolean): Promise<{ start: Uint8Array; all: Uint8Array; metafile: Metafile }> {
  const file = join(project, `${name.replace(/\W+/g, '-')}.js`);
  writeFileSync(file, source);
  const outdir = join(project, 'out', name.replace(/\W+/g, '-'));
  const result = await build({
    absWorkingDir: project,
    entryPoints: [file],
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    keepNames: true,
    external: ['gdal3.js'],
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const contents = new Map(result.outputFiles.map((output) => [relative(project, output.path), output.contents]));
  const outputs = result.metafile.outputs;
  const atStart = outputsAtStart(result.metafile, relative(project, file));
  const js = Object.keys(outputs).filter((output) => output.endsWith('.js'));
  return {
    start: Buffer.concat(js.filter((output) => atStart.has(output)).map((output) => contents.get(output)!)),
    all: Buffer.concat(js.map((output) => contents.get(output)!)),
    metafile: result.metafile,
  };
}

/** The entry chunk and the chunks it imports statically, transitively: what loads before the page runs. */
function outputsAtStart(metafile: Metafile, entryPoint: string): Set<string> {
  const outputs = metafile.outputs;
  const atStart = new Set<string>();
  const visit = (output: string) => {
    if (atStart.has(output)) return;
    atStart.add(output);
    for (const imported of outputs[output]!.imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  // Lazy chunks (geotiff's codecs...) are entry points too: the page's own is the one named.
  visit(Object.keys(outputs).find((output) => outputs[output]!.entryPoint === entryPoint)!);
  return atStart;
}

/** Bytes in the page's chunks at start, by package (or src/ folder). */
function partsAtStart(metafile: Metafile, project: string, entryPoint: string): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const output of outputsAtStart(metafile, entryPoint)) {
    for (const [file, { bytesInOutput }] of Object.entries(metafile.outputs[output]!.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const key = match ? match[1]! : relative(REPO, join(project, file)).split('/').slice(0, 3).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return byPackage;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function printRows(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip -9'.padStart(10)}  ${'brotli -9'.padStart(10)}`);
  for (const row of rows) console.log(`${row.name.padEnd(width)}  ${kib(row.raw).padStart(10)}  ${kib(row.gzip).padStart(10)}  ${kib(row.brotli).padStart(10)}`);
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist', 'src', 'browser.js'))) throw new Error('dist/ is not built: run npm run build (npm install does it) first');
  // A project that has installed geodata: its node_modules/geodata is this repository.
  const project = mkdtempSync(join(tmpdir(), 'geodata-bench-bundle-'));
  try {
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(REPO, join(project, 'node_modules', 'geodata'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-page', private: true, type: 'module' }));

    const rows: Row[] = [];
    const metafiles = new Map<string, Metafile>();
    for (const [name, source] of Object.entries(PAGES)) {
      const page = await bundlePage(project, name, source, true);
      rows.push(sizes(`${name}, minified, at start`, page.start), sizes(`${name}, minified, all chunks`, page.all));
      metafiles.set(name, page.metafile);
    }
    const unminified = await bundlePage(project, 'everything', PAGES.everything!, false);
    rows.push(sizes('everything, unminified, at start', unminified.start));
    const worker = await bundlePage(project, 'worker', "import 'geodata/engine-worker';\n", true);
    rows.push(sizes('engine-worker, minified', worker.all));
    rows.push(
      sizes('gdal3.js (loader, as shipped)', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3.js')))),
      sizes('gdal3WebAssembly.wasm', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3WebAssembly.wasm')))),
      sizes('gdal3WebAssembly.data', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3WebAssembly.data')))),
    );
    printRows(rows);
    const row = (name: string) => rows.find((r) => r.name === name)!;
    const js = row('pipeline, minified, at start').gzip + row('engine-worker, minified').gzip + row('gdal3.js (loader, as shipped)').gzip;
    const assets = row('gdal3WebAssembly.wasm').gzip + row('gdal3WebAssembly.data').gzip;
    console.log(`\nfirst visit of the pipeline page, gzipped: JavaScript ${kib(js)} (page at start + worker + gdal3.js) + WebAssembly and data ${kib(assets)}`);

    const parts: Record<string, Record<string, number>> = {};
    for (const [page, metafile] of metafiles) {
      const byPart = [...partsAtStart(metafile, project, `${page.replace(/\W+/g, '-')}.js`)].sort((a, b) => b[1] - a[1]);
      parts[page] = Object.fromEntries(byPart);
      console.log(`\nlargest parts of the minified "${page}" page at start (bytes in output):`);
      for (const [name, bytes] of byPart.slice(0, 8)) console.log(`  ${name.padEnd(28)} ${kib(bytes).padStart(10)}`);
    }

    const out = join(REPO, 'bench', 'output');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'bundle.json'), `${JSON.stringify({ rows, parts }, null, 2)}\n`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
