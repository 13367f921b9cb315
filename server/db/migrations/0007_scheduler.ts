/**
 * One scheduler for all periodic work (server/workers/scheduler.ts), and the reason a binding
 * ended by itself (SPEC 2.1).
 *
 * `job_runs`: one row per job and slot (the due time croner computed). A run claims its slot
 * with `INSERT … ON CONFLICT DO NOTHING`, so when two gateways share one PostgreSQL only one of
 * them runs a slot; the row then records the run (started, finished, outcome, items, error).
 * The scheduler's own purge job deletes old rows, so the table stays bounded.
 *
 * `bindings.ended_reason`: why the system ended a binding: the person's insurance ended
 * (`insurance_ended`), it moved to another pooling region (`region_moved`), or the binding's end
 * date came (`end_date`). Null for bindings ended by a person.
 */
export default [
  /* sql */ `CREATE TABLE job_runs (
  job         text NOT NULL CHECK (char_length(job) BETWEEN 1 AND 64),
  slot        timestamptz NOT NULL,
  owner       text NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  outcome     text NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
  items       integer CHECK (items >= 0),
  error       text,
  PRIMARY KEY (job, slot),
  CHECK ((outcome = 'running') = (finished_at IS NULL))
)`,
  /* sql */ `CREATE INDEX job_runs_by_start ON job_runs (started_at)`,
  /* sql */ `ALTER TABLE bindings ADD COLUMN ended_reason text
  CHECK (ended_reason IN ('insurance_ended', 'region_moved', 'end_date'))`,
  /* sql */ `ALTER TABLE bindings ADD CONSTRAINT bindings_ended_reason CHECK (ended_reason IS NULL OR ended_by = 'system')`,
];
