import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { maskIdNumber, maskName } from '../../src/rules/mask';
import { ADAPTERS } from '../support/adapters';
import { ledgerMismatches, type Harness, type TestPerson, type TestUser } from '../support/harness';
import { CJK, updatePerson, useHarness, type SettleData } from './fixtures';

type Kind = 'outpatient' | 'inpatient' | 'pharmacy';

let serial = 0;
const nextSerial = (): string => `SETTLE-${++serial}`;

function expectBreakdown(answer: SettleData, amountFen: number): void {
  expect(answer.selfAcctPay + answer.acctMulaidPay).toBe(answer.acctPay);
  expect(answer.acctPay + answer.cashPay).toBe(amountFen);
  for (const part of [answer.selfAcctPay, answer.acctMulaidPay, answer.acctPay, answer.cashPay]) {
    expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
  }
  expect(answer.settlementId).toMatch(/^[0-9a-f-]{36}$/);
}

async function countRows(h: Harness, sql: string, params: Array<string | number> = []): Promise<number> {
  const rows = await h.app.db.query<{ n: bigint }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe.each(ADAPTERS)('settlement on %s', (adapter) => {
  const { skip, h: harness } = useHarness(adapter);

  /** An institution shared by the tests of this block. */
  let inst: { code: string; key: string } | undefined;
  async function institution(h: Harness): Promise<{ code: string; key: string }> {
    inst ??= await h.institution();
    return inst;
  }

  async function settle(
    h: Harness,
    patient: TestPerson,
    amountFen: number,
    options: { serialNo?: string; kind?: Kind; key?: string } = {},
  ): Promise<SettleData> {
    const key = options.key ?? (await institution(h)).key;
    const answer = await h.ok<SettleData>(
      'settle',
      { serialNo: options.serialNo ?? nextSerial(), patientIdNumber: patient.idNumber, kind: options.kind ?? 'outpatient', amountFen },
      key,
    );
    expectBreakdown(answer, amountFen);
    return answer;
  }

  /** A verified sharer (employee) with a balance, logged in. */
  async function sharer(h: Harness, balanceFen: number, options: { poolingRegion?: string; name?: string } = {}) {
    const person = await h.employee(balanceFen, { birthDate: '1965-03-03', ...options });
    const user = await h.user(person);
    return { person, user };
  }

  /** A resident relative (no account of their own), born after every sharer. */
  function relative(h: Harness, poolingRegion = '130100'): Promise<TestPerson> {
    return h.person({ birthDate: '2005-05-05', poolingRegion });
  }

  /** Binds one after another, a minute apart, so that the binding order is unambiguous. */
  async function bindInOrder(h: Harness, users: TestUser[], patient: TestPerson, relationship: 'child' | 'sibling' = 'child') {
    for (const user of users) {
      h.clock.advance(60);
      await h.bind(user, patient, relationship);
    }
  }

  it.skipIf(skip).each([
    { own: 10_000, shared: 50_000, amount: 3_000, self: 3_000, mulaid: 0, cash: 0, failure: null },
    { own: 3_000, shared: 50_000, amount: 3_000, self: 3_000, mulaid: 0, cash: 0, failure: null },
    { own: 1_000, shared: 50_000, amount: 3_000, self: 1_000, mulaid: 2_000, cash: 0, failure: null },
    { own: 0, shared: 50_000, amount: 3_000, self: 0, mulaid: 3_000, cash: 0, failure: null },
    { own: 1_000, shared: 1_500, amount: 3_000, self: 1_000, mulaid: 0, cash: 2_000, failure: 'INSUFFICIENT_BALANCE' },
    { own: 1_000, shared: 2_000, amount: 3_000, self: 1_000, mulaid: 2_000, cash: 0, failure: null },
  ] as const)(
    "the patient's own account ($own) pays first and only the remainder of $amount goes to mutual aid ($shared)",
    async ({ own, shared, amount, self, mulaid, cash, failure }) => {
      const h = harness();
      const patient = await h.employee(own, { birthDate: '1999-09-09' });
      const { person: payer, user } = await sharer(h, shared);
      await h.bind(user, patient, 'child');
      const answer = await settle(h, patient, amount);
      expect(answer).toMatchObject({ selfAcctPay: self, acctMulaidPay: mulaid, acctPay: self + mulaid, cashPay: cash, mulaidFailure: failure });
      expect(answer.sharer !== undefined).toBe(mulaid > 0);
      expect(await h.balance(patient)).toBe(BigInt(own - self));
      expect(await h.balance(payer)).toBe(BigInt(shared - mulaid));
      // The own-account part is not mutual aid and is recorded apart from it.
      const entries = await h.app.db.query<{ kind: string; delta_fen: bigint }>(
        'SELECT kind, delta_fen FROM ledger_entries WHERE settlement_id = $1 ORDER BY kind',
        [answer.settlementId],
      );
      const expected = [
        ...(mulaid > 0 ? [{ kind: 'mulaid_pay', delta_fen: BigInt(-mulaid) }] : []),
        ...(self > 0 ? [{ kind: 'self_pay', delta_fen: BigInt(-self) }] : []),
      ];
      expect(entries).toEqual(expected);
    },
  );

  it.skipIf(skip)('pays from the sharer with the largest balance and leaves the others alone', async () => {
    const h = harness();
    const patient = await relative(h);
    const small = await sharer(h, 10_000);
    const large = await sharer(h, 50_000);
    const middle = await sharer(h, 30_000);
    await bindInOrder(h, [small.user, large.user, middle.user], patient);
    const answer = await settle(h, patient, 12_000);
    expect(answer).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 12_000, cashPay: 0, mulaidFailure: null });
    expect(answer.sharer?.idNumberMasked).toBe(maskIdNumber(large.person.idNumber));
    expect(await h.balance(large.person)).toBe(38_000n);
    expect(await h.balance(small.person)).toBe(10_000n);
    expect(await h.balance(middle.person)).toBe(30_000n);
    // Now the middle one is the largest (30,000 > 26,000 after a second bill).
    const second = await settle(h, patient, 12_000);
    expect(second.sharer?.idNumberMasked).toBe(maskIdNumber(large.person.idNumber));
    const third = await settle(h, patient, 1_000);
    expect(third.sharer?.idNumberMasked).toBe(maskIdNumber(middle.person.idNumber));
    expect(await h.balance(middle.person)).toBe(29_000n);
  });

  it.skipIf(skip).each([
    { order: 'A bound before B', first: 'A', second: 'B' },
    { order: 'B bound before A', first: 'B', second: 'A' },
  ] as const)('on equal balances the earliest binding pays ($order)', async ({ first, second }) => {
    const h = harness();
    const patient = await relative(h);
    const sharers = { A: await sharer(h, 20_000), B: await sharer(h, 20_000) };
    await bindInOrder(h, [sharers[first].user, sharers[second].user], patient);
    const answer = await settle(h, patient, 5_000);
    expect(answer.sharer?.idNumberMasked).toBe(maskIdNumber(sharers[first].person.idNumber));
    expect(await h.balance(sharers[first].person)).toBe(15_000n);
    expect(await h.balance(sharers[second].person)).toBe(20_000n);
  });

  it.skipIf(skip)('never combines sharers: when the largest balance cannot cover the bill, nobody pays (INSUFFICIENT_BALANCE)', async () => {
    const h = harness();
    const patient = await relative(h);
    const a = await sharer(h, 3_000);
    const b = await sharer(h, 4_000);
    await bindInOrder(h, [a.user, b.user], patient);
    const entriesBefore = await countRows(h, 'SELECT count(*) AS n FROM ledger_entries');
    const answer = await settle(h, patient, 5_000);
    expect(answer).toEqual({
      settlementId: answer.settlementId,
      selfAcctPay: 0,
      acctMulaidPay: 0,
      acctPay: 0,
      cashPay: 5_000,
      mulaidFailure: 'INSUFFICIENT_BALANCE',
      mulaidSource: null,
    });
    expect(await h.balance(a.person)).toBe(3_000n);
    expect(await h.balance(b.person)).toBe(4_000n);
    expect(await countRows(h, 'SELECT count(*) AS n FROM ledger_entries')).toBe(entriesBefore);
    // The failed bill is still a settlement (the rest is cash), recorded with its reason.
    const rows = await h.app.db.query<{ mulaid_failure: string; cash_pay_fen: bigint; sharer_id: string | null }>(
      'SELECT mulaid_failure, cash_pay_fen, sharer_id FROM settlements WHERE settlement_id = $1',
      [answer.settlementId],
    );
    expect(rows).toEqual([{ mulaid_failure: 'INSUFFICIENT_BALANCE', cash_pay_fen: 5_000n, sharer_id: null }]);
    // A bill the largest balance covers still goes through afterwards.
    const covered = await settle(h, patient, 4_000);
    expect(covered).toMatchObject({ acctMulaidPay: 4_000, mulaidFailure: null });
    expect(await h.balance(b.person)).toBe(0n);
  });

  it.skipIf(skip)('answers NO_SHARER when the patient has no binding, and the whole bill is cash', async () => {
    const h = harness();
    const patient = await relative(h);
    const answer = await settle(h, patient, 2_500, { kind: 'pharmacy' });
    expect(answer).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 0, acctPay: 0, cashPay: 2_500, mulaidFailure: 'NO_SHARER' });
    expect(answer).not.toHaveProperty('sharer');
  });

  it.skipIf(skip)('pays partially from the chosen sharer where the region allows it (allowPartial)', async () => {
    const h = harness();
    const region = '330100';
    await h.ok('setPolicy', { scope: region, allowPartial: true }, h.adminKey);
    const patient = await relative(h, region);
    const small = await sharer(h, 1_000, { poolingRegion: region });
    const payer = await sharer(h, 3_000, { poolingRegion: region });
    await bindInOrder(h, [small.user, payer.user], patient);
    const answer = await settle(h, patient, 5_000);
    expect(answer).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 3_000, acctPay: 3_000, cashPay: 2_000, mulaidFailure: null });
    expect(answer.sharer?.idNumberMasked).toBe(maskIdNumber(payer.person.idNumber));
    expect(await h.balance(payer.person)).toBe(0n);
    // Still one sharer only: the smaller balance was not added to it.
    expect(await h.balance(small.person)).toBe(1_000n);
    // The next bill goes to the remaining 1,000 and again partially.
    const next = await settle(h, patient, 4_000);
    expect(next).toMatchObject({ acctMulaidPay: 1_000, cashPay: 3_000 });
    // With nothing left anywhere, partial payment pays nothing.
    const empty = await settle(h, patient, 100);
    expect(empty).toMatchObject({ acctMulaidPay: 0, cashPay: 100, mulaidFailure: 'INSUFFICIENT_BALANCE' });
  });

  it.skipIf(skip)('does not pay partially where the policy is the default', async () => {
    const h = harness();
    const patient = await relative(h);
    const only = await sharer(h, 3_000);
    await h.bind(only.user, patient, 'child');
    const answer = await settle(h, patient, 5_000);
    expect(answer).toMatchObject({ acctMulaidPay: 0, cashPay: 5_000, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await h.balance(only.person)).toBe(3_000n);
  });

  interface IneligibleCase {
    why: string;
    patientRegion: string;
    richRegion: string;
    relationship: 'child' | 'sibling';
    spoil: (h: Harness, rich: TestPerson) => Promise<void>;
  }
  const ineligible: IneligibleCase[] = [
    { why: 'the sharer is suspended', patientRegion: '130100', richRegion: '130100', relationship: 'child', spoil: (h, p) => updatePerson(h, p, { status: 'suspended' }) },
    { why: 'the sharer is terminated', patientRegion: '130100', richRegion: '130100', relationship: 'child', spoil: (h, p) => updatePerson(h, p, { status: 'terminated' }) },
    { why: 'the sharer became resident-insured', patientRegion: '130100', richRegion: '130100', relationship: 'child', spoil: (h, p) => updatePerson(h, p, { insuranceType: 'resident' }) },
    {
      why: "the sharer's region narrowed sharing to its own pooling region after binding",
      patientRegion: '320100',
      richRegion: '320200',
      relationship: 'child',
      spoil: async (h) => {
        await h.ok('setPolicy', { scope: '320200', sharingScope: 'region' }, h.adminKey);
      },
    },
    {
      why: "the sharer's region narrowed relatives to close ones and the binding is a sibling",
      patientRegion: '440100',
      richRegion: '440300',
      relationship: 'sibling',
      spoil: async (h) => {
        await h.ok('setPolicy', { scope: '440300', relativeScope: 'close' }, h.adminKey);
      },
    },
  ];

  it.skipIf(skip).each(ineligible)('skips a richer sharer who may not pay today: $why', async ({ patientRegion, richRegion, relationship, spoil }) => {
    const h = harness();
    const patient = await relative(h, patientRegion);
    const rich = await sharer(h, 90_000, { poolingRegion: richRegion });
    const modest = await sharer(h, 5_000, { poolingRegion: patientRegion });
    await bindInOrder(h, [rich.user], patient, relationship);
    await bindInOrder(h, [modest.user], patient, 'child');
    // Before the change the richer sharer pays.
    const before = await settle(h, patient, 100);
    expect(before.sharer?.idNumberMasked).toBe(maskIdNumber(rich.person.idNumber));
    await spoil(h, rich.person);
    const after = await settle(h, patient, 4_000);
    expect(after).toMatchObject({ acctMulaidPay: 4_000, mulaidFailure: null });
    expect(after.sharer?.idNumberMasked).toBe(maskIdNumber(modest.person.idNumber));
    expect(await h.balance(rich.person)).toBe(89_900n);
    expect(await h.balance(modest.person)).toBe(1_000n);
    // With only the ineligible one able to cover the bill, mutual aid fails instead of using it.
    const tooBig = await settle(h, patient, 2_000);
    expect(tooBig).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await h.balance(rich.person)).toBe(89_900n);
  });

  it.skipIf(skip)('a pending binding pays nothing until the relative confirms it', async () => {
    const h = harness();
    const region = '510100';
    await h.ok('setPolicy', { scope: region, consentFromAge: 16 }, h.adminKey);
    const patient = await h.person({ birthDate: '1995-01-01', poolingRegion: region });
    const payer = await sharer(h, 10_000, { poolingRegion: region });
    const binding = await h.bind(payer.user, patient, 'child', { confirm: false });
    expect(binding.status).toBe('pending');
    const pending = await settle(h, patient, 1_000);
    expect(pending).toMatchObject({ acctMulaidPay: 0, cashPay: 1_000, mulaidFailure: 'NO_SHARER' });
    expect(await h.balance(payer.person)).toBe(10_000n);
    const patientUser = await h.user(patient);
    await h.ok('confirmBinding', { bindingId: binding.bindingId }, patientUser.token);
    const confirmed = await settle(h, patient, 1_000);
    expect(confirmed).toMatchObject({ acctMulaidPay: 1_000, mulaidFailure: null });
    expect(await h.balance(payer.person)).toBe(9_000n);
  });

  it.skipIf(skip).each(['sharer', 'relative'] as const)('an unbound binding never pays again (ended by the %s)', async (by) => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000);
    const binding = await h.bind(payer.user, patient, 'child');
    expect(await settle(h, patient, 1_000)).toMatchObject({ acctMulaidPay: 1_000 });
    const token = by === 'sharer' ? payer.user.token : (await h.user(patient)).token;
    await h.ok('unbindRelative', { bindingId: binding.bindingId }, token);
    const after = await settle(h, patient, 1_000);
    expect(after).toMatchObject({ acctMulaidPay: 0, cashPay: 1_000, mulaidFailure: 'NO_SHARER' });
    expect(await h.balance(payer.person)).toBe(9_000n);
  });

  it.skipIf(skip).each([
    { change: 'suspended', update: { insuranceType: 'resident', status: 'suspended' } },
    { change: 'terminated', update: { insuranceType: 'resident', status: 'terminated' } },
    { change: 'no longer enrolled', update: { insuranceType: 'none', status: 'active' } },
  ] as const)('a patient who is not insured gets no mutual aid ($change)', async ({ update }) => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'child');
    await updatePerson(h, patient, update);
    const answer = await settle(h, patient, 1_000);
    expect(answer).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 0, cashPay: 1_000, mulaidFailure: 'NO_SHARER' });
    expect(await h.balance(payer.person)).toBe(10_000n);
  });

  it.skipIf(skip)('names the paying sharer with a masked name and a masked ID number only', async () => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000, { name: '欧阳娜娜' });
    await h.bind(payer.user, patient, 'child');
    const answer = await settle(h, patient, 1_234);
    expect(answer.sharer).toEqual({ name: maskName('欧阳娜娜'), idNumberMasked: maskIdNumber(payer.person.idNumber) });
    expect(answer.sharer?.name).toBe('欧***');
    expect(answer.sharer?.idNumberMasked).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(JSON.stringify(answer)).not.toContain(payer.person.idNumber);
    expect(JSON.stringify(answer)).not.toContain('欧阳娜娜');
  });

  it.skipIf(skip)('finds the patient by a number with a lower-case x and spaces around it', async () => {
    const h = harness();
    const patient = await h.person({ idNumber: '11010519491231002X', birthDate: '1949-12-31' });
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'spouse');
    const { key } = await institution(h);
    const answer = await h.ok<SettleData>(
      'settle',
      { serialNo: nextSerial(), patientIdNumber: ' 11010519491231002x ', kind: 'inpatient', amountFen: 700 },
      key,
    );
    expect(answer).toMatchObject({ acctMulaidPay: 700, mulaidFailure: null });
  });

  it.skipIf(skip)('the same serial and body again returns the first answer and moves no money', async () => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'child');
    const serialNo = nextSerial();
    const first = await settle(h, patient, 4_000, { serialNo });
    const entries = await countRows(h, 'SELECT count(*) AS n FROM ledger_entries');
    for (let i = 0; i < 3; i += 1) {
      expect(await settle(h, patient, 4_000, { serialNo })).toEqual(first);
    }
    expect(await h.balance(payer.person)).toBe(6_000n);
    expect(await countRows(h, 'SELECT count(*) AS n FROM ledger_entries')).toBe(entries);
    expect(await countRows(h, 'SELECT count(*) AS n FROM settlements WHERE serial_no = $1', [serialNo])).toBe(1);
  });

  it.skipIf(skip)('replays a failed first answer even after the balance was topped up', async () => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 1_000);
    await h.bind(payer.user, patient, 'child');
    const serialNo = nextSerial();
    const first = await settle(h, patient, 4_000, { serialNo });
    expect(first.mulaidFailure).toBe('INSUFFICIENT_BALANCE');
    await updatePerson(h, payer.person, { balanceFen: 50_000 });
    expect(await settle(h, patient, 4_000, { serialNo })).toEqual(first);
    expect(await h.balance(payer.person)).toBe(50_000n);
  });

  it.skipIf(skip).each([
    { what: 'amount', change: { amountFen: 4_001 } },
    { what: 'kind', change: { kind: 'pharmacy' } },
    { what: 'patient', change: { patient: 'other' } },
  ] as const)('the same serial with another $what is refused (IDEMPOTENCY_CONFLICT)', async ({ change }) => {
    const h = harness();
    const patient = await relative(h);
    const other = await relative(h);
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'child');
    await h.bind(payer.user, other, 'child');
    const serialNo = nextSerial();
    const { key } = await institution(h);
    await settle(h, patient, 4_000, { serialNo });
    const event = {
      serialNo,
      patientIdNumber: 'patient' in change ? other.idNumber : patient.idNumber,
      kind: 'kind' in change ? change.kind : 'outpatient',
      amountFen: 'amountFen' in change ? change.amountFen : 4_000,
    };
    const error = await h.err('settle', event, key);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'serialNo' });
    expect(error.message).toMatch(CJK);
    expect(await h.balance(payer.person)).toBe(6_000n);
    expect(await countRows(h, 'SELECT count(*) AS n FROM settlements WHERE serial_no = $1', [serialNo])).toBe(1);
  });

  it.skipIf(skip)('the same serial at two institutions is two bills', async () => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'child');
    const hospital = await h.institution();
    const pharmacy = await h.institution(undefined, 'pharmacy');
    const serialNo = nextSerial();
    const a = await settle(h, patient, 3_000, { serialNo, key: hospital.key });
    const b = await settle(h, patient, 3_000, { serialNo, key: pharmacy.key });
    expect(a.settlementId).not.toBe(b.settlementId);
    expect(a.acctMulaidPay).toBe(3_000);
    expect(b.acctMulaidPay).toBe(3_000);
    expect(await h.balance(payer.person)).toBe(4_000n);
  });

  it.skipIf(skip)('an unknown patient is NOT_FOUND on patientIdNumber and nothing is recorded', async () => {
    const h = harness();
    const { key } = await institution(h);
    const before = await countRows(h, 'SELECT count(*) AS n FROM settlements');
    // Well formed (valid check character) but not in the registry.
    const unknown = makeIdNumber('110101', '2000-01-01', 123);
    const error = await h.err('settle', { serialNo: nextSerial(), patientIdNumber: unknown, kind: 'outpatient', amountFen: 100 }, key);
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'patientIdNumber' });
    expect(error.message).toMatch(CJK);
    expect(await countRows(h, 'SELECT count(*) AS n FROM settlements')).toBe(before);
  });

  it.skipIf(skip).each([
    { why: 'too short', id: '11010519491231' },
    { why: 'wrong check character', id: '110105194912310021' },
    { why: 'impossible birth date', id: '110105194902300025' },
    { why: 'birth date in the future', id: '110105209912310028' },
    { why: 'unknown province', id: '000105194912310021' },
    { why: 'letters inside', id: '11010519491231A02X' },
    { why: 'empty', id: '' },
  ])('a malformed patient number is INVALID_ID_NUMBER on patientIdNumber ($why)', async ({ id }) => {
    const h = harness();
    const { key } = await institution(h);
    const error = await h.err('settle', { serialNo: nextSerial(), patientIdNumber: id, kind: 'outpatient', amountFen: 100 }, key);
    expect(error).toMatchObject({ code: 'INVALID_ID_NUMBER', field: 'patientIdNumber' });
    expect(error.message).toMatch(CJK);
  });

  it.skipIf(skip).each([
    { who: 'no key at all', bearer: async () => undefined },
    { who: 'a wrong secret for a real institution', bearer: async (h: Harness) => `${(await institution(h)).code}.wrong-secret` },
    { who: 'an unknown institution code', bearer: async (h: Harness) => `NOPE.${(await institution(h)).key.split('.')[1]}` },
    { who: 'a key without a dot', bearer: async (h: Harness) => (await institution(h)).key.replace('.', '') },
    { who: "a user's session token", bearer: async (h: Harness) => (await h.user()).token },
    { who: "the operator's admin key", bearer: async (h: Harness) => h.adminKey },
  ])('refuses $who as an institution (UNAUTHENTICATED)', async ({ bearer }) => {
    const h = harness();
    const patient = await relative(h);
    const payer = await sharer(h, 10_000);
    await h.bind(payer.user, patient, 'child');
    const before = await countRows(h, 'SELECT count(*) AS n FROM settlements');
    const error = await h.err('settle', { serialNo: nextSerial(), patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen: 100 }, await bearer(h));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(await countRows(h, 'SELECT count(*) AS n FROM settlements')).toBe(before);
    expect(await h.balance(payer.person)).toBe(10_000n);
  });

  it.skipIf(skip)('keeps every account equal to its ledger after all of the above', async () => {
    const h = harness();
    expect(await ledgerMismatches(h.app)).toEqual([]);
    // And the settlement rows agree with the mutual-aid entries they point at.
    const orphans = await h.app.db.query(
      `SELECT s.settlement_id FROM settlements s
       LEFT JOIN ledger_entries l ON l.entry_id = s.mulaid_entry_id AND l.kind = 'mulaid_pay'
       WHERE s.mulaid_pay_fen > 0 AND (l.entry_id IS NULL OR -l.delta_fen <> s.mulaid_pay_fen OR l.person_id <> s.sharer_id)`,
    );
    expect(orphans).toEqual([]);
  });
});
