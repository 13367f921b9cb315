/**
 * Staff of the service hall (SPEC 2.10): accounts with a role, a slow password hash and a TOTP
 * secret (encrypted at rest), their own sessions, and an audit trail that the database keeps
 * append-only: a trigger refuses every UPDATE and DELETE of `audit_events`.
 *
 * A staff lookup or act is an `audit_events` row with `staff_id`, `person_id` (the person looked
 * up or acted for), `reason` (a lookup's stated reason) and `evidence` (an act's evidence). Older
 * rows and the rows of users, operators and the system leave these columns empty.
 */
export default [
  /* sql */ `CREATE TABLE staff (
  staff_id       uuid PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('agent', 'handler', 'supervisor')),
  password_hash  text NOT NULL,
  totp_secret    text NOT NULL,
  created_at     timestamptz NOT NULL,
  disabled_at    timestamptz
)`,
  /* sql */ `CREATE TABLE staff_sessions (
  session_id uuid PRIMARY KEY,
  staff_id   uuid NOT NULL REFERENCES staff (staff_id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at   timestamptz
)`,
  /* sql */ `CREATE INDEX staff_sessions_live ON staff_sessions (staff_id) WHERE ended_at IS NULL`,
  // A TOTP code is accepted once: the last time step used per staff member.
  /* sql */ `ALTER TABLE staff ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0`,

  /* sql */ `ALTER TABLE audit_events ADD COLUMN staff_id uuid REFERENCES staff (staff_id)`,
  /* sql */ `ALTER TABLE audit_events ADD COLUMN person_id uuid REFERENCES persons (person_id)`,
  /* sql */ `ALTER TABLE audit_events ADD COLUMN reason text`,
  /* sql */ `ALTER TABLE audit_events ADD COLUMN evidence jsonb`,
  /* sql */ `CREATE INDEX audit_events_by_staff ON audit_events (staff_id, created_at, event_id) WHERE staff_id IS NOT NULL`,
  /* sql */ `CREATE INDEX audit_events_by_person ON audit_events (person_id, created_at, event_id) WHERE person_id IS NOT NULL`,

  // The paper undertaking's reference when a handler binds for a sharer at the service hall.
  /* sql */ `ALTER TABLE bindings ADD COLUMN undertaking_ref text`,

  /* sql */ `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$`,
  /* sql */ `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
  /* sql */ `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
];
