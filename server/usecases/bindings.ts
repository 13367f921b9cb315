import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber } from '../../src/rules/mask';
import { ageOn } from '../../src/rules/age';
import { initialBindingStatus, relationshipAllowed, sharingAllowed } from '../../src/rules/policy';
import { effectiveStatus } from '../../src/rules/payability';
import { UNDERTAKING } from '../../src/rules/undertaking';
import {
  isRelationshipPlausible,
  RELATIONSHIP_LABELS,
  type Relationship,
} from '../../src/rules/relationship';
import type { Policy } from '../../src/rules/policy';
import type { App } from '../app';
import { SQLSTATE, sqlState, type SqlParam } from '../db/port';
import { fail, invalidInput } from '../errors';
import { shanghaiMonthStart } from '../platform/time';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import {
  bindingView,
  consentAge,
  endBindingRow,
  queryBindingsWithPolicy,
  type BindingRow,
  type BindingView,
  type EndedBy,
  type EndingBinding,
  type EndOptions,
} from '../store/bindings';
import { changeHeld, lockAccounts } from '../store/ledger';
import { notify } from '../store/messages';
import { premiumOffersFor } from '../store/premium';
import { loadPolicies } from '../store/policies';
import type { Queryable } from '../db/port';
import { expireDue, refreshPayability } from './payabilityWatch';
import { canShare, findPersonByIdNumber, getPerson, isInsured, type PersonRow } from '../store/persons';
import { hitRateLimit } from '../store/rateLimits';
import { asActor, type Actor } from './actor';
import type { Data, Served } from '../contract';

/** Check 1 of SPEC 2.1: logged in (the runtime did that) and verified. */
export async function requireVerifiedPerson(app: App, caller: { personId: string | null }): Promise<PersonRow> {
  if (caller.personId === null) fail('NOT_VERIFIED');
  const person = await getPerson(app.db, caller.personId);
  if (!person) fail('NOT_VERIFIED');
  return person;
}

/**
 * Registry lookups of relatives (binding and family account) share one budget per user, so
 * the forms cannot be used to enumerate the registry.
 */
export function hitRegistryLookupLimit(app: App, caller: UserCaller | Actor): Promise<void> {
  return hitRateLimit(
    app,
    `bind:${asActor(caller).limitKey}`,
    app.config.limits.bindAttemptsPerHour,
    3600,
    '添加亲属的尝试过于频繁，为保护参保信息安全，请一小时后再试',
  );
}

/**
 * Check 7 on the registry row found for the typed ID number: one answer for "not found",
 * "name does not match" and "not active".
 */
export function insuredRelative(found: PersonRow | undefined, name: string): PersonRow {
  if (!found || found.name !== name || !isInsured(found)) fail('RELATIVE_NOT_INSURED', undefined, 'idNumber');
  return found;
}

/** How long a "not my relative" refusal keeps that sharer from binding that relative again (SPEC 2.8). */
export const REFUSAL_BLOCK_DAYS = 180;
/** The longest end date a binding may carry. */
const MAX_BINDING_YEARS = 20;

/** Whether a relative is old enough to leave a binding alone (SPEC 2.1). */
function relativeMayLeave(row: BindingRow, policyOf: (region: string) => Policy, today: string): boolean {
  return ageOn(row.relative_birth_date, today) >= consentAge(policyOf(row.sharer_pooling_region));
}

/** The views of the bindings matching `where` ($2…), as `viewerPersonId` sees them. */
export async function bindingViews(
  app: App,
  q: Queryable,
  viewerPersonId: string,
  where: string,
  params: readonly SqlParam[],
): Promise<BindingView[]> {
  const now = app.clock.now();
  const today = shanghaiToday(now);
  const { rows, policyOf } = await queryBindingsWithPolicy(q, shanghaiMonthStart(now), where, params);
  const views = rows.map((row) =>
    bindingView(row, viewerPersonId, policyOf(row.sharer_pooling_region), today, relativeMayLeave(row, policyOf, today)),
  );
  // The sharer of an active binding with a resident-insured or uninsured relative sees the premium it may pay (SPEC 2.12).
  // All of them in one go: no query per binding.
  const offered = [...rows.keys()].filter((index) => {
    const view = views[index]!;
    return view.viewerRole === 'sharer' && view.status === 'active' && rows[index]!.relative_insurance_type !== 'employee';
  });
  const offers = await premiumOffersFor(
    q,
    offered.map((index) => ({ relativeId: rows[index]!.relative_id, relativeRegion: rows[index]!.relative_pooling_region })),
    today,
  );
  for (const [at, index] of offered.entries()) views[index]!.premium = offers[at];
  return views;
}

