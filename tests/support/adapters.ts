import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../server/db/port';
import { freshPglite } from './pglite';
import { freshPostgres, postgresAvailable } from './postgres';

export type AdapterName = 'pglite' | 'postgres';

/**
 * The adapters a suite runs on: PGlite always; PostgreSQL when a server answers (always in
 * CI, where globalSetup fails the run without one). A skipped variant says so in the output.
 */
export const ADAPTERS: AdapterName[] = ['pglite', 'postgres'];

export const pgAvailable = await postgresAvailable();

export async function openTestDb(adapter: AdapterName): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (adapter === 'pglite') {
    const db = await freshPglite();
    return { db, drop: () => db.close() };
  }
  return freshPostgres();
}

/** Opens a fresh database of the adapter for the current describe block; closes it after. */
export function useTestDb(adapter: AdapterName): () => Db {
  let handle: { db: Db; drop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    handle = await openTestDb(adapter);
  }, 60_000);
  afterAll(async () => {
    await handle?.drop();
  });
  return () => {
    if (!handle) throw new Error('test database not open yet');
    return handle.db;
  };
}
