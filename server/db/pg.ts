import { createHash } from 'node:crypto';
import pg from 'pg';
import { SQLSTATE, sqlState, type Db, type Queryable, type SqlParam } from './port';

// BIGINT (int8) as bigint, like the PGlite adapter; never a lossy number or a string.
pg.types.setTypeParser(20, (value: string) => BigInt(value));

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);
const MAX_ATTEMPTS = 5;

const PREPARABLE = /^\s*(?:WITH|SELECT|INSERT|UPDATE|DELETE)\b/i;
const statementNames = new Map<string, string>();

/**
 * Queries run as named prepared statements, so each connection parses and plans a statement
 * once: the settlement's CTE statements cost several times more to plan than to run
 * (docs/PERFORMANCE.md). The name is a digest of the text, so one text has one name.
 */
function statementName(sql: string): string | undefined {
  if (!PREPARABLE.test(sql)) return undefined;
  let name = statementNames.get(sql);
  if (!name) {
    name = `yb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      const name = statementName(sql);
      const result = await client.query(name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] });
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
