/**
 * Experiment "single": 1 round trip. Everything of the "cte" experiment, plus what it still
 * did in TypeScript, moved into the statement: the patient lookup, the stored answer of the
 * serial, the region policy (default ← province ← region override, for relativeScope,
 * sharingScope and allowPartial), who may pay, the request hash (the same sha256/base64url of
 * ["settle", person id, kind, amount] as settle.ts, so stored hashes stay comparable) and the
 * masked sharer name.
 *
 * The lock names its rows by an array computed once (an InitPlan), not by a semi-join: with
 * `IN (SELECT … FROM go UNION ALL SELECT … FROM cand)` the hot-sharer check found settlements that
 * had locked one, two or none of their three sharers (EvalPlanQual re-checks a concurrently
 * updated row through the join, and the re-check dropped it).
 *
 * This is the floor of what fewer round trips can give: the product makes 2 (its read, then one
 * call of the PL/pgSQL function settle_commit, migration 0002) and keeps these rules in
 * TypeScript. Its cost: rules of src/rules (policy resolution, relationship scope, sharing
 * scope, maskName) and the request hash written a second time, in SQL, where the rules' tests
 * do not reach. The ID check, the errors and the answer's shape are the product's
 * (server/usecases/settle.ts).
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../../server/app';
import type { InstitutionCaller } from '../../server/runtime/caller';
import { answerOf, conflict, notFound, patientDigest, type SettlementAnswer, type SettlementInput } from '../../server/usecases/settle';
import { lockedBalancesOf } from './common';

export const SINGLE_SQL = /* sql */ `
WITH p AS (
  SELECT person_id, pooling_region, (insurance_type <> 'none' AND status = 'active') AS insured,
         rtrim(translate(encode(sha256(convert_to(format('["settle","%s","%s",%s]', person_id, $4::text, $5::bigint), 'UTF8')), 'base64'), '+/', '-_'), '=') AS hash
  FROM persons WHERE id_digest = $1),
prior AS (
  SELECT request_hash, response FROM settlements WHERE institution_code = $2 AND serial_no = $3),
go AS (
  SELECT p.* FROM p WHERE NOT EXISTS (SELECT 1 FROM prior)),
cand AS (
  SELECT b.binding_id, b.sharer_id, b.created_at, sp.id_masked,
         left(btrim(sp.name), 1) || repeat('*', greatest(1, char_length(btrim(sp.name)) - 1)) AS name_masked,
         COALESCE((rr.settings->>'allowPartial')::boolean, (pr.settings->>'allowPartial')::boolean, false) AS allow_partial
  FROM go
  JOIN bindings b ON b.relative_id = go.person_id AND b.status = 'active'
  JOIN persons sp ON sp.person_id = b.sharer_id
  LEFT JOIN region_policies rr ON rr.scope = sp.pooling_region
  LEFT JOIN region_policies pr ON pr.scope = left(sp.pooling_region, 2)
  WHERE go.insured AND sp.insurance_type = 'employee' AND sp.status = 'active'
    AND (b.relationship IN ('spouse', 'parent', 'child')
         OR COALESCE(rr.settings->>'relativeScope', pr.settings->>'relativeScope', 'near') = 'near')
    AND CASE COALESCE(rr.settings->>'sharingScope', pr.settings->>'sharingScope', 'province')
          WHEN 'national' THEN true
          WHEN 'province' THEN left(sp.pooling_region, 2) = left(go.pooling_region, 2)
          ELSE sp.pooling_region = go.pooling_region END),
locked AS (
  SELECT a.person_id, a.balance_fen FROM accounts a
  WHERE a.person_id = ANY((SELECT array_agg(x.id) FROM (SELECT person_id AS id FROM go UNION ALL SELECT sharer_id FROM cand) x)::uuid[])
  ORDER BY a.person_id
  FOR UPDATE),
split AS (
  SELECT LEAST(COALESCE((SELECT l.balance_fen FROM locked l JOIN go ON go.person_id = l.person_id), 0), $5::bigint) AS self_pay),
best AS (
  SELECT cand.*, locked.balance_fen FROM cand JOIN locked ON locked.person_id = cand.sharer_id
  ORDER BY locked.balance_fen DESC, cand.created_at, cand.binding_id
  LIMIT 1),
decision AS (
  SELECT d.self_pay, d.mulaid_pay, $5::bigint - d.self_pay - d.mulaid_pay AS cash_pay,
         CASE WHEN d.remainder = 0 OR d.mulaid_pay > 0 THEN NULL
              WHEN d.sharer_id IS NULL THEN 'NO_SHARER' ELSE 'INSUFFICIENT_BALANCE' END AS failure,
         CASE WHEN d.mulaid_pay > 0 THEN d.binding_id END AS binding_id,
         CASE WHEN d.mulaid_pay > 0 THEN d.sharer_id END AS sharer_id,
         CASE WHEN d.mulaid_pay > 0 THEN d.name_masked END AS name_masked,
         CASE WHEN d.mulaid_pay > 0 THEN d.id_masked END AS id_masked
  FROM (
    SELECT split.self_pay, $5::bigint - split.self_pay AS remainder, best.binding_id, best.sharer_id, best.name_masked, best.id_masked,
           CASE WHEN $5::bigint - split.self_pay = 0 THEN 0
                WHEN best.balance_fen >= $5::bigint - split.self_pay THEN $5::bigint - split.self_pay
                WHEN best.balance_fen > 0 AND best.allow_partial THEN best.balance_fen
                ELSE 0 END AS mulaid_pay
    FROM split LEFT JOIN best ON true) d),
ins AS (
  INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
    self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at)
  SELECT $7, $2, $3, go.hash, go.person_id, $4, $5, d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.binding_id, d.sharer_id,
         CASE WHEN d.mulaid_pay > 0 THEN $9::uuid END,
         jsonb_build_object('settlementId', $7::uuid, 'selfAcctPay', d.self_pay, 'acctMulaidPay', d.mulaid_pay,
           'acctPay', d.self_pay + d.mulaid_pay, 'cashPay', d.cash_pay, 'mulaidFailure', d.failure)
         || CASE WHEN d.mulaid_pay > 0
              THEN jsonb_build_object('sharer', jsonb_build_object('name', d.name_masked, 'idNumberMasked', d.id_masked))
              ELSE '{}'::jsonb END,
         $6
  FROM decision d, go
  ON CONFLICT (institution_code, serial_no) DO NOTHING
  RETURNING patient_id, self_pay_fen, mulaid_pay_fen, sharer_id, mulaid_entry_id),
debits AS (
  SELECT ins.patient_id AS person_id, ins.self_pay_fen AS amount, 'self_pay' AS kind, $8::uuid AS entry_id FROM ins WHERE ins.self_pay_fen > 0
  UNION ALL
  SELECT ins.sharer_id, ins.mulaid_pay_fen, 'mulaid_pay', ins.mulaid_entry_id FROM ins WHERE ins.mulaid_pay_fen > 0),
moved AS (
  UPDATE accounts a SET balance_fen = a.balance_fen - debits.amount, updated_at = $6
  FROM debits WHERE a.person_id = debits.person_id
  RETURNING a.person_id, a.balance_fen, debits.amount, debits.kind, debits.entry_id),
entries AS (
  INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
  SELECT moved.entry_id, moved.person_id, moved.kind, -moved.amount, moved.balance_fen, $7, $6 FROM moved
  RETURNING entry_id)
SELECT (SELECT count(*) FROM p) AS found, (SELECT hash FROM p) AS hash,
       (SELECT request_hash FROM prior) AS prior_hash, (SELECT response FROM prior) AS prior_response,
       d.*, (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM entries) AS entries,
       (SELECT jsonb_object_agg(person_id, balance_fen) FROM locked) AS locked_balances
FROM decision d`;

