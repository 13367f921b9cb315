import { shanghaiToday } from '../../src/rules/age';
import { effectiveStatus, ruleBlocker } from '../../src/rules/payability';
import type { Db, Queryable, SqlParam } from '../db/port';
import { shanghaiMonthStart } from '../platform/time';
import { bindingFacts, endBindingRow, queryBindingsWithPolicy, relativeFacts, type EndingBinding } from '../store/bindings';
import { lockAccounts } from '../store/ledger';
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
 * by its date; this records it, for the bindings matching `where` ($2…; $1 is taken), through
 * the one end of a binding (endBindingRow: the rest of a quota returns to the sharer at once).
 * The sharers' accounts are locked in key order first, the lock order of every quota writer;
 * a binding that another run ended meanwhile is skipped, so nobody is told twice.
 */
export async function expireDue(q: Queryable, now: Date, today: string, where: string, params: readonly SqlParam[]): Promise<number> {
  const due = await q.query<EndingBinding & { ends_on: string }>(
    `SELECT b.binding_id, b.sharer_id, b.relative_id, b.relationship, b.ends_on::text AS ends_on,
       s.name AS sharer_name, r.name AS relative_name
     FROM bindings b JOIN persons s ON s.person_id = b.sharer_id JOIN persons r ON r.person_id = b.relative_id
     WHERE b.status IN ('active', 'pending') AND b.ends_on <= $1::date AND (${where})
     ORDER BY b.sharer_id, b.binding_id`,
    [today, ...params],
  );
  if (due.length === 0) return 0;
  await lockAccounts(
    q,
    due.map((row) => row.sharer_id),
  );
  let expired = 0;
  for (const row of due) {
    const { ended } = await endBindingRow(q, now, row, 'system', {
      status: 'expired',
      reason: 'end_date',
      endedAt: new Date(`${row.ends_on}T00:00:00+08:00`),
      notice: { kind: 'binding_expired', ref: { endsOn: row.ends_on }, to: 'both' },
    });
    if (ended) expired += 1;
  }
  return expired;
}

/**
 * The scheduled expiry (server/workers/scheduler.ts): every live binding whose end date has
 * come, in one transaction, with both sides told. Returns how many expired.
 */
export function expireAllDue(db: Db, now: Date): Promise<number> {
  return db.transaction((tx) => expireDue(tx, now, shanghaiToday(now), 'true', []));
}
