import type { Queryable } from '../db/port';

/** One pair of provinces of a month: the sharer's (`from`) → the institution's (`to`). */
export interface ClearingRow {
  from_province: string | null;
  to_province: string | null;
  payments: bigint;
  paid_fen: bigint;
  refunds: bigint;
  refunded_fen: bigint;
}

/**
 * The month's mutual aid per pair of provinces, from the ledger's sources: the mutual-aid
 * payments made in [$1, $2) and the mutual-aid parts of the refunds made in [$1, $2), each
 * refund against the pair of the payment it returns (whatever month that payment was in: the
 * refund carries that payment's sharer region, and a refund's institution is its payment's).
 * Both halves read only their covering indexes of migration 0006 (settlements_clearing,
 * refunds_clearing) and group by (sharer's province, institution) first, so the join with the
 * institutions meets thousands of groups, not a million rows.
 */
const MONTH_ROWS_SQL = /* sql */ `
WITH pay AS (
  SELECT left(s.sharer_region, 2) AS from_province, s.institution_code, count(*) AS n, sum(s.mulaid_pay_fen) AS fen
  FROM settlements s
  WHERE s.mulaid_pay_fen > 0 AND s.created_at >= $1 AND s.created_at < $2
  GROUP BY 1, 2),
back AS (
  SELECT left(r.sharer_region, 2) AS from_province, r.institution_code, count(*) AS n, sum(r.to_mulaid_fen) AS fen
  FROM refunds r
  WHERE r.to_mulaid_fen > 0 AND r.created_at >= $1 AND r.created_at < $2
  GROUP BY 1, 2),
both_halves AS (
  SELECT from_province, institution_code, n AS payments, fen AS paid_fen, 0::bigint AS refunds, 0::numeric AS refunded_fen FROM pay
  UNION ALL
  SELECT from_province, institution_code, 0::bigint, 0::numeric, n, fen FROM back)
SELECT h.from_province, left(i.region, 2) AS to_province,
       sum(h.payments)::bigint AS payments, sum(h.paid_fen)::bigint AS paid_fen,
       sum(h.refunds)::bigint AS refunds, sum(h.refunded_fen)::bigint AS refunded_fen
FROM both_halves h JOIN institutions i ON i.code = h.institution_code
GROUP BY 1, 2
ORDER BY 1 NULLS LAST, 2 NULLS LAST`;

/** The statement of [from, to), computed now from the settlements and refunds. */
export async function computeClearingRows(q: Queryable, from: Date, to: Date): Promise<ClearingRow[]> {
  return q.query<ClearingRow>(MONTH_ROWS_SQL, [from, to]);
}

/** The SQL and parameters of the computation, for EXPLAIN in the benchmark. */
export function clearingRowsQuery(from: Date, to: Date): { sql: string; params: [Date, Date] } {
  return { sql: MONTH_ROWS_SQL, params: [from, to] };
}

/**
 * Claims the month for storing: true when this transaction inserted its header (and so must
 * write its rows), false when another one has (waiting for it to commit first: the primary key
 * makes two callers at once store once).
 */
export async function claimClosedMonth(tx: Queryable, month: string, now: Date): Promise<boolean> {
  const claimed = await tx.query(
    'INSERT INTO clearing_statements (month, closed_at) VALUES ($1, $2) ON CONFLICT (month) DO NOTHING RETURNING month',
    [month, now],
  );
  return claimed.length > 0;
}

/** Writes the rows of a claimed month and completes its header (once: a trigger refuses more). */
export async function storeClosedMonth(tx: Queryable, month: string, rows: readonly ClearingRow[], totalFen: bigint): Promise<void> {
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO clearing_statement_rows (month, row_no, from_province, to_province, payments, paid_fen, refunds, refunded_fen)
       SELECT $1, r.row_no, r.from_province, r.to_province, r.payments, r.paid_fen, r.refunds, r.refunded_fen
       FROM jsonb_to_recordset($2::jsonb)
         AS r(row_no integer, from_province text, to_province text, payments bigint, paid_fen bigint, refunds bigint, refunded_fen bigint)`,
      [
        month,
        JSON.stringify(
          rows.map((row, index) => ({
            row_no: index + 1,
            from_province: row.from_province,
            to_province: row.to_province,
            payments: row.payments.toString(),
            paid_fen: row.paid_fen.toString(),
            refunds: row.refunds.toString(),
            refunded_fen: row.refunded_fen.toString(),
          })),
        ),
      ],
    );
  }
  await tx.query('UPDATE clearing_statements SET total_fen = $2, row_count = $3 WHERE month = $1', [month, totalFen, rows.length]);
}

/** A stored statement, or null when the month was never stored. */
export async function readClosedMonth(q: Queryable, month: string): Promise<{ closedAt: Date; totalFen: bigint; rows: ClearingRow[] } | null> {
  const header = await q.query<{ closed_at: Date; total_fen: bigint | null }>(
    'SELECT closed_at, total_fen FROM clearing_statements WHERE month = $1',
    [month],
  );
  const first = header[0];
  if (!first || first.total_fen === null) return null;
  const rows = await q.query<ClearingRow>(
    `SELECT from_province, to_province, payments, paid_fen, refunds, refunded_fen
     FROM clearing_statement_rows WHERE month = $1 ORDER BY row_no`,
    [month],
  );
  return { closedAt: new Date(first.closed_at), totalFen: first.total_fen, rows };
}
