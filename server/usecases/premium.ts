/**
 * 代缴 (SPEC 2.12): a sharer pays the resident premium of a relative of an active binding from
 * their employee account.
 *
 * Rules chosen (docs/notes/sched.md):
 * - Only the binding's sharer pays (the relative: FORBIDDEN), on a binding that is active today
 *   (pending, ended or past its end date: FORBIDDEN), while the sharer may share
 *   (SHARER_NOT_EMPLOYEE).
 * - The relative is resident-insured or uninsured; an employee-insured relative owes no
 *   resident premium: FORBIDDEN (not RELATIVE_NOT_INSURED, which says the opposite).
 * - Year and window: the premium of year Y is collected in the window that opens in Y − 1
 *   (Asia/Shanghai days; the relative's region's `premiumWindow`, default 09-01..12-31), so on
 *   2026-10-08 only 2027 can be paid. Any other year, or any day outside the window:
 *   OUTSIDE_PREMIUM_WINDOW, saying when that year's window is.
 * - Amount: the `residentPremiumFen` of the relative's region.
 * - Once per relative and year, whoever pays: PREMIUM_ALREADY_PAID (a unique key in the
 *   schema decides between concurrent payers; a retry moves nothing).
 * - From the binding's quota when it has one (as a quota pays a bill: from the quota only), else
 *   from the sharer's free balance (store/premium.ts debitPremium); too little: FORBIDDEN.
 * - One `premium_pay` ledger entry; a `premium` record for both (listRecords); both told.
 */
import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { formatFen } from '../../src/rules/money';
import { effectiveStatus } from '../../src/rules/payability';
import { premiumWindowOf, premiumYearOn } from '../../src/rules/policy';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import { SQLSTATE, sqlState } from '../db/port';
import { fail } from '../errors';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import type { StoredBindingStatus } from '../../src/rules/payability';
import { notify } from '../store/messages';
import { canShare } from '../store/persons';
import { debitPremium, loadPremiumPolicy, premiumPaid } from '../store/premium';
import { requireVerifiedPerson } from './bindings';

interface PremiumBinding {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  status: StoredBindingStatus;
  ends_on: string | null;
  relationship: Relationship;
  sharer_name: string;
  relative_name: string;
  relative_id_masked: string;
  relative_insurance_type: 'employee' | 'resident' | 'none';
  relative_pooling_region: string;
  quota_left_fen: bigint | null;
}

function alreadyPaid(year: number): never {
  return fail('PREMIUM_ALREADY_PAID', `该亲属 ${year} 年度的城乡居民医保费已经缴纳（由您或其他家人代缴），无需重复缴费`);
}

export async function payPremium(
  app: App,
  caller: UserCaller,
  input: { bindingId: string; year: number },
): Promise<{ paymentId: string; amountFen: number; year: number }> {
  const sharer = await requireVerifiedPerson(app, caller);
  const rows = await app.db.query<PremiumBinding>(
    `SELECT b.binding_id, b.sharer_id, b.relative_id, b.status, b.ends_on::text AS ends_on, b.relationship,
            s.name AS sharer_name, r.name AS relative_name, r.id_masked AS relative_id_masked,
            r.insurance_type AS relative_insurance_type, r.pooling_region AS relative_pooling_region,
            b.quota_left_fen
     FROM bindings b JOIN persons s ON s.person_id = b.sharer_id JOIN persons r ON r.person_id = b.relative_id
     WHERE b.binding_id = $1 AND (b.sharer_id = $2 OR b.relative_id = $2)`,
    [input.bindingId, sharer.person_id],
  );
  const binding = rows[0];
  if (!binding) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
  if (binding.sharer_id !== sharer.person_id) fail('FORBIDDEN', '只有共济人可以用个人账户为亲属代缴居民医保费');
  const now = app.clock.now();
  const today = shanghaiToday(now);
  const status = effectiveStatus(binding.status, binding.ends_on, today);
  if (status === 'pending') fail('FORBIDDEN', '亲属确认共济关系后才能为其代缴居民医保费');
  if (status !== 'active') fail('FORBIDDEN', '该共济关系已结束，不能代缴；如需代缴请重新添加亲属');
  if (!canShare(sharer)) fail('SHARER_NOT_EMPLOYEE');
  if (binding.relative_insurance_type === 'employee') {
    fail('FORBIDDEN', '该亲属参加的是职工医保，由单位和个人按月缴费，无需也不能代缴城乡居民医保费');
  }
  const premium = await loadPremiumPolicy(app.db, binding.relative_pooling_region);
  if (premiumYearOn(premium.premiumWindow, today) !== input.year) {
    const { from, to } = premiumWindowOf(premium.premiumWindow, input.year);
    fail('OUTSIDE_PREMIUM_WINDOW', `亲属参保地 ${input.year} 年度城乡居民医保费的缴费期为 ${from} 至 ${to}，请在缴费期内代缴`, 'year');
  }
  if (await premiumPaid(app.db, binding.relative_id, input.year)) alreadyPaid(input.year);

  const amount = premium.residentPremiumFen;
  const paymentId = randomUUID();
  const entryId = randomUUID();
  try {
    await app.db.transaction(async (tx) => {
      // Under the lock of the sharer's account: a second click of the same sharer waits here and then sees the first.
      await tx.query('SELECT person_id FROM accounts WHERE person_id = $1 FOR UPDATE', [sharer.person_id]);
      if (await premiumPaid(tx, binding.relative_id, input.year)) alreadyPaid(input.year);
      const fromQuota = binding.quota_left_fen !== null;
      const after = await debitPremium(tx, { personId: sharer.person_id, bindingId: binding.binding_id, amount: BigInt(amount), entryId, at: now, fromQuota });
      if (after === null) {
        fail(
          'FORBIDDEN',
          fromQuota
            ? `为该亲属设定的共济额度剩余不足 ${formatFen(amount)}，暂不能代缴；可先调高共济额度，或改用其他方式缴费`
            : `您个人账户的可用余额不足 ${formatFen(amount)}，暂不能代缴；可改用其他方式缴费`,
        );
      }
      // Another family member paying at the same moment: the unique key (relative, year) refuses one of the two.
      await tx.query(
        `INSERT INTO premium_payments (payment_id, relative_id, year, sharer_id, binding_id, pooling_region, amount_fen, ledger_entry_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [paymentId, binding.relative_id, input.year, sharer.person_id, binding.binding_id, binding.relative_pooling_region, amount, entryId, now],
      );
      const ref = { bindingId: binding.binding_id, relationship: binding.relationship, amountFen: amount, year: input.year };
      await notify(tx, now, { personId: sharer.person_id }, 'premium_paid', { ...ref, otherName: binding.relative_name, role: 'sharer' });
      await notify(tx, now, { personId: binding.relative_id }, 'premium_paid', { ...ref, otherName: binding.sharer_name, role: 'relative' });
      await audit(tx, now, `user:${caller.userId}`, 'payPremium', `binding:${binding.binding_id}`, {
        relative: binding.relative_id_masked,
        year: input.year,
        amountFen: amount,
      });
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) alreadyPaid(input.year);
    throw error;
  }
  return { paymentId, amountFen: amount, year: input.year };
}
