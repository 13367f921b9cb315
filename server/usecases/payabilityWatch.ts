import { shanghaiToday } from '../../src/rules/age';
import { effectiveStatus, ruleBlocker } from '../../src/rules/payability';
import type { Db, Queryable, SqlParam } from '../db/port';
import { shanghaiMonthStart } from '../platform/time';
import { bindingFacts, queryBindingsWithPolicy, relativeFacts } from '../store/bindings';
import { notify } from '../store/messages';

/**
 * SPEC 2.8: both sides are told when a binding stops being able to pay by the rules (policy,
 * insurance status) and when it starts again. `bindings.can_pay` keeps the last state told;
 * this compares it with the one decision (src/rules/payability.ts) for the active bindings
 * matching `where` ($2…; $1 is taken) and tells both sides of every change. A binding's first
 * state is recorded without a notice. Balances are left out: a balance moves with every bill,
 * and BALANCE_ZERO is shown on the binding, not sent.
 */
export async function refreshPayability(q: Queryable, now: Date, today: string, where: string, params: readonly SqlParam[]): Promise<number> {
  const { rows, policyOf } = await queryBindingsWithPolicy(q, shanghaiMonthStart(now), `b.status = 'active' AND (${where})`, params);
  let told = 0;
  for (const row of rows) {
    const facts = bindingFacts(row, policyOf(row.sharer_pooling_region));
    const blocker = effectiveStatus(row.status, row.ends_on, today) === 'active' ? ruleBlocker(facts, relativeFacts(row)) : null;
    const canPay = blocker === null;
    if (row.can_pay === canPay) continue;
    await q.query('UPDATE bindings SET can_pay = $2 WHERE binding_id = $1', [row.binding_id, canPay]);
    if (row.can_pay === null) continue;
    const ref = { bindingId: row.binding_id, relationship: row.relationship, canPay, blockedBy: blocker };
    await notify(q, now, { personId: row.sharer_id }, 'binding_payability', { ...ref, otherName: row.relative_name, role: 'sharer' });
    await notify(q, now, { personId: row.relative_id }, 'binding_payability', { ...ref, otherName: row.sharer_name, role: 'relative' });
    told += 1;
  }
  return told;
}

/**
 * SPEC 2.1: a live binding whose end date has come is `expired` from that day (Asia/Shanghai),
 * and both sides are told. Settlement and every view already treat such a binding as expired
 * by its date; this records it, for the bindings matching `where` ($2…; $1 is taken).
 */
export async function expireDue(q: Queryable, now: Date, today: string, where: string, params: readonly SqlParam[]): Promise<number> {
  const expired = await q.query<{
    binding_id: string;
    sharer_id: string;
    relative_id: string;
    relationship: string;
    ends_on: string;
    sharer_name: string;
    relative_name: string;
  }>(
    `UPDATE bindings b SET status = 'expired', ended_by = 'system', ended_reason = 'end_date',
       ended_at = (b.ends_on::timestamp AT TIME ZONE 'Asia/Shanghai')
     FROM persons s, persons r
     WHERE s.person_id = b.sharer_id AND r.person_id = b.relative_id
       AND b.status IN ('active', 'pending') AND b.ends_on <= $1::date AND (${where})
     RETURNING b.binding_id, b.sharer_id, b.relative_id, b.relationship, b.ends_on::text AS ends_on,
       s.name AS sharer_name, r.name AS relative_name`,
    [today, ...params],
  );
  for (const row of expired) {
    const ref = { bindingId: row.binding_id, relationship: row.relationship, endsOn: row.ends_on };
    await notify(q, now, { personId: row.sharer_id }, 'binding_expired', { ...ref, otherName: row.relative_name, role: 'sharer' });
    await notify(q, now, { personId: row.relative_id }, 'binding_expired', { ...ref, otherName: row.sharer_name, role: 'relative' });
  }
  return expired.length;
}

/**
 * The scheduled expiry (server/workers/scheduler.ts): every live binding whose end date has
 * come, in one transaction, with both sides told. Returns how many expired.
 */
export function expireAllDue(db: Db, now: Date): Promise<number> {
  return db.transaction((tx) => expireDue(tx, now, shanghaiToday(now), 'true', []));
}
