import { decodeJwt, SignJWT } from 'jose';
import { makeIdNumber } from '../../server/demo/idNumbers';
import type { ErrorCode } from '../../src/rules/errorCodes';
import type { Harness, TestPerson, TestUser } from '../support/harness';
import { createStaff, totpNow } from '../staff/support';

/**
 * The authorization matrix (SPEC 2.3, 3.1, 4): every cloud function × every kind of caller,
 * with the answer each must get. A caller that may not act gets UNAUTHENTICATED, FORBIDDEN or
 * NOT_FOUND (or the SPEC code of a rule that stands first, e.g. NOT_VERIFIED), never another
 * person's data.
 */

export const CALLERS = [
  'none', // no Authorization at all
  'garbage', // a bearer that is no token
  'forged', // a session token of the sharer's live session, signed with another secret
  'expired', // a correctly signed token of the sharer's live session that has expired
  'ended', // a session token of the sharer whose session logout ended (SPEC 2.13)
  'unverified', // a logged-in user who has not verified their identity
  'other', // another worker, with bindings, a family account and records of his own
  'relative', // the relative of the sharer's binding
  'sharer', // the worker who owns the binding, the family-account member and the records
  'instA', // the institution that settled the relative's bill
  'instB', // another institution, with a settlement of its own
  'instForged', // institution A's code with a wrong secret
  'instOld', // the key of an institution whose key the operator has since replaced
  'operator', // ADMIN_KEY
  'agent', // service-hall staff (SPEC 2.10): a 客服 agent
  'handler', // an 经办 handler
  'supervisor', // a supervisor
  'staffForged', // a staff token of the handler's live session, signed with the user tokens' key
] as const;
export type Caller = (typeof CALLERS)[number];

export type Outcome = 'ok' | ErrorCode;

export type PersonKey = 'sharer' | 'relative' | 'member' | 'other' | 'otherRelative' | 'otherMember';

export interface World {
  h: Harness;
  persons: Record<PersonKey, TestPerson>;
  users: Record<'sharer' | 'relative' | 'other' | 'unverified', TestUser & { userId: string }>;
  bindings: { main: string; other: string };
  members: { main: string; other: string };
  institutions: { a: { code: string; key: string }; b: { code: string; key: string } };
  /** Serial numbers of the settlements: A's for the relative (paid by the sharer), B's for the other worker's relative. */
  serials: { a: string; b: string };
  settlementIds: { a: string; b: string };
  bearers: Record<Caller, string | undefined>;
  /** A fresh number for serials, codes and phones. */
  next(): number;
}

/** What each caller may see of each person: the name in full, and the masked ID number. Nobody sees a full ID number. */
export const VISIBLE: Record<Caller, { names: PersonKey[]; maskedIds: PersonKey[] }> = {
  none: { names: [], maskedIds: [] },
  garbage: { names: [], maskedIds: [] },
  forged: { names: [], maskedIds: [] },
  expired: { names: [], maskedIds: [] },
  ended: { names: [], maskedIds: [] },
  unverified: { names: [], maskedIds: [] },
  other: { names: ['other', 'otherRelative', 'otherMember'], maskedIds: ['other', 'otherRelative', 'otherMember'] },
  // A relative sees the sharer's name masked (SPEC 2.3), the masked ID number as listed.
  relative: { names: ['relative'], maskedIds: ['relative', 'sharer'] },
  sharer: { names: ['sharer', 'relative', 'member'], maskedIds: ['sharer', 'relative', 'member'] },
  // A settlement answer names the sharer who paid, masked.
  instA: { names: [], maskedIds: ['sharer'] },
  instB: { names: [], maskedIds: ['sharer'] },
  instForged: { names: [], maskedIds: [] },
  instOld: { names: [], maskedIds: [] },
  operator: { names: [], maskedIds: [] },
  // Staff look up and act for the world's relative: they see what she sees in the app.
  agent: { names: ['relative'], maskedIds: ['relative', 'sharer'] },
  handler: { names: ['relative'], maskedIds: ['relative', 'sharer'] },
  supervisor: { names: ['relative'], maskedIds: ['relative', 'sharer'] },
  staffForged: { names: [], maskedIds: [] },
};

