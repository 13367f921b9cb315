/**
 * The quota (共济额度, SPEC 2.11): an amount a sharer sets aside for one relative, frozen in the
 * sharer's account and spent only on that relative, across provinces too.
 *
 * - `accounts.held_fen`: the sum of what is left of the quotas of the sharer's live bindings.
 *   The free balance is `balance_fen - held_fen`; the sharer's own bills, the balance
 *   candidates of settlement and new quotas use only that.
 * - `bindings.quota_fen` / `quota_left_fen`: the quota set and what is left of it (both null:
 *   a binding without a quota). An ended binding holds nothing: its rest went back to the free
 *   balance when it ended (CHECK `bindings_quota_released`, so no end path can forget it).
 * - `ledger_entries.held_delta_fen` and `binding_id`: `quota_hold` (delta 0, held +x),
 *   `quota_release` (delta 0, held −x), a payment from a quota is a `mulaid_pay` with delta −x
 *   and held −x, its refund back into the quota a `refund` with delta +x and held +x. Per
 *   account: balance = Σ delta, held = Σ held_delta, balance ≥ held ≥ 0.
 * - `settlements.mulaid_source`: where mutual aid came from, `balance` or `quota`.
 *
 * Locking (no new cycles): every writer of `held_fen` or `quota_left_fen` — settlement,
 * refund, setQuota, bindRelative with a quota and every end of a binding — locks the sharer's
 * account row first and only then writes the binding row. Under that lock `quota_left_fen` and
 * `held_fen` are what the writer reads.
 */
