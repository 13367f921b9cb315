/**
 * `npm run migrate`: the deploy step that brings the database to this code's schema (SPEC 3.1).
 * It reads DATABASE_URL (a PostgreSQL server; without it, the development PGlite in DATA_DIR)
 * through server/config.ts, applies the missing migrations and exits: 0 when the schema is up to
 * date, 1 with a message when it could not be. Safe to run from several machines at once: the
 * migrations take a row lock (server/db/migrate.ts). Cloud functions never migrate on a cold start.
 */
import { openDatabase } from '../server/app';
import { ConfigError, loadDatabaseConfig } from '../server/config';
import { migrate, SCHEMA_VERSION } from '../server/db/migrate';

async function main(): Promise<void> {
  const config = loadDatabaseConfig();
  const db = await openDatabase({ ...config, dbPoolSize: 1 });
  try {
    const applied = await migrate(db);
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
    console.log(
      applied.length > 0
        ? `applied migrations ${applied.join(', ')} to ${where}; schema version ${SCHEMA_VERSION}`
        : `${where} already at schema version ${SCHEMA_VERSION}; nothing to apply`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`configuration error: ${error.message}`);
  else console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
