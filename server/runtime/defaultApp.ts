import { createApp, type App } from '../app';
import { loadConfig } from '../config';
import { SchemaBehind } from '../db/migrate';
import { AppError } from '../errors';

/**
 * A cloud function instance started without DATABASE_URL. WeChat's runtime has no PGlite and no
 * disk to keep its data on: there, the database is a PostgreSQL server or nothing.
 */
export class DatabaseNotConfigured extends Error {
  constructor() {
    super('DATABASE_URL is not set: a cloud function needs a PostgreSQL server (set DATABASE_URL in the function\'s environment variables)');
    this.name = 'DatabaseNotConfigured';
  }
}

let pending: Promise<App> | undefined;

/**
 * The app of a cloud function instance in WeChat's runtime (or any host that calls `main`
 * without the gateway): configured from the environment, opened once per instance, on
 * DATABASE_URL only, with a small pool (DB_POOL_SIZE, default 2). A cold start never migrates:
 * it checks the schema version, and while the database is behind (the deploy step
 * `npm run migrate` has not run) every call answers UNAVAILABLE and the next call looks again.
 */
export function defaultApp(): Promise<App> {
  pending ??= open().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function open(): Promise<App> {
  const config = loadConfig(undefined, 'cloudFunction');
  if (!config.databaseUrl) throw new DatabaseNotConfigured();
  try {
    return await createApp(config, { schema: 'check' });
  } catch (error) {
    if (!(error instanceof SchemaBehind)) throw error;
    // For the operator, in the function's log; the caller gets UNAVAILABLE.
    console.error(JSON.stringify({ msg: error.message, missing: error.missing }));
    throw new AppError('UNAVAILABLE', '服务正在升级，请稍后重试');
  }
}
