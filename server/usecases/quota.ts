import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { formatFen } from '../../src/rules/money';
import { effectiveStatus, type StoredBindingStatus } from '../../src/rules/payability';
import type { App } from '../app';
import { fail, invalidInput } from '../errors';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import type { BindingView } from '../store/bindings';
import { changeHeld, lockAccounts } from '../store/ledger';
import { notify } from '../store/messages';
import { asActor, type Actor } from './actor';
import { bindingViews, quotaExceedsBalance, requireVerifiedPerson } from './bindings';
import { refreshPayability } from './payabilityWatch';

interface QuotaBinding {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  status: StoredBindingStatus;
  ends_on: string | null;
  relationship: string;
  quota_fen: bigint | null;
  quota_left_fen: bigint | null;
  sharer_name: string;
  relative_name: string;
}

const SELECT_QUOTA_BINDING = `
  SELECT b.binding_id, b.sharer_id, b.relative_id, b.status, b.ends_on::text AS ends_on, b.relationship,
         b.quota_fen, b.quota_left_fen, s.name AS sharer_name, r.name AS relative_name
  FROM bindings b JOIN persons s ON s.person_id = b.sharer_id JOIN persons r ON r.person_id = b.relative_id
  WHERE b.binding_id = $1`;

/**
 * SPEC 2.11 `setQuota {bindingId, amountFen}`: the sharer sets the quota of one of their ACTIVE
 * bindings — raising, lowering, or giving a binding without a quota one.
 *
 * - Who: the binding's sharer only. Anybody else's binding is NOT_FOUND (as every binding
 *   function answers); the relative of the binding is FORBIDDEN (it is not their money).
 * - When: the binding is active today. SPEC 2.11 says "on an active binding"; a pending request
 *   already holds the quota it was sent with (bindRelative), and its amount is what the relative
 *   is asked to accept, so it is changed once they have confirmed; an ended binding has nothing
 *   to change (FORBIDDEN with the reason).
 * - The rule: `amountFen` is the new total quota. What was already paid from the quota stays
 *   paid: left = amountFen − (quota − left). A total below what is already paid is refused
 *   (INVALID_INPUT on amountFen, saying the lowest possible total); lowering returns the
 *   difference to the free balance (`quota_release`), raising holds it (`quota_hold`), and a
 *   raise above the free balance is QUOTA_EXCEEDS_BALANCE. The same amount again changes nothing.
 * - Both sides are told (`quota_set`).
 * Locks: the sharer's account first, then the binding row (the order of migration 0005).
 */
export async function setQuota(
  app: App,
  caller: UserCaller | Actor,
  input: { bindingId: string; amountFen: number },
): Promise<{ binding: BindingView }> {
  const actor = asActor(caller);
  const person = await requireVerifiedPerson(app, actor);
  const [found] = await app.db.query<QuotaBinding>(`${SELECT_QUOTA_BINDING} AND (b.sharer_id = $2 OR b.relative_id = $2)`, [
    input.bindingId,
    person.person_id,
  ]);
  if (!found) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
  if (found.sharer_id !== person.person_id) fail('FORBIDDEN', '共济额度只能由共济人本人设置');
  const amount = BigInt(input.amountFen);
  const now = app.clock.now();
  const today = shanghaiToday(now);
  await app.db.transaction(async (tx) => {
    await lockAccounts(tx, [found.sharer_id]);
    const [b] = await tx.query<QuotaBinding>(`${SELECT_QUOTA_BINDING} FOR UPDATE OF b`, [found.binding_id]);
    if (!b) throw new Error('binding vanished');
    const status = effectiveStatus(b.status, b.ends_on, today);
    if (status === 'pending') fail('FORBIDDEN', '亲属确认共济关系后才能调整共济额度');
    if (status !== 'active') fail('FORBIDDEN', '该共济关系已结束，不能再设置共济额度');
    const spent = b.quota_fen === null || b.quota_left_fen === null ? 0n : b.quota_fen - b.quota_left_fen;
    const left = amount - spent;
    if (left < 0n) {
      invalidInput('amountFen', `该额度已为亲属支付 ${formatFen(Number(spent))}，额度不能低于已支付的金额`);
    }
    if (b.quota_fen === amount) return;
    const delta = left - (b.quota_left_fen ?? 0n);
    const held = await changeHeld(tx, { personId: b.sharer_id, bindingId: b.binding_id, delta, entryId: randomUUID(), at: now });
    if (held === null) quotaExceedsBalance('amountFen');
    await tx.query('UPDATE bindings SET quota_fen = $2, quota_left_fen = $3 WHERE binding_id = $1', [b.binding_id, amount, left]);
    const ref = { bindingId: b.binding_id, relationship: b.relationship, amountFen: Number(amount) };
    await notify(tx, now, { personId: b.sharer_id }, 'quota_set', { ...ref, otherName: b.relative_name, role: 'sharer' });
    await notify(tx, now, { personId: b.relative_id }, 'quota_set', { ...ref, otherName: b.sharer_name, role: 'relative' });
    // A binding that gains a quota may now pay across regions: told like any change of payability.
    await refreshPayability(tx, now, today, 'b.binding_id = $2', [b.binding_id]);
    await audit(tx, now, actor.label, 'setQuota', `binding:${b.binding_id}`, {
      quotaFen: Number(amount),
      ...(b.quota_fen === null ? {} : { previousFen: Number(b.quota_fen) }),
    });
    await actor.staff?.inAct(tx, now);
  });
  const [view] = await bindingViews(app, app.db, person.person_id, 'b.binding_id = $2', [found.binding_id]);
  if (!view) throw new Error('binding vanished');
  return { binding: view };
}