async function loadView(app: App, bindingId: string, viewerPersonId: string): Promise<BindingView> {
  const [view] = await bindingViews(app, app.db, viewerPersonId, 'b.binding_id = $2', [bindingId]);
  if (!view) throw new Error('binding vanished');
  return view;
}

/** `endsOn`, when given, is a day after today and within MAX_BINDING_YEARS. */
function checkEndsOn(endsOn: string | undefined, today: string): void {
  if (endsOn === undefined) return;
  const latest = `${Number(today.slice(0, 4)) + MAX_BINDING_YEARS}${today.slice(4)}`;
  if (endsOn <= today) invalidInput('endsOn', '共济有效期应晚于今天');
  if (endsOn > latest) invalidInput('endsOn', `共济有效期最长 ${MAX_BINDING_YEARS} 年`);
}

async function hasLiveSpouse(q: Queryable, sharerId: string): Promise<boolean> {
  const rows = await q.query(
    "SELECT 1 FROM bindings WHERE sharer_id = $1 AND relationship = 'spouse' AND status IN ('active', 'pending') LIMIT 1",
    [sharerId],
  );
  return rows.length > 0;
}

function secondSpouse(): never {
  return fail('RELATIONSHIP_IMPOSSIBLE', '您已为配偶开通（或申请了）家庭共济，一个人只能有一位配偶', 'relationship');
}

