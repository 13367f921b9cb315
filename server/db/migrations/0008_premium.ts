/**
 * 代缴 (SPEC 2.12): a sharer pays a relative's resident premium of a year from their account.
 *
 * `premium_payments` holds one row per relative and year, whoever pays: the UNIQUE key is what
 * makes "at most once per relative and year" hold under concurrent payers. The money moves as
 * one ledger entry of kind `premium_pay` (negative), linked from the payment.
 *
 * The ledger's kind CHECK is replaced by one that also knows `premium_pay`. It is found by
 * its definition rather than by name (0005 replaced it under its old name); the new one keeps
 * every rule of 0005 on what is held (held_delta_fen) and lets a premium come from a quota.
 */
export default [
  /* sql */ `DO $do$
DECLARE c record;
BEGIN
  FOR c IN
    SELECT conname FROM pg_constraint
    WHERE conrelid = 'ledger_entries'::regclass AND contype = 'c'
      AND pg_get_constraintdef(oid) LIKE '%self_pay%' AND pg_get_constraintdef(oid) LIKE '%delta_fen%'
  LOOP
    EXECUTE format('ALTER TABLE ledger_entries DROP CONSTRAINT %I', c.conname);
  END LOOP;
END
$do$`,
  // The quota's rules of 0005 stay, and a premium, like a mutual-aid payment, may come from a quota.
  /* sql */ `ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_delta CHECK (
  (kind IN ('opening', 'credit') AND delta_fen > 0 AND held_delta_fen = 0)
  OR (kind = 'refund' AND delta_fen > 0 AND held_delta_fen IN (0, delta_fen))
  OR (kind IN ('correction', 'self_pay') AND delta_fen < 0 AND held_delta_fen = 0)
  OR (kind IN ('mulaid_pay', 'premium_pay') AND delta_fen < 0 AND held_delta_fen IN (0, delta_fen))
  OR (kind = 'quota_hold' AND delta_fen = 0 AND held_delta_fen > 0)
  OR (kind = 'quota_release' AND delta_fen = 0 AND held_delta_fen < 0)
)`,
  /* sql */ `CREATE TABLE premium_payments (
  payment_id      uuid PRIMARY KEY,
  relative_id     uuid NOT NULL REFERENCES persons (person_id),
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  sharer_id       uuid NOT NULL REFERENCES persons (person_id),
  binding_id      uuid NOT NULL REFERENCES bindings (binding_id),
  pooling_region  text NOT NULL CHECK (pooling_region ~ '^[0-9]{6}$'),
  amount_fen      bigint NOT NULL CHECK (amount_fen BETWEEN 1 AND 100000000),
  ledger_entry_id uuid NOT NULL UNIQUE REFERENCES ledger_entries (entry_id),
  created_at      timestamptz NOT NULL,
  CONSTRAINT premium_once_per_relative_and_year UNIQUE (relative_id, year),
  CHECK (sharer_id <> relative_id)
)`,
  /* sql */ `CREATE INDEX premium_payments_by_sharer ON premium_payments (sharer_id, created_at, payment_id)`,
  /* sql */ `CREATE INDEX premium_payments_by_relative ON premium_payments (relative_id, created_at, payment_id)`,
];
