/**
 * The raw limit of the server for a debit: one `UPDATE … SET balance = balance - $1 WHERE id = $2
 * AND balance >= $1` per transaction (autocommit: one round trip), 16 clients, a plain accounts
 * table of 10,000 rows, on the same server as the settlement benchmark. Also the same UPDATE in
 * an explicit BEGIN/UPDATE/COMMIT (three round trips), for reference.
 */
import pg from 'pg';
import { log, ms } from './lib/options';
import { closedLoop, round } from './lib/stats';
import { waitForQuiet } from './lib/quiet';

export async function benchRawUpdate(url: string, rows = 10_000, concurrency = 16): Promise<Record<string, number>> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined);
  try {
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
    await waitForQuiet('raw update');
    log('raw UPDATE (autocommit), 16 clients…');
    const auto = await closedLoop({
      workers: concurrency,
      warmupMs: ms(2_000),
      durationMs: ms(10_000),
      op: async () => {
        const result = await pool.query(sql, [1, nextId()]);
        if (result.rowCount !== 1) throw new Error('raw update refused');
      },
    });
    log('raw BEGIN/UPDATE/COMMIT, 16 clients…');
    const tx = await closedLoop({
      workers: concurrency,
      warmupMs: ms(1_000),
      durationMs: ms(6_000),
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
    });
    return {
      raw_update_pg_tps: round(auto.rate),
      raw_update_pg_p50_ms: round(auto.latency.p50),
      raw_update_pg_p99_ms: round(auto.latency.p99),
      raw_update_tx_pg_tps: round(tx.rate),
      raw_update_tx_pg_p99_ms: round(tx.latency.p99),
    };
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_raw_accounts').catch(() => undefined);
    await pool.end();
  }
}