/** SPEC 2.1 and 2.8: every check in order, the first failure is the answer; the undertaking; consent. */
export async function bindRelative(
  app: App,
  caller: UserCaller | Actor,
  input: { name: string; idNumber: string; relationship: Relationship; acceptUndertaking?: boolean; endsOn?: string; quotaFen?: number },
): Promise<Served<Data<'bindRelative'>>> {
  const actor = asActor(caller);
  const quota = input.quotaFen === undefined ? null : BigInt(input.quotaFen);
  const sharer = await requireVerifiedPerson(app, actor); // 1
  if (!canShare(sharer)) fail('SHARER_NOT_EMPLOYEE'); // 2
  if (input.acceptUndertaking !== true) fail('UNDERTAKING_REQUIRED', undefined, 'acceptUndertaking');
  const today = shanghaiToday(app.clock.now());
  checkEndsOn(input.endsOn, today);
  const parsed = parseIdNumber(input.idNumber, today); // 3
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'idNumber');
  const found = await findPersonByIdNumber(app, app.db, parsed.info.idNumber);
  if (found?.person_id === sharer.person_id) fail('SELF_BINDING', undefined, 'idNumber'); // 4
  const policyOf = await loadPolicies(app.db, [sharer.pooling_region]);
  const policy = policyOf(sharer.pooling_region);
  if (!relationshipAllowed(policy, input.relationship)) {
    fail('RELATIONSHIP_NOT_ALLOWED', undefined, 'relationship'); // 5
  }
  if (!isRelationshipPlausible(input.relationship, sharer.birth_date, parsed.info.birthDate)) {
    fail(
      'RELATIONSHIP_IMPOSSIBLE',
      `按出生日期，该亲属不可能是您的${RELATIONSHIP_LABELS[input.relationship]}，请核对关系或身份证号码`,
      'relationship',
    ); // 6
  }
  if (input.relationship === 'spouse' && (await hasLiveSpouse(app.db, sharer.person_id))) secondSpouse(); // 6
  // 11 is counted here, before the registry is consulted: a limit checked after the lookup
  // would not stop anyone from enumerating the registry through this form.
  await hitRegistryLookupLimit(app, actor);
  const relative = insuredRelative(found, input.name); // 7
  // 8: a binding with a quota may reach a relative anywhere in the country (SPEC 2.11).
  if (quota === null && !sharingAllowed(policy, sharer.pooling_region, relative.pooling_region)) fail('OUT_OF_REGION'); // 8

  const now = app.clock.now();
  const status = initialBindingStatus(policy, relative.birth_date, today);
  const bindingId = randomUUID();
  try {
    await app.db.transaction(async (tx) => {
      // Serializes the binding attempts of one sharer, so the limits hold under concurrency.
      await tx.query('SELECT person_id FROM persons WHERE person_id = $1 FOR UPDATE', [sharer.person_id]);
      await expireDue(tx, now, today, 'b.sharer_id = $2', [sharer.person_id]);
      const live = await tx.query<{ relative_id: string; relationship: Relationship }>(
        "SELECT relative_id, relationship FROM bindings WHERE sharer_id = $1 AND status IN ('active', 'pending')",
        [sharer.person_id],
      );
      if (input.relationship === 'spouse' && live.some((row) => row.relationship === 'spouse')) secondSpouse(); // 6, under the lock
      if (live.some((row) => row.relative_id === relative.person_id)) fail('ALREADY_BOUND'); // 9
      const refused = await tx.query(
        `SELECT 1 FROM bindings WHERE relative_id = $1 AND sharer_id = $2 AND not_my_relative AND ended_at > $3 LIMIT 1`,
        [relative.person_id, sharer.person_id, new Date(now.getTime() - REFUSAL_BLOCK_DAYS * 86400_000)],
      );
      if (refused.length > 0) fail('BINDING_BLOCKED'); // 9
      if (live.length >= policy.maxRelatives) {
        fail('LIMIT_REACHED', `您最多可为 ${policy.maxRelatives} 位亲属开通家庭共济，请先解除不再需要的共济关系`); // 10
      }
      // The quota is checked after every check of SPEC 2.1 (it is not one of them) and held in
      // this transaction, under the sharer's account lock: at once, also for a pending request,
      // so that the relative's confirmation cannot fail for want of money; a refused or lapsed
      // request returns it like any end.
      if (quota !== null) await lockAccounts(tx, [sharer.person_id]);
      await tx.query(
        `INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at,
           undertaking_version, undertaking_at, ends_on, undertaking_ref, quota_fen, quota_left_fen)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6, $9, $10, $11, $11)`,
        [
          bindingId,
          sharer.person_id,
          relative.person_id,
          input.relationship,
          status,
          now,
          status === 'active' ? now : null,
          UNDERTAKING.version,
          input.endsOn ?? null,
          actor.staff?.undertakingRef ?? null,
          quota,
        ],
      );
      if (quota !== null && quota > 0n) {
        const held = await changeHeld(tx, { personId: sharer.person_id, bindingId, delta: quota, entryId: randomUUID(), at: now });
        if (held === null) quotaExceedsBalance('quotaFen');
      }
      await notify(tx, now, { personId: relative.person_id }, status === 'pending' ? 'binding_requested' : 'binding_created', {
        bindingId,
        otherName: sharer.name,
        relationship: input.relationship,
        role: 'relative',
        ...(input.endsOn ? { endsOn: input.endsOn } : {}),
      });
      if (quota !== null) {
        await notify(tx, now, { personId: relative.person_id }, 'quota_set', {
          bindingId,
          otherName: sharer.name,
          relationship: input.relationship,
          role: 'relative',
          amountFen: Number(quota),
        });
      }
      await refreshPayability(tx, now, today, 'b.binding_id = $2', [bindingId]);
      await audit(tx, now, actor.label, 'bindRelative', `binding:${bindingId}`, {
        relative: maskIdNumber(parsed.info.idNumber),
        relationship: input.relationship,
        status,
        undertaking: UNDERTAKING.version,
        ...(actor.staff?.undertakingRef ? { undertakingRef: actor.staff.undertakingRef } : {}),
        ...(input.endsOn ? { endsOn: input.endsOn } : {}),
        ...(quota !== null ? { quotaFen: Number(quota) } : {}),
      });
      await actor.staff?.inAct(tx, now);
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) fail('ALREADY_BOUND');
    throw error;
  }
  return { binding: await loadView(app, bindingId, sharer.person_id) };
}

