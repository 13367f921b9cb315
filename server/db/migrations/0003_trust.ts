/**
 * Trust (SPEC 2.1, 2.7–2.9, 2.13): identity proofs, the undertaking and the relative's
 * consent, refusals and risk events, stored sessions, and the message centre with its outbox.
 *
 * The notice of a mutual-aid payment and of its refund is a row of `notice_outbox` written by
 * a trigger on `settlements` and `refunds`, so it is in the same transaction as the money
 * whatever writes it: a payment without its notice cannot exist. Every other notice is written
 * by the use case in the transaction of its event (server/store/messages.ts).
 */
export default [
  // The registry phone (预留手机号): a login by SMS to this phone proves the person (2.7).
  /* sql */ `ALTER TABLE persons ADD COLUMN phone text CHECK (phone ~ '^1[3-9][0-9]{9}$')`,

  // How a user's identity was proven, and when it was lost to a proven claim of another user.
  /* sql */ `ALTER TABLE users ADD COLUMN verified_by text CHECK (verified_by IN ('registry_phone', 'face_check', 'staff', 'legacy'))`,
  /* sql */ `UPDATE users SET verified_by = 'legacy' WHERE person_id IS NOT NULL`,
  /* sql */ `ALTER TABLE users ADD CONSTRAINT users_verified_by CHECK ((person_id IS NULL) = (verified_by IS NULL))`,

  // Bindings: declined and expired, the undertaking, the end date, refusal as "not my relative",
  // and the last payability told to both sides (2.9).
  /* sql */ `ALTER TABLE bindings DROP CONSTRAINT bindings_status_check`,
  /* sql */ `ALTER TABLE bindings DROP CONSTRAINT bindings_check1`,
  /* sql */ `ALTER TABLE bindings DROP CONSTRAINT bindings_ended_by_check`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_status CHECK (status IN ('active', 'pending', 'declined', 'unbound', 'expired'))`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_ended CHECK ((status IN ('declined', 'unbound', 'expired')) = (ended_at IS NOT NULL))`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_ended_by CHECK (ended_by IN ('sharer', 'relative', 'operator', 'staff', 'system'))`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN undertaking_version text`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN undertaking_at timestamptz`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN ends_on date`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN not_my_relative boolean NOT NULL DEFAULT false`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN can_pay boolean`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_not_my_relative CHECK (NOT not_my_relative OR status = 'declined')`,
  /* sql */ `DROP INDEX bindings_one_live_per_pair`,
  /* sql */ `CREATE UNIQUE INDEX bindings_one_live_per_pair ON bindings (sharer_id, relative_id) WHERE status IN ('active', 'pending')`,
  /* sql */ `CREATE INDEX bindings_refusals ON bindings (relative_id, sharer_id, ended_at) WHERE not_my_relative`,

  // What staff see of "not my relative" reports (2.8, 2.10).
  /* sql */ `CREATE TABLE risk_events (
  risk_id      uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('not_my_relative', 'identity_reclaimed')),
  person_id    uuid NOT NULL REFERENCES persons (person_id),
  other_id     uuid REFERENCES persons (person_id),
  binding_id   uuid REFERENCES bindings (binding_id),
  detail       jsonb NOT NULL,
  created_at   timestamptz NOT NULL
)`,
  /* sql */ `CREATE INDEX risk_events_by_person ON risk_events (person_id, created_at)`,
  /* sql */ `CREATE INDEX risk_events_by_other ON risk_events (other_id, created_at)`,

  // A face check of one person for one user (2.7): started, then passed or failed, then used.
  /* sql */ `CREATE TABLE face_checks (
  face_check_id uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users (user_id),
  person_id     uuid NOT NULL REFERENCES persons (person_id),
  provider      text NOT NULL,
  verify_id     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('started', 'passed', 'failed', 'used')),
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  completed_at  timestamptz
)`,
  /* sql */ `CREATE INDEX face_checks_by_user ON face_checks (user_id, created_at)`,

  // Sessions: a token names its session, and an ended session's token is refused (2.13).
  /* sql */ `CREATE TABLE sessions (
  session_id uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (user_id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at   timestamptz,
  end_reason text CHECK (end_reason IN ('logout', 'logout_all', 'identity_lost'))
)`,
  /* sql */ `CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE ended_at IS NULL`,

  // 亲情账户 members of consent age are shown only once they agree (2.8).
  /* sql */ `ALTER TABLE family_members ADD COLUMN needs_consent boolean NOT NULL DEFAULT false`,
  /* sql */ `ALTER TABLE family_members ADD COLUMN confirmed_at timestamptz`,

  // The message centre, which is also the outbox of the other channels (2.8). A message is for
  // a registry person (whoever holds that identity reads it), for one user, or only for an SMS
  // to a registry phone. `ref` holds what its text is made from (src/rules/notices.ts).
  /* sql */ `CREATE TABLE messages (
  message_id    uuid PRIMARY KEY,
  person_id     uuid REFERENCES persons (person_id),
  user_id       uuid REFERENCES users (user_id),
  sms_phone     text CHECK (sms_phone ~ '^1[3-9][0-9]{9}$'),
  kind          text NOT NULL,
  ref           jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  read_at       timestamptz,
  dispatched_at timestamptz,
  CHECK (person_id IS NOT NULL OR user_id IS NOT NULL OR sms_phone IS NOT NULL)
)`,
  /* sql */ `CREATE INDEX messages_by_person ON messages (person_id, created_at DESC, message_id DESC) WHERE person_id IS NOT NULL`,
  /* sql */ `CREATE INDEX messages_by_user ON messages (user_id, created_at DESC, message_id DESC) WHERE user_id IS NOT NULL`,
  /* sql */ `CREATE INDEX messages_to_dispatch ON messages (created_at, message_id) WHERE dispatched_at IS NULL`,

  // One row per message and channel: the unique key is what makes a delivery happen once.
  /* sql */ `CREATE TABLE message_deliveries (
  delivery_id     uuid PRIMARY KEY,
  message_id      uuid NOT NULL REFERENCES messages (message_id),
  channel         text NOT NULL CHECK (channel IN ('wechat', 'sms')),
  recipient       text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  lease_until     timestamptz,
  sent_at         timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL,
  UNIQUE (message_id, channel)
)`,
  /* sql */ `CREATE INDEX message_deliveries_due ON message_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending')`,

  // The notices of money, written with the money, as lean as a write can be: one row of a
  // notice outbox (its key and the payment's), by a trigger, so that whatever writes a
  // settlement or a refund (the product's settle_commit, a benchmark's variant) writes its
  // notice in the same transaction. The messages themselves (two per payment, with the names,
  // amount and institution) are made from it off the payment's path, by the notice worker or by
  // the first reader of a message centre (server/store/noticeOutbox.ts), once.
  // Keyed by the payment's (or refund's) own id: one notice per payment by construction.
  /* sql */ `CREATE TABLE notice_outbox (
  source_id  uuid PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('mulaid_paid', 'mulaid_refunded')),
  created_at timestamptz NOT NULL
)`,
  /* sql */ `
CREATE FUNCTION outbox_mulaid_paid() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO notice_outbox (source_id, kind, created_at) VALUES (NEW.settlement_id, 'mulaid_paid', NEW.created_at);
  RETURN NULL;
END
$fn$`,
  /* sql */ `CREATE TRIGGER settlements_notify AFTER INSERT ON settlements
  FOR EACH ROW WHEN (NEW.mulaid_pay_fen > 0) EXECUTE FUNCTION outbox_mulaid_paid()`,
  /* sql */ `
CREATE FUNCTION outbox_mulaid_refunded() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO notice_outbox (source_id, kind, created_at) VALUES (NEW.refund_id, 'mulaid_refunded', NEW.created_at);
  RETURN NULL;
END
$fn$`,
  /* sql */ `CREATE TRIGGER refunds_notify AFTER INSERT ON refunds
  FOR EACH ROW WHEN (NEW.to_mulaid_fen > 0) EXECUTE FUNCTION outbox_mulaid_refunded()`,
  // One message per payment and recipient, whoever materializes it.
  /* sql */ `ALTER TABLE messages ADD COLUMN source_id uuid`,
  /* sql */ `CREATE UNIQUE INDEX messages_one_per_source ON messages (source_id, person_id) WHERE source_id IS NOT NULL`,

  // The settlement's write also refuses a binding whose end date has come (Asia/Shanghai): the
  // same function as migration 0002, with that one condition added to its candidates.
  /* sql */ `
CREATE OR REPLACE FUNCTION settle_commit(
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
    JOIN bindings b ON b.binding_id = c.binding_id AND b.status = 'active'
      AND (b.ends_on IS NULL OR b.ends_on > ($8 AT TIME ZONE 'Asia/Shanghai')::date)),
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