export default [
  /* sql */ `ALTER TABLE accounts ADD COLUMN held_fen bigint NOT NULL DEFAULT 0`,
  /* sql */ `ALTER TABLE accounts ADD CONSTRAINT accounts_held CHECK (held_fen >= 0 AND held_fen <= balance_fen)`,

  /* sql */ `ALTER TABLE bindings ADD COLUMN quota_fen bigint`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN quota_left_fen bigint`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_quota CHECK (
  (quota_fen IS NULL) = (quota_left_fen IS NULL)
  AND (quota_fen IS NULL OR (quota_fen >= 0 AND quota_left_fen >= 0 AND quota_left_fen <= quota_fen)))`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_quota_released CHECK (
  status IN ('active', 'pending') OR quota_left_fen IS NULL OR quota_left_fen = 0)`,

  /* sql */ `ALTER TABLE ledger_entries ADD COLUMN held_delta_fen bigint NOT NULL DEFAULT 0`,
  /* sql */ `ALTER TABLE ledger_entries ADD COLUMN binding_id uuid REFERENCES bindings (binding_id)`,
  /* sql */ `ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_check`,
  // Same name as the constraint it replaces, so a later migration that widens the kinds again
  // (代缴) drops it by the name it has always had.
  /* sql */ `ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_check CHECK (
  (kind IN ('opening', 'credit') AND delta_fen > 0 AND held_delta_fen = 0)
  OR (kind = 'refund' AND delta_fen > 0 AND held_delta_fen IN (0, delta_fen))
  OR (kind IN ('correction', 'self_pay') AND delta_fen < 0 AND held_delta_fen = 0)
  OR (kind = 'mulaid_pay' AND delta_fen < 0 AND held_delta_fen IN (0, delta_fen))
  OR (kind = 'quota_hold' AND delta_fen = 0 AND held_delta_fen > 0)
  OR (kind = 'quota_release' AND delta_fen = 0 AND held_delta_fen < 0))`,
  /* sql */ `ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_quota_binding CHECK (
  (kind NOT IN ('quota_hold', 'quota_release') AND held_delta_fen = 0) OR binding_id IS NOT NULL)`,
  /* sql */ `CREATE INDEX ledger_entries_by_binding ON ledger_entries (binding_id, created_at) WHERE binding_id IS NOT NULL`,

  /* sql */ `ALTER TABLE settlements ADD COLUMN mulaid_source text CHECK (mulaid_source IN ('balance', 'quota'))`,

  // The settlement's write with quotas (SPEC 2.2 steps 2–5): the function of migrations 0002 and
  // 0003 (read their notes: two statements, locks in key order, generic plans), now:
  // - own account first, from its FREE balance (balance − held);
  // - candidates: a binding without a quota offers its sharer's free balance, a binding with a
  //   quota offers what is left of it (the use case already left out, by the one decision, the
  //   bindings that may not pay; for a quota binding the regions do not matter);
  // - the largest amount wins (ties: the earliest binding, then the id); it pays the whole
  //   remainder or nothing (part where its policy allows partial); never combined;
  // - a quota payment takes balance −x, held −x and the binding's quota_left −x; the ledger
  //   entry carries the binding and held_delta; the answer and the row say `mulaid_source`.
  // It returns one column more (`source`), so it is dropped and created again.
  /* sql */ `DROP FUNCTION settle_commit(uuid, text, text, text, uuid, text, bigint, timestamptz, jsonb, uuid, uuid, uuid[])`,
  /* sql */ `
CREATE FUNCTION settle_commit(
  uuid, text, text, text, uuid, text, bigint, timestamptz, jsonb, uuid, uuid, uuid[])
RETURNS TABLE (self_pay bigint, mulaid_pay bigint, cash_pay bigint, failure text,
               name_masked text, id_masked text, inserted bigint, entries bigint, source text)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM accounts WHERE person_id = ANY ($12) ORDER BY person_id FOR UPDATE;

  RETURN QUERY
  WITH cand AS (
    SELECT c.binding_id, c.sharer_id, c.name_masked, c.id_masked, c.allow_partial, b.created_at, b.quota_left_fen
    FROM jsonb_to_recordset($9) AS c(binding_id uuid, sharer_id uuid, name_masked text, id_masked text, allow_partial boolean)
    JOIN bindings b ON b.binding_id = c.binding_id AND b.status = 'active'
      AND (b.ends_on IS NULL OR b.ends_on > ($8 AT TIME ZONE 'Asia/Shanghai')::date)),
  locked AS (
    SELECT a.person_id, a.balance_fen - a.held_fen AS free_fen FROM accounts a WHERE a.person_id = ANY ($12)),
  split AS (
    SELECT LEAST(COALESCE((SELECT l.free_fen FROM locked l WHERE l.person_id = $5), 0), $7) AS self_pay),
  best AS (
    SELECT cand.*, COALESCE(cand.quota_left_fen, locked.free_fen) AS available_fen
    FROM cand JOIN locked ON locked.person_id = cand.sharer_id
    ORDER BY COALESCE(cand.quota_left_fen, locked.free_fen) DESC, cand.created_at, cand.binding_id
    LIMIT 1),
  decision AS (
    SELECT d.self_pay, d.mulaid_pay, $7 - d.self_pay - d.mulaid_pay AS cash_pay,
           CASE WHEN d.remainder = 0 OR d.mulaid_pay > 0 THEN NULL
                WHEN d.sharer_id IS NULL THEN 'NO_SHARER' ELSE 'INSUFFICIENT_BALANCE' END AS failure,
           CASE WHEN d.mulaid_pay > 0 THEN d.binding_id END AS binding_id,
           CASE WHEN d.mulaid_pay > 0 THEN d.sharer_id END AS sharer_id,
           CASE WHEN d.mulaid_pay > 0 THEN d.name_masked END AS name_masked,
           CASE WHEN d.mulaid_pay > 0 THEN d.id_masked END AS id_masked,
           CASE WHEN d.mulaid_pay = 0 THEN NULL WHEN d.from_quota THEN 'quota' ELSE 'balance' END AS source
    FROM (
      SELECT split.self_pay, $7 - split.self_pay AS remainder, best.binding_id, best.sharer_id, best.name_masked, best.id_masked,
             best.quota_left_fen IS NOT NULL AS from_quota,
             CASE WHEN $7 - split.self_pay = 0 THEN 0::bigint
                  WHEN best.available_fen >= $7 - split.self_pay THEN $7 - split.self_pay
                  WHEN best.available_fen > 0 AND best.allow_partial THEN best.available_fen
                  ELSE 0::bigint END AS mulaid_pay
      FROM split LEFT JOIN best ON true) d),
  ins AS (
    INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
      self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, mulaid_source,
      response, created_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.binding_id, d.sharer_id,
           CASE WHEN d.mulaid_pay > 0 THEN $11 END, d.source,
           jsonb_build_object('settlementId', $1, 'selfAcctPay', d.self_pay, 'acctMulaidPay', d.mulaid_pay,
             'acctPay', d.self_pay + d.mulaid_pay, 'cashPay', d.cash_pay, 'mulaidFailure', d.failure,
             'mulaidSource', d.source)
           || CASE WHEN d.mulaid_pay > 0
                THEN jsonb_build_object('sharer', jsonb_build_object('name', d.name_masked, 'idNumberMasked', d.id_masked))
                ELSE '{}'::jsonb END,
           $8
    FROM decision d
    ON CONFLICT (institution_code, serial_no) DO NOTHING
    RETURNING self_pay_fen, mulaid_pay_fen, sharer_id, mulaid_entry_id, binding_id, mulaid_source),
  debits AS (
    SELECT $5 AS person_id, ins.self_pay_fen AS amount, 0::bigint AS held, 'self_pay' AS kind, $10 AS entry_id, NULL::uuid AS binding_id
    FROM ins WHERE ins.self_pay_fen > 0
    UNION ALL
    SELECT ins.sharer_id, ins.mulaid_pay_fen, CASE WHEN ins.mulaid_source = 'quota' THEN ins.mulaid_pay_fen ELSE 0 END,
           'mulaid_pay', ins.mulaid_entry_id, ins.binding_id
    FROM ins WHERE ins.mulaid_pay_fen > 0),
  moved AS (
    UPDATE accounts a SET balance_fen = a.balance_fen - debits.amount, held_fen = a.held_fen - debits.held, updated_at = $8
    FROM debits WHERE a.person_id = debits.person_id
    RETURNING a.person_id, a.balance_fen, debits.amount, debits.held, debits.kind, debits.entry_id, debits.binding_id),
  quota AS (
    UPDATE bindings b SET quota_left_fen = b.quota_left_fen - ins.mulaid_pay_fen
    FROM ins WHERE b.binding_id = ins.binding_id AND ins.mulaid_source = 'quota'
    RETURNING b.binding_id),
  entries AS (
    INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, held_delta_fen, balance_after_fen, settlement_id, binding_id, created_at)
    SELECT moved.entry_id, moved.person_id, moved.kind, -moved.amount, -moved.held, moved.balance_fen, $1, moved.binding_id, $8 FROM moved
    RETURNING entry_id)
  SELECT d.self_pay, d.mulaid_pay, d.cash_pay, d.failure, d.name_masked, d.id_masked,
         (SELECT count(*) FROM ins), (SELECT count(*) FROM entries), d.source
  FROM decision d;
END
$fn$`,
];
