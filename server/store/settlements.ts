import type { Relationship } from '../../src/rules/relationship';
import type { PersonRow } from './persons';

/**
 * The read of a settlement, without locks, in one statement: the patient (by ID digest), the
 * stored first answer of (institution, serial), the patient's active bindings with their
 * sharers, and the policy overrides of the sharers' regions and provinces.
 * $1 id digest, $2 institution code, $3 serial number.
 */
export const READ_SETTLEMENT_SQL = /* sql */ `
WITH p AS (
  SELECT person_id, id_masked, name, birth_date::text AS birth_date, sex, insurance_type, status, pooling_region
  FROM persons WHERE id_digest = $1),
c AS (
  SELECT b.binding_id, b.sharer_id, b.relationship, b.created_at, sp.name AS sharer_name, sp.id_masked AS sharer_id_masked,
         sp.insurance_type, sp.status, sp.pooling_region
  FROM p JOIN bindings b ON b.relative_id = p.person_id AND b.status = 'active'
  JOIN persons sp ON sp.person_id = b.sharer_id)
SELECT to_jsonb(p) AS patient, s.request_hash AS prior_hash, s.response AS prior_response,
       (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]'::jsonb) FROM c) AS candidates,
       (SELECT COALESCE(jsonb_object_agg(r.scope, r.settings), '{}'::jsonb) FROM region_policies r
        WHERE r.scope IN (SELECT pooling_region FROM c UNION SELECT left(pooling_region, 2) FROM c)) AS policies
FROM (SELECT 1) AS one
LEFT JOIN p ON true
LEFT JOIN settlements s ON s.institution_code = $2 AND s.serial_no = $3`;

export interface CandidateRow {
  binding_id: string;
  sharer_id: string;
  relationship: Relationship;
  created_at: string;
  sharer_name: string;
  sharer_id_masked: string;
  insurance_type: PersonRow['insurance_type'];
  status: PersonRow['status'];
  pooling_region: string;
}

export interface SettlementRead {
  patient: PersonRow | null;
  prior_hash: string | null;
  prior_response: unknown;
  candidates: CandidateRow[];
  policies: Record<string, unknown>;
}

/**
 * The settlement itself: ONE statement, so one implicit transaction, atomic.
 * - Re-checks that the eligible candidates' bindings are still active, and locks the
 *   patient's and the candidates' accounts in key order (`ORDER BY person_id FOR UPDATE`, the
 *   same order everywhere, so settlements never deadlock). The rows to lock are named by an
 *   explicit array ($12), never by a join or `IN (SELECT …)`: a row that a concurrent
 *   transaction changed is re-checked by EvalPlanQual, and a re-check through a join can drop
 *   it, which would silently lock fewer rows (the hot-sharer benchmark caught exactly that).
 * - Under READ COMMITTED, FOR UPDATE waits for a concurrent writer and then returns the newest
 *   version, so the choice below is made from committed balances under our lock, and the
 *   UPDATE of the same statement is re-applied to that newest version.
 * - Own account first; then the candidate with the largest balance (ties: the earliest binding,
 *   then the binding id), which pays the whole remainder or nothing — or, where its policy
 *   allows partial payment, what it has.
 * - Claims (institution, serial) with ON CONFLICT DO NOTHING; only a claimed settlement debits.
 *   The debit needs no guard of its own: the amounts come from the balances under the lock,
 *   and CHECK (balance_fen >= 0) would fail the whole statement should they ever not.
 * $1 settlement id, $2 institution, $3 serial, $4 request hash, $5 patient id, $6 kind,
 * $7 amount, $8 now, $9 candidates JSON [{binding_id, sharer_id, name_masked, id_masked,
 * allow_partial}], $10 self-pay entry id, $11 mutual-aid entry id, $12 accounts to lock.
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

export interface SettlementWrite {
  self_pay: bigint;
  mulaid_pay: bigint;
  cash_pay: bigint;
  failure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  name_masked: string | null;
  id_masked: string | null;
  inserted: bigint;
  entries: bigint;
}
