import pg from 'pg';
import { DatabaseUnavailable, isUnreachable, SQLSTATE, sqlState, type Db, type Queryable, type SqlParam, type TransactionOptions } from './port';
import { statementName } from './statements';

// BIGINT (int8) as bigint, like the PGlite adapter; never a lossy number or a string.
pg.types.setTypeParser(20, (value: string) => BigInt(value));

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);
const MAX_ATTEMPTS = 5;

function retryable(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE.has(state);
}

/**
 * How long the gateway waits for the database (SPEC 2.13: UNAVAILABLE within 5 s while it is
 * away). server/config.ts reads them from DB_CONNECT_TIMEOUT_MS and the like.
 */
export interface PgTimeouts {
  /** A new connection (per host), and the wait for a free pooled one (0: none). */
  connectMs: number;
  /** The server cancels a statement that runs longer (`statement_timeout`). */
  statementMs: number;
  /** The client gives up on an answer that does not come (`query_timeout`: a silent network). */
  queryMs: number;
  /** The server ends a session left idle inside a transaction. */
  idleInTransactionMs: number;
  /** TCP keepalive: first probe after this much silence on a connection. */
  keepAliveMs: number;
  /**
   * `statement_timeout` of a report transaction (`{ report: true }`: scheduler and staff jobs,
   * never a user's request), set with SET LOCAL; the client waits as much longer as it does for
   * the others. 0: such a transaction has the ordinary timeouts.
   */
  reportMs: number;
}

/**
 * Without `timeouts` (tests, benchmarks, scripts): no timeouts, as before SPEC 2.13. The
 * server always passes the configuration's (server/app.ts, DB_*_TIMEOUT_MS). 0 = none.
 */
export const DEFAULT_PG_TIMEOUTS: PgTimeouts = {
  connectMs: 0,
  statementMs: 0,
  queryMs: 0,
  idleInTransactionMs: 0,
  keepAliveMs: 10_000,
  reportMs: 0,
};

/** How much longer than the server the client waits for a report's answer, at least (the server's cancel comes first). */
const REPORT_ANSWER_GRACE_MS = 500;

/**
 * The server's and the client's limits of a report transaction's statements, or null when
 * it has the ordinary ones. The client waits for the report as much longer than the server as
 * it does for the others (DB_QUERY_TIMEOUT_MS − DB_STATEMENT_TIMEOUT_MS), or not at all if it
 * never waits.
 */
function reportLimits(timeouts: PgTimeouts): { statementMs: number; queryMs: number | undefined } | null {
  if (timeouts.reportMs <= 0) return null;
  const grace = Math.max(timeouts.queryMs - timeouts.statementMs, REPORT_ANSWER_GRACE_MS);
  return { statementMs: Math.trunc(timeouts.reportMs), queryMs: timeouts.queryMs > 0 ? timeouts.reportMs + grace : undefined };
}

/** The statements of a migration may run long; `exec` waits this long for them. */
const EXEC_TIMEOUT_MS = 10 * 60_000;

/**
 * A connection string with one host or several (`postgres://u@h1:5432,h2:5433/db?…`, as libpq
 * takes it): one single-host URL per host, in order, and whether only a read-write server will
 * do (`target_session_attrs=read-write` or `primary`). node-postgres 8 takes neither.
 */
export function parseDatabaseUrl(connectionString: string): { urls: string[]; readWrite: boolean } {
  const match = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?$/i.exec(connectionString);
  if (!match) return { urls: [connectionString], readWrite: false };
  const [, scheme, auth = '', hosts = '', path = '', query = ''] = match;
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!['any', 'read-write', 'primary'].includes(attrs)) {
    throw new Error(`DATABASE_URL: target_session_attrs "${attrs}" is not supported (any, read-write or primary)`);
  }
  params.delete('target_session_attrs');
  const rest = params.toString();
  const urls = hosts
    .split(',')
    .map((host) => host.trim())
    .map((host) => `${scheme}${auth}${host}${path}${rest ? `?${rest}` : ''}`);
  return { urls, readWrite: attrs !== 'any' };
}

/** The hosts of a connection string without user or password, for messages. */
export function describeHosts(connectionString: string): string {
  const match = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(connectionString);
  return match?.[1] || 'the default host';
}

/**
 * Runs `attempt` again, after a short random pause, while it fails on a deadlock or a
 * serialization failure (at most MAX_ATTEMPTS times). `attempt` must be one whole transaction,
 * rolled back by the failure: a lone statement, or BEGIN … COMMIT.
 */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error) || n >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * n));
    }
  }
}

/** As a named prepared statement where it can be one (./statements.ts); `queryMs`: the client's own wait, when not the pool's. */
function run(client: pg.PoolClient, sql: string, params: readonly SqlParam[], queryMs?: number) {
  const name = statementName(sql);
  const timeout = queryMs === undefined ? {} : { query_timeout: queryMs };
  return client.query({ ...(name ? { name } : {}), text: sql, values: params as unknown[], ...timeout } as pg.QueryConfig);
}

