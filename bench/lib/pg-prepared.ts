/**
 * A prototype of a change to server/db/pg.ts: the same adapter, but every statement with
 * parameters is sent as a NAMED prepared statement (the name is a digest of its text), so each
 * pooled connection parses and plans it once and PostgreSQL can reuse the plan (a generic plan
 * after five executions, under the default plan_cache_mode). Use cases do not change.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { SQLSTATE, sqlState, type Db, type Queryable, type SqlParam } from '../../server/db/port';
import '../../server/db/pg'; // the BIGINT parser

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);
const MAX_ATTEMPTS = 5;
const names = new Map<string, string>();

function nameOf(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `yb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      const result =
        params.length > 0
          ? await client.query({ name: nameOf(sql), text: sql, values: params as unknown[] })
          : await client.query(sql);
      return result.rows as R[];
    },
  };
}

export function openPgPrepared(connectionString: string, poolSize = 16): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: poolSize });
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
