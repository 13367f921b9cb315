/**
 * Experiment "tx5": the product as it was at 919b2b6, so that the old settlement and the new
 * (server/usecases/settle.ts, 2 round trips) are measured in one run. 5 round trips:
 *   1. READ_SETTLEMENT_SQL, the read (unchanged since: the product's own);
 *   2. BEGIN;
 *   3. the lock, in a statement of its own: the patient's and the eligible sharers' accounts,
 *      ORDER BY person_id FOR UPDATE, named by an explicit array;
 *   4. WRITE_SETTLEMENT_SQL as it was at 919b2b6 (copied below; the product replaced it with
 *      the PL/pgSQL function settle_commit, migration 0002): one CTE statement that re-checks
 *      the bindings, chooses from the balances under the lock (own account first, then the
 *      largest balance; ties: the earliest binding), claims the serial, debits and writes the
 *      ledger. Its snapshot is taken after the lock statement, so it sees the newest balances;
 *   5. COMMIT.
 * A duplicate delivery that committed first: nothing claimed, nothing debited; the stored
 * answer is read again. Everything but the write runs through the product's own flow
 * (`settleWith` in server/usecases/settle.ts): only the write and the transaction around it differ.
 */
import type { App } from '../../server/app';
import type { InstitutionCaller } from '../../server/runtime/caller';
import type { SettlementWrite } from '../../server/store/settlements';
import { settleWith, type SettlementAnswer, type SettlementInput } from '../../server/usecases/settle';

/** 919b2b6's lock statement. $1 the accounts to lock. */
export const LOCK_SQL = /* sql */ `SELECT person_id FROM accounts WHERE person_id = ANY($1::uuid[]) ORDER BY person_id FOR UPDATE`;

/**
 * 919b2b6's write, verbatim. $1 settlement id, $2 institution, $3 serial, $4 request hash,
 * $5 patient id, $6 kind, $7 amount, $8 now, $9 candidates JSON [{binding_id, sharer_id,
 * name_masked, id_masked, allow_partial}], $10 self-pay entry id, $11 mutual-aid entry id,
 * $12 accounts to lock.
 */
export const WRITE_SETTLEMENT_SQL = /* sql */ `
WITH cand AS (
  SELECT c.binding_id, c.sharer_id, c.name_masked, c.id_masked, c.allow_partial, b.created_at
  FROM jsonb_to_recordset($9::jsonb) AS c(binding_id uuid, sharer_id uuid, name_masked text, id_masked text, allow_partial boolean)
  JOIN bindings b ON b.binding_id = c.binding_id AND b.status = 'active'),
locked AS (
  SELECT a.person_id, a.balance_fen FROM accounts a
  WHERE a.person_id = ANY($12::uuid[])
  ORDER BY a.person_id
  FOR UPDATE),
split AS (
  SELECT LEAST(COALESCE((SELECT balance_fen FROM locked WHERE person_id = $5), 0), $7::bigint) AS self_pay),
best AS (
  SELECT cand.*, locked.balance_fen FROM cand JOIN locked ON locked.person_id = cand.sharer_id
  ORDER BY locked.balance_fen DESC, cand.created_at, cand.binding_id
  LIMIT 1),
decision AS (
  SELECT d.self_pay, d.mulaid_pay, $7::bigint - d.self_pay - d.mulaid_pay AS cash_pay,
         CASE WHEN d.remainder = 0 OR d.mulaid_pay > 0 THEN NULL
              WHEN d.sharer_id IS NULL THEN 'NO_SHARER' ELSE 'INSUFFICIENT_BALANCE' END AS failure,
         CASE WHEN d.mulaid_pay > 0 THEN d.binding_id END AS binding_id,
         CASE WHEN d.mulaid_pay > 0 THEN d.sharer_id END AS sharer_id,
         CASE WHEN d.mulaid_pay > 0 THEN d.name_masked END AS name_masked,
         CASE WHEN d.mulaid_pay > 0 THEN d.id_masked END AS id_masked
  FROM (
    SELECT split.self_pay, $7::bigint - split.self_pay AS remainder, best.binding_id, best.sharer_id, best.name_masked, best.id_masked,
           CASE WHEN $7::bigint - split.self_pay = 0 THEN 0
                WHEN best.balance_fen >= $7::bigint - split.self_pay THEN $7::bigint - split.self_pay
                WHEN best.balance_fen > 0 AND best.allow_partial THEN best.balance_fen
                ELSE 0 END AS mulaid_pay
    FROM split LEFT JOIN best ON true) d),
ins AS (
  INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
    self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at)
  SELECT $1, $2, $3, $4, $5, $6, $7, d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.binding_id, d.sharer_id,
         CASE WHEN d.mulaid_pay > 0 THEN $11::uuid END,
         jsonb_build_object('settlementId', $1::uuid, 'selfAcctPay', d.self_pay, 'acctMulaidPay', d.mulaid_pay,
           'acctPay', d.self_pay + d.mulaid_pay, 'cashPay', d.cash_pay, 'mulaidFailure', d.failure)
         || CASE WHEN d.mulaid_pay > 0
              THEN jsonb_build_object('sharer', jsonb_build_object('name', d.name_masked, 'idNumberMasked', d.id_masked))
              ELSE '{}'::jsonb END,
         $8
  FROM decision d
  ON CONFLICT (institution_code, serial_no) DO NOTHING
  RETURNING self_pay_fen, mulaid_pay_fen, sharer_id, mulaid_entry_id),
debits AS (
  SELECT $5::uuid AS person_id, ins.self_pay_fen AS amount, 'self_pay' AS kind, $10::uuid AS entry_id FROM ins WHERE ins.self_pay_fen > 0
  UNION ALL
  SELECT ins.sharer_id, ins.mulaid_pay_fen, 'mulaid_pay', ins.mulaid_entry_id FROM ins WHERE ins.mulaid_pay_fen > 0),
moved AS (
  UPDATE accounts a SET balance_fen = a.balance_fen - debits.amount, updated_at = $8
  FROM debits WHERE a.person_id = debits.person_id
  RETURNING a.person_id, a.balance_fen, debits.amount, debits.kind, debits.entry_id),
entries AS (
  INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
  SELECT moved.entry_id, moved.person_id, moved.kind, -moved.amount, moved.balance_fen, $1, $8 FROM moved
  RETURNING entry_id)
SELECT d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.name_masked, d.id_masked,
       (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM entries) AS entries
FROM decision d`;

export function settleTx5(app: App, institution: InstitutionCaller, input: SettlementInput): Promise<SettlementAnswer> {
  return settleWith(app, institution, input, (params) =>
    app.db.transaction(async (tx) => {
      await tx.query(LOCK_SQL, [params[11]!]); // $12, the accounts to lock
      return (await tx.query<SettlementWrite>(WRITE_SETTLEMENT_SQL, params))[0];
    }),
  );
}
