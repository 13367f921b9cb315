import { defineConfig } from 'vitest/config';

/**
 * The WeChat checks (`npm run test:wechat`): the built cloud functions under the real
 * wx-server-sdk, and the weapp build through WeChat's packer, compilers and a headless logic
 * layer. They read the builds, so `npm test` runs them after build:weapp and build:cloud.
 */
export default defineConfig({
  test: {
    name: 'wechat',
    include: ['tests/wechat/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    maxConcurrency: 2,
  },
});