interface OwnBinding {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  status: BindingRow['status'];
  relationship: Relationship;
  ends_on: string | null;
  sharer_name: string;
  relative_name: string;
}

/** A binding the caller is part of, or NOT_FOUND (also for other people's bindings). */
async function ownBinding(app: App, person: PersonRow, bindingId: string): Promise<OwnBinding> {
  const rows = await app.db.query<OwnBinding>(
    `SELECT b.binding_id, b.sharer_id, b.relative_id, b.status, b.relationship, b.ends_on::text AS ends_on,
            s.name AS sharer_name, r.name AS relative_name
     FROM bindings b JOIN persons s ON s.person_id = b.sharer_id JOIN persons r ON r.person_id = b.relative_id
     WHERE b.binding_id = $1 AND (b.sharer_id = $2 OR b.relative_id = $2)`,
    [bindingId, person.person_id],
  );
  const row = rows[0];
  if (!row) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
  return row;
}

const ENDED_TEXT: Readonly<Record<string, string>> = {
  unbound: '该共济关系已解除',
  declined: '该共济关系已被拒绝',
  expired: '该共济关系已到期',
};

/** A pending binding the caller is the relative of, for confirming or declining. */
async function pendingForRelative(app: App, person: PersonRow, bindingId: string, verb: string): Promise<OwnBinding | null> {
  const binding = await ownBinding(app, person, bindingId);
  if (binding.relative_id !== person.person_id) fail('FORBIDDEN', `只有被共济的亲属本人可以${verb}共济关系`);
  const today = shanghaiToday(app.clock.now());
  // Only a pending request can lapse here; an active binding answers as before (confirm: nothing to do).
  const status = binding.status === 'pending' ? effectiveStatus(binding.status, binding.ends_on, today) : binding.status;
  if (status === 'active') return null;
  if (status !== 'pending') fail('FORBIDDEN', `${ENDED_TEXT[status] ?? '该共济关系已结束'}，无需${verb}；如需共济请让家人重新添加`);
  return binding;
}

export async function confirmBinding(app: App, caller: UserCaller | Actor, input: { bindingId: string }): Promise<Served<Data<'confirmBinding'>>> {
  const actor = asActor(caller);
  const person = await requireVerifiedPerson(app, actor);
  const binding = await pendingForRelative(app, person, input.bindingId, '确认');
  if (binding) {
    const now = app.clock.now();
    await app.db.transaction(async (tx) => {
      const updated = await tx.query(
        "UPDATE bindings SET status = 'active', confirmed_at = $2 WHERE binding_id = $1 AND status = 'pending' RETURNING binding_id",
        [binding.binding_id, now],
      );
      if (updated.length === 0) return;
      await notify(tx, now, { personId: binding.sharer_id }, 'binding_confirmed', {
        bindingId: binding.binding_id,
        otherName: binding.relative_name,
        relationship: binding.relationship,
        role: 'sharer',
      });
      await refreshPayability(tx, now, shanghaiToday(now), 'b.binding_id = $2', [binding.binding_id]);
      await audit(tx, now, actor.label, 'confirmBinding', `binding:${binding.binding_id}`);
      await actor.staff?.inAct(tx, now);
    });
  }
  return { binding: await loadView(app, input.bindingId, person.person_id) };
}

