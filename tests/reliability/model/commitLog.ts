import type { Db, Queryable } from '../../../server/db/port';

/**
 * Test instrumentation (PostgreSQL only, never part of the app's schema): the order in which
 * the database committed every settlement, refund and ledger entry.
 *
 * A deferred constraint trigger fires at COMMIT, while the transaction still holds every row
 * lock it took, and takes the next value of a sequence. Two transactions that touch a common
 * row (an account, a settlement) cannot both be at that point at once: the second waits for
 * the first's lock, so it draws a larger number. Transactions that share no row commute, and
 * their relative order does not matter. So ordering by `seq` replays a serial history that is
 * equivalent to what really happened — which `created_at` (read from the clock before some
 * locks are taken, e.g. by refunds and the registry sync) cannot promise.
 */
export async function installCommitLog(db: Db): Promise<void> {
  await db.exec(`
    CREATE SEQUENCE IF NOT EXISTS reliability_commit_seq;
    CREATE TABLE IF NOT EXISTS reliability_commit_log (
      seq    bigint PRIMARY KEY,
      kind   text NOT NULL CHECK (kind IN ('settlement', 'refund', 'entry')),
      row_id uuid NOT NULL
    );
    CREATE OR REPLACE FUNCTION reliability_log_settlement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reliability_commit_log (seq, kind, row_id) VALUES (nextval('reliability_commit_seq'), 'settlement', NEW.settlement_id);
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION reliability_log_refund() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reliability_commit_log (seq, kind, row_id) VALUES (nextval('reliability_commit_seq'), 'refund', NEW.refund_id);
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION reliability_log_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reliability_commit_log (seq, kind, row_id) VALUES (nextval('reliability_commit_seq'), 'entry', NEW.entry_id);
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS reliability_settlement_committed ON settlements;
    DROP TRIGGER IF EXISTS reliability_refund_committed ON refunds;
    DROP TRIGGER IF EXISTS reliability_entry_committed ON ledger_entries;
    CREATE CONSTRAINT TRIGGER reliability_settlement_committed AFTER INSERT ON settlements
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reliability_log_settlement();
    CREATE CONSTRAINT TRIGGER reliability_refund_committed AFTER INSERT ON refunds
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reliability_log_refund();
    CREATE CONSTRAINT TRIGGER reliability_entry_committed AFTER INSERT ON ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reliability_log_entry();
  `);
}

export interface CommittedSettlement {
  seq: bigint;
  settlement_id: string;
  institution_code: string;
  serial_no: string;
  patient_id: string;
  amount_fen: bigint;
  self_pay_fen: bigint;
  mulaid_pay_fen: bigint;
  cash_pay_fen: bigint;
  mulaid_failure: string | null;
  binding_id: string | null;
  sharer_id: string | null;
  mulaid_entry_id: string | null;
  mulaid_source: 'balance' | 'quota' | null;
}

export interface CommittedRefund {
  seq: bigint;
  refund_id: string;
  institution_code: string;
  refund_serial_no: string;
  settlement_id: string;
  amount_fen: bigint;
  to_mulaid_fen: bigint;
  to_self_fen: bigint;
}

export interface CommittedEntry {
  seq: bigint;
  entry_id: string;
  person_id: string;
  kind: 'opening' | 'credit' | 'refund' | 'correction' | 'self_pay' | 'mulaid_pay' | 'quota_hold' | 'quota_release';
  delta_fen: bigint;
  held_delta_fen: bigint;
  binding_id: string | null;
  balance_after_fen: bigint;
  settlement_id: string | null;
  refund_id: string | null;
}

export interface Committed {
  settlements: CommittedSettlement[];
  refunds: CommittedRefund[];
  entries: CommittedEntry[];
  /** The largest seq read, to start from next time. */
  lastSeq: bigint;
}

/** Everything committed after `afterSeq`, each list in commit order. */
export async function readCommitted(q: Queryable, afterSeq: bigint): Promise<Committed> {
  const settlements = await q.query<CommittedSettlement>(
    `SELECT c.seq, s.settlement_id, s.institution_code, s.serial_no, s.patient_id, s.amount_fen, s.self_pay_fen, s.mulaid_pay_fen,
            s.cash_pay_fen, s.mulaid_failure, s.binding_id, s.sharer_id, s.mulaid_entry_id, s.mulaid_source
     FROM reliability_commit_log c JOIN settlements s ON s.settlement_id = c.row_id
     WHERE c.seq > $1 AND c.kind = 'settlement' ORDER BY c.seq`,
    [afterSeq],
  );
  const refunds = await q.query<CommittedRefund>(
    `SELECT c.seq, r.refund_id, r.institution_code, r.refund_serial_no, r.settlement_id, r.amount_fen, r.to_mulaid_fen, r.to_self_fen
     FROM reliability_commit_log c JOIN refunds r ON r.refund_id = c.row_id
     WHERE c.seq > $1 AND c.kind = 'refund' ORDER BY c.seq`,
    [afterSeq],
  );
  const entries = await q.query<CommittedEntry>(
    `SELECT c.seq, l.entry_id, l.person_id, l.kind, l.delta_fen, l.balance_after_fen, l.settlement_id, l.refund_id, l.held_delta_fen, l.binding_id
     FROM reliability_commit_log c JOIN ledger_entries l ON l.entry_id = c.row_id
     WHERE c.seq > $1 AND c.kind = 'entry' ORDER BY c.seq`,
    [afterSeq],
  );
  const last = await q.query<{ seq: bigint | null }>('SELECT max(seq) AS seq FROM reliability_commit_log WHERE seq > $1', [afterSeq]);
  return { settlements, refunds, entries, lastSeq: last[0]?.seq ?? afterSeq };
}
