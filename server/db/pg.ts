import pg from 'pg';
import { SQLSTATE, sqlState, type Db, type Queryable, type SqlParam } from './port';

// BIGINT (int8) as bigint, like the PGlite adapter; never a lossy number or a string.
pg.types.setTypeParser(20, (value: string) => BigInt(value));

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);
const MAX_ATTEMPTS = 5;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as R[];
    },
  };
}

/** A PostgreSQL server (or a PostgreSQL-compatible distributed engine) through a `pg` pool. */
export function openPg(connectionString: string, poolSize = 16): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const plain = wrap(pool);

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const state = sqlState(error);
        if (state && RETRYABLE.has(state) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
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