function notPrimary(): Error {
  return Object.assign(new Error('server is not the primary (read-only); target_session_attrs=read-write'), { code: '25006' });
}

/**
 * A PostgreSQL server (or a PostgreSQL-compatible distributed engine) through `pg` pools, one
 * per host of the connection string. A connection goes to the host that served last, else to
 * the next one that answers (and, with target_session_attrs=read-write, is not in recovery).
 * Losing the database never crashes the process: every client has an error listener, and an
 * unreachable database is a DatabaseUnavailable (UNAVAILABLE) within the timeouts.
 */
export function openPg(
  connectionString: string,
  poolSize = 16,
  options: { timeouts?: Partial<PgTimeouts> } = {},
): Db & { pool: pg.Pool } {
  const timeouts = { ...DEFAULT_PG_TIMEOUTS, ...options.timeouts };
  const { urls, readWrite } = parseDatabaseUrl(connectionString);
  /** Clients whose connection reported an error: never given back to the pool. */
  const dead = new WeakSet<pg.ClientBase>();
  const pools = urls.map((url) => {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs || undefined,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs || undefined,
      query_timeout: timeouts.queryMs || undefined,
      keepAlive: true,
      keepAliveInitialDelayMillis: timeouts.keepAliveMs,
      // A new connection of a read-write target must be to a primary (a standby after a failover is not).
      verify: readWrite
        ? (client: pg.PoolClient, done: (error?: Error) => void) => {
            client
              .query<{ recovery: boolean; ro: string }>("SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS ro")
              .then((result) => done(result.rows[0]?.recovery || result.rows[0]?.ro === 'on' ? notPrimary() : undefined), done);
          }
        : undefined,
    } as pg.PoolConfig);
    // An idle client that loses its connection must not crash the process…
    pool.on('error', () => undefined);
    // …nor one that is checked out, between two statements of a transaction.
    pool.on('connect', (client) => {
      client.on('error', () => dead.add(client));
      client.on('end', () => dead.add(client));
    });
    return pool;
  });
  let current = 0;

  /** A client of the host that served last, else of the next host that will do. */
  async function acquire(): Promise<{ client: pg.PoolClient; host: number }> {
    let last: unknown;
    for (let i = 0; i < pools.length; i += 1) {
      const host = (current + i) % pools.length;
      try {
        const client = await pools[host]!.connect();
        current = host;
        return { client, host };
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        last = error;
      }
    }
    throw new DatabaseUnavailable(last);
  }

  /** An error of a statement: the database's fault is UNAVAILABLE; a read-only host is left. */
  function classify(error: unknown, host: number): unknown {
    if (!isUnreachable(error)) return error;
    if (sqlState(error) === '25006' && pools.length > 1 && current === host) current = (host + 1) % pools.length;
    return error instanceof DatabaseUnavailable ? error : new DatabaseUnavailable(error);
  }

  /** Inside a transaction: one attempt; the transaction as a whole is what gets retried. */
  function wrap(client: pg.PoolClient, host: number, queryMs?: number): Queryable {
    return {
      async query<R>(sql: string, params: readonly SqlParam[] = []) {
        try {
          return (await run(client, sql, params, queryMs)).rows as R[];
        } catch (error) {
          throw classify(error, host);
        }
      },
    };
  }

  /**
   * Outside a transaction each statement is its own transaction: one that failed on a deadlock
   * or a serialization failure was rolled back whole, so running it again is safe.
   */
  function query<R>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return withRetries(async () => {
      const { client, host } = await acquire();
      let broken = false;
      try {
        return (await run(client, sql, params)).rows as R[];
      } catch (error) {
        broken = isUnreachable(error);
        throw classify(error, host);
      } finally {
        client.release(broken || dead.has(client));
      }
    });
  }

  const report = reportLimits(timeouts);

  function transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const limits = options.report ? report : null;
    return withRetries(async () => {
      const { client, host } = await acquire();
      let broken = false;
      try {
        await client.query('BEGIN');
        // SET LOCAL: the longer limit ends with the transaction; the pooled session keeps the short one.
        if (limits) await client.query(`SET LOCAL statement_timeout = ${limits.statementMs}`);
        const result = await fn(wrap(client, host, limits?.queryMs));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isUnreachable(error) || dead.has(client)) {
          // The connection is gone or silent: the server rolls the transaction back when it
          // ends; a ROLLBACK would only wait for another timeout.
          broken = true;
          throw classify(error, host);
        }
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken || dead.has(client));
      }
    });
  }

  return {
    kind: 'pg',
    pool: pools[0]!,
    query,
    transaction,
    exec: async (sql) => {
      const { client, host } = await acquire();
      try {
        // Migrations may run longer than a request's statement; the session is not reused.
        await client.query({ text: `SET statement_timeout = 0;\n${sql}`, query_timeout: EXEC_TIMEOUT_MS } as pg.QueryConfig);
      } catch (error) {
        throw classify(error, host);
      } finally {
        client.release(true);
      }
    },
    close: async () => {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}
