/**
 * Builds the notebook into a static folder (`npm run build:notebook`): stages gdal3.js and its
 * `.wasm`/`.data` into `public/gdal/`, then runs Notebook Kit's Vite build. Serve the output
 * (`dist/`) with any static server and open `terrain.html`.
 *
 *   npx tsx examples/notebook/build.ts
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config, observable } from '@observablehq/notebook-kit/vite';
import { build } from 'vite';

const HERE = dirname(fileURLToPath(import.meta.url));
const GDAL_DIST = join(HERE, '..', '..', 'node_modules', 'gdal3.js', 'dist', 'package');

/** The default output folder (gitignored). */
export const NOTEBOOK_DIST = join(HERE, 'dist');

/** Stages GDAL's files and builds the notebook into `outDir`; returns the folder. */
export async function buildNotebook(outDir = NOTEBOOK_DIST): Promise<string> {
  const gdal = join(HERE, 'public', 'gdal');
  await mkdir(gdal, { recursive: true });
  for (const file of ['gdal3.js', 'gdal3WebAssembly.wasm', 'gdal3WebAssembly.data']) await copyFile(join(GDAL_DIST, file), join(gdal, file));
  await build({
    ...config(),
    plugins: [observable()],
    root: HERE,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, cssMinify: false, rollupOptions: { input: [join(HERE, 'terrain.html')] } },
  });
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildNotebook().then(
    (dir) => console.log(`built the notebook into ${dir}; serve that folder and open terrain.html`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
