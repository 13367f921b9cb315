import { MIGRATIONS } from './migrations';
import { SQLSTATE, sqlState, type Db } from './port';

/** The latest schema version this code needs. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/** SQLSTATE of CREATE … IF NOT EXISTS losing a race to another session creating the same object. */
const DUPLICATE_TABLE = '42P07';
/** `type "…" already exists`: the same race, lost on the table's row type instead of its name. */
const DUPLICATE_OBJECT = '42710';

/**
 * The bookkeeping tables: the applied versions, and the one-row table whose row `migrate` locks.
 * Two sessions running `CREATE TABLE IF NOT EXISTS` at one moment on a fresh database can both
 * miss the table and one then fails on the catalog's unique key (23505), as a duplicate table
 * (42P07) or on its row type (42710): the table exists then, and the statement is run again.
 */
async function ensureBookkeeping(db: Db): Promise<void> {
  const statements = [
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    'CREATE TABLE IF NOT EXISTS schema_migration_lock (id integer PRIMARY KEY CHECK (id = 1))',
    'INSERT INTO schema_migration_lock (id) VALUES (1) ON CONFLICT (id) DO NOTHING',
  ];
  for (const statement of statements) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await db.exec(statement);
        break;
      } catch (error) {
        const state = sqlState(error);
        if ((state !== SQLSTATE.uniqueViolation && state !== DUPLICATE_TABLE && state !== DUPLICATE_OBJECT) || attempt >= 5) throw error;
      }
    }
  }
}

async function appliedVersions(db: Db): Promise<Set<number>> {
  const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => Number(row.version)));
}

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction
 * together with its row there. Each transaction first locks the one row of
 * schema_migration_lock (`SELECT … FOR UPDATE`: a row lock, which PostgreSQL and the
 * PostgreSQL-compatible distributed engines all offer, unlike pg_advisory_lock), then looks
 * again whether the version is applied: a second process started at the same moment waits for
 * the first one's migration to commit, sees it done and skips it. Returns the versions this
 * call applied.
 */
export async function migrate(db: Db): Promise<number[]> {
  await ensureBookkeeping(db);
  const before = await appliedVersions(db);
  const done: number[] = [];
  for (const migration of MIGRATIONS) {
    if (before.has(migration.version)) continue;
    const applied = await db.transaction(async (tx) => {
      await tx.query('SELECT id FROM schema_migration_lock WHERE id = 1 FOR UPDATE');
      const exists = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (exists.length > 0) return false;
      for (const statement of typeof migration.sql === 'string' ? splitStatements(migration.sql) : migration.sql) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (applied) done.push(migration.version);
  }
  return done;
}

/** A database whose schema is older than this code: `npm run migrate` has not run since the deploy. */
export class SchemaBehind extends Error {
  constructor(readonly missing: number[]) {
    super(`the database schema is behind this code (missing migrations ${missing.join(', ')}): run \`npm run migrate\` with this DATABASE_URL`);
    this.name = 'SchemaBehind';
  }
}

/** The schema as this code finds it: the versions it needs that the database lacks (none: up to date). */
export async function schemaStatus(db: Db): Promise<{ missing: number[]; expected: number }> {
  let applied: Set<number>;
  try {
    applied = await appliedVersions(db);
  } catch (error) {
    // 42P01: no schema_migrations at all, a database never migrated.
    if (sqlState(error) !== '42P01') throw error;
    applied = new Set();
  }
  return { missing: MIGRATIONS.map((m) => m.version).filter((v) => !applied.has(v)), expected: SCHEMA_VERSION };
}

/** Splits a migration on the semicolons that end statements (the migrations have no bodies with ;). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
