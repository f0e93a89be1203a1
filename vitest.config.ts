import { transform } from 'esbuild';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vite 8's oxc transform does not lower TC39 decorators (`@register`), which Node 20 cannot
  // parse; esbuild does, the way tsx and esbuild bundles do for users.
  oxc: false,
  plugins: [
    {
      name: 'esbuild-typescript',
      enforce: 'pre',
      async transform(code, id) {
        if (!/\.[cm]?ts$/.test(id) || id.includes('/node_modules/')) return null;
        const result = await transform(code, {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          sourcefile: id,
          sourcemap: true,
          tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
        });
        return { code: result.code, map: result.map };
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when a source is newer (the CLI and fixtures run it); checks the repository
    // root is left clean.
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GDAL-WASM takes 200-300 MB per process: two workers fit two cores without thrashing.
    pool: 'forks',
    maxWorkers: 2,
  },
});
