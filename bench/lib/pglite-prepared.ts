/**
 * A prototype of a change to server/db/pglite.ts: PGlite has no named statements in its API,
 * so each statement with parameters is PREPAREd once (SQL-level, per session: PGlite has one)
 * and run as `EXECUTE name('…', …)`. PostgreSQL then keeps its plan (a generic plan after five
 * executions) instead of parsing and planning the text on every call. Use cases do not change.
 *
 * EXECUTE is a utility statement: it takes no bind parameters, so the values are written as
 * quoted literals (every value, numbers too, is a '…' literal with quotes doubled; PostgreSQL
 * coerces each to the prepared parameter's type). A production version would want this
 * quoting reviewed like any SQL building; see docs/PERFORMANCE.md.
 */
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, SqlParam } from '../../server/db/port';

function literal(value: SqlParam): string {
  if (value === null) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (text.includes('\u0000')) throw new Error('NUL in a parameter');
  return `'${text.replace(/'/g, "''")}'`;
}

export function preparingPglite(db: Db & { raw: PGlite }): Db & { raw: PGlite } {
  const prepared = new Map<string, Promise<unknown>>();
  const names = new Map<string, string>();
  function wrap(target: Pick<PGlite, 'query'>): Queryable {
    return {
      async query<R>(sql: string, params: readonly SqlParam[] = []) {
        if (params.length === 0) return (await target.query<R>(sql)).rows;
        let name = names.get(sql);
        if (!name) {
          name = `yb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
          names.set(sql, name);
        }
        let ready = prepared.get(name);
        if (!ready) {
          ready = target.query(`PREPARE ${name} AS ${sql}`);
          prepared.set(name, ready);
        }
        await ready;
        return (await target.query<R>(`EXECUTE ${name}(${params.map(literal).join(', ')})`)).rows;
      },
    };
  }
  const plain = wrap(db.raw);
  return {
    ...db,
    query: plain.query,
    transaction: (fn) => db.raw.transaction((tx) => fn(wrap(tx))),
  };
}
