import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { CLOUDFUNCTIONS_DIR, loadCloudFunctions } from '../../server/gateway/functions';
import type { AuthKind } from '../../server/runtime/define';
import { ADAPTERS } from '../support/adapters';
import type { Harness } from '../support/harness';
import { CJK, useHarness } from './fixtures';
import { createStaff } from '../staff/support';

/**
 * SPEC 3.2 and 4: every cloud function answers malformed events of any shape with
 * INVALID_INPUT naming the field (or the SPEC code of the rule, e.g. INVALID_ID_NUMBER), a
 * Chinese message, and no write at all.
 */

const FUNCTION_NAMES = readdirSync(CLOUDFUNCTIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const MAINS = await loadCloudFunctions();

/**
 * `npm run test:quick` sets QUICK=1: then each field is tried with a few of its bad values
 * (the first, the middle and the last) only; every other case still runs. The full suite runs all.
 */
const QUICK = process.env.QUICK === '1';
function sample<T>(values: T[], quickCount: number): T[] {
  if (!QUICK || values.length <= quickCount) return values;
  const step = (values.length - 1) / (quickCount - 1);
  return Array.from({ length: quickCount }, (_, i) => values[Math.round(i * step)]!);
}

const UUID = '0b7f8f6e-3c1a-4d2b-9e4f-5a6b7c8d9e0f';
const UNKNOWN_ID = makeIdNumber('130100', '1990-01-01', 777);
const HUGE = '9'.repeat(100_000);

/** Values of the wrong JSON type for a text field, nested objects and operator injections among them. */
const NOT_TEXT: unknown[] = [42, 0, true, null, {}, [], ['a'], { $gt: '' }, { toString: 'x' }];
/** Values that are no amount in fen: negative, fractional, huge, NaN-like, text, nested. */
const NOT_AMOUNT: unknown[] = [
  -1, 0, 0.5, 1.5, 100_000_001, 1e20, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity,
  '100', '1e3', 'NaN', '', null, true, {}, [100], { $gt: 0 }, HUGE,
];

type Expect = 'INVALID_INPUT' | 'INVALID_ID_NUMBER';
interface FieldSpec {
  /** Bad values answered with INVALID_INPUT on this field. */
  bad: unknown[];
  /** Well-typed but malformed values answered with INVALID_ID_NUMBER on this field. */
  badId?: unknown[];
  optional?: boolean;
}
interface FunctionSpec {
  /** A well-formed event: each case breaks exactly one thing in it. */
  valid: Record<string, unknown>;
  fields: Record<string, FieldSpec>;
  /** Cases of this function's own rules. */
  more?: Array<{ what: string; event: unknown; field: string; code?: Expect }>;
}

const text = (...more: unknown[]): unknown[] => [...NOT_TEXT, HUGE, ...more];
const phone: FieldSpec = { bad: text('', '1380000000', '138000000001', '+8613800000000', '23800000000', '138 0000 0000') };
const personName: FieldSpec = { bad: text('', '   ', 'a\u0000b', '张\u007f三', 'x'.repeat(65)) };
const idNumber: FieldSpec = { bad: text('x'.repeat(65)), badId: ['', '123', '11010519491231002Y', '110105194902300025', '000105194912310021', '11010520991231002X'] };
const relationship: FieldSpec = { bad: text('', 'cousin', 'SPOUSE', '配偶') };
const objectId: FieldSpec = { bad: text('', 'not-a-uuid', UUID.toUpperCase(), `${UUID}0`, UUID.replace(/-/g, ''), "' OR 1=1 --") };
const optionalId: FieldSpec = { ...objectId, optional: true };
const amount: FieldSpec = { bad: NOT_AMOUNT };
const serial: FieldSpec = { bad: text('', 'has space', '流水号', 'x'.repeat(65), 'tab\tbed', 'line\n') };
const enumOf = (...bad: unknown[]): FieldSpec => ({ bad: text('', ...bad) });
const flag: FieldSpec = { bad: ['true', 'false', 1, 0, null, {}, [], [true], HUGE], optional: true };
const cursor: FieldSpec = { bad: text('', 'has space', '%%%', 'x'.repeat(201)), optional: true };
const limit: FieldSpec = { bad: [0, -1, 101, 1.5, NaN, Infinity, '10', null, true, {}, [10]], optional: true };
/** A day within a binding's longest end date (20 years) from the test clock's 2026-03-15. */
const ENDS_ON = '2030-06-30';

const VALID_PERSON = { idNumber: makeIdNumber('130100', '1980-05-05', 555), name: '验证人', insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: 100 };

const SPECS: Record<string, FunctionSpec> = {
  sendCode: { valid: { phone: '13912345678' }, fields: { phone } },
  login: { valid: { phone: '13912345678', code: '123456' }, fields: { phone, code: { bad: text('', '12345', '1234567', 'abcdef', ' 123456', 123456) } } },
  loginByWechatPhone: { valid: { phoneCode: 'dev:13912345678' }, fields: { phoneCode: { bad: [...NOT_TEXT, '', 'x'.repeat(257), HUGE] } } },
  demoGuide: { valid: {}, fields: {} },
  me: { valid: {}, fields: {} },
  myPolicy: { valid: {}, fields: {} },
  listMembers: { valid: {}, fields: {} },
  listFamilyAccount: { valid: {}, fields: {} },
  verifyIdentity: {
    valid: { name: '张三', idNumber: UNKNOWN_ID, faceCheckId: UUID },
    fields: { name: personName, idNumber, faceCheckId: optionalId },
  },
  startFaceCheck: { valid: { name: '张三', idNumber: UNKNOWN_ID }, fields: { name: personName, idNumber } },
  logout: { valid: { all: false }, fields: { all: flag } },
  bindRelative: {
    valid: { name: '张三', idNumber: UNKNOWN_ID, relationship: 'child', acceptUndertaking: true, endsOn: ENDS_ON },
    fields: {
      name: personName,
      idNumber,
      relationship,
      // Absent or false is UNDERTAKING_REQUIRED (a rule), not malformed: only other types are INVALID_INPUT.
      acceptUndertaking: flag,
      endsOn: { bad: text('', '2030-02-30', '2030/01/01', '20300101', '1899-12-31'), optional: true },
      quotaFen: { ...amount, optional: true },
    },
    more: [
      { what: 'an end date today', event: { name: '张三', idNumber: UNKNOWN_ID, relationship: 'child', acceptUndertaking: true, endsOn: '2026-03-15' }, field: 'endsOn' },
      { what: 'an end date in the past', event: { name: '张三', idNumber: UNKNOWN_ID, relationship: 'child', acceptUndertaking: true, endsOn: '2025-12-31' }, field: 'endsOn' },
      { what: 'an end date more than 20 years away', event: { name: '张三', idNumber: UNKNOWN_ID, relationship: 'child', acceptUndertaking: true, endsOn: '2046-03-16' }, field: 'endsOn' },
    ],
  },
  declineBinding: { valid: { bindingId: UUID, notMyRelative: true }, fields: { bindingId: objectId, notMyRelative: flag } },
  listMessages: { valid: { cursor: 'abc', limit: 10, unreadOnly: true }, fields: { cursor, limit, unreadOnly: flag } },
  markMessagesRead: {
    valid: { messageIds: [UUID] },
    fields: {
      messageIds: { bad: [42, true, null, {}, 'x', UUID, HUGE, Array.from({ length: 101 }, () => UUID)], optional: true },
      'messageIds.0': objectId,
    },
  },
  confirmFamilyMember: { valid: { memberId: UUID }, fields: { memberId: objectId } },
  addFamilyAccount: { valid: { name: '张三', idNumber: UNKNOWN_ID, relationship: 'parent' }, fields: { name: personName, idNumber, relationship } },
  confirmBinding: { valid: { bindingId: UUID }, fields: { bindingId: objectId } },
  unbindRelative: { valid: { bindingId: UUID }, fields: { bindingId: objectId } },
  payPremium: {
    valid: { bindingId: UUID, year: 2027 },
    fields: { bindingId: objectId, year: { bad: [1999, 2101, 2027.5, -1, NaN, Infinity, '2027', '', null, true, {}, [2027], HUGE] } },
  },
  setQuota: {
    valid: { bindingId: UUID, amountFen: 1_000 },
    // 0 is a quota (nothing left to pay from); the rest of NOT_AMOUNT is refused.
    fields: { bindingId: objectId, amountFen: { bad: NOT_AMOUNT.filter((v) => v !== 0) } },
  },
  removeFamilyAccount: { valid: { memberId: UUID }, fields: { memberId: objectId } },
  showFamilyCode: { valid: { memberId: UUID }, fields: { memberId: objectId } },
  listRecords: {
    valid: { role: 'sharer', bindingId: UUID, from: '2025-01-01', to: '2025-12-31', limit: 10 },
    fields: {
      role: { ...enumOf('owner', 'SHARER'), optional: true },
      bindingId: optionalId,
      from: { bad: text('', '2025-02-30', '2025/01/01', '20250101', '2025-1-1'), optional: true },
      to: { bad: text('', '2025-13-01', 'today'), optional: true },
      cursor,
      limit,
    },
    more: [
      { what: 'a period that ends before it starts', event: { from: '2025-02-01', to: '2025-01-31' }, field: 'to' },
      { what: 'a cursor that decodes to nothing', event: { cursor: 'abc' }, field: 'cursor' },
      { what: 'a cursor of the right alphabet but foreign content', event: { cursor: Buffer.from('["x","y"]').toString('base64url') }, field: 'cursor' },
    ],
  },
  diagnose: {
    valid: { bindingId: UUID, amountFen: 100 },
    fields: { bindingId: optionalId, memberId: optionalId, amountFen: { ...amount, optional: true } },
    more: [{ what: 'both a binding and a family-account member', event: { bindingId: UUID, memberId: UUID }, field: 'memberId' }],
  },
  settle: {
    valid: { serialNo: 'V-1', patientIdNumber: UNKNOWN_ID, kind: 'outpatient', amountFen: 100 },
    fields: { serialNo: serial, patientIdNumber: idNumber, kind: enumOf('emergency', 'OUTPATIENT'), amountFen: amount },
  },
  refund: {
    valid: { serialNo: 'V-1', refundSerialNo: 'V-R1', amountFen: 100 },
    fields: { serialNo: serial, refundSerialNo: serial, amountFen: amount },
  },
  createInstitution: {
    valid: { code: 'V1', name: '验证医院', kind: 'hospital' },
    fields: {
      code: { bad: text('', 'has space', 'x'.repeat(33), '医院', 'a.b', 'a/b') },
      name: { bad: text('', '   ', 'x'.repeat(101)) },
      kind: enumOf('clinic'),
    },
  },
  setPolicy: {
    valid: {
      scope: '13', relativeScope: 'near', sharingScope: 'province', maxRelatives: 8, allowPartial: false, consentFromAge: null,
      premiumWindow: '09-01..12-31', residentPremiumFen: 40_000,
    },
    fields: {
      scope: { bad: text('', '1', '99', '130', '1301', '990100', 'ab', '13 ') },
      relativeScope: { ...enumOf('far'), optional: true },
      sharingScope: { ...enumOf('world'), optional: true },
      maxRelatives: { bad: [0, 21, -1, 1.5, NaN, '8', true, {}, [8]], optional: true },
      allowPartial: { bad: ['true', 1, 0, {}, [], 'yes'], optional: true },
      consentFromAge: { bad: [-1, 151, 1.5, NaN, Infinity, '16', true, {}, [16]], optional: true },
      premiumWindow: { bad: text('', '13-01..12-31', '02-29..12-31', '09-31..12-31', '09-01-12-31', '9-1..12-31', '09-01..12-31..01-01'), optional: true },
      residentPremiumFen: { bad: NOT_AMOUNT, optional: true },
    },
  },
  clearingStatement: {
    valid: { month: '2026-03' },
    fields: { month: { bad: text('', '2026-3', '2026-13', '2026-00', '202603', '2026/03', '1999-12', '0000-01', '2026-03-01', ' 2026-03') } },
    // The test clock is in March 2026: April has not begun.
    more: [{ what: 'a month that has not begun', event: { month: '2026-04' }, field: 'month' }],
  },
  createStaff: {
    valid: { username: 'desk.valid', name: '柜员', role: 'agent' },
    fields: {
      username: { bad: text('', 'ab', 'Upper', '1abc', 'has space', '张三', 'x'.repeat(33)) },
      name: personName,
      role: enumOf('admin', 'AGENT'),
    },
  },
  staffLogin: {
    valid: { username: 'desk.valid', password: 'secret', totp: '123456' },
    fields: {
      username: { bad: text('', 'ab', 'Upper', 'has space') },
      password: { bad: [...NOT_TEXT, '', 'x'.repeat(129)] },
      totp: { bad: text('', '12345', '1234567', 'abcdef', 123456) },
    },
  },
  staffLookup: {
    valid: { idNumber: UNKNOWN_ID, reason: '来电咨询' },
    fields: { idNumber, reason: { bad: text('', ' ', '查', 'a\u0000b', 'x'.repeat(201)) } },
  },
  staffAct: {
    valid: { action: 'confirmBinding', personIdNumber: UNKNOWN_ID, evidence: { kind: 'id_card', ref: 'ID-1' }, bindingId: UUID },
    fields: {
      action: { bad: text('', 'deleteEverything', 'CONFIRMBINDING') },
      personIdNumber: idNumber,
      evidence: { bad: [42, true, null, 'id_card', [], HUGE] },
      'evidence.kind': enumOf('passport'),
      'evidence.ref': { bad: text('', '  ', 'x'.repeat(65), 'a\u0000b') },
      bindingId: objectId,
    },
    more: [
      {
        what: 'a binding for a sharer on the evidence of an ID card (the paper undertaking is required)',
        event: { action: 'bindRelative', personIdNumber: UNKNOWN_ID, evidence: { kind: 'id_card', ref: 'ID-1' }, name: '张三', idNumber: UNKNOWN_ID, relationship: 'child' },
        field: 'evidence.kind',
      },
      {
        what: 'a confirmation on the evidence of an undertaking',
        event: { action: 'confirmBinding', personIdNumber: UNKNOWN_ID, evidence: { kind: 'undertaking', ref: 'U-1' }, bindingId: UUID },
        field: 'evidence.kind',
      },
      {
        what: 'a field of another action',
        event: { action: 'confirmBinding', personIdNumber: UNKNOWN_ID, evidence: { kind: 'id_card', ref: 'ID-1' }, bindingId: UUID, phone: '13912345678' },
        field: 'phone',
      },
    ],
  },
  listAudit: {
    valid: { staffId: UUID, personIdNumber: UNKNOWN_ID, limit: 10 },
    fields: { staffId: optionalId, personIdNumber: { ...idNumber, optional: true }, cursor, limit },
    more: [{ what: 'a cursor without its seal', event: { cursor: Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString('base64url') }, field: 'cursor' }],
  },
  creditAccount: {
    valid: { creditId: 'V-C1', idNumber: UNKNOWN_ID, amountFen: 100, kind: 'contribution' },
    fields: { creditId: serial, idNumber, amountFen: amount, kind: enumOf('refund', 'CONTRIBUTION') },
  },
  upsertPersons: {
    valid: { persons: [VALID_PERSON] },
    fields: {
      persons: { bad: [42, true, null, {}, 'x', { $gt: '' }, HUGE, [], Array.from({ length: 1001 }, () => VALID_PERSON)] },
      'persons.0.idNumber': idNumber,
      'persons.0.name': personName,
      'persons.0.insuranceType': enumOf('commercial'),
      'persons.0.status': enumOf('dead'),
      'persons.0.poolingRegion': { bad: text('', '1301', 'abcdef', '1301000', '990100', '000000') },
      'persons.0.balanceFen': { bad: [-1, 1.5, 1e13, NaN, Infinity, '100', null, true, {}, [1]], optional: true },
    },
    more: [
      {
        what: 'a balance for a resident (no personal account)',
        event: { persons: [{ idNumber: makeIdNumber('130100', '1980-05-05', 557), name: '验证人', insuranceType: 'resident', status: 'active', poolingRegion: '130100', balanceFen: 1 }] },
        field: 'persons.0.balanceFen',
      },
      {
        what: 'the same person twice (the first row must not be written)',
        event: {
          persons: [
            { idNumber: makeIdNumber('130100', '1980-05-05', 559), name: '验证人', insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
            { idNumber: ` ${makeIdNumber('130100', '1980-05-05', 559)} `, name: '验证人', insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
          ],
        },
        field: 'persons.1.idNumber',
      },
      {
        what: 'a bad ID number in the second row (the first row must not be written)',
        event: {
          persons: [
            { idNumber: makeIdNumber('130100', '1980-05-05', 561), name: '验证人', insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
            { idNumber: '123', name: '验证人', insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
          ],
        },
        field: 'persons.1.idNumber',
        code: 'INVALID_ID_NUMBER',
      },
    ],
  },
};

interface Case {
  what: string;
  event: unknown;
  code: Expect;
  field: string;
}

/** Sets a (dotted) path of a copy of `event`; `undefined` removes it. */
function withField(event: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 30 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (Array.isArray(value)) return value.length > 5 ? `an array of ${value.length}` : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function casesOf(name: string): Case[] {
  const spec = SPECS[name];
  const valid = spec?.valid ?? {};
  const cases: Case[] = [
    ...[null, [], [valid], 'text', 42, true].map((event) => ({ what: `an event that is ${describeValue(event)}`, event, code: 'INVALID_INPUT' as const, field: 'event' })),
    { what: 'an extra field', event: { ...valid, unexpected: 1 }, code: 'INVALID_INPUT', field: 'unexpected' },
    { what: 'an extra nested object', event: { ...valid, userInfo: { openId: 'forged' } }, code: 'INVALID_INPUT', field: 'userInfo' },
    { what: 'an own __proto__ key', event: { ...JSON.parse('{"__proto__":{"admin":true}}'), ...valid }, code: 'INVALID_INPUT', field: '__proto__' },
  ];
  for (const [field, fieldSpec] of Object.entries(spec?.fields ?? {})) {
    if (!fieldSpec.optional) cases.push({ what: `${field} missing`, event: withField(valid, field, undefined), code: 'INVALID_INPUT', field });
    for (const value of sample(fieldSpec.bad, 3)) {
      cases.push({ what: `${field} = ${describeValue(value)}`, event: withField(valid, field, value), code: 'INVALID_INPUT', field });
    }
    for (const value of sample(fieldSpec.badId ?? [], 2)) {
      cases.push({ what: `${field} = ${describeValue(value)}`, event: withField(valid, field, value), code: 'INVALID_ID_NUMBER', field });
    }
  }
  for (const more of spec?.more ?? []) cases.push({ what: more.what, event: more.event, code: more.code ?? 'INVALID_INPUT', field: more.field });
  return cases;
}

describe('the malformed-event table', () => {
  it('describes the event of every cloud function in cloudfunctions/', () => {
    expect(FUNCTION_NAMES.filter((name) => !SPECS[name])).toEqual([]);
    expect(Object.keys(SPECS).filter((name) => !FUNCTION_NAMES.includes(name))).toEqual([]);
  });
});

describe.each(ADAPTERS)('malformed events on %s', (adapter) => {
  const { skip, h: harness } = useHarness(adapter);
  let credentials: Record<AuthKind, string | undefined> | undefined;
  let countSql: string | undefined;

  /** A verified employee (so that bindRelative gets as far as the ID number check), an institution, the admin key. */
  async function bearerFor(h: Harness, auth: AuthKind): Promise<string | undefined> {
    if (!credentials) {
      const person = await h.employee(10_000, { birthDate: '1970-07-07' });
      const user = await h.user(person);
      const inst = await h.institution();
      const staff = await createStaff(h, 'supervisor');
      credentials = { public: undefined, user: user.token, institution: inst.key, admin: h.adminKey, staff: staff.token };
    }
    return credentials[auth];
  }

  /** The row count of every table but the rate-limit counters, in one statement. */
  async function counts(h: Harness): Promise<string> {
    if (!countSql) {
      const tables = await h.app.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'rate_limit_hits' ORDER BY table_name`,
      );
      countSql = tables.map((t) => `SELECT '${t.table_name}' AS t, count(*) AS n FROM "${t.table_name}"`).join(' UNION ALL ');
    }
    const rows = await h.app.db.query<{ t: string; n: bigint }>(countSql);
    return rows.map((r) => `${r.t}=${r.n}`).join(' ');
  }

  describe.each(FUNCTION_NAMES)('%s', (name) => {
    it.skipIf(skip).each(casesOf(name))('$what → $code on $field', async ({ event, code, field }) => {
      const h = harness();
      const main = MAINS.get(name);
      if (!main) throw new Error(`no cloud function ${name}`);
      const bearer = await bearerFor(h, main.auth);
      const before = await counts(h);
      const envelope = await h.call(name, event, bearer);
      expect(envelope.ok).toBe(false);
      if (envelope.ok) return;
      expect(envelope.error).toEqual({ code, message: envelope.error.message, field });
      expect(envelope.error.message).toMatch(CJK);
      expect(envelope.error.message.length).toBeLessThan(200);
      expect(await counts(h)).toBe(before);
    });
  });
});
