import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../server/app';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../server/config';
import { migrate } from '../../server/db/migrate';
import type pg from 'pg';
import { pgAvailable } from '../support/adapters';
import { freshPostgres } from '../support/postgres';

describe('DB_POOL_SIZE', () => {
  it('defaults to 16 in the gateway and 2 in a cloud function, and takes 1–100', () => {
    expect(loadConfig({ APP_ENV: 'development' }).dbPoolSize).toBe(16);
    expect(loadConfig({ APP_ENV: 'development' }, 'cloudFunction').dbPoolSize).toBe(2);
    expect(loadDatabaseConfig({}, 'cloudFunction').dbPoolSize).toBe(2);
    expect(loadConfig({ APP_ENV: 'development', DB_POOL_SIZE: '1' }, 'cloudFunction').dbPoolSize).toBe(1);
    expect(loadConfig({ APP_ENV: 'development', DB_POOL_SIZE: '100' }).dbPoolSize).toBe(100);
    for (const bad of ['0', '101', '-1', '2.5', 'many']) {
      expect(() => loadConfig({ APP_ENV: 'development', DB_POOL_SIZE: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ APP_ENV: 'development', DB_POOL_SIZE: bad })).toThrow(/DB_POOL_SIZE/);
    }
  });

  it.skipIf(!pgAvailable)('is the size of the pool openDatabase opens', async () => {
    const fresh = await freshPostgres(1);
    try {
      const db = (await openDatabase({ databaseUrl: fresh.url, dataDir: '', dbPoolSize: 3 })) as unknown as { pool: pg.Pool; close(): Promise<void> };
      expect(db.pool.options.max).toBe(3);
      await db.close();
    } finally {
      await fresh.drop();
    }
  });
});

describe.skipIf(!pgAvailable)("a cloud function's cold start never migrates", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('on a database behind the code it answers UNAVAILABLE and leaves the schema alone; after `npm run migrate` it serves', async () => {
    const fresh = await freshPostgres(2);
    try {
      vi.stubEnv('APP_ENV', 'development');
      vi.stubEnv('DATABASE_URL', fresh.url);
      vi.stubEnv('DEMO_DATA', '0');
      // A fresh module registry: the instance's app is opened by this test, as on a cold start.
      vi.resetModules();
      const { main } = (await import('../../cloudfunctions/sendCode/index')) as { main: (event: unknown) => Promise<unknown> };
      const behind = (await main({ phone: '13900000009' })) as { ok: boolean; error?: { code: string; message: string } };
      expect(behind).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(behind.error?.message).toMatch(/[\u4e00-\u9fff]/);
      // Nothing was created: no schema_migrations, no tables of the product.
      const tables = await fresh.db.query<{ n: bigint }>(
        "SELECT count(*)::bigint AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables[0]?.n).toBe(0n);
      // The deploy step, then the next call of the same instance.
      await migrate(fresh.db);
      const served = (await main({ phone: '13900000009' })) as { ok: boolean };
      expect(served).toMatchObject({ ok: true });
    } finally {
      await fresh.drop();
    }
  }, 120_000);
});
