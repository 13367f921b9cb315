/**
 * Settlements for the read benchmarks, generated in SQL (`INSERT … SELECT … FROM
 * generate_series`) straight into the table. Every row satisfies the constraints of 0001_init:
 * amounts add up (self + mutual aid + cash = amount), a mutual-aid payment names its binding,
 * sharer and ledger entry id, a refused one names none and says why, serials are unique per
 * institution, and the stored answer matches the columns. Ledger entries are not written (the
 * read paths never join them).
 */
import type { App } from '../../server/app';
import type { Queryable } from '../../server/db/port';

/** Institutions the generated settlements come from. */
export async function insertRecordInstitutions(app: App, count = 4): Promise<string[]> {
  const codes = Array.from({ length: count }, (_, i) => `BENCHR${i}`);
  for (const code of codes) {
    await app.db.query(
      `INSERT INTO institutions (code, name, kind, key_digest, created_at, updated_at)
       VALUES ($1, $2, 'hospital', 'not-a-key', now(), now()) ON CONFLICT (code) DO NOTHING`,
      [code, `压测记录医院${code}`],
    );
  }
  return codes;
}

/**
 * `perBinding` settlements for every binding whose id is in `bindingIds` (a JSON list), spread
 * back in time from `newest` every `spacingSeconds` (plus a per-binding offset). One in
 * `failureEvery` is a refused mutual aid (cash only), the others are paid by the sharer.
 */
export async function insertSettlementsFor(
  q: Queryable,
  options: {
    bindingIds: readonly string[];
    perBinding: number;
    newest: Date;
    spacingSeconds: number;
    institutions: readonly string[];
    tag: string;
    failureEvery?: number;
  },
): Promise<number> {
  const failureEvery = options.failureEvery ?? 10;
  const rows = await q.query<{ n: bigint }>(
    `WITH b AS (
       SELECT b.binding_id, b.sharer_id, b.relative_id, x.ord
       FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, ord)
       JOIN bindings b ON b.binding_id = x.id::uuid),
     g AS (
       SELECT gen_random_uuid() AS settlement_id, b.*, s AS n,
              100 + ((b.ord * 7919 + s * 104729) % 19900) AS amount,
              (s % $7::int = 0) AS refused
       FROM b CROSS JOIN generate_series(1, $2::int) AS s),
     ins AS (
       INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
         self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at)
       SELECT g.settlement_id,
              ($5::text[])[1 + (g.n % array_length($5::text[], 1))],
              $6 || '-' || g.ord || '-' || g.n,
              md5($6 || '-' || g.ord || '-' || g.n),
              g.relative_id,
              (ARRAY['outpatient', 'pharmacy', 'inpatient'])[1 + g.n % 3],
              g.amount,
              0,
              CASE WHEN g.refused THEN 0 ELSE g.amount END,
              CASE WHEN g.refused THEN g.amount ELSE 0 END,
              CASE WHEN g.refused THEN 'INSUFFICIENT_BALANCE' END,
              CASE WHEN g.refused THEN NULL ELSE g.binding_id END,
              CASE WHEN g.refused THEN NULL ELSE g.sharer_id END,
              CASE WHEN g.refused THEN NULL ELSE gen_random_uuid() END,
              jsonb_build_object('settlementId', g.settlement_id, 'selfAcctPay', 0,
                'acctMulaidPay', CASE WHEN g.refused THEN 0 ELSE g.amount END,
                'acctPay', CASE WHEN g.refused THEN 0 ELSE g.amount END,
                'cashPay', CASE WHEN g.refused THEN g.amount ELSE 0 END,
                'mulaidFailure', CASE WHEN g.refused THEN 'INSUFFICIENT_BALANCE' END),
              $3::timestamptz - make_interval(secs => g.n * $4::double precision + (g.ord * 37) % 600)
       FROM g
       RETURNING 1)
     SELECT count(*) AS n FROM ins`,
    [
      JSON.stringify(options.bindingIds),
      options.perBinding,
      options.newest,
      options.spacingSeconds,
      `{${options.institutions.join(',')}}`,
      options.tag,
      failureEvery,
    ],
  );
  return Number(rows[0]?.n ?? 0);
}
