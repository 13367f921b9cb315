import { randomUUID } from 'node:crypto';
import { ageOn, shanghaiToday } from '../../src/rules/age';
import { maskName } from '../../src/rules/mask';
import { parseIdNumber } from '../../src/rules/idNumber';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import { SQLSTATE, sqlState, type SqlParam } from '../db/port';
import { fail } from '../errors';
import { digestOf } from '../platform/keys';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import { consentAge } from '../store/bindings';
import { notify } from '../store/messages';
import { loadPolicies } from '../store/policies';
import { findPersonByIdNumber } from '../store/persons';
import { hitRegistryLookupLimit, insuredRelative, requireVerifiedPerson } from './bindings';
import { accountOwner, asActor, type Actor } from './actor';
import type { Data, Served } from '../contract';

/** SPEC 2.5: a family account holds at most 5 relatives. */
export const FAMILY_ACCOUNT_LIMIT = 5;
/** The medical code shown for a member lives this long. */
export const FAMILY_CODE_TTL_SECONDS = 180;

export interface MemberView {
  memberId: string;
  name: string;
  idNumberMasked: string;
  relationship: Relationship;
  insuranceType: string;
  poolingRegion: string;
  createdAt: Date;
  /** Whether my mutual-aid binding (active or pending) with this person exists. */
  hasMutualAid: boolean;
  /** SPEC 2.8: a member of consent age is shown only after agreeing. */
  consent: 'not_needed' | 'pending' | 'confirmed';
}

/** A family account I am a member of, as I see it. */
export interface MembershipView {
  memberId: string;
  owner: { name: string; idNumberMasked: string };
  relationship: Relationship;
  consent: 'not_needed' | 'pending' | 'confirmed';
  createdAt: Date;
}

interface MemberRow {
  member_id: string;
  person_id: string;
  name: string;
  id_masked: string;
  relationship: Relationship;
  insurance_type: string;
  pooling_region: string;
  created_at: Date;
  has_mutual_aid: boolean;
  needs_consent: boolean;
  confirmed_at: Date | null;
}

function consentOf(row: { needs_consent: boolean; confirmed_at: Date | null }): MemberView['consent'] {
  if (!row.needs_consent) return 'not_needed';
  return row.confirmed_at ? 'confirmed' : 'pending';
}

async function memberRows(app: App, caller: { userId: string; personId: string | null }, where: string, params: SqlParam[]): Promise<MemberRow[]> {
  return app.db.query<MemberRow>(
    `SELECT f.member_id, f.person_id, p.name, p.id_masked, f.relationship, p.insurance_type, p.pooling_region, f.created_at,
            f.needs_consent, f.confirmed_at,
            EXISTS (SELECT 1 FROM bindings b WHERE b.sharer_id = $2 AND b.relative_id = f.person_id AND b.status <> 'unbound')
              AS has_mutual_aid
     FROM family_members f JOIN persons p ON p.person_id = f.person_id
     WHERE f.owner_user_id = $1 AND ${where}
     ORDER BY f.created_at, f.member_id`,
    [caller.userId, caller.personId, ...params],
  );
}

function view(row: MemberRow): MemberView {
  return {
    memberId: row.member_id,
    name: row.name,
    idNumberMasked: row.id_masked,
    relationship: row.relationship,
    insuranceType: row.insurance_type,
    poolingRegion: row.pooling_region,
    createdAt: row.created_at,
    hasMutualAid: row.has_mutual_aid,
    consent: consentOf(row),
  };
}

