import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, schemaStatus } from '../../server/db/migrate';
import { MIGRATIONS } from '../../server/db/migrations';
import { openPg } from '../../server/db/pg';
import { openPglite } from '../../server/db/pglite';
import type { Db } from '../../server/db/port';
import { pgAvailable } from '../support/adapters';
import { freshPostgres } from '../support/postgres';

const VERSIONS = MIGRATIONS.map((m) => m.version);
const ROOT = path.resolve(__dirname, '../..');

/** Runs `npm run migrate`'s script against `url`; its exit code and output. */
function migrateProcess(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, APP_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!pgAvailable)('migrations on a fresh PostgreSQL database started twice at once', () => {
  it('three pools migrating one fresh database at the same moment all succeed, and each migration is applied once (5 rounds)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const fresh = await freshPostgres(2);
      const pools = [openPg(fresh.url, 2), openPg(fresh.url, 2), openPg(fresh.url, 2)];
      try {
        // Connected first, so that the three start their migrations together.
        await Promise.all(pools.map((pool) => pool.query('SELECT 1')));
        const results = await Promise.allSettled(pools.map((pool) => migrate(pool)));
        const refusals = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.stack ?? r.reason)] : []));
        expect(refusals, `round ${round}`).toEqual([]);
        const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
        expect([...applied].sort((a, b) => a - b)).toEqual(VERSIONS);
        const rows = await fresh.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => Number(r.version))).toEqual(VERSIONS);
        expect(await schemaStatus(fresh.db)).toMatchObject({ missing: [] });
        // A later start applies nothing.
        expect(await migrate(pools[0]!)).toEqual([]);
      } finally {
        await Promise.all(pools.map((pool) => pool.close()));
        await fresh.drop();
      }
    }
  }, 240_000);

  it('two `npm run migrate` processes at once: both exit 0, every migration applied once', async () => {
    const fresh = await freshPostgres(2);
    try {
      expect((await schemaStatus(fresh.db)).missing).toEqual(VERSIONS);
      const [a, b] = await Promise.all([migrateProcess(fresh.url), migrateProcess(fresh.url)]);
      expect({ code: a.code, output: a.output }).toMatchObject({ code: 0 });
      expect({ code: b.code, output: b.output }).toMatchObject({ code: 0 });
      const rows = await fresh.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(VERSIONS);
      expect(`${a.output}\n${b.output}`).toMatch(/schema version/);
    } finally {
      await fresh.drop();
    }
  }, 240_000);
});

/**
 * The race of CREATE TABLE IF NOT EXISTS can be lost three ways: on the catalog's unique key
 * (23505), as a duplicate table (42P07), or on the table's row type (42710, `type "…" already
 * exists`: seen once in CI, where the third pool's migrate failed). Each loss is injected once into
 * a real PGlite, the way PostgreSQL raises it after the other session's commit: the statement is
 * run again and migrate goes on.
 */
describe('bookkeeping tables created while another process creates them', () => {
  it.each([
    ['23505', 'duplicate key value violates unique constraint "pg_type_typname_nsp_index"'],
    ['42P07', 'relation "schema_migrations" already exists'],
    ['42710', 'type "schema_migration_lock" already exists'],
  ])('a lost race (SQLSTATE %s) is run again, and every migration is applied once', async (code, message) => {
    const db = await openPglite();
    let injected = 0;
    const racing: Db = {
      ...db,
      exec: async (sql: string) => {
        if (injected === 0 && /CREATE TABLE IF NOT EXISTS/.test(sql)) {
          injected += 1;
          await db.exec(sql); // the other session's table, committed first
          throw Object.assign(new Error(message), { code });
        }
        return db.exec(sql);
      },
    };
    try {
      expect(await migrate(racing)).toEqual(VERSIONS);
      expect(injected).toBe(1);
      expect(await schemaStatus(db)).toMatchObject({ missing: [] });
    } finally {
      await db.close();
    }
  });
});
