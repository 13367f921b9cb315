import { randomInt, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber, maskName, maskPhone } from '../../src/rules/mask';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import { SQLSTATE, sqlState, type Queryable, type SqlParam } from '../db/port';
import { fail, invalidInput } from '../errors';
import { instantAndId, openCursor, sealCursor } from '../platform/cursor';
import { issueStaffToken, type StaffCaller, type StaffRole } from '../runtime/caller';
import { notify } from '../store/messages';
import { findPersonByIdNumber, getPerson, type PersonRow } from '../store/persons';
import { hitRateLimit } from '../store/rateLimits';
import { findStaffByUsername, openTotpSecret, sealTotpSecret, staffAudit, type EvidenceKind } from '../store/staff';
import type { Actor } from './actor';
import { linkPerson, personView, type PersonView } from './auth';
import { bindingViews, bindRelative, confirmBinding, declineBinding, unbindRelative } from './bindings';
import { findingsFor, patientSelf } from './diagnose';
import { addFamilyAccount, listFamilyAccount, removeFamilyAccount } from './familyAccount';
import { listRecords } from './records';
import type { Data, Served } from '../contract';

const HOUR = 3600;
const TOTP_ISSUER = '医保家庭共济经办';
const TOTP_PERIOD = 30;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** Letters and digits that cannot be mistaken for one another when read off a screen. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

export const STAFF_ROLE_LABELS: Readonly<Record<StaffRole, string>> = { agent: '客服', handler: '经办', supervisor: '主管' };

/** The acts of SPEC 2.10, in Chinese for the person's notice and the console. */
export const STAFF_ACTION_LABELS = {
  linkIdentity: '关联实名身份（绑定手机号）',
  bindRelative: '为亲属开通家庭共济',
  confirmBinding: '同意亲属的家庭共济申请',
  declineBinding: '拒绝亲属的家庭共济申请',
  unbindRelative: '解除家庭共济关系',
  addFamilyMember: '添加亲情账户成员',
  removeFamilyMember: '移除亲情账户成员',
} as const;
export type StaffAction = keyof typeof STAFF_ACTION_LABELS;

function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += PASSWORD_ALPHABET[randomInt(0, PASSWORD_ALPHABET.length)];
  return out;
}

function totpOf(username: string, secretBase32: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: username, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** Argon2id with the library's defaults (19 MiB, 2 passes), OWASP's recommendation. */
export function hashStaffPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * SPEC 2.10: the operator creates a staff account. The password and the TOTP secret are
 * answered once and never again (only a slow hash and an encrypted secret are stored).
 */
export async function createStaff(
  app: App,
  input: { username: string; name: string; role: StaffRole; password?: string; totpSecret?: string },
): Promise<Served<Data<'createStaff'>>> {
  const password = input.password ?? generatePassword();
  const totpSecret = input.totpSecret ?? new Secret({ size: 20 }).base32;
  const staffId = randomUUID();
  const now = app.clock.now();
  try {
    await app.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO staff (staff_id, username, name, role, password_hash, totp_secret, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [staffId, input.username, input.name, input.role, await hashStaffPassword(password), sealTotpSecret(app.keys.digest, totpSecret), now],
      );
      await tx.query(
        'INSERT INTO audit_events (event_id, actor, action, subject, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [randomUUID(), 'operator', 'createStaff', `staff:${staffId}`, JSON.stringify({ username: input.username, role: input.role }), now],
      );
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) fail('INVALID_INPUT', '该用户名已被使用，请换一个', 'username');
    throw error;
  }
  return { staffId, username: input.username, role: input.role, password, totpSecret, otpauthUri: totpOf(input.username, totpSecret).toString() };
}

/** A fixed hash to verify against when the user name is unknown, so both cases take as long. */
let decoyHash: Promise<string> | undefined;

const LOGIN_REFUSED = '用户名、密码或动态验证码不正确';

/**
 * SPEC 2.10: user name, password and a TOTP code (RFC 6238, ±1 step, each step used once).
 * Limited per user name and per client address; every refusal says the same thing.
 */
