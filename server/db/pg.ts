import pg from 'pg';
import { SQLSTATE, sqlState, type Db, type Queryable, type SqlParam } from './port';
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

/** As a named prepared statement where it can be one (./statements.ts). */
function run(client: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlParam[], prepare: boolean) {
  const name = prepare ? statementName(sql) : undefined;
  return client.query(name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] });
}

/** Inside a transaction: one attempt; the transaction as a whole is what gets retried. */
function wrap(client: pg.PoolClient, prepare: boolean): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      return (await run(client, sql, params, prepare)).rows as R[];
    },
  };
}

/**
 * Outside a transaction each statement is its own transaction: one that failed on a deadlock
 * or a serialization failure was rolled back whole, so running it again is safe.
 */
function wrapPool(pool: pg.Pool, prepare: boolean): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      return withRetries(async () => (await run(pool, sql, params, prepare)).rows as R[]);
    },
  };
}

/**
 * A PostgreSQL server (or a PostgreSQL-compatible distributed engine) through a `pg` pool of
 * `poolSize` connections (DB_POOL_SIZE, server/config.ts).
 */
export function openPg(connectionString: string, poolSize = 16): Db & { pool: pg.Pool } {
  const prepare = true;
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const plain = wrapPool(pool, prepare);

  function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return withRetries(async () => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client, prepare));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  return {
    kind: 'pg',
    pool,
    query: plain.query,
    transaction,
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
