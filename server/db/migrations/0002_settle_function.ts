/**
 * The settlement's write as one function, so a settlement is one call (two round trips with
 * its read) instead of BEGIN, lock, write, COMMIT. Plain PL/pgSQL, which PostgreSQL, PGlite,
 * YugabyteDB and Citus run (docs/SHARDING.md says what CockroachDB needs).
 *
 * Two statements, and that they are two matters: the first locks the patient's and the
 * eligible sharers' accounts in key order; the second decides and writes. A VOLATILE function
 * under READ COMMITTED takes a new snapshot for each statement, so the second one reads the
 * balances committed before the locks were granted — the newest ones. In ONE statement the
 * snapshot predates the lock wait, and the seeded model test (seed 967315713) caught exactly
 * that: a debit computed from a balance a concurrent refund had already changed.
 *
 * The write, from the patient's side (SPEC 2.2):
 * - the candidates ($9, chosen by src/rules in the use case) whose bindings are still active;
 * - own account first; then the candidate with the largest balance under the lock (ties: the
 *   earliest binding, then the binding id), which pays the whole remainder or nothing — or,
 *   where its policy allows partial payment, what it has;
 * - claims (institution, serial) with ON CONFLICT DO NOTHING; only a claimed settlement
 *   debits. The debit needs no guard of its own: the amounts come from the balances under the
 *   lock, and CHECK (balance_fen >= 0) would fail the whole call should they ever not.
 * Its plans are kept generic: every row is found by its key, and left to choose, PL/pgSQL kept
 * re-planning the write for its jsonb parameter (a third of the call on PGlite).
 * Parameters: $1 settlement id, $2 institution, $3 serial, $4 request hash, $5 patient id,
 * $6 kind, $7 amount, $8 now, $9 candidates [{binding_id, sharer_id, name_masked, id_masked,
 * allow_partial}], $10 self-pay entry id, $11 mutual-aid entry id, $12 accounts to lock (an
 * explicit list, never a join: a row re-checked through a join after a concurrent update can
 * drop out of the lock).
 */
export default [
  /* sql */ `
CREATE FUNCTION settle_commit(
  uuid, text, text, text, uuid, text, bigint, timestamptz, jsonb, uuid, uuid, uuid[])
RETURNS TABLE (self_pay bigint, mulaid_pay bigint, cash_pay bigint, failure text,
               name_masked text, id_masked text, inserted bigint, entries bigint)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM accounts WHERE person_id = ANY ($12) ORDER BY person_id FOR UPDATE;

  RETURN QUERY
  WITH cand AS (
    SELECT c.binding_id, c.sharer_id, c.name_masked, c.id_masked, c.allow_partial, b.created_at
    FROM jsonb_to_recordset($9) AS c(binding_id uuid, sharer_id uuid, name_masked text, id_masked text, allow_partial boolean)
    JOIN bindings b ON b.binding_id = c.binding_id AND b.status = 'active'),
  locked AS (
    SELECT a.person_id, a.balance_fen FROM accounts a WHERE a.person_id = ANY ($12)),
  split AS (
    SELECT LEAST(COALESCE((SELECT l.balance_fen FROM locked l WHERE l.person_id = $5), 0), $7) AS self_pay),
  best AS (
    SELECT cand.*, locked.balance_fen FROM cand JOIN locked ON locked.person_id = cand.sharer_id
    ORDER BY locked.balance_fen DESC, cand.created_at, cand.binding_id
    LIMIT 1),
  decision AS (
    SELECT d.self_pay, d.mulaid_pay, $7 - d.self_pay - d.mulaid_pay AS cash_pay,
           CASE WHEN d.remainder = 0 OR d.mulaid_pay > 0 THEN NULL
                WHEN d.sharer_id IS NULL THEN 'NO_SHARER' ELSE 'INSUFFICIENT_BALANCE' END AS failure,
           CASE WHEN d.mulaid_pay > 0 THEN d.binding_id END AS binding_id,
           CASE WHEN d.mulaid_pay > 0 THEN d.sharer_id END AS sharer_id,
           CASE WHEN d.mulaid_pay > 0 THEN d.name_masked END AS name_masked,
           CASE WHEN d.mulaid_pay > 0 THEN d.id_masked END AS id_masked
    FROM (
      SELECT split.self_pay, $7 - split.self_pay AS remainder, best.binding_id, best.sharer_id, best.name_masked, best.id_masked,
             CASE WHEN $7 - split.self_pay = 0 THEN 0::bigint
                  WHEN best.balance_fen >= $7 - split.self_pay THEN $7 - split.self_pay
                  WHEN best.balance_fen > 0 AND best.allow_partial THEN best.balance_fen
                  ELSE 0::bigint END AS mulaid_pay
      FROM split LEFT JOIN best ON true) d),
  ins AS (
    INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
      self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.binding_id, d.sharer_id,
           CASE WHEN d.mulaid_pay > 0 THEN $11 END,
           jsonb_build_object('settlementId', $1, 'selfAcctPay', d.self_pay, 'acctMulaidPay', d.mulaid_pay,
             'acctPay', d.self_pay + d.mulaid_pay, 'cashPay', d.cash_pay, 'mulaidFailure', d.failure)
           || CASE WHEN d.mulaid_pay > 0
                THEN jsonb_build_object('sharer', jsonb_build_object('name', d.name_masked, 'idNumberMasked', d.id_masked))
                ELSE '{}'::jsonb END,
           $8
    FROM decision d
    ON CONFLICT (institution_code, serial_no) DO NOTHING
    RETURNING self_pay_fen, mulaid_pay_fen, sharer_id, mulaid_entry_id),
  debits AS (
    SELECT $5 AS person_id, ins.self_pay_fen AS amount, 'self_pay' AS kind, $10 AS entry_id FROM ins WHERE ins.self_pay_fen > 0
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
         (SELECT count(*) FROM ins), (SELECT count(*) FROM entries)
  FROM decision d;
END
$fn$`,
];