export async function staffLogin(
  app: App,
  clientAddress: string | null,
  input: { username: string; password: string; totp: string },
): Promise<Served<Data<'staffLogin'>>> {
  const { limits } = app.config;
  await hitRateLimit(app, `staff-login-client:${clientAddress ?? 'unknown'}`, limits.staffLoginPerClientPerHour, HOUR, '登录尝试过于频繁，请一小时后再试');
  await hitRateLimit(app, `staff-login:${input.username}`, limits.staffLoginPerUsernamePerHour, HOUR, '该账号登录尝试过于频繁，请一小时后再试或联系主管');
  const staff = await findStaffByUsername(app.db, input.username);
  if (!staff || staff.disabled_at !== null) {
    decoyHash ??= hash(generatePassword());
    await verify(await decoyHash, input.password).catch(() => false);
    fail('UNAUTHENTICATED', LOGIN_REFUSED);
  }
  const passwordOk = await verify(staff.password_hash, input.password).catch(() => false);
  const now = app.clock.now();
  const delta = totpOf(staff.username, openTotpSecret(app.keys.digest, staff.totp_secret)).validate({
    token: input.totp,
    timestamp: now.getTime(),
    window: 1,
  });
  if (!passwordOk || delta === null) fail('UNAUTHENTICATED', LOGIN_REFUSED);
  // A code is good once: the step it belongs to must be later than the last one used.
  const step = Math.floor(now.getTime() / 1000 / TOTP_PERIOD) + delta;
  const claimed = await app.db.query('UPDATE staff SET totp_last_step = $2 WHERE staff_id = $1 AND totp_last_step < $2 RETURNING staff_id', [
    staff.staff_id,
    BigInt(step),
  ]);
  if (claimed.length === 0) fail('UNAUTHENTICATED', '该动态验证码已使用过，请等待下一个验证码');
  const session = await issueStaffToken(app, staff.staff_id);
  return { ...session, staff: { staffId: staff.staff_id, name: staff.name, role: staff.role, username: staff.username } };
}

/** The registry person of a typed ID number, or NOT_FOUND (INVALID_ID_NUMBER for a malformed one). */
async function registryPerson(app: App, idNumber: string, field: string): Promise<{ person: PersonRow | undefined; masked: string }> {
  const parsed = parseIdNumber(idNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, field);
  return { person: await findPersonByIdNumber(app, app.db, parsed.info.idNumber), masked: maskIdNumber(parsed.info.idNumber) };
}

async function userOfPerson(q: Queryable, personId: string): Promise<{ user_id: string; phone: string; verified_by: string } | undefined> {
  const rows = await q.query<{ user_id: string; phone: string; verified_by: string }>(
    'SELECT user_id, phone, verified_by FROM users WHERE person_id = $1',
    [personId],
  );
  return rows[0];
}

export interface RiskView {
  riskId: string;
  kind: 'not_my_relative' | 'identity_reclaimed';
  createdAt: Date;
  /** Whether the person looked up reported it, or was reported by someone. */
  role: 'reporter' | 'reported';
  other?: { name: string; idNumberMasked: string };
}

export interface StaffActView {
  eventId: string;
  at: Date;
  action: string;
  actionLabel: string;
  staff: { name: string; role: StaffRole };
  evidence?: { kind: EvidenceKind; ref: string };
}

/**
 * SPEC 2.10: an agent looks a person up with a stated reason; the lookup is an audit event
 * (also when nobody is found). Everything is what the person sees in the app, masked the same
 * way, through the same use cases; the diagnosis is the patient's own (src/rules/payability.ts).
 */