export async function addFamilyAccount(
  app: App,
  as: UserCaller | Actor,
  input: { name: string; idNumber: string; relationship: Relationship },
): Promise<{ member: MemberView }> {
  const actor = asActor(as);
  const owner = await requireVerifiedPerson(app, actor);
  const caller = { userId: accountOwner(actor), personId: actor.personId };
  const parsed = parseIdNumber(input.idNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'idNumber');
  const found = await findPersonByIdNumber(app, app.db, parsed.info.idNumber);
  if (found?.person_id === owner.person_id) fail('SELF_BINDING', '不能把本人添加到自己的亲情账户', 'idNumber');
  await hitRegistryLookupLimit(app, actor);
  const person = insuredRelative(found, input.name);
  const memberId = randomUUID();
  const now = app.clock.now();
  const policyOf = await loadPolicies(app.db, [owner.pooling_region]);
  const needsConsent = ageOn(person.birth_date, shanghaiToday(now)) >= consentAge(policyOf(owner.pooling_region));
  try {
    await app.db.transaction(async (tx) => {
      await tx.query('SELECT user_id FROM users WHERE user_id = $1 FOR UPDATE', [caller.userId]);
      const live = await tx.query<{ person_id: string }>(
        'SELECT person_id FROM family_members WHERE owner_user_id = $1 AND removed_at IS NULL',
        [caller.userId],
      );
      if (live.some((row) => row.person_id === person.person_id)) fail('ALREADY_BOUND', '该亲属已在您的亲情账户中');
      if (live.length >= FAMILY_ACCOUNT_LIMIT) {
        fail('LIMIT_REACHED', `亲情账户最多添加 ${FAMILY_ACCOUNT_LIMIT} 位亲属，请先移除不再需要的成员`);
      }
      await tx.query(
        `INSERT INTO family_members (member_id, owner_user_id, person_id, relationship, created_at, needs_consent)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [memberId, caller.userId, person.person_id, input.relationship, now, needsConsent],
      );
      if (needsConsent) {
        await notify(tx, now, { personId: person.person_id }, 'family_member_requested', {
          memberId,
          otherName: owner.name,
          relationship: input.relationship,
          role: 'relative',
        });
      }
      await audit(tx, now, actor.label, 'addFamilyAccount', `member:${memberId}`, { relationship: input.relationship });
      await actor.staff?.inAct(tx, now);
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) fail('ALREADY_BOUND', '该亲属已在您的亲情账户中');
    throw error;
  }
  const rows = await memberRows(app, caller, 'f.member_id = $3', [memberId]);
  const row = rows[0];
  if (!row) throw new Error('member vanished');
  return { member: view(row) };
}

export async function listFamilyAccount(
  app: App,
  caller: { userId: string; personId: string | null },
): Promise<Served<Data<'listFamilyAccount'>>> {
  const me = await requireVerifiedPerson(app, caller);
  const rows = await memberRows(app, caller, 'f.removed_at IS NULL', []);
  const memberships = await app.db.query<{
    member_id: string;
    owner_name: string | null;
    owner_id_masked: string | null;
    relationship: Relationship;
    needs_consent: boolean;
    confirmed_at: Date | null;
    created_at: Date;
  }>(
    `SELECT f.member_id, op.name AS owner_name, op.id_masked AS owner_id_masked, f.relationship, f.needs_consent, f.confirmed_at, f.created_at
     FROM family_members f JOIN users u ON u.user_id = f.owner_user_id LEFT JOIN persons op ON op.person_id = u.person_id
     WHERE f.person_id = $1 AND f.removed_at IS NULL ORDER BY f.created_at DESC, f.member_id`,
    [me.person_id],
  );
  return {
    members: rows.map(view),
    asMember: memberships.map((m) => ({
      memberId: m.member_id,
      owner: { name: maskName(m.owner_name ?? ''), idNumberMasked: m.owner_id_masked ?? '' },
      relationship: m.relationship,
      consent: consentOf(m),
      createdAt: m.created_at,
    })),
  };
}

/** SPEC 2.8: the member agrees to be shown in the owner's family account. */
export async function confirmFamilyMember(app: App, caller: UserCaller, input: { memberId: string }): Promise<Served<Data<'confirmFamilyMember'>>> {
  const me = await requireVerifiedPerson(app, caller);
  const now = app.clock.now();
  const rows = await app.db.query<{ owner_user_id: string; relationship: Relationship }>(
    'SELECT owner_user_id, relationship FROM family_members WHERE member_id = $1 AND person_id = $2 AND removed_at IS NULL',
    [input.memberId, me.person_id],
  );
  const row = rows[0];
  if (!row) fail('NOT_FOUND', '未找到该亲情账户邀请', 'memberId');
  await app.db.transaction(async (tx) => {
    const updated = await tx.query(
      'UPDATE family_members SET confirmed_at = $2 WHERE member_id = $1 AND needs_consent AND confirmed_at IS NULL RETURNING member_id',
      [input.memberId, now],
    );
    if (updated.length === 0) return;
    await notify(tx, now, { userId: row.owner_user_id }, 'family_member_confirmed', {
      memberId: input.memberId,
      otherName: me.name,
      relationship: row.relationship,
      role: 'sharer',
    });
    await audit(tx, now, `user:${caller.userId}`, 'confirmFamilyMember', `member:${input.memberId}`);
  });
  const { asMember } = await listFamilyAccount(app, caller);
  const member = asMember.find((m) => m.memberId === input.memberId);
  if (!member) fail('NOT_FOUND', '未找到该亲情账户邀请', 'memberId');
  return { member };
}

async function liveMember(app: App, caller: { userId: string; personId: string | null }, memberId: string): Promise<MemberRow> {
  const rows = await memberRows(app, caller, 'f.member_id = $3 AND f.removed_at IS NULL', [memberId]);
  const row = rows[0];
  if (!row) fail('NOT_FOUND', '未找到该亲情账户成员', 'memberId');
  return row;
}

export async function removeFamilyAccount(app: App, as: UserCaller | Actor, input: { memberId: string }): Promise<Served<Data<'removeFamilyAccount'>>> {
  const actor = asActor(as);
  await requireVerifiedPerson(app, actor);
  const row = await liveMember(app, { userId: accountOwner(actor), personId: actor.personId }, input.memberId);
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    await tx.query('UPDATE family_members SET removed_at = $2 WHERE member_id = $1 AND removed_at IS NULL', [row.member_id, now]);
    await audit(tx, now, actor.label, 'removeFamilyAccount', `member:${row.member_id}`);
    await actor.staff?.inAct(tx, now);
  });
  return { member: view(row) };
}

/**
 * The member's own medical-insurance code, short-lived and naming no ID number. A real
 * deployment gets it from the national platform; here it is a signed, expiring payload.
 */
export async function showFamilyCode(
  app: App,
  caller: UserCaller,
  input: { memberId: string },
): Promise<Served<Data<'showFamilyCode'>>> {
  await requireVerifiedPerson(app, caller);
  const row = await liveMember(app, caller, input.memberId);
  if (consentOf(row) === 'pending') fail('FORBIDDEN', '对方尚未同意加入您的亲情账户，同意后才能为其出示医保码');
  const expiresAt = new Date(app.clock.now().getTime() + FAMILY_CODE_TTL_SECONDS * 1000);
  const body = `${row.person_id.replace(/-/g, '').slice(0, 12)}${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  const signature = digestOf(app.keys.digest, 'family-code', body).slice(0, 16);
  return { code: `YB1${body}${signature}`.toUpperCase(), expiresAt, name: row.name, idNumberMasked: row.id_masked };
}
