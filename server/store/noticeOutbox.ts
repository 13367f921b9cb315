import type { Db } from '../db/port';

/**
 * Turns rows of `notice_outbox` (one per mutual-aid payment or refund, written by a trigger in
 * the payment's own transaction, migration 0003) into the messages of the message centre: one
 * for the sharer and one for the relative, with the amount, the institution, the kind and the
 * other person's name. Take, make and delete are one statement, so a row becomes its messages
 * exactly once however many callers drain at the same time (SKIP LOCKED: each takes other rows);
 * the unique (source_id, person_id) would refuse a second copy anyway. The messages keep the
 * payment's own time. Returns how many outbox rows were drained.
 */
const DRAIN = /* sql */ `
WITH taken AS (
  DELETE FROM notice_outbox WHERE source_id IN (
    SELECT source_id FROM notice_outbox ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING kind, source_id, created_at),
facts AS (
  SELECT t.kind, t.source_id, t.created_at, s.settlement_id, NULL::uuid AS refund_id, s.binding_id, s.kind AS visit,
         s.mulaid_pay_fen AS amount, s.institution_code, s.sharer_id, s.patient_id
  FROM taken t JOIN settlements s ON t.kind = 'mulaid_paid' AND s.settlement_id = t.source_id
  UNION ALL
  SELECT t.kind, t.source_id, t.created_at, s.settlement_id, r.refund_id, s.binding_id, s.kind,
         r.to_mulaid_fen, s.institution_code, s.sharer_id, s.patient_id
  FROM taken t JOIN refunds r ON t.kind = 'mulaid_refunded' AND r.refund_id = t.source_id
  JOIN settlements s ON s.settlement_id = r.settlement_id),
made AS (
  INSERT INTO messages (message_id, person_id, kind, ref, created_at, source_id)
  SELECT gen_random_uuid(), x.person_id, f.kind,
         jsonb_strip_nulls(jsonb_build_object('settlementId', f.settlement_id, 'refundId', f.refund_id, 'bindingId', f.binding_id,
           'amountFen', f.amount, 'kind', f.visit, 'institution', i.name, 'role', x.role, 'otherName', o.name)),
         f.created_at, f.source_id
  FROM facts f
  JOIN institutions i ON i.code = f.institution_code
  CROSS JOIN LATERAL (VALUES (f.sharer_id, 'sharer', f.patient_id), (f.patient_id, 'relative', f.sharer_id)) AS x(person_id, role, other_id)
  JOIN persons o ON o.person_id = x.other_id
  ON CONFLICT (source_id, person_id) WHERE source_id IS NOT NULL DO NOTHING
  RETURNING 1)
SELECT (SELECT count(*) FROM taken) AS drained, (SELECT count(*) FROM made) AS made`;

export async function drainNoticeOutbox(db: Pick<Db, 'query'>, limit = 500): Promise<number> {
  const [row] = await db.query<{ drained: bigint }>(DRAIN, [limit]);
  return Number(row?.drained ?? 0);
}