export async function staffLookup(app: App, caller: StaffCaller, input: { idNumber: string; reason: string }): Promise<Served<Data<'staffLookup'>>> {
  const { person, masked } = await registryPerson(app, input.idNumber, 'idNumber');
  await staffAudit(app.db, app.clock.now(), {
    staffId: caller.staffId,
    action: 'lookup',
    personId: person?.person_id ?? null,
    reason: input.reason,
    detail: { idNumberMasked: masked, found: person !== undefined },
  });
  if (!person) fail('NOT_FOUND', '医保登记中没有该身份证号码的参保人，请核对号码', 'idNumber');
  const personId = person.person_id;
  const user = await userOfPerson(app.db, personId);
  const [asSharer, asRelative, family, sharerRecords, relativeRecords, diagnosis, risks, acts] = await Promise.all([
    bindingViews(app, app.db, personId, 'b.sharer_id = $2', [personId]),
    bindingViews(app, app.db, personId, 'b.relative_id = $2', [personId]),
    // A person without an account owns no family account (the nil user owns none) but may be in others'.
    listFamilyAccount(app, { userId: user?.user_id ?? NIL_UUID, personId }),
    listRecords(app, { personId }, { role: 'sharer', limit: 20 }),
    listRecords(app, { personId }, { role: 'relative', limit: 20 }),
    patientSelf(app, person).then((subject) => findingsFor(app, subject)),
    risksOf(app, personId),
    staffActsFor(app, personId),
  ]);
  return {
    person: await personView(app, person),
    ...(user ? { user: { phoneMasked: maskPhone(user.phone), verified: true, verifiedBy: user.verified_by } } : {}),
    asSharer,
    asRelative,
    familyAccount: family,
    records: { asSharer: sharerRecords.items, asRelative: relativeRecords.items },
    findings: diagnosis.findings,
    risks,
    staffActs: acts,
  };
}

async function risksOf(app: App, personId: string): Promise<RiskView[]> {
  const rows = await app.db.query<{
    risk_id: string;
    kind: RiskView['kind'];
    created_at: Date;
    person_id: string;
    other_name: string | null;
    other_id_masked: string | null;
  }>(
    `SELECT r.risk_id, r.kind, r.created_at, r.person_id, o.name AS other_name, o.id_masked AS other_id_masked
     FROM risk_events r LEFT JOIN persons o ON o.person_id = CASE WHEN r.person_id = $1 THEN r.other_id ELSE r.person_id END
     WHERE r.person_id = $1 OR r.other_id = $1 ORDER BY r.created_at DESC, r.risk_id LIMIT 50`,
    [personId],
  );
  return rows.map((row) => ({
    riskId: row.risk_id,
    kind: row.kind,
    createdAt: row.created_at,
    role: row.person_id === personId ? 'reporter' : 'reported',
    ...(row.other_name !== null ? { other: { name: maskName(row.other_name), idNumberMasked: row.other_id_masked ?? '' } } : {}),
  }));
}

async function staffActsFor(app: App, personId: string): Promise<StaffActView[]> {
  const rows = await app.db.query<{
    event_id: string;
    created_at: Date;
    action: string;
    staff_name: string;
    role: StaffRole;
    evidence: { kind: EvidenceKind; ref: string } | null;
  }>(
    `SELECT a.event_id, a.created_at, a.action, s.name AS staff_name, s.role, a.evidence
     FROM audit_events a JOIN staff s ON s.staff_id = a.staff_id
     WHERE a.person_id = $1 AND a.staff_id IS NOT NULL AND a.action <> 'lookup'
     ORDER BY a.created_at DESC, a.event_id DESC LIMIT 50`,
    [personId],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    at: row.created_at,
    action: row.action,
    actionLabel: STAFF_ACTION_LABELS[row.action as StaffAction] ?? row.action,
    staff: { name: row.staff_name, role: row.role },
    ...(row.evidence ? { evidence: row.evidence } : {}),
  }));
}

export type StaffActInput = { personIdNumber: string; evidence: { kind: EvidenceKind; ref: string } } & (
  | { action: 'linkIdentity'; phone: string }
  | { action: 'bindRelative'; name: string; idNumber: string; relationship: Relationship; endsOn?: string }
  | { action: 'confirmBinding'; bindingId: string }
  | { action: 'declineBinding'; bindingId: string; notMyRelative?: boolean }
  | { action: 'unbindRelative'; bindingId: string }
  | { action: 'addFamilyMember'; name: string; idNumber: string; relationship: Relationship }
  | { action: 'removeFamilyMember'; memberId: string }
);

