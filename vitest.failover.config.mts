import { defineConfig } from 'vitest/config';

/**
 * The failover test (`npm run test:failover`): a pg_auto_failover formation started by
 * scripts/failover/formation.sh, one file at a time, no global setup of the unit suites.
 * Its files end in `.failover.ts`, so the main suite (tests/**\/*.test.ts) does not pick them up.
 */
export default defineConfig({
  test: {
    name: 'failover',
    include: ['tests/failover/**/*.failover.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 400_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
