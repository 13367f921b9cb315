/**
 * Monthly clearing between provinces (SPEC 2.11): who owes whom for the mutual aid of a month.
 *
 * - `settlements.sharer_region`: the sharer's pooling region at payment time, stamped by a
 *   BEFORE INSERT trigger on every mutual-aid settlement, whatever writes it (settle_commit of
 *   0003/0005, a benchmark's variant), so a later registry move does not move old payments
 *   between provinces. It reads the region through the binding. Rows written before this
 *   migration get the sharer's region of today (nothing older is recorded).
 * - `institutions.region`: the six-digit division code inside a national institution code
 *   (H/P + division + five digits, e.g. H13010000001); NULL for a code that carries none
 *   (the statement lists those under an unknown province, never drops them).
 * - `clearing_statements` + `clearing_statement_rows`: the stored statement of a closed month,
 *   claimed by the month's primary key (two callers at once store it once) and append-only
 *   afterwards (a trigger refuses changes, as for audit_events).
 * - `refunds.sharer_region`: the same region, copied from the refunded settlement by a BEFORE
 *   INSERT trigger on refunds (a refund counts against its payment's pair).
 * - Two covering partial indexes, so a month's statement reads only the indexes (index-only
 *   range scans), never the wide settlement rows with their stored answers.
 */
const PROVINCES =
  "'11','12','13','14','15','21','22','23','31','32','33','34','35','36','37','41','42','43','44','45','46','50','51','52','53','54','61','62','63','64','65'";

export default [
  /* sql */ `ALTER TABLE settlements ADD COLUMN sharer_region text CHECK (sharer_region ~ '^[0-9]{6}$')`,
  /* sql */ `
CREATE FUNCTION settlements_stamp_sharer_region() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.sharer_region := (SELECT p.pooling_region FROM bindings b JOIN persons p ON p.person_id = b.sharer_id
                        WHERE b.binding_id = NEW.binding_id);
  RETURN NEW;
END
$fn$`,
  /* sql */ `CREATE TRIGGER settlements_sharer_region BEFORE INSERT ON settlements
  FOR EACH ROW WHEN (NEW.binding_id IS NOT NULL AND NEW.mulaid_pay_fen > 0) EXECUTE FUNCTION settlements_stamp_sharer_region()`,
  /* sql */ `UPDATE settlements s SET sharer_region = p.pooling_region
  FROM bindings b JOIN persons p ON p.person_id = b.sharer_id
  WHERE b.binding_id = s.binding_id AND s.mulaid_pay_fen > 0 AND s.sharer_region IS NULL`,

  // A refund of mutual aid carries its payment's sharer region too (copied from the settlement it
  // returns, by a trigger as well): a month's refunds are then read from their own index, with
  // no join back to a million settlements, and on a sharded engine without a cross-shard lookup.
  /* sql */ `ALTER TABLE refunds ADD COLUMN sharer_region text CHECK (sharer_region ~ '^[0-9]{6}$')`,
  /* sql */ `
CREATE FUNCTION refunds_stamp_sharer_region() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.sharer_region := (SELECT s.sharer_region FROM settlements s WHERE s.settlement_id = NEW.settlement_id);
  RETURN NEW;
END
$fn$`,
  /* sql */ `CREATE TRIGGER refunds_sharer_region BEFORE INSERT ON refunds
  FOR EACH ROW WHEN (NEW.to_mulaid_fen > 0) EXECUTE FUNCTION refunds_stamp_sharer_region()`,
  /* sql */ `UPDATE refunds r SET sharer_region = s.sharer_region FROM settlements s
  WHERE s.settlement_id = r.settlement_id AND r.to_mulaid_fen > 0 AND r.sharer_region IS NULL`,

  /* sql */ `ALTER TABLE institutions ADD COLUMN region text CHECK (region ~ '^[0-9]{6}$')`,
  /* sql */ `UPDATE institutions SET region = substr(code, 2, 6)
  WHERE code ~ '^[HP][0-9]{11}$' AND substr(code, 2, 2) IN (${PROVINCES})`,

  /* sql */ `CREATE INDEX settlements_clearing ON settlements (created_at)
  INCLUDE (sharer_region, institution_code, mulaid_pay_fen) WHERE mulaid_pay_fen > 0`,
  /* sql */ `CREATE INDEX refunds_clearing ON refunds (created_at)
  INCLUDE (sharer_region, institution_code, to_mulaid_fen) WHERE to_mulaid_fen > 0`,

  /* sql */ `CREATE TABLE clearing_statements (
  month       text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  total_fen   bigint,
  row_count   integer CHECK (row_count >= 0),
  closed_at   timestamptz NOT NULL,
  CHECK ((total_fen IS NULL) = (row_count IS NULL))
)`,
  /* sql */ `CREATE TABLE clearing_statement_rows (
  month         text NOT NULL REFERENCES clearing_statements (month),
  row_no        integer NOT NULL CHECK (row_no >= 1),
  from_province text CHECK (from_province ~ '^[0-9]{2}$'),
  to_province   text CHECK (to_province ~ '^[0-9]{2}$'),
  payments      bigint NOT NULL CHECK (payments >= 0),
  paid_fen      bigint NOT NULL CHECK (paid_fen >= 0),
  refunds       bigint NOT NULL CHECK (refunds >= 0),
  refunded_fen  bigint NOT NULL CHECK (refunded_fen >= 0),
  PRIMARY KEY (month, row_no)
)`,
  // A stored statement never changes: its header is completed once (total_fen from NULL), and
  // nothing is updated or deleted afterwards.
  /* sql */ `CREATE FUNCTION clearing_statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.total_fen IS NULL AND NEW.month = OLD.month AND NEW.closed_at = OLD.closed_at THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'a closed clearing statement never changes: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$`,
  /* sql */ `CREATE FUNCTION clearing_statement_rows_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'a closed clearing statement never changes: % of its rows refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$`,
  /* sql */ `CREATE TRIGGER clearing_statements_immutable BEFORE UPDATE OR DELETE ON clearing_statements
  FOR EACH ROW EXECUTE FUNCTION clearing_statements_immutable()`,
  /* sql */ `CREATE TRIGGER clearing_statement_rows_immutable BEFORE UPDATE OR DELETE ON clearing_statement_rows
  FOR EACH ROW EXECUTE FUNCTION clearing_statement_rows_immutable()`,
];
