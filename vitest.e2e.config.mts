import { defineConfig } from 'vitest/config';

/**
 * The browser tests (`npm run test:e2e`): the real gateway and Debian's Chromium, one file at a
 * time, no global setup of the unit suites. They need the H5 build (`npm run build:h5`).
 */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