export interface Row {
  fn: string;
  what: string;
  /** The event this caller sends; may create what an allowed caller needs (a fresh binding to end). */
  event: (w: World, caller: Caller) => unknown;
  /** The bearer this caller sends, when not its own of the world (logout ends a fresh session of the caller's user). */
  bearer?: (w: World, caller: Caller) => Promise<string | undefined>;
  expect: Record<Caller, Outcome>;
}

const UNAUTH = 'UNAUTHENTICATED' as const;
/** Staff tokens open no user, institution or operator function. */
const NO_STAFF = { agent: UNAUTH, handler: UNAUTH, supervisor: UNAUTH, staffForged: UNAUTH } as const;

/** A staff function (SPEC 2.10): staff tokens only, from the least role that may. */
function staffRow(least: 'agent' | 'handler' | 'supervisor'): Record<Caller, Outcome> {
  const rank = ['agent', 'handler', 'supervisor'] as const;
  const byRole = Object.fromEntries(rank.map((role) => [role, rank.indexOf(role) >= rank.indexOf(least) ? 'ok' : 'FORBIDDEN']));
  return {
    none: UNAUTH, garbage: UNAUTH, forged: UNAUTH, expired: UNAUTH, ended: UNAUTH, unverified: UNAUTH, other: UNAUTH,
    relative: UNAUTH, sharer: UNAUTH, instA: UNAUTH, instB: UNAUTH, instForged: UNAUTH, instOld: UNAUTH, operator: UNAUTH,
    staffForged: UNAUTH,
    ...(byRole as Record<'agent' | 'handler' | 'supervisor', Outcome>),
  };
}

/** A user function: only session tokens of real users get past the authentication. */
function userRow(outcomes: Record<'unverified' | 'other' | 'relative' | 'sharer', Outcome>): Record<Caller, Outcome> {
  return {
    none: UNAUTH, garbage: UNAUTH, forged: UNAUTH, expired: UNAUTH, ended: UNAUTH,
    instA: UNAUTH, instB: UNAUTH, instForged: UNAUTH, instOld: UNAUTH, operator: UNAUTH,
    ...NO_STAFF,
    ...outcomes,
  };
}

/** An institution function: only a real institution key gets past the authentication. */
function institutionRow(outcomes: Record<'instA' | 'instB', Outcome>): Record<Caller, Outcome> {
  return {
    none: UNAUTH, garbage: UNAUTH, forged: UNAUTH, expired: UNAUTH, ended: UNAUTH, unverified: UNAUTH, other: UNAUTH,
    relative: UNAUTH, sharer: UNAUTH, instForged: UNAUTH, instOld: UNAUTH, operator: UNAUTH,
    ...NO_STAFF,
    ...outcomes,
  };
}

/** An operator function: ADMIN_KEY only. */
function operatorRow(): Record<Caller, Outcome> {
  return {
    none: UNAUTH, garbage: UNAUTH, forged: UNAUTH, expired: UNAUTH, ended: UNAUTH, unverified: UNAUTH, other: UNAUTH,
    relative: UNAUTH, sharer: UNAUTH, instA: UNAUTH, instB: UNAUTH, instForged: UNAUTH, instOld: UNAUTH, operator: 'ok',
    ...NO_STAFF,
  };
}

/** A public function: whoever calls, the answer is the same (the caller's credentials are ignored). */
function publicRow(outcome: Outcome): Record<Caller, Outcome> {
  return Object.fromEntries(CALLERS.map((caller) => [caller, outcome])) as Record<Caller, Outcome>;
}

/** A registry person nobody has met yet. */
async function freshPerson(w: World, options: { region?: string; birthDate?: string; insuranceType?: 'employee' | 'resident' } = {}): Promise<TestPerson> {
  return w.h.person({ poolingRegion: options.region ?? '130100', birthDate: options.birthDate ?? '1975-03-03', insuranceType: options.insuranceType ?? 'resident' });
}

const personEvent = (p: TestPerson, relationship: string) => ({ name: p.name, idNumber: p.idNumber, relationship });
/** A bindRelative event, the undertaking accepted (SPEC 2.1). */
const bindEvent = (p: TestPerson, relationship: string) => ({ ...personEvent(p, relationship), acceptUndertaking: true });

