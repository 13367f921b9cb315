import { defineConfig } from 'vitest/config';
import full from './vitest.config.mts';

/**
 * `npm run test:quick`, for daily work (issue 10 point 7): the rules, the use cases and cloud
 * functions on PGlite, the components of the mini-program and the staff console. Left to the
 * full suite (`npm test`, CI): PostgreSQL variants (DATABASE_URL points nowhere here, so
 * `useHarness('postgres')` and `pgAvailable` skip them), *.pg tests, the fuzzers, the
 * reliability model and crash tests, gateway.test.ts (it starts server processes), the
 * two-worker notice race, the demo cast, builds and the browser. QUICK=1 makes the malformed-event table
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
  // Each loads the whole demo cast (5–8 s a file): the demo is not a rule; the full suite checks it.
  'tests/backbone/demo-data.test.ts',
  'tests/backbone/demo-guide.test.ts',
  'tests/staff/demo-hall.test.ts',
];

/**
 * Component specs that mock modules the others use for real (the cloud wrapper, stores): they need
 * a module graph of their own (found by running them shared: they failed in some orders). Every
 * other spec shares one per worker (`isolate: false`).
 */
const UI_ISOLATED = [
  'src/pages/home/**',
  'src/pages/help/family-account/**',
  'src/pages/relative/covered/**',
  'src/pages/family/members/**',
  'src/pages/family/relative-detail/**',
  'src/components/consent-request/**',
  'src/pages/family/relative-add/**',
  'src/pages/help/diagnose/**',
  'src/pages/family/records/**',
];

type Project = { define?: Record<string, string>; test?: { name?: string; include?: string[]; exclude?: string[]; env?: Record<string, string> } };
const projects = (full.test?.projects ?? []) as Project[];

export default defineConfig({
  test: {
    projects: projects.map((project) =>
      project.test?.name === 'ui'
        ? [
            // Each its own copy of `define`: vitest takes its entries out of the object it is given.
            { ...project, define: { ...project.define }, test: { ...project.test, name: 'quick-ui-isolated', include: UI_ISOLATED.map((dir) => `${dir}/__test__/**/*.spec.{ts,tsx}`) } },
            { ...project, define: { ...project.define }, test: { ...project.test, name: 'quick-ui', exclude: [...(project.test.exclude ?? []), ...UI_ISOLATED], isolate: false } },
          ]
        : project.test?.name === 'node'
        ? {
            ...project,
            test: {
              ...project.test,
              name: 'quick-node',
              // One module graph per worker instead of per file: half the time. The files use a fresh
              // PGlite each and reset what they change; the full suite keeps every file isolated.
              isolate: false,
              include: QUICK_NODE,
              exclude: [...(project.test.exclude ?? []), ...SLOW_OR_PG],
              // QUICK=1: heavy tables and loops run a sample (see tests/backbone/validation.test.ts).
              env: { ...project.test.env, DATABASE_URL: 'postgres://quick@127.0.0.1:1/none', QUICK: '1' },
            },
          }
        : project,
    ).flat(),
  },
});
