import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPg } from '../../server/db/pg';
import type { Db } from '../../server/db/port';

/** The PostgreSQL server the tests use: DATABASE_URL, or this machine's local server. */
export const PG_ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/**
 * A new database on the server, for one test file: created empty, dropped by `drop()`.
 * The server's own databases are never touched.
 */
export async function freshPostgres(poolSize = 16): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const name = `yb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = openPg(url.toString(), poolSize);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close().catch(() => undefined);
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