/**
 * SPEC 2.10: a handler acts for a person who is present, with evidence. Each act runs the user
 * use case itself (same rules, same answer) as an Actor whose every act also writes, in its own
 * transaction, the staff audit row and a 'staff_act' notice to the person.
 */
export async function staffAct(app: App, caller: StaffCaller, input: StaffActInput): Promise<Served<Data<'staffAct'>>> {
  if (input.action === 'bindRelative' ? input.evidence.kind !== 'undertaking' : input.evidence.kind === 'undertaking') {
    invalidInput(
      'evidence.kind',
      input.action === 'bindRelative'
        ? '代为开通家庭共济需要本人签署的纸质承诺书：evidence.kind 应为 undertaking，ref 为承诺书编号'
        : '该业务需核验本人身份证（id_card）或授权委托书（power_of_attorney）',
    );
  }
  const { person } = await registryPerson(app, input.personIdNumber, 'personIdNumber');
  if (!person) fail('NOT_FOUND', '医保登记中没有该身份证号码的参保人，请核对号码', 'personIdNumber');
  const user = await userOfPerson(app.db, person.person_id);
  let acted = false;
  const record = async (tx: Queryable, now: Date, detail: Record<string, unknown>) => {
    await staffAudit(tx, now, { staffId: caller.staffId, action: input.action, personId: person.person_id, evidence: input.evidence, detail });
  };
  const actor: Actor = {
    kind: 'actor',
    personId: person.person_id,
    userId: user?.user_id ?? null,
    label: `staff:${caller.staffId}`,
    limitKey: `staff:${caller.staffId}`,
    staff: {
      ...(input.action === 'bindRelative' ? { undertakingRef: input.evidence.ref } : {}),
      inAct: async (tx, now) => {
        acted = true;
        await record(tx, now, {});
        await notify(tx, now, { personId: person.person_id }, 'staff_act', { action: STAFF_ACTION_LABELS[input.action] });
      },
    },
  };
  const answer = await run(app, actor, person, input);
  // An act that changed nothing (already linked, already confirmed) is still on the record.
  if (!acted) await record(app.db, app.clock.now(), { changed: false });
  return answer;
}

function run(app: App, actor: Actor, person: PersonRow, input: StaffActInput): Promise<Served<Data<'staffAct'>>> {
  switch (input.action) {
    case 'linkIdentity':
      return linkIdentity(app, actor, person, input.phone);
    case 'bindRelative':
      return bindRelative(app, actor, { name: input.name, idNumber: input.idNumber, relationship: input.relationship, acceptUndertaking: true, ...(input.endsOn ? { endsOn: input.endsOn } : {}) });
    case 'confirmBinding':
      return confirmBinding(app, actor, { bindingId: input.bindingId });
    case 'declineBinding':
      return declineBinding(app, actor, { bindingId: input.bindingId, ...(input.notMyRelative !== undefined ? { notMyRelative: input.notMyRelative } : {}) });
    case 'unbindRelative':
      return unbindRelative(app, actor, { bindingId: input.bindingId });
    case 'addFamilyMember':
      return addFamilyAccount(app, actor, { name: input.name, idNumber: input.idNumber, relationship: input.relationship });
    case 'removeFamilyMember':
      return removeFamilyAccount(app, actor, { memberId: input.memberId });
  }
}

/**
 * SPEC 2.7's third proof: a handler who has seen the ID card links the person to the user of a
 * login phone (created if it has none). Like a face check it reclaims the person from another
 * user. Answers what verifyIdentity answers.
 */
