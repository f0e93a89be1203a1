import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GDAL-WASM takes 200-300 MB per process: two workers fit two cores without thrashing.
    pool: 'forks',
    maxWorkers: 2,
  },
});