/** A new verified employee in 石家庄, who asks the world's relative for something. */
async function newcomer(w: World): Promise<TestUser> {
  return w.h.user(await w.h.employee(5_000, { birthDate: '1974-04-04' }));
}

/** The world's users by caller, for the rows that need a fresh session of the same user. */
const USER_PHONES: Partial<Record<Caller, (w: World) => string>> = {
  unverified: (w) => w.users.unverified.phone,
  other: (w) => w.users.other.phone,
  relative: (w) => w.users.relative.phone,
  sharer: (w) => w.users.sharer.phone,
};

export const MATRIX: Row[] = [
  // Public: the same answer to everyone, and never as someone else.
  { fn: 'sendCode', what: 'a code for a new phone', event: (w) => ({ phone: `136${String(w.next()).padStart(8, '0')}` }), expect: publicRow('ok') },
  {
    fn: 'login',
    what: 'a new phone with its code (the session is the phone\'s, not the bearer\'s)',
    event: async (w) => {
      const phone = `135${String(w.next()).padStart(8, '0')}`;
      const { devCode } = await w.h.ok<{ devCode: string }>('sendCode', { phone });
      return { phone, code: devCode };
    },
    expect: publicRow('ok'),
  },
  { fn: 'loginByWechatPhone', what: 'a new phone', event: (w) => ({ phoneCode: `dev:134${String(w.next()).padStart(8, '0')}` }), expect: publicRow('ok') },
  { fn: 'demoGuide', what: 'the demo guide with DEMO_DATA=0', event: () => ({}), expect: publicRow('FORBIDDEN') },

  // Users: their own things.
  { fn: 'me', what: 'who am I', event: () => ({}), expect: userRow({ unverified: 'ok', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  { fn: 'myPolicy', what: 'my region policy', event: () => ({}), expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  { fn: 'listMembers', what: 'my bindings', event: () => ({}), expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  { fn: 'listFamilyAccount', what: 'my family account', event: () => ({}), expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  {
    fn: 'verifyIdentity',
    what: 'the sharer\'s identity, by name and ID number only',
    event: (w) => ({ name: w.persons.sharer.name, idNumber: w.persons.sharer.idNumber }),
    // Only the sharer himself (his registry phone); a verified user cannot switch; an unverified one has no proof (SPEC 2.7).
    expect: userRow({ unverified: 'PROOF_REQUIRED', other: 'FORBIDDEN', relative: 'FORBIDDEN', sharer: 'ok' }),
  },
  {
    fn: 'startFaceCheck',
    what: 'a face check of the sharer (it proves nothing until the face passes)',
    event: (w) => ({ name: w.persons.sharer.name, idNumber: w.persons.sharer.idNumber }),
    expect: userRow({ unverified: 'ok', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'logout',
    what: 'a fresh session of the caller\'s own user',
    event: () => ({}),
    bearer: async (w, caller) => {
      const phone = USER_PHONES[caller]?.(w);
      return phone ? w.h.login(phone) : w.bearers[caller];
    },
    expect: userRow({ unverified: 'ok', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  { fn: 'listMessages', what: 'my messages', event: () => ({}), expect: userRow({ unverified: 'ok', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  { fn: 'markMessagesRead', what: 'all my messages', event: () => ({}), expect: userRow({ unverified: 'ok', other: 'ok', relative: 'ok', sharer: 'ok' }) },
  {
    fn: 'bindRelative',
    what: 'a new relative in Hebei',
    event: async (w) => bindEvent(await freshPerson(w), 'sibling'),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'OUT_OF_REGION', relative: 'SHARER_NOT_EMPLOYEE', sharer: 'ok' }),
  },
  {
    fn: 'declineBinding',
    what: 'a request to the relative (a fresh pending one for her), else the sharer–relative binding',
    event: async (w, caller) => {
      if (caller === 'relative') return { bindingId: (await w.h.bind(await newcomer(w), w.persons.relative, 'sibling', { confirm: false })).bindingId };
      return { bindingId: w.bindings.main };
    },
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'FORBIDDEN' }),
  },
  {
    fn: 'confirmFamilyMember',
    what: 'an invitation to the relative\'s (a fresh one for her), else the sharer\'s family-account member',
    event: async (w, caller) => {
      if (caller !== 'relative') return { memberId: w.members.main };
      const { member } = await w.h.ok('addFamilyAccount', personEvent(w.persons.relative, 'sibling'), (await newcomer(w)).token);
      return { memberId: member.memberId };
    },
    // The owner does not answer for the member: to him it is no invitation of his (NOT_FOUND).
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'NOT_FOUND' }),
  },
  {
    fn: 'addFamilyAccount',
    what: 'a new family-account member',
    event: async (w, caller) => personEvent(await freshPerson(w, { region: caller === 'other' ? '110100' : '130100' }), 'sibling'),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'confirmBinding',
    what: 'the sharer–relative binding',
    event: (w) => ({ bindingId: w.bindings.main }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'FORBIDDEN' }),
  },
  {
    fn: 'unbindRelative',
    what: 'the sharer–relative binding (a fresh one of their own for the parties)',
    event: async (w, caller) => {
      if (caller === 'sharer') return { bindingId: (await w.h.bind(w.users.sharer, await freshPerson(w), 'sibling')).bindingId };
      if (caller === 'relative') return { bindingId: (await w.h.bind(await newcomer(w), w.persons.relative, 'sibling')).bindingId };
      return { bindingId: w.bindings.main };
    },
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'payPremium',
    what: 'the relative\'s resident premium (for the sharer: a fresh relative of his in a region whose window is open all year)',
    event: async (w, caller) => {
      const year = Number(w.h.clock.now().toISOString().slice(0, 4)) + 1;
      if (caller !== 'sharer') return { bindingId: w.bindings.main, year };
      await w.h.ok('setPolicy', { scope: '130900', premiumWindow: '01-01..12-31', residentPremiumFen: 100 }, w.h.adminKey);
      const { bindingId } = await w.h.bind(w.users.sharer, await freshPerson(w, { region: '130900' }), 'sibling');
      return { bindingId, year };
    },
    // Only the sharer pays (SPEC 2.12): the relative of the binding is FORBIDDEN, others do not see it.
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'FORBIDDEN', sharer: 'ok' }),
  },
  {
    fn: 'setQuota',
    what: 'the quota of the sharer–relative binding (SPEC 2.11): the sharer\'s money, so the sharer alone',
    event: (w) => ({ bindingId: w.bindings.main, amountFen: 100 }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'FORBIDDEN', sharer: 'ok' }),
  },
  {
    fn: 'listRecords',
    what: 'the records of the sharer–relative binding as its sharer',
    event: (w) => ({ role: 'sharer', bindingId: w.bindings.main }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'NOT_FOUND', sharer: 'ok' }),
  },
  {
    fn: 'listRecords',
    what: 'the records of the sharer–relative binding as its relative',
    event: (w) => ({ role: 'relative', bindingId: w.bindings.main }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'NOT_FOUND' }),
  },
  {
    fn: 'listRecords',
    what: 'my records as a sharer (the default role)',
    event: () => ({}),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'listRecords',
    what: 'my records as a relative',
    event: () => ({ role: 'relative' }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'diagnose',
    what: 'myself as the patient',
    event: () => ({ amountFen: 1_000 }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'ok', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'diagnose',
    what: 'the sharer–relative binding',
    event: (w) => ({ bindingId: w.bindings.main, amountFen: 100 }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'ok', sharer: 'ok' }),
  },
  {
    fn: 'diagnose',
    what: 'the sharer\'s family-account member',
    event: (w) => ({ memberId: w.members.main }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'NOT_FOUND', sharer: 'ok' }),
  },
  {
    fn: 'showFamilyCode',
    what: 'the sharer\'s family-account member',
    event: (w) => ({ memberId: w.members.main }),
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'NOT_FOUND', sharer: 'ok' }),
  },
  {
    fn: 'removeFamilyAccount',
    what: 'the sharer\'s family-account member (a fresh one for the sharer)',
    event: async (w, caller) => {
      if (caller !== 'sharer') return { memberId: w.members.main };
      const { member } = await w.h.ok('addFamilyAccount', personEvent(await freshPerson(w), 'sibling'), w.users.sharer.token);
      return { memberId: member.memberId };
    },
    expect: userRow({ unverified: 'NOT_VERIFIED', other: 'NOT_FOUND', relative: 'NOT_FOUND', sharer: 'ok' }),
  },

  // Institutions: any patient, but only their own serial numbers.
  {
    fn: 'settle',
    what: 'a new bill of the relative',
    event: (w) => ({ serialNo: `AZ-${w.next()}`, patientIdNumber: w.persons.relative.idNumber, kind: 'outpatient', amountFen: 100 }),
    expect: institutionRow({ instA: 'ok', instB: 'ok' }),
  },
  {
    fn: 'refund',
    what: 'institution A\'s settlement',
    event: (w) => ({ serialNo: w.serials.a, refundSerialNo: `AZR-${w.next()}`, amountFen: 1 }),
    expect: institutionRow({ instA: 'ok', instB: 'NOT_FOUND' }),
  },

  // Operators.
  {
    fn: 'upsertPersons',
    what: 'a registry row',
    event: (w) => ({ persons: [{ idNumber: makeIdNumber('650100', '1966-06-06', (w.next() % 400) * 2 + 1), name: '同步者', insuranceType: 'resident', status: 'active', poolingRegion: '650100' }] }),
    expect: operatorRow(),
  },
  {
    fn: 'creditAccount',
    what: "a contribution to the sharer's account",
    event: (w) => ({ creditId: `AZC-${w.next()}`, idNumber: w.persons.sharer.idNumber, amountFen: 1, kind: 'contribution' }),
    expect: operatorRow(),
  },
  { fn: 'setPolicy', what: 'a policy of another province', event: () => ({ scope: '65', maxRelatives: 8 }), expect: operatorRow() },
  { fn: 'createInstitution', what: 'a new institution', event: (w) => ({ code: `AZNEW${w.next()}`, name: '新医院', kind: 'hospital' }), expect: operatorRow() },
  { fn: 'createStaff', what: 'a new staff member', event: (w) => ({ username: `az.staff${w.next()}`, name: '新员工', role: 'agent' }), expect: operatorRow() },
  { fn: 'clearingStatement', what: 'this month\'s clearing between provinces (SPEC 2.11)', event: () => ({ month: '2026-03' }), expect: operatorRow() },

  // Staff (SPEC 2.10).
  {
    fn: 'staffLogin',
    what: 'a new staff member with the right password and code (whatever bearer comes along)',
    event: async (w) => {
      const username = `az.login${w.next()}`;
      const created = await w.h.ok('createStaff', { username, name: '新柜员', role: 'agent' }, w.h.adminKey);
      return { username, password: created.password, totp: totpNow(w.h, created.totpSecret) };
    },
    expect: publicRow('ok'),
  },
  { fn: 'staffLookup', what: 'the relative, with a reason', event: (w) => ({ idNumber: w.persons.relative.idNumber, reason: '本人来电咨询' }), expect: staffRow('agent') },
  {
    fn: 'staffAct',
    what: 'confirming the relative\'s (active) binding for her, on her ID card',
    event: (w) => ({ action: 'confirmBinding', personIdNumber: w.persons.relative.idNumber, evidence: { kind: 'id_card', ref: 'AZ-ID' }, bindingId: w.bindings.main }),
    expect: staffRow('handler'),
  },
  { fn: 'listAudit', what: 'the audit trail', event: () => ({ limit: 5 }), expect: staffRow('supervisor') },
];

