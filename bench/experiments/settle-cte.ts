/**
 * Experiment "cte": 2 round trips, no explicit transaction, no function.
 *
 * NOT ADOPTED (docs/PERFORMANCE.md): with the lock inside the writing statement, the model test
 * (tests/reliability/model.pg.test.ts, seed 967315713) saw a debit fail CHECK (balance_fen >= 0)
 * under concurrent refunds and registry top-ups (one statement has one snapshot, taken before
 * the lock wait). The product also makes 2 round trips now, but its write is a call of the
 * PL/pgSQL function settle_commit (migration 0002), which locks in a statement of its own and
 * then writes in a second one with a newer snapshot. The bench's own checks (equivalence, hot
 * sharer, ledger) did not reproduce the failure of this variant.
 *   1. READ_SETTLEMENT_SQL (the product's read, autocommit, no locks); the product's flow
 *      (`settleWith`, server/usecases/settle.ts) applies the rules and builds the candidates.
 *   2. WRITE_SQL: ONE statement (so one implicit transaction) that
 *        - re-reads the candidates' bindings (still active?) and locks the patient's and the
 *          candidates' accounts, ORDER BY person_id FOR UPDATE (the same lock order as today);
 *        - own account first, then the candidate with the largest balance as of the lock
 *          (ties: earliest binding, then binding id — pickLargest's order), the whole remainder
 *          or nothing (or the partial amount where the policy allows);
 *        - INSERT the settlement ON CONFLICT (institution_code, serial_no) DO NOTHING, with the
 *          answer as the stored response;
 *        - only if it was inserted: debit the accounts (one UPDATE) and write the ledger entries.
 *          The UPDATE has no balance guard of its own: the amounts come from the balances under
 *          the lock, and should they ever not, CHECK (balance_fen >= 0) fails the statement,
 *          which rolls back the settlement with it (a single statement is atomic); the ledger
 *          entries are written from the debits wanted joined to the debits made, so a debit
 *          that found no row would fail NOT NULL on balance_after_fen, and roll back too;
 *        - returns the decision and the balances it saw.
 *      A duplicate delivery that committed first: nothing inserted, nothing debited; a third
 *      round trip reads the stored answer (rare path).
 *
 * The lock statement names its rows by an explicit list (`person_id = ANY($12::uuid[])`). A first
 * version took them from the candidates with `IN (SELECT sharer_id FROM cand)`: under the hot-sharer
 * load it silently locked FEWER rows (a row updated concurrently is re-checked by EvalPlanQual,
 * and a re-check through a join or semi-join can drop it), so settlements saw one or two of
 * their three sharers, or none. The hot-sharer check caught it; an explicit list cannot join.
 *
 * Why it is safe under READ COMMITTED: FOR UPDATE on a row that a concurrent transaction
 * changed waits for it, then locks and returns the newest version (EvalPlanQual), so the
 * balances the choice is made from are the committed ones under our lock; the UPDATE of the
 * same statement finds its snapshot's version outdated and is re-applied to the newest version
 * (which we hold locked), so it debits exactly what was decided.
 */
import type { App } from '../../server/app';
import type { InstitutionCaller } from '../../server/runtime/caller';
import type { SettlementWrite } from '../../server/store/settlements';
import { settleWith, type SettlementInput } from '../../server/usecases/settle';
import { lockedBalancesOf } from './common';

export const WRITE_SQL = /* sql */ `
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
  RETURNING a.person_id, a.balance_fen),
entries AS (
  -- From the debits wanted, not the debits made: should an UPDATE ever miss its row, the
  -- NULL balance_after_fen fails NOT NULL and the whole statement (settlement included) rolls back.
  INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
  SELECT debits.entry_id, debits.person_id, debits.kind, -debits.amount, moved.balance_fen, $1, $8
  FROM debits LEFT JOIN moved ON moved.person_id = debits.person_id
  RETURNING entry_id)
SELECT d.*, (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM entries) AS entries,
       (SELECT jsonb_object_agg(person_id, balance_fen) FROM locked) AS locked_balances
FROM decision d`;

/** The product's write row, plus the balances the lock saw. */
export interface WriteRow extends SettlementWrite {
  locked_balances: Record<string, number | string> | null;
}

/**
 * The "cte" settlement with `writeSql` as its write (the negative controls pass rewritten
 * copies of WRITE_SQL). Everything else is the product's flow (`settleWith`); a settlement
 * this call made also reports the balances its lock saw.
 */
export function settleCteUsing(writeSql: string) {
  return async (app: App, institution: InstitutionCaller, input: SettlementInput) => {
    let row: WriteRow | undefined;
    const answer = await settleWith(app, institution, input, async (params) => {
      [row] = await app.db.query<WriteRow>(writeSql, params);
      return row;
    });
    return row && Number(row.inserted) > 0 ? Object.assign(answer, { lockedBalances: lockedBalancesOf(row.locked_balances) }) : answer;
  };
}

export const settleCte = settleCteUsing(WRITE_SQL);
