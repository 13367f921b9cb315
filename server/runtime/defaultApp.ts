import { createApp, type App } from '../app';
import { loadConfig } from '../config';

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
 * DATABASE_URL only.
 */
export function defaultApp(): Promise<App> {
  pending ??= open().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function open(): Promise<App> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new DatabaseNotConfigured();
  return createApp(config);
}
