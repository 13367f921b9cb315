import { defineConfig } from 'vitest/config';
import full from './vitest.config.mts';

/**
 * `npm run test:quick`, for daily work (issue 10 point 7): the rules, the use cases and cloud
 * functions on PGlite, the components of the mini-program and the staff console. Left to the
 * full suite (`npm test`, CI): PostgreSQL variants (DATABASE_URL points nowhere here, so
 * `useHarness('postgres')` skips), *.pg tests, the fuzzers, the reliability model and crash
 * tests, gateway.test.ts (it starts server processes), builds and the browser.
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
const SLOW_OR_PG = ['**/*.pg.test.ts', 'tests/backbone/gateway.test.ts', 'tests/backbone/concurrency.pg.test.ts'];

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
              env: { ...project.test.env, DATABASE_URL: 'postgres://quick@127.0.0.1:1/none' },
            },
          }
        : project,
    ),
  },
});