/** SPEC 2.8: the relative refuses a pending binding; "not my relative" also blocks that sharer and is a risk event. */
export async function declineBinding(
  app: App,
  caller: UserCaller | Actor,
  input: { bindingId: string; notMyRelative?: boolean },
): Promise<Served<Data<'declineBinding'>>> {
  const actor = asActor(caller);
  const person = await requireVerifiedPerson(app, actor);
  const binding = await pendingForRelative(app, person, input.bindingId, '拒绝');
  if (!binding) fail('FORBIDDEN', '该共济关系已生效，如不再需要请选择“解除共济”');
  const notMine = input.notMyRelative === true;
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    // Only a request still pending is declined (a confirmation that won the race stands).
    const pending = await tx.query("SELECT 1 FROM bindings WHERE binding_id = $1 AND status = 'pending'", [binding.binding_id]);
    if (pending.length === 0) return;
    const { ended } = await endBinding(tx, now, binding, 'relative', {
      status: 'declined',
      notMyRelative: notMine,
      notice: { kind: 'binding_declined', ref: { notMyRelative: notMine }, to: 'sharer' },
    });
    if (!ended) return;
    if (notMine) {
      await tx.query(
        `INSERT INTO risk_events (risk_id, kind, person_id, other_id, binding_id, detail, created_at)
         VALUES ($1, 'not_my_relative', $2, $3, $4, $5, $6)`,
        [randomUUID(), binding.relative_id, binding.sharer_id, binding.binding_id, JSON.stringify({ relationship: binding.relationship }), now],
      );
    }
    await audit(tx, now, actor.label, 'declineBinding', `binding:${binding.binding_id}`, { notMyRelative: notMine });
    await actor.staff?.inAct(tx, now);
  });
  return { binding: await loadView(app, binding.binding_id, person.person_id) };
}

/**
 * Ends a live binding as `options` say (its new status, reason, notice) — EVERY end goes
 * through here or unbindIfLive (unbind by either side, decline, expiry, automatic ends after a
 * registry change, staff acts): the rest of its quota returns to the sharer's free balance at
 * once and both sides are told (server/store/bindings.ts endBindingRow). Returns whether this
 * call ended it (false: it was no longer live) and the quota it released. Call it inside a
 * transaction; it locks the sharer's account first.
 */
export function endBinding(
  tx: Queryable,
  now: Date,
  binding: EndingBinding,
  by: EndedBy,
  options: EndOptions,
): Promise<{ ended: boolean; releasedFen: bigint }> {
  return endBindingRow(tx, now, binding, by, options);
}

/**
 * Unbinds a live binding (`unbound`, with a `binding_ended` notice to the side(s) that did not
 * act) as endBinding does; true when this call ended it, false when it was no longer live.
 */
export async function unbindIfLive(tx: Queryable, now: Date, binding: EndingBinding, by: EndedBy): Promise<boolean> {
  return (await endBindingRow(tx, now, binding, by)).ended;
}

export function quotaExceedsBalance(field: 'quotaFen' | 'amountFen'): never {
  return fail('QUOTA_EXCEEDS_BALANCE', undefined, field);
}

export async function unbindRelative(app: App, caller: UserCaller | Actor, input: { bindingId: string }): Promise<Served<Data<'unbindRelative'>>> {
  const actor = asActor(caller);
  const person = await requireVerifiedPerson(app, actor);
  const binding = await ownBinding(app, person, input.bindingId);
  const by = binding.sharer_id === person.person_id ? 'sharer' : 'relative';
  // A minor cannot leave alone in the app; at the service hall a handler sees the guardian.
  if (by === 'relative' && !actor.staff) {
    const [view] = await bindingViews(app, app.db, person.person_id, 'b.binding_id = $2', [binding.binding_id]);
    if (view && (view.status === 'active' || view.status === 'pending') && !view.canLeave) {
      fail('FORBIDDEN', '未成年的亲属不能自行解除共济关系，请由共济人解除，或由监护人到医保经办大厅办理');
    }
  }
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    if (await unbindIfLive(tx, now, binding, by)) {
      await audit(tx, now, actor.label, 'unbindRelative', `binding:${binding.binding_id}`, { by });
      await actor.staff?.inAct(tx, now);
    }
  });
  return { binding: await loadView(app, binding.binding_id, person.person_id) };
}

export async function listMembers(app: App, caller: UserCaller): Promise<Served<Data<'listMembers'>>> {
  const person = await requireVerifiedPerson(app, caller);
  return {
    asSharer: await bindingViews(app, app.db, person.person_id, 'b.sharer_id = $2', [person.person_id]),
    asRelative: await bindingViews(app, app.db, person.person_id, 'b.relative_id = $2', [person.person_id]),
  };
}