/** Objects of the world, with the users who are party to them. */
export const FOREIGN_OBJECTS: Array<{ object: string; parties: Caller[]; cases: Array<{ fn: string; event: (w: World) => unknown }> }> = [
  {
    object: 'the sharer–relative binding',
    parties: ['sharer', 'relative'],
    cases: [
      { fn: 'confirmBinding', event: (w) => ({ bindingId: w.bindings.main }) },
      { fn: 'declineBinding', event: (w) => ({ bindingId: w.bindings.main }) },
      { fn: 'declineBinding', event: (w) => ({ bindingId: w.bindings.main, notMyRelative: true }) },
      { fn: 'unbindRelative', event: (w) => ({ bindingId: w.bindings.main }) },
      { fn: 'setQuota', event: (w) => ({ bindingId: w.bindings.main, amountFen: 1 }) },
      { fn: 'diagnose', event: (w) => ({ bindingId: w.bindings.main }) },
      { fn: 'listRecords', event: (w) => ({ bindingId: w.bindings.main, role: 'sharer' }) },
      { fn: 'listRecords', event: (w) => ({ bindingId: w.bindings.main, role: 'relative' }) },
    ],
  },
  {
    object: 'the other worker\'s binding',
    parties: ['other'],
    cases: [
      { fn: 'confirmBinding', event: (w) => ({ bindingId: w.bindings.other }) },
      { fn: 'declineBinding', event: (w) => ({ bindingId: w.bindings.other, notMyRelative: true }) },
      { fn: 'unbindRelative', event: (w) => ({ bindingId: w.bindings.other }) },
      { fn: 'payPremium', event: (w) => ({ bindingId: w.bindings.other, year: 2027 }) },
      { fn: 'setQuota', event: (w) => ({ bindingId: w.bindings.other, amountFen: 1 }) },
      { fn: 'diagnose', event: (w) => ({ bindingId: w.bindings.other, amountFen: 1 }) },
      { fn: 'listRecords', event: (w) => ({ bindingId: w.bindings.other, role: 'sharer' }) },
      { fn: 'listRecords', event: (w) => ({ bindingId: w.bindings.other, role: 'relative' }) },
    ],
  },
  {
    object: 'the sharer\'s family-account member',
    parties: ['sharer'],
    cases: [
      { fn: 'removeFamilyAccount', event: (w) => ({ memberId: w.members.main }) },
      { fn: 'showFamilyCode', event: (w) => ({ memberId: w.members.main }) },
      { fn: 'confirmFamilyMember', event: (w) => ({ memberId: w.members.main }) },
      { fn: 'diagnose', event: (w) => ({ memberId: w.members.main }) },
    ],
  },
  {
    object: 'the other worker\'s family-account member',
    parties: ['other'],
    cases: [
      { fn: 'removeFamilyAccount', event: (w) => ({ memberId: w.members.other }) },
      { fn: 'showFamilyCode', event: (w) => ({ memberId: w.members.other }) },
      { fn: 'confirmFamilyMember', event: (w) => ({ memberId: w.members.other }) },
      { fn: 'diagnose', event: (w) => ({ memberId: w.members.other }) },
    ],
  },
];

