import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the benchmarks use: BENCH_DATABASE_URL, DATABASE_URL, or this machine's server. */
export const PG_ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const live = new Set<string>();

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new, empty database `yb_bench_<random>` on the server; `drop()` removes it. */
export async function freshPgDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `yb_bench_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  live.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^yb_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  live.delete(name);
}

/** Drops every database this process created and has not dropped yet (on errors and Ctrl-C). */
export async function dropAllCreated(): Promise<void> {
  for (const name of [...live]) await dropDatabase(name).catch(() => undefined);
}

export async function serverVersion(): Promise<string> {
  return admin(async (client) => {
    const rows = await client.query<{ server_version: string }>('SHOW server_version');
    return rows.rows[0]?.server_version ?? 'unknown';
  });
}

export async function serverSettings(): Promise<Record<string, string>> {
  return admin(async (client) => {
    const names = ['shared_buffers', 'max_connections', 'synchronous_commit', 'fsync', 'wal_level', 'work_mem'];
    const out: Record<string, string> = {};
    for (const name of names) out[name] = (await client.query(`SHOW ${name}`)).rows[0]?.[name] ?? '?';
    return out;
  });
}

/**
 * pg's pool closes a connection idle for 10 s. Interleaved measurements leave a pool idle for
 * longer than that between its slices; reconnecting (and re-preparing statements) would then
 * land in the next slice. Keep idle connections for two minutes instead.
 */
export function keepConnections(db: unknown): void {
  const pool = (db as { pool?: { options?: { idleTimeoutMillis?: number } } }).pool;
  if (pool?.options) pool.options.idleTimeoutMillis = 120_000;
}