async function linkIdentity(app: App, actor: Actor, person: PersonRow, phone: string): Promise<{ person: PersonView; proof: 'staff' }> {
  await app.db.query('INSERT INTO users (user_id, phone, created_at) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING', [
    randomUUID(),
    phone,
    app.clock.now(),
  ]);
  const rows = await app.db.query<{ user_id: string; person_id: string | null }>('SELECT user_id, person_id FROM users WHERE phone = $1', [phone]);
  const target = rows[0];
  if (!target) throw new Error('user row missing after upsert');
  if (target.person_id !== null && target.person_id !== person.person_id) {
    fail('FORBIDDEN', '该手机号的账号已认证为另一位参保人，不能再关联此人；请换一个手机号', 'phone');
  }
  if (target.person_id === null) {
    await linkPerson(app, { userId: target.user_id, phone }, person, person.id_masked, 'staff', {
      label: actor.label,
      ...(actor.staff ? { staff: actor.staff } : {}),
    });
  }
  const fresh = await getPerson(app.db, person.person_id);
  return { person: await personView(app, fresh ?? person), proof: 'staff' };
}

export interface AuditItem {
  eventId: string;
  at: Date;
  staff: { staffId: string; name: string; role: StaffRole };
  action: string;
  actionLabel: string;
  person?: { name: string; idNumberMasked: string };
  reason?: string;
  evidence?: { kind: EvidenceKind; ref: string };
}

function encodeAuditCursor(app: App, at: Date, eventId: string): string {
  return sealCursor(app.keys, 'audit', [at.toISOString(), eventId]);
}

function decodeAuditCursor(app: App, cursor: string): { at: Date; id: string } {
  const [at, id] = openCursor(app.keys, 'audit', cursor, 2) as [string, string];
  return instantAndId(at, id);
}

/** SPEC 2.10: the audit trail of every staff lookup and act, newest first (supervisors). */
export async function listAudit(
  app: App,
  input: { staffId?: string; personIdNumber?: string; cursor?: string; limit?: number },
): Promise<Served<Data<'listAudit'>>> {
  const limit = input.limit ?? 50;
  const where = ['a.staff_id IS NOT NULL'];
  const params: SqlParam[] = [];
  if (input.staffId !== undefined) {
    params.push(input.staffId);
    where.push(`a.staff_id = $${params.length}`);
  }
  if (input.personIdNumber !== undefined) {
    const { person } = await registryPerson(app, input.personIdNumber, 'personIdNumber');
    if (!person) return { items: [], nextCursor: null };
    params.push(person.person_id);
    where.push(`a.person_id = $${params.length}`);
  }
  if (input.cursor) {
    const cursor = decodeAuditCursor(app, input.cursor);
    params.push(cursor.at, cursor.id);
    where.push(`(a.created_at, a.event_id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(limit + 1);
  const rows = await app.db.query<{
    event_id: string;
    created_at: Date;
    action: string;
    staff_id: string;
    staff_name: string;
    role: StaffRole;
    person_name: string | null;
    id_masked: string | null;
    reason: string | null;
    evidence: { kind: EvidenceKind; ref: string } | null;
  }>(
    `SELECT a.event_id, a.created_at, a.action, a.staff_id, s.name AS staff_name, s.role, p.name AS person_name,
            p.id_masked, a.reason, a.evidence
     FROM audit_events a JOIN staff s ON s.staff_id = a.staff_id LEFT JOIN persons p ON p.person_id = a.person_id
     WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.event_id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      eventId: row.event_id,
      at: row.created_at,
      staff: { staffId: row.staff_id, name: row.staff_name, role: row.role },
      action: row.action,
      actionLabel: row.action === 'lookup' ? '查询' : (STAFF_ACTION_LABELS[row.action as StaffAction] ?? row.action),
      ...(row.person_name !== null ? { person: { name: maskName(row.person_name), idNumberMasked: row.id_masked ?? '' } } : {}),
      ...(row.reason !== null ? { reason: row.reason } : {}),
      ...(row.evidence ? { evidence: row.evidence } : {}),
    })),
    nextCursor: rows.length > limit && last ? encodeAuditCursor(app, last.created_at, last.event_id) : null,
  };
}
