import { defineConfig } from 'vitest/config';
import full from './vitest.config.mts';

/**
 * `npm run test:quick`, for daily work (issue 10 point 7): the rules, the use cases and cloud
 * functions on PGlite, the components of the mini-program and the staff console. Left to the
 * full suite (`npm test`, CI): PostgreSQL variants (DATABASE_URL points nowhere here, so
 * `useHarness('postgres')` and `pgAvailable` skip them), *.pg tests, the fuzzers, the
 * reliability model and crash tests, gateway.test.ts (it starts server processes), the
 * two-worker notice race, builds and the browser. QUICK=1 makes the malformed-event table
 * (validation.test.ts) try a sample of the bad values of each field instead of all of them.
 */
const QUICK_NODE = [
  'tests/rules/**/*.test.ts',
  'tests/backbone/**/*.test.ts',
  'tests/authz/**/*.test.ts',
  'tests/staff/**/*.test.ts',
  'tests/notices/**/*.test.ts',
  'tests/platform/**/*.test.ts',
  'tests/ratelimit/**/*.test.ts',
];
const SLOW_OR_PG = [
  // PostgreSQL-only suites (concurrency, lock waits): nothing to run without a server.
  '**/*.pg.test.ts',
  // Starts gateway server processes.
  'tests/backbone/gateway.test.ts',
  // 400 rounds of two workers racing on one outbox: a concurrency stress test, not a daily check.
  'tests/notices/two-workers-send-each-notice-once.test.ts',
];

type Project = { test?: { name?: string; include?: string[]; exclude?: string[]; env?: Record<string, string> } };
const projects = (full.test?.projects ?? []) as Project[];

export default defineConfig({
  test: {
    projects: projects.map((project) =>
      project.test?.name === 'node'
        ? {
            ...project,
            test: {
              ...project.test,
              name: 'quick-node',
              include: QUICK_NODE,
              exclude: [...(project.test.exclude ?? []), ...SLOW_OR_PG],
              // QUICK=1: heavy tables and loops run a sample (see tests/backbone/validation.test.ts).
              env: { ...project.test.env, DATABASE_URL: 'postgres://quick@127.0.0.1:1/none', QUICK: '1' },
            },
          }
        : project,
    ),
  },
});
