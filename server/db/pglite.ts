import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, SqlParam } from './port';

const parsers = { [types.INT8]: (value: string) => BigInt(value) };

function wrap(target: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query<R>(sql, params as unknown[]);
      return result.rows;
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite). One connection: concurrent calls queue, and a transaction
 * holds the connection until it ends, which makes every transaction serial here.
 * `dataDir` undefined means in memory.
 */
export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Db & { raw: PGlite }> {
  const raw = await PGlite.create({ dataDir, parsers, loadDataDir });
  const plain = wrap(raw);
  return {
    kind: 'pglite',
    raw,
    query: plain.query,
    transaction: (fn) => raw.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await raw.exec(sql);
    },
    close: () => raw.close(),
  };
}
