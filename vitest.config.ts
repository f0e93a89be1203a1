import { transform } from 'esbuild';
import { defineConfig } from 'vitest/config';

/** Test files that start Chromium (all of them or one case); they skip without it. */
const BROWSER = [
  'test/browser/**/*.test.ts',
  'test/registry-ui/browser.test.ts',
  'test/registry-ui/live-code.test.ts',
  'test/render/browser.test.ts',
  'test/render/svg-figures.test.ts',
  'test/store/indexeddb-browser.test.ts',
  'test/wasm/browser-engine.test.ts',
  'test/cache/archive.test.ts',
  'test/graph/graph-svg.test.ts',
];

/** Test files that run other processes: the CLI, tsx pipelines, bundlers, npm pack and install. */
const INTEGRATION = [
  'test/cli/**/*.test.ts',
  'test/package/exports.test.ts',
  'test/package/install.test.ts',
  'test/package/bundlers.test.ts',
  'test/package/node-bundle.test.ts',
  'test/examples/**/*.test.ts',
  'test/edit-corpus/**/*.test.ts',
  'test/fingerprint/library-toolchain.test.ts',
  'test/fingerprint/library-lazy-bundle.test.ts',
  'test/fingerprint/names-toolchain.test.ts',
  'test/fingerprint/toolchain.test.ts',
  'test/fingerprint/written-source.test.ts',
  'test/pipeline/concurrency.test.ts',
  'test/registry-ui/security.test.ts',
  'test/registry-ui/model.test.ts',
  'test/store/fs.test.ts',
  'test/queue/**/*.test.ts',
  'test/wasm/lifecycle.test.ts',
];

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
    // No `include` here: a project's own would be added to it (the configs merge arrays).
    // Builds dist/ when a source is newer (the CLI and fixtures run it); checks the repository
    // root is left clean.
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GDAL-WASM takes 200-300 MB per process: two workers fit two cores without thrashing.
    pool: 'forks',
    maxWorkers: 2,
    // `npm test` runs every project; `npm run test:unit` only the in-process ones
    // (`vitest run --project unit`), `--project integration` and `--project browser` the others.
    // Each project inherits everything above (the esbuild plugin, the global setup, the pool).
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...BROWSER, ...INTEGRATION] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          // The build is imported by Node itself, as the CLI and the fixture pipelines import it
          // (test/cli/in-process.ts): one copy of geodata, not a second one in vitest's runner.
          server: { deps: { external: [/\/dist\/(?:src|bundle)\//] } },
        },
      },
      { extends: true, test: { name: 'browser', include: BROWSER } },
    ],
  },
});
