/**
 * The initial schema. Portable SQL only (PostgreSQL 15+, PGlite, and the PostgreSQL-compatible
 * distributed engines of docs/SHARDING.md): UUID keys made by the application (no sequences),
 * no triggers, no stored procedures. Money is BIGINT fen, with the limits in CHECK constraints.
 */
export default /* sql */ `
CREATE TABLE app_settings (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The insurance registry. The full ID number is never stored: a keyed digest finds a person,
-- the masked form is what lists show, the birth date is what the rules need.
CREATE TABLE persons (
  person_id        uuid PRIMARY KEY,
  id_digest        text NOT NULL UNIQUE,
  id_masked        text NOT NULL,
  name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  birth_date       date NOT NULL,
  sex              text NOT NULL CHECK (sex IN ('male', 'female')),
  insurance_type   text NOT NULL CHECK (insurance_type IN ('employee', 'resident', 'none')),
  status           text NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
  pooling_region   text NOT NULL CHECK (pooling_region ~ '^[0-9]{6}$'),
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);

-- The employee personal account. Its balance can never go below zero.
CREATE TABLE accounts (
  person_id   uuid PRIMARY KEY REFERENCES persons (person_id),
  balance_fen bigint NOT NULL CHECK (balance_fen >= 0),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Every movement of money. Entries are never edited; delta_fen is signed by kind.
-- For every account: balance_fen = sum(delta_fen).
CREATE TABLE ledger_entries (
  entry_id          uuid PRIMARY KEY,
  person_id         uuid NOT NULL REFERENCES accounts (person_id),
  kind              text NOT NULL,
  delta_fen         bigint NOT NULL,
  balance_after_fen bigint NOT NULL CHECK (balance_after_fen >= 0),
  settlement_id     uuid,
  refund_id         uuid,
  created_at        timestamptz NOT NULL,
  CHECK (
    (kind IN ('opening', 'credit', 'refund') AND delta_fen > 0)
    OR (kind IN ('correction', 'self_pay', 'mulaid_pay') AND delta_fen < 0)
  ),
  CHECK (kind NOT IN ('self_pay', 'mulaid_pay', 'refund') OR settlement_id IS NOT NULL),
  CHECK ((kind = 'refund') = (refund_id IS NOT NULL))
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (person_id, created_at);

CREATE TABLE users (
  user_id     uuid PRIMARY KEY,
  phone       text NOT NULL UNIQUE,
  person_id   uuid UNIQUE REFERENCES persons (person_id),
  created_at  timestamptz NOT NULL,
  verified_at timestamptz,
  CHECK ((person_id IS NULL) = (verified_at IS NULL))
);

-- In WeChat the caller is the OPENID that logged in.
CREATE TABLE wechat_identities (
  openid     text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (user_id),
  created_at timestamptz NOT NULL
);

-- One live login code per phone, stored as a keyed digest.
CREATE TABLE login_codes (
  phone           text PRIMARY KEY,
  code_digest     text NOT NULL,
  sent_at         timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  used_at         timestamptz
);

-- Fixed-window counters for rate limits.
CREATE TABLE rate_limit_hits (
  bucket       text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL CHECK (hits > 0),
  PRIMARY KEY (bucket, window_start)
);

CREATE TABLE bindings (
  binding_id   uuid PRIMARY KEY,
  sharer_id    uuid NOT NULL REFERENCES persons (person_id),
  relative_id  uuid NOT NULL REFERENCES persons (person_id),
  relationship text NOT NULL CHECK (relationship IN ('spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild')),
  status       text NOT NULL CHECK (status IN ('active', 'pending', 'unbound')),
  created_at   timestamptz NOT NULL,
  confirmed_at timestamptz,
  ended_at     timestamptz,
  ended_by     text CHECK (ended_by IN ('sharer', 'relative', 'operator')),
  CHECK (sharer_id <> relative_id),
  CHECK ((status = 'unbound') = (ended_at IS NOT NULL))
);
-- At most one live (active or pending) binding per pair.
CREATE UNIQUE INDEX bindings_one_live_per_pair ON bindings (sharer_id, relative_id) WHERE status <> 'unbound';
CREATE INDEX bindings_by_sharer ON bindings (sharer_id, created_at);
CREATE INDEX bindings_by_relative ON bindings (relative_id, created_at);

-- 亲情账户: shows a relative's own medical-insurance code; moves no money.
CREATE TABLE family_members (
  member_id     uuid PRIMARY KEY,
  owner_user_id uuid NOT NULL REFERENCES users (user_id),
  person_id     uuid NOT NULL REFERENCES persons (person_id),
  relationship  text NOT NULL CHECK (relationship IN ('spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild')),
  created_at    timestamptz NOT NULL,
  removed_at    timestamptz
);
CREATE UNIQUE INDEX family_members_one_live ON family_members (owner_user_id, person_id) WHERE removed_at IS NULL;
CREATE INDEX family_members_by_person ON family_members (person_id) WHERE removed_at IS NULL;

-- Region policy overrides: a province ('13') or a pooling region ('130100'). The JSON object
-- holds only the settings that are overridden (a present null means "explicitly none").
CREATE TABLE region_policies (
  scope      text PRIMARY KEY CHECK (scope ~ '^[0-9]{2}([0-9]{4})?$'),
  settings   jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE institutions (
  code       text PRIMARY KEY,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('hospital', 'pharmacy')),
  key_digest text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- A settled bill. (institution_code, serial_no) is the idempotency key; request_hash is the
-- digest of the body it was first sent with; response is the first answer, returned again.
CREATE TABLE settlements (
  settlement_id       uuid PRIMARY KEY,
  institution_code    text NOT NULL REFERENCES institutions (code),
  serial_no           text NOT NULL,
  request_hash        text NOT NULL,
  patient_id          uuid NOT NULL REFERENCES persons (person_id),
  kind                text NOT NULL CHECK (kind IN ('outpatient', 'inpatient', 'pharmacy')),
  amount_fen          bigint NOT NULL CHECK (amount_fen BETWEEN 1 AND 100000000),
  self_pay_fen        bigint NOT NULL CHECK (self_pay_fen >= 0),
  mulaid_pay_fen      bigint NOT NULL CHECK (mulaid_pay_fen >= 0),
  cash_pay_fen        bigint NOT NULL CHECK (cash_pay_fen >= 0),
  self_refunded_fen   bigint NOT NULL DEFAULT 0 CHECK (self_refunded_fen BETWEEN 0 AND self_pay_fen),
  mulaid_refunded_fen bigint NOT NULL DEFAULT 0 CHECK (mulaid_refunded_fen BETWEEN 0 AND mulaid_pay_fen),
  mulaid_failure      text CHECK (mulaid_failure IN ('NO_SHARER', 'INSUFFICIENT_BALANCE')),
  binding_id          uuid REFERENCES bindings (binding_id),
  sharer_id           uuid REFERENCES persons (person_id),
  mulaid_entry_id     uuid,
  response            jsonb NOT NULL,
  created_at          timestamptz NOT NULL,
  UNIQUE (institution_code, serial_no),
  CHECK (self_pay_fen + mulaid_pay_fen + cash_pay_fen = amount_fen),
  CHECK ((mulaid_pay_fen > 0) = (binding_id IS NOT NULL AND sharer_id IS NOT NULL AND mulaid_entry_id IS NOT NULL))
);
-- The mutual-aid records, newest first, for the sharer, the relative and one binding.
CREATE INDEX settlements_mulaid_by_sharer ON settlements (sharer_id, created_at DESC, settlement_id DESC) WHERE mulaid_pay_fen > 0;
CREATE INDEX settlements_mulaid_by_patient ON settlements (patient_id, created_at DESC, settlement_id DESC) WHERE mulaid_pay_fen > 0;
CREATE INDEX settlements_mulaid_by_binding ON settlements (binding_id, created_at DESC, settlement_id DESC) WHERE mulaid_pay_fen > 0;

CREATE TABLE refunds (
  refund_id         uuid PRIMARY KEY,
  institution_code  text NOT NULL REFERENCES institutions (code),
  refund_serial_no  text NOT NULL,
  request_hash      text NOT NULL,
  settlement_id     uuid NOT NULL REFERENCES settlements (settlement_id),
  amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
  to_mulaid_fen     bigint NOT NULL CHECK (to_mulaid_fen >= 0),
  to_self_fen       bigint NOT NULL CHECK (to_self_fen >= 0),
  response          jsonb NOT NULL,
  created_at        timestamptz NOT NULL,
  UNIQUE (institution_code, refund_serial_no),
  CHECK (to_mulaid_fen + to_self_fen = amount_fen)
);
CREATE INDEX refunds_by_settlement ON refunds (settlement_id);

-- What operators, staff and users did to bindings, policies, the registry and institutions.
CREATE TABLE audit_events (
  event_id   uuid PRIMARY KEY,
  actor      text NOT NULL,
  action     text NOT NULL,
  subject    text,
  detail     jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (created_at);
`;