interface Row {
  found: bigint;
  hash: string | null;
  prior_hash: string | null;
  prior_response: unknown;
  self_pay: bigint;
  mulaid_pay: bigint;
  cash_pay: bigint;
  failure: SettlementAnswer['mulaidFailure'];
  name_masked: string | null;
  id_masked: string | null;
  inserted: bigint;
  entries: bigint;
  locked_balances: Record<string, number | string> | null;
}

export async function settleSingle(app: App, institution: InstitutionCaller, input: SettlementInput) {
  const digest = patientDigest(app, input.patientIdNumber);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const settlementId = randomUUID();
    const [row] = await app.db.query<Row>(SINGLE_SQL, [
      digest,
      institution.code,
      input.serialNo,
      input.kind,
      input.amountFen,
      app.clock.now(),
      settlementId,
      randomUUID(),
      randomUUID(),
    ]);
    if (!row || Number(row.found) === 0) notFound();
    if (row.prior_hash !== null) {
      if (row.prior_hash !== row.hash) conflict();
      return row.prior_response as SettlementAnswer;
    }
    if (Number(row.inserted) === 1) {
      return Object.assign(answerOf(settlementId, row), { lockedBalances: lockedBalancesOf(row.locked_balances) });
    }
    // A duplicate committed while this statement ran (its snapshot did not see it): once more.
  }
  throw new Error('replay without a stored answer');
}
