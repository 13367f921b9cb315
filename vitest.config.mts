import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

export default defineConfig({
  test: {
    projects: [
      {
        // Rules, use cases and cloud functions on a real database (PGlite; PostgreSQL when present).
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          globalSetup: ['tests/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        // Components and pages of the mini-program in jsdom, with Taro's H5 components.
        resolve: {
          alias: [
            { find: /^@tarojs\/components$/, replacement: '@tarojs/components-react' },
            { find: /^@tarojs\/taro$/, replacement: path.join(root, 'tests/ui/taro-mock.ts') },
            { find: /^@\//, replacement: `${path.join(root, 'src')}/` },
          ],
        },
        define: {
          ENABLE_INNER_HTML: 'true',
          ENABLE_ADJACENT_HTML: 'true',
          ENABLE_SIZE_APIS: 'false',
          ENABLE_TEMPLATE_CONTENT: 'true',
          ENABLE_CLONE_NODE: 'true',
          ENABLE_CONTAINS: 'true',
          ENABLE_MUTATION_OBSERVER: 'true',
          DEPRECATED_ADAPTER_COMPONENT: 'false',
          CLOUD_ENV: '""',
        },
        test: {
          name: 'ui',
          include: ['src/**/__test__/**/*.spec.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['tests/ui/setup.ts'],
          server: { deps: { inline: [/@tarojs\/components/] } },
          testTimeout: 15_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        // The staff console (staff-console/, React without Taro) in jsdom.
        resolve: { alias: [{ find: /^@\//, replacement: `${path.join(root, 'src')}/` }] },
        test: {
          name: 'staff',
          include: ['staff-console/**/__test__/**/*.spec.{ts,tsx}'],
          environment: 'jsdom',
          testTimeout: 15_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
