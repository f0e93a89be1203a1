// What a page that uses geodata downloads: the browser entry bundled and minified (JS), the
// GDAL worker, gdal3.js's loader, and GDAL's WebAssembly and data files, each raw, gzipped and
// brotli-compressed (what a web server sends; brotli at quality 9, where 11 would take minutes for the wasm). Run: npx tsx bench/bundle.ts (npm run bench:bundle)
//
// "geodata (browser entry)" is `import * from 'geodata'` in a page: everything exported, nothing
// tree-shaken, gdal3.js left out (it loads in the worker, or by URL). The largest inputs of that
// bundle are listed after the table.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const GDAL_DIST = join(REPO, 'node_modules', 'gdal3.js', 'dist', 'package');

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

async function bundle(entry: string, options: { minify: boolean; external?: string[] }): Promise<{ bytes: Uint8Array; metafile: Metafile }> {
  const result = await build({
    entryPoints: [join(REPO, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify,
    keepNames: true,
    external: options.external ?? [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: result.outputFiles[0]!.contents, metafile: result.metafile };
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const entry = await bundle('src/browser.ts', { minify: true, external: ['gdal3.js'] });
  const rows: Row[] = [
    sizes('geodata (browser entry), minified', entry.bytes),
    sizes('geodata (browser entry), unminified', (await bundle('src/browser.ts', { minify: false, external: ['gdal3.js'] })).bytes),
    sizes('engine-worker.js, minified', (await bundle('wasm/engine-worker.ts', { minify: true, external: ['gdal3.js'] })).bytes),
    sizes('gdal3.js (loader, as shipped)', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3.js')))),
    sizes('gdal3WebAssembly.wasm', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3WebAssembly.wasm')))),
    sizes('gdal3WebAssembly.data', new Uint8Array(await readFile(join(GDAL_DIST, 'gdal3WebAssembly.data')))),
  ];
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip -9'.padStart(10)}  ${'brotli -9'.padStart(10)}`);
  for (const row of rows) console.log(`${row.name.padEnd(width)}  ${kib(row.raw).padStart(10)}  ${kib(row.gzip).padStart(10)}  ${kib(row.brotli).padStart(10)}`);
  const js = rows[0]!.gzip + rows[2]!.gzip + rows[3]!.gzip;
  const assets = rows[4]!.gzip + rows[5]!.gzip;
  console.log(`\nfirst visit, gzipped: JavaScript ${kib(js)} (entry + worker + gdal3.js) + WebAssembly and data ${kib(assets)}`);

  const inputs = Object.entries(entry.metafile.outputs)[0]![1].inputs;
  const byPackage = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match ? match[1]! : relative(REPO, file).split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  console.log('\nlargest parts of the minified entry (bytes in output):');
  for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${name.padEnd(28)} ${kib(bytes).padStart(10)}`);

  const out = join(REPO, 'bench', 'output');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'bundle.json'), `${JSON.stringify({ rows, parts: Object.fromEntries(byPackage) }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
