import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber } from '../../src/rules/mask';
import { initialBindingStatus, relationshipAllowed, sharingAllowed } from '../../src/rules/policy';
import {
  isRelationshipPlausible,
  RELATIONSHIP_LABELS,
  type Relationship,
} from '../../src/rules/relationship';
import type { App } from '../app';
import { SQLSTATE, sqlState } from '../db/port';
import { fail } from '../errors';
import { shanghaiMonthStart } from '../platform/time';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import { bindingView, queryBindings, type BindingView } from '../store/bindings';
import { loadPolicies } from '../store/policies';
import { canShare, findPersonByIdNumber, getPerson, isInsured, type PersonRow } from '../store/persons';
import { hitRateLimit } from '../store/rateLimits';

/** Check 1 of SPEC 2.1: logged in (the runtime did that) and verified. */
export async function requireVerifiedPerson(app: App, caller: UserCaller): Promise<PersonRow> {
  if (caller.personId === null) fail('NOT_VERIFIED');
  const person = await getPerson(app.db, caller.personId);
  if (!person) fail('NOT_VERIFIED');
  return person;
}

/**
 * Registry lookups of relatives (binding and family account) share one budget per user, so
 * the forms cannot be used to enumerate the registry.
 */
export function hitRegistryLookupLimit(app: App, caller: UserCaller): Promise<void> {
  return hitRateLimit(
    app,
    `bind:${caller.userId}`,
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

async function loadView(app: App, bindingId: string, viewerPersonId: string): Promise<BindingView> {
  const rows = await queryBindings(app.db, shanghaiMonthStart(app.clock.now()), 'b.binding_id = $2', [bindingId]);
  const row = rows[0];
  if (!row) throw new Error('binding vanished');
  return bindingView(row, viewerPersonId);
}

/** SPEC 2.1: every check in order; the first failure is the answer. */
export async function bindRelative(
  app: App,
  caller: UserCaller,
  input: { name: string; idNumber: string; relationship: Relationship },
): Promise<{ binding: BindingView }> {
  const sharer = await requireVerifiedPerson(app, caller); // 1
  if (!canShare(sharer)) fail('SHARER_NOT_EMPLOYEE'); // 2
  const today = shanghaiToday(app.clock.now());
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
  // 11 is counted here, before the registry is consulted: a limit checked after the lookup
  // would not stop anyone from enumerating the registry through this form.
  await hitRegistryLookupLimit(app, caller);
  const relative = insuredRelative(found, input.name); // 7
  if (!sharingAllowed(policy, sharer.pooling_region, relative.pooling_region)) fail('OUT_OF_REGION'); // 8

  const now = app.clock.now();
  const status = initialBindingStatus(policy, relative.birth_date, today);
  const bindingId = randomUUID();
  try {
    await app.db.transaction(async (tx) => {
      // Serializes the binding attempts of one sharer, so the limit holds under concurrency.
      await tx.query('SELECT person_id FROM persons WHERE person_id = $1 FOR UPDATE', [sharer.person_id]);
      const live = await tx.query<{ relative_id: string }>(
        "SELECT relative_id FROM bindings WHERE sharer_id = $1 AND status <> 'unbound'",
        [sharer.person_id],
      );
      if (live.some((row) => row.relative_id === relative.person_id)) fail('ALREADY_BOUND'); // 9
      if (live.length >= policy.maxRelatives) {
        fail('LIMIT_REACHED', `您最多可为 ${policy.maxRelatives} 位亲属开通家庭共济，请先解除不再需要的共济关系`); // 10
      }
      await tx.query(
        `INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [bindingId, sharer.person_id, relative.person_id, input.relationship, status, now, status === 'active' ? now : null],
      );
      await audit(tx, now, `user:${caller.userId}`, 'bindRelative', `binding:${bindingId}`, {
        relative: maskIdNumber(parsed.info.idNumber),
        relationship: input.relationship,
        status,
      });
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
  status: 'active' | 'pending' | 'unbound';
}

/** A binding the caller is part of, or NOT_FOUND (also for other people's bindings). */
async function ownBinding(app: App, person: PersonRow, bindingId: string): Promise<OwnBinding> {
  const rows = await app.db.query<OwnBinding>(
    'SELECT binding_id, sharer_id, relative_id, status FROM bindings WHERE binding_id = $1 AND (sharer_id = $2 OR relative_id = $2)',
    [bindingId, person.person_id],
  );
  const row = rows[0];
  if (!row) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
  return row;
}

export async function confirmBinding(app: App, caller: UserCaller, input: { bindingId: string }): Promise<{ binding: BindingView }> {
  const person = await requireVerifiedPerson(app, caller);
  const binding = await ownBinding(app, person, input.bindingId);
  if (binding.relative_id !== person.person_id) fail('FORBIDDEN', '只有被共济的亲属本人可以确认共济关系');
  if (binding.status === 'unbound') fail('FORBIDDEN', '该共济关系已解除，无需确认；如需共济请让家人重新添加');
  if (binding.status === 'pending') {
    const now = app.clock.now();
    await app.db.transaction(async (tx) => {
      await tx.query(
        "UPDATE bindings SET status = 'active', confirmed_at = $2 WHERE binding_id = $1 AND status = 'pending'",
        [binding.binding_id, now],
      );
      await audit(tx, now, `user:${caller.userId}`, 'confirmBinding', `binding:${binding.binding_id}`);
    });
  }
  return { binding: await loadView(app, binding.binding_id, person.person_id) };
}

export async function unbindRelative(app: App, caller: UserCaller, input: { bindingId: string }): Promise<{ binding: BindingView }> {
  const person = await requireVerifiedPerson(app, caller);
  const binding = await ownBinding(app, person, input.bindingId);
  if (binding.status !== 'unbound') {
    const now = app.clock.now();
    const by = binding.sharer_id === person.person_id ? 'sharer' : 'relative';
    await app.db.transaction(async (tx) => {
      await tx.query(
        "UPDATE bindings SET status = 'unbound', ended_at = $2, ended_by = $3 WHERE binding_id = $1 AND status <> 'unbound'",
        [binding.binding_id, now, by],
      );
      await audit(tx, now, `user:${caller.userId}`, 'unbindRelative', `binding:${binding.binding_id}`, { by });
    });
  }
  return { binding: await loadView(app, binding.binding_id, person.person_id) };
}

export async function listMembers(app: App, caller: UserCaller): Promise<{ asSharer: BindingView[]; asRelative: BindingView[] }> {
  const person = await requireVerifiedPerson(app, caller);
  const monthStart = shanghaiMonthStart(app.clock.now());
  const [asSharer, asRelative] = [
    await queryBindings(app.db, monthStart, 'b.sharer_id = $2', [person.person_id]),
    await queryBindings(app.db, monthStart, 'b.relative_id = $2', [person.person_id]),
  ];
  return {
    asSharer: asSharer.map((row) => bindingView(row, person.person_id)),
    asRelative: asRelative.map((row) => bindingView(row, person.person_id)),
  };
}
