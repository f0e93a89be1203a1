/**
 * Vite settings for the notebook (read by `notebooks preview|build --root examples/notebook` and
 * by build.ts): `geodata` is this repository's browser entry (an installed package resolves it
 * through its `browser` export instead), code is not minified (a class's fingerprint comes from
 * its source text), and `public/gdal/` (staged by build.ts) holds gdal3.js and its assets.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { alias: { geodata: fileURLToPath(new URL('../../src/browser.ts', import.meta.url)) } },
  build: { minify: false },
  worker: { format: 'es' },
});
