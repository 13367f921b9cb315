import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrate } from '../../server/db/migrate';
import { openPglite } from '../../server/db/pglite';
import { PGLITE_SNAPSHOT } from './pglite';
import { postgresAvailable, PG_ADMIN_URL } from './postgres';

/** Once per run: a migrated PGlite snapshot for every test file, and the PostgreSQL check. */
export default async function setup(): Promise<void> {
  const db = await openPglite();
  await migrate(db);
  const dump = await db.raw.dumpDataDir('gzip');
  await mkdir(path.dirname(PGLITE_SNAPSHOT), { recursive: true });
  await writeFile(PGLITE_SNAPSHOT, Buffer.from(await dump.arrayBuffer()));
  await db.close();

  const available = await postgresAvailable();
  if (!available) {
    if (process.env.CI) throw new Error(`CI needs a PostgreSQL server at ${PG_ADMIN_URL}; .ci/run starts one`);
    console.warn(`\n[tests] PostgreSQL is not reachable at ${PG_ADMIN_URL}: the PostgreSQL variants are SKIPPED in this run.\n`);
  }
}
