/**
 * server/db/pg.ts as it was before it named its statements (commit ebcae2e): every query is an
 * unnamed statement, parsed and planned on every call. Kept to show what plan caching is worth.
 */
import pg from 'pg';
import { SQLSTATE, sqlState, type Db, type Queryable, type SqlParam } from '../../server/db/port';
import '../../server/db/pg'; // the BIGINT parser

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);
const MAX_ATTEMPTS = 5;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      return (await client.query(sql, params as unknown[])).rows as R[];
    },
  };
}

export function openPgUnprepared(connectionString: string, poolSize = 16): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 120_000 });
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
  return { kind: 'pg', pool, query: plain.query, transaction, exec: async (sql) => void (await pool.query(sql)), close: () => pool.end() };
}
