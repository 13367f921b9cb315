/**
 * The raw limit of the server for a debit: one `UPDATE … SET balance = balance - $1 WHERE id = $2
 * AND balance >= $1` per transaction (autocommit: one round trip), 16 clients, a plain accounts
 * table of 10,000 rows, on the same server and in the same run as the settlement benchmark
 * (interleaved with it). Also the same UPDATE in an explicit BEGIN/UPDATE/COMMIT (three round
 * trips), for reference.
 */
import pg from 'pg';
import type { Arm } from './lib/interleave';
import { closedLoop } from './lib/stats';

export async function openRawUpdate(url: string, rows = 10_000, concurrency = 16): Promise<{ auto: Arm; tx: Arm; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency, idleTimeoutMillis: 120_000 });
  pool.on('error', () => undefined);
  await pool.query('DROP TABLE IF EXISTS bench_raw_accounts');
  await pool.query('CREATE TABLE bench_raw_accounts (id integer PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0))');
  await pool.query('INSERT INTO bench_raw_accounts SELECT g, 1000000000 FROM generate_series(1, $1::int) g', [rows]);
  await pool.query('ANALYZE bench_raw_accounts');
  const sql = 'UPDATE bench_raw_accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1 RETURNING balance';
  let seed = 12345;
  const nextId = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return (seed % rows) + 1;
  };
  return {
    auto: {
      name: 'raw_update',
      slice: (durationMs) =>
        closedLoop({
          workers: concurrency,
          warmupMs: 300,
          durationMs,
          op: async () => {
            const result = await pool.query(sql, [1, nextId()]);
            if (result.rowCount !== 1) throw new Error('raw update refused');
          },
        }),
    },
    tx: {
      name: 'raw_update_tx',
      slice: (durationMs) =>
        closedLoop({
          workers: concurrency,
          warmupMs: 300,
          durationMs,
          op: async () => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query(sql, [1, nextId()]);
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          },
        }),
    },
    close: async () => {
      await pool.query('DROP TABLE IF EXISTS bench_raw_accounts').catch(() => undefined);
      await pool.end();
    },
  };
}
