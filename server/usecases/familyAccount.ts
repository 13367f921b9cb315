import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import { SQLSTATE, sqlState, type SqlParam } from '../db/port';
import { fail } from '../errors';
import { digestOf } from '../platform/keys';
import type { UserCaller } from '../runtime/caller';
import { audit } from '../store/audit';
import { findPersonByIdNumber } from '../store/persons';
import { hitRegistryLookupLimit, insuredRelative, requireVerifiedPerson } from './bindings';

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
}

async function memberRows(app: App, caller: UserCaller, where: string, params: SqlParam[]): Promise<MemberRow[]> {
  return app.db.query<MemberRow>(
    `SELECT f.member_id, f.person_id, p.name, p.id_masked, f.relationship, p.insurance_type, p.pooling_region, f.created_at,
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
  };
}

export async function addFamilyAccount(
  app: App,
  caller: UserCaller,
  input: { name: string; idNumber: string; relationship: Relationship },
): Promise<{ member: MemberView }> {
  const owner = await requireVerifiedPerson(app, caller);
  const parsed = parseIdNumber(input.idNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'idNumber');
  const found = await findPersonByIdNumber(app, app.db, parsed.info.idNumber);
  if (found?.person_id === owner.person_id) fail('SELF_BINDING', '不能把本人添加到自己的亲情账户', 'idNumber');
  await hitRegistryLookupLimit(app, caller);
  const person = insuredRelative(found, input.name);
  const memberId = randomUUID();
  const now = app.clock.now();
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
        'INSERT INTO family_members (member_id, owner_user_id, person_id, relationship, created_at) VALUES ($1, $2, $3, $4, $5)',
        [memberId, caller.userId, person.person_id, input.relationship, now],
      );
      await audit(tx, now, `user:${caller.userId}`, 'addFamilyAccount', `member:${memberId}`, { relationship: input.relationship });
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

export async function listFamilyAccount(app: App, caller: UserCaller): Promise<{ members: MemberView[] }> {
  await requireVerifiedPerson(app, caller);
  const rows = await memberRows(app, caller, 'f.removed_at IS NULL', []);
  return { members: rows.map(view) };
}

async function liveMember(app: App, caller: UserCaller, memberId: string): Promise<MemberRow> {
  const rows = await memberRows(app, caller, 'f.member_id = $3 AND f.removed_at IS NULL', [memberId]);
  const row = rows[0];
  if (!row) fail('NOT_FOUND', '未找到该亲情账户成员', 'memberId');
  return row;
}

export async function removeFamilyAccount(app: App, caller: UserCaller, input: { memberId: string }): Promise<{ member: MemberView }> {
  await requireVerifiedPerson(app, caller);
  const row = await liveMember(app, caller, input.memberId);
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    await tx.query('UPDATE family_members SET removed_at = $2 WHERE member_id = $1 AND removed_at IS NULL', [row.member_id, now]);
    await audit(tx, now, `user:${caller.userId}`, 'removeFamilyAccount', `member:${row.member_id}`);
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
): Promise<{ code: string; expiresAt: Date; name: string; idNumberMasked: string }> {
  await requireVerifiedPerson(app, caller);
  const row = await liveMember(app, caller, input.memberId);
  const expiresAt = new Date(app.clock.now().getTime() + FAMILY_CODE_TTL_SECONDS * 1000);
  const body = `${row.person_id.replace(/-/g, '').slice(0, 12)}${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  const signature = digestOf(app.keys.digest, 'family-code', body).slice(0, 16);
  return { code: `YB1${body}${signature}`.toUpperCase(), expiresAt, name: row.name, idNumberMasked: row.id_masked };
}
