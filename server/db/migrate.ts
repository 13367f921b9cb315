import { MIGRATIONS } from './migrations';
import { SQLSTATE, sqlState, type Db } from './port';

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction
 * together with its row there. Two processes migrating at once: the second one's insert of
 * the same version waits for the first, then fails on the key and skips the version.
 */
export async function migrate(db: Db): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => Number(row.version)),
  );
  const done: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    try {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        for (const statement of typeof migration.sql === 'string' ? splitStatements(migration.sql) : migration.sql) await tx.query(statement);
      });
      done.push(migration.version);
    } catch (error) {
      if (sqlState(error) !== SQLSTATE.uniqueViolation) throw error;
    }
  }
  return done;
}

/** Splits a migration on the semicolons that end statements (the migrations have no bodies with ;). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