/** Institutions and their settlements by serial number. */
export const FOREIGN_SERIALS: Array<{ what: string; caller: Caller; event: (w: World) => unknown }> = [
  { what: 'B refunds A\'s settlement', caller: 'instB', event: (w) => ({ serialNo: w.serials.a, refundSerialNo: `X-${w.next()}`, amountFen: 1 }) },
  { what: 'A refunds B\'s settlement', caller: 'instA', event: (w) => ({ serialNo: w.serials.b, refundSerialNo: `X-${w.next()}`, amountFen: 1 }) },
  { what: 'A refunds B\'s settlement by B\'s own refund serial', caller: 'instA', event: (w) => ({ serialNo: w.serials.b, refundSerialNo: 'B-R1', amountFen: 1 }) },
];

/**
 * The world: the sharer (Hebei) with a relative, a family-account member and a mutual-aid
 * payment at institution A; another worker (Beijing) with the same at institution B; an
 * unverified user; the keys of both institutions and of the operator.
 */
export async function buildWorld(h: Harness): Promise<World> {
  let seq = 0;
  const next = () => ++seq;
  const sharer = await h.employee(1_000_000, { name: '沈共济', birthDate: '1970-07-07' });
  const relative = await h.person({ name: '任亲属', birthDate: '1972-02-02', male: false });
  const member = await h.person({ name: '孟长辈', birthDate: '1940-04-04' });
  const other = await h.employee(1_000_000, { name: '欧他人', birthDate: '1980-08-08', poolingRegion: '110100' });
  const otherRelative = await h.person({ name: '欧小妹', birthDate: '2010-10-10', poolingRegion: '110100', male: false });
  const otherMember = await h.person({ name: '欧老爷', birthDate: '1950-05-05', poolingRegion: '110100' });

  const withId = async (user: TestUser) => ({ ...user, userId: (await h.ok<{ userId: string }>('me', {}, user.token)).userId });
  const users = {
    sharer: await withId(await h.user(sharer)),
    relative: await withId(await h.user(relative)),
    other: await withId(await h.user(other)),
    unverified: await withId(await h.user()),
  };
  const main = (await h.bind(users.sharer, relative, 'spouse')).bindingId;
  const otherBinding = (await h.bind(users.other, otherRelative, 'child')).bindingId;
  const memberMain = (await h.ok('addFamilyAccount', personEvent(member, 'parent'), users.sharer.token)).member.memberId as string;
  const memberOther = (await h.ok('addFamilyAccount', personEvent(otherMember, 'parent'), users.other.token)).member.memberId as string;
  // Both members are of consent age: they agree to be shown (SPEC 2.8).
  await h.ok('confirmFamilyMember', { memberId: memberMain }, await h.tokenOf(member));
  await h.ok('confirmFamilyMember', { memberId: memberOther }, await h.tokenOf(otherMember));
  const a = await h.institution('AUTHZ-A');
  const b = await h.institution('AUTHZ-B');
  // The operator replaces institution C's key (createInstitution again): the first key must stop working.
  const oldC = await h.institution('AUTHZ-C');
  await h.institution('AUTHZ-C');
  const settleA = await h.ok('settle', { serialNo: 'A-1', patientIdNumber: relative.idNumber, kind: 'outpatient', amountFen: 5_000 }, a.key);
  const settleB = await h.ok('settle', { serialNo: 'B-1', patientIdNumber: otherRelative.idNumber, kind: 'inpatient', amountFen: 7_000 }, b.key);
  await h.ok('refund', { serialNo: 'B-1', refundSerialNo: 'B-R1', amountFen: 10 }, b.key);
  if (settleA.acctMulaidPay !== 5_000 || settleB.acctMulaidPay !== 7_000) throw new Error('the world\'s settlements were not paid by mutual aid');

  const now = Math.floor(h.clock.now().getTime() / 1000);
  // Both name the sharer's live session: only the signature, or only the expiry, is wrong.
  const { sid } = decodeJwt(users.sharer.token);
  const forged = await new SignJWT({ sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(users.sharer.userId).setIssuer('yibao-gongji')
    .setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode('x'.repeat(40)));
  const expired = await new SignJWT({ sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(users.sharer.userId).setIssuer('yibao-gongji')
    .setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(h.app.keys.session);
  const ended = await h.login(sharer.phone!);
  await h.ok('logout', {}, ended);
  const agent = await createStaff(h, 'agent', '客服甲');
  const handler = await createStaff(h, 'handler', '经办乙');
  const supervisor = await createStaff(h, 'supervisor', '主管丙');
  const handlerToken = decodeJwt(handler.token);
  // The handler's live session, signed as a user token is: a staff function must refuse it.
  const staffForged = await new SignJWT({ sid: handlerToken.sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(handler.staffId)
    .setIssuer('yibao-gongji').setIssuedAt(now).setExpirationTime(now + 3600).sign(h.app.keys.session);

  return {
    h,
    persons: { sharer, relative, member, other, otherRelative, otherMember },
    users,
    bindings: { main, other: otherBinding },
    members: { main: memberMain, other: memberOther },
    institutions: { a, b },
    serials: { a: 'A-1', b: 'B-1' },
    settlementIds: { a: settleA.settlementId, b: settleB.settlementId },
    bearers: {
      none: undefined,
      garbage: 'garbage',
      forged,
      expired,
      ended,
      unverified: users.unverified.token,
      other: users.other.token,
      relative: users.relative.token,
      sharer: users.sharer.token,
      instA: a.key,
      instB: b.key,
      instForged: `${a.code}.${'A'.repeat(32)}`,
      instOld: oldC.key,
      operator: h.adminKey,
      agent: agent.token,
      handler: handler.token,
      supervisor: supervisor.token,
      staffForged,
    },
    next,
  };
}
