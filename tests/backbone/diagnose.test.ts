import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonInput } from '../../server/usecases/admin';
import { DIAGNOSIS_CODES } from '../../src/rules/diagnosis';
import type { Relationship } from '../../src/rules/relationship';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, type TestPerson, type TestUser } from '../support/harness';

/** SPEC 2.4: "why did mutual aid not work?" — every finding, in the SPEC's order. */

const CJK = /[\u4e00-\u9fff]/;
const NOBODY = '00000000-0000-4000-8000-000000000000';

describe.each(ADAPTERS)('diagnosis on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip('PostgreSQL is not reachable at 127.0.0.1:5432: this variant is SKIPPED', () => undefined);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let h: Harness;
  let institution: { key: string };
  let serial = 0;
  const seen = new Set<string>();

  beforeAll(async () => {
    if (skip) return;
    h = await Harness.create(getDb());
    institution = await h.institution();
    await h.ok('setPolicy', { scope: '340100', consentFromAge: 0 }, h.adminKey); // every relative must confirm
  });

  /** A verified employee with `balanceFen`, born 1980. */
  async function worker(balanceFen: number, options: Partial<PersonInput> & { birthDate?: string } = {}) {
    const person = await h.employee(balanceFen, { birthDate: '1980-01-01', ...options });
    return { person, user: await h.user(person) };
  }

  /** Binds and, for a relative of consent age, confirms as the relative (unless `confirm` is false). */
  async function bind(who: { user: TestUser }, relative: TestPerson, relationship: Relationship = 'sibling', confirm = true) {
    return (await h.bind(who.user, relative, relationship, { confirm })).bindingId;
  }

  /** Tomorrow in Asia/Shanghai. */
  const tomorrow = () => new Date(h.clock.now().getTime() + 8 * 3600_000 + 86400_000).toISOString().slice(0, 10);

  const setPolicy = (scope: string, settings: Record<string, unknown>) => h.ok('setPolicy', { scope, ...settings }, h.adminKey);

  /** The registry sync changing one person, balance untouched. */
  const update = (person: TestPerson, change: Partial<PersonInput>) =>
    h.ok(
      'upsertPersons',
      { persons: [{ idNumber: person.idNumber, name: person.name, insuranceType: 'resident', status: 'active', poolingRegion: person.poolingRegion, ...change }] },
      h.adminKey,
    );

  /** The finding codes, after checking every finding's shape. */
  async function codes(user: TestUser, event: Record<string, unknown> = {}): Promise<string[]> {
    const { findings } = await h.ok('diagnose', event, user.token);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(Object.keys(finding).sort()).toEqual(['action', 'code', 'message']);
      expect(finding.message).toMatch(CJK);
      expect(finding.action).toMatch(CJK);
    }
    const list = findings.map((f: { code: string }) => f.code);
    list.forEach((code: string) => seen.add(code));
    // Always in the SPEC's order.
    expect([...list].sort((a, b) => DIAGNOSIS_CODES.indexOf(a as never) - DIAGNOSIS_CODES.indexOf(b as never))).toEqual(list);
    return list;
  }

  const settle = (patient: TestPerson, amountFen: number) =>
    h.ok('settle', { serialNo: `D${++serial}`, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen }, institution.key);

  describe('single findings', () => {
    test('OK when an active sharer with money is bound, for the sharer and for the patient', async () => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = await bind(w, patient);
      expect(await codes(w.user, { bindingId })).toEqual(['OK']);
      const patientUser = await h.user(patient);
      expect(await codes(patientUser)).toEqual(['OK']);
      expect(await codes(patientUser, { bindingId })).toEqual(['OK']);
      expect((await settle(patient, 1_000)).acctMulaidPay).toBe(1_000);
    });

    test('NOT_INSURED when the patient\'s insurance was suspended after binding', async () => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = await bind(w, patient);
      await update(patient, { status: 'suspended' });
      expect(await codes(w.user, { bindingId })).toEqual(['NOT_INSURED']);
      expect((await settle(patient, 1_000)).acctMulaidPay).toBe(0);
    });

    test('FAMILY_ACCOUNT_ONLY when the patient is only in the user\'s family account', async () => {
      const w = await worker(10_000);
      const father = await h.person({ birthDate: '1950-01-01' });
      const { member } = await h.ok('addFamilyAccount', { name: father.name, idNumber: father.idNumber, relationship: 'parent' }, w.user.token);
      const found = (await h.ok('diagnose', { memberId: member.memberId }, w.user.token)).findings;
      expect(found.map((f: { code: string }) => f.code)).toEqual(['FAMILY_ACCOUNT_ONLY']);
      expect(found[0].message).toContain('亲情账户');
      seen.add('FAMILY_ACCOUNT_ONLY');
      // Setting up mutual aid is the fix.
      await bind(w, father, 'parent');
      expect(await codes(w.user, { memberId: member.memberId })).toEqual(['OK']);
    });

    test('NO_BINDING when nobody shares with the patient', async () => {
      const patient = await h.user(await h.person());
      expect(await codes(patient)).toEqual(['NO_BINDING']);
    });

    test('BALANCE_ZERO when every sharer\'s balance is zero, also after the money was spent', async () => {
      const empty = await worker(0);
      const patient = await h.person();
      const bindingId = await bind(empty, patient);
      expect(await codes(empty.user, { bindingId })).toEqual(['BALANCE_ZERO']);

      const spent = await worker(1_500);
      const other = await h.person();
      const spentBinding = await bind(spent, other);
      expect((await settle(other, 1_500)).acctMulaidPay).toBe(1_500);
      expect(await codes(spent.user, { bindingId: spentBinding })).toEqual(['BALANCE_ZERO']);
    });

    test('QUOTA_SPENT when the quota of a binding is used up (SPEC 2.11), also for a relative in another province', async () => {
      const sharer = await worker(10_000);
      const far = await h.person({ poolingRegion: '320100', birthDate: '2001-01-01' });
      const { binding } = await h.ok(
        'bindRelative',
        { name: far.name, idNumber: far.idNumber, relationship: 'sibling', acceptUndertaking: true, quotaFen: 2_000 },
        sharer.user.token,
      );
      if (binding.status === 'pending') await h.ok('confirmBinding', { bindingId: binding.bindingId }, await h.tokenOf(far));
      expect(await codes(sharer.user, { bindingId: binding.bindingId })).toEqual(['OK']);
      expect((await settle(far, 2_000)).acctMulaidPay).toBe(2_000);
      // The 8,000 of free balance left are not this binding's to spend.
      expect(await codes(sharer.user, { bindingId: binding.bindingId })).toEqual(['QUOTA_SPENT']);
    });

    test.each([
      { amountFen: undefined, expected: ['OK'] },
      { amountFen: 5_000, expected: ['OK'] },
      { amountFen: 5_001, expected: ['BALANCE_LOW'] },
      { amountFen: 8_000, expected: ['BALANCE_LOW'] }, // both balances together would cover it: never combined
    ])('with sharers of ¥30 and ¥50, a bill of $amountFen fen gives $expected', async ({ amountFen, expected }) => {
      const small = await worker(3_000);
      const large = await worker(5_000);
      const patient = await h.person();
      await bind(small, patient);
      await bind(large, patient);
      const patientUser = await h.user(patient);
      expect(await codes(patientUser, amountFen === undefined ? {} : { amountFen })).toEqual(expected);
      if (amountFen !== undefined) {
        const answer = await settle(patient, amountFen);
        expect(answer.mulaidFailure).toBe(expected[0] === 'OK' ? null : 'INSUFFICIENT_BALANCE');
      }
    });

    test('judges a bill by what is left after the patient\'s own account pays, as settlement does', async () => {
      const w = await worker(800);
      const patient = await h.employee(300, { birthDate: '1990-01-01' });
      await bind(w, patient);
      const patientUser = await h.user(patient);
      expect(await codes(patientUser, { amountFen: 1_100 })).toEqual(['OK']); // 300 own + 800 mutual aid
      expect(await codes(patientUser, { amountFen: 1_101 })).toEqual(['BALANCE_LOW']);
      expect(await settle(patient, 1_100)).toMatchObject({ selfAcctPay: 300, acctMulaidPay: 800, cashPay: 0, mulaidFailure: null });
    });

    test('OUT_OF_REGION when the sharer\'s region narrowed its sharing scope after the binding', async () => {
      const w = await worker(10_000, { poolingRegion: '320100' });
      const patient = await h.person({ poolingRegion: '320200' });
      const bindingId = await bind(w, patient);
      expect(await codes(w.user, { bindingId })).toEqual(['OK']);
      await setPolicy('320100', { sharingScope: 'region' });
      expect(await codes(w.user, { bindingId })).toEqual(['OUT_OF_REGION']);
      expect((await settle(patient, 1_000)).mulaidFailure).toBe('NO_SHARER');
    });

    test('OUT_OF_REGION, naming the relationship, when the region narrowed to close relatives after a sibling binding', async () => {
      const w = await worker(10_000, { poolingRegion: '330100' });
      const sister = await h.person({ poolingRegion: '330100' });
      const bindingId = await bind(w, sister, 'sibling');
      await setPolicy('330100', { relativeScope: 'close' });
      const { findings } = await h.ok('diagnose', { bindingId }, w.user.token);
      expect(findings.map((f: { code: string }) => f.code)).toEqual(['OUT_OF_REGION']);
      expect(findings[0].message).toContain('亲属关系');
      expect((await settle(sister, 1_000)).mulaidFailure).toBe('NO_SHARER');
    });

    test('BINDING_UNBOUND when the binding was ended', async () => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = await bind(w, patient);
      await h.ok('unbindRelative', { bindingId }, w.user.token);
      expect(await codes(w.user, { bindingId })).toEqual(['BINDING_UNBOUND']);
      expect(await codes(await h.user(patient))).toEqual(['BINDING_UNBOUND']);
    });

    test('BINDING_PENDING until the relative confirms, then OK', async () => {
      const w = await worker(10_000, { poolingRegion: '340100' });
      const patient = await h.person({ poolingRegion: '340100' });
      const bindingId = await bind(w, patient, 'sibling', false);
      expect(await codes(w.user, { bindingId })).toEqual(['BINDING_PENDING']);
      const patientUser = await h.user(patient);
      expect(await codes(patientUser)).toEqual(['BINDING_PENDING']);
      await h.ok('confirmBinding', { bindingId }, patientUser.token);
      expect(await codes(patientUser)).toEqual(['OK']);
    });

    test.each([
      { change: { insuranceType: 'employee' as const, status: 'suspended' as const }, what: 'suspended' },
      { change: { insuranceType: 'employee' as const, status: 'terminated' as const }, what: 'terminated' },
      { change: { insuranceType: 'resident' as const, status: 'active' as const }, what: 'moved to resident insurance' },
    ])('SHARER_NOT_ELIGIBLE when the sharer was $what by the registry sync', async ({ change }) => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = await bind(w, patient);
      await update(w.person, change);
      expect(await codes(w.user, { bindingId })).toEqual(['SHARER_NOT_ELIGIBLE']);
      expect((await settle(patient, 100)).mulaidFailure).toBe('NO_SHARER');
    });
  });

  describe('findings of SPEC v2', () => {
    test('BINDING_DECLINED when the relative refused the request, for both sides', async () => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = await bind(w, patient, 'sibling', false);
      const patientToken = await h.tokenOf(patient);
      await h.ok('declineBinding', { bindingId }, patientToken);
      expect(await codes(w.user, { bindingId })).toEqual(['BINDING_DECLINED']);
      expect(await codes({ token: patientToken } as TestUser)).toEqual(['BINDING_DECLINED']);
      expect((await settle(patient, 100)).mulaidFailure).toBe('NO_SHARER');
    });

    test('BINDING_EXPIRED from the binding\'s end date on', async () => {
      const w = await worker(10_000);
      const patient = await h.person();
      const bindingId = (await h.bind(w.user, patient, 'sibling', { endsOn: tomorrow() })).bindingId;
      expect(await codes(w.user, { bindingId })).toEqual(['OK']);
      h.clock.advance(2 * 86400);
      expect(await codes(w.user, { bindingId })).toEqual(['BINDING_EXPIRED']);
      expect((await settle(patient, 100)).mulaidFailure).toBe('NO_SHARER');
    });

    test('for a family-account member, examines only the caller\'s own bindings with them', async () => {
      const poor = await worker(0);
      const rich = await worker(50_000);
      const mother = await h.person({ birthDate: '1950-01-01' });
      await bind(poor, mother, 'parent');
      await bind(rich, mother, 'parent');
      const { member } = await h.ok('addFamilyAccount', { name: mother.name, idNumber: mother.idNumber, relationship: 'parent' }, poor.user.token);
      // Another sharer's binding (with money) is none of the caller's business: only the caller's own, empty one counts.
      expect(await codes(poor.user, { memberId: member.memberId })).toEqual(['BALANCE_ZERO']);
      // The mother herself sees every binding of hers.
      expect(await codes({ token: await h.tokenOf(mother) } as TestUser)).toEqual(['OK']);
      // A member with whom the caller has no binding: the caller's answer is about the caller only.
      const stranger = await worker(10_000);
      const { member: other } = await h.ok('addFamilyAccount', { name: mother.name, idNumber: mother.idNumber, relationship: 'parent' }, stranger.user.token);
      expect(await codes(stranger.user, { memberId: other.memberId })).toEqual(['FAMILY_ACCOUNT_ONLY']);
    });

    test('never states an amount of a sharer\'s balance, whatever the bill asked about', async () => {
      const w = await worker(12_345);
      const patient = await h.person();
      await bind(w, patient);
      const token = await h.tokenOf(patient);
      for (const amountFen of [12_345, 12_346, 99_999]) {
        const { findings } = await h.ok('diagnose', { amountFen }, token);
        const text = JSON.stringify(findings);
        expect(text).not.toMatch(/123\.45|12,?345|12345/);
      }
    });
  });

  describe('several findings', () => {
    test('lists BALANCE_ZERO, OUT_OF_REGION, BINDING_PENDING and SHARER_NOT_ELIGIBLE in the SPEC\'s order', async () => {
      const patient = await h.person({ poolingRegion: '340200' });
      // Bound in the reverse order, so that the answer's order cannot come from the bindings'.
      const ineligible = await worker(9_000, { poolingRegion: '340300' });
      await bind(ineligible, patient);
      await update(ineligible.person, { insuranceType: 'employee', status: 'suspended' });
      const pending = await worker(9_000, { poolingRegion: '340100' });
      await bind(pending, patient, 'sibling', false);
      const far = await worker(9_000, { poolingRegion: '340400' });
      await bind(far, patient);
      await setPolicy('340400', { sharingScope: 'region' });
      const empty = await worker(0, { poolingRegion: '340500' });
      await bind(empty, patient);
      expect(await codes(await h.user(patient))).toEqual(['BALANCE_ZERO', 'OUT_OF_REGION', 'BINDING_PENDING', 'SHARER_NOT_ELIGIBLE']);
    });

    test('lists NOT_INSURED before NO_BINDING for an uninsured caller', async () => {
      const user = await h.user(await h.person({ insuranceType: 'none' }));
      expect(await codes(user)).toEqual(['NOT_INSURED', 'NO_BINDING']);
    });

    test('lists NOT_INSURED before BALANCE_ZERO', async () => {
      const empty = await worker(0);
      const patient = await h.person();
      const bindingId = await bind(empty, patient);
      await update(patient, { status: 'terminated' });
      expect(await codes(empty.user, { bindingId })).toEqual(['NOT_INSURED', 'BALANCE_ZERO']);
    });

    test('lists FAMILY_ACCOUNT_ONLY before BINDING_UNBOUND for a family-account member whose binding ended', async () => {
      const w = await worker(10_000);
      const mother = await h.person({ birthDate: '1950-01-01' });
      const { member } = await h.ok('addFamilyAccount', { name: mother.name, idNumber: mother.idNumber, relationship: 'parent' }, w.user.token);
      const bindingId = await bind(w, mother, 'parent');
      await h.ok('unbindRelative', { bindingId }, w.user.token);
      expect(await codes(w.user, { memberId: member.memberId })).toEqual(['FAMILY_ACCOUNT_ONLY', 'BINDING_UNBOUND']);
    });

    test('lists BALANCE_LOW before OUT_OF_REGION', async () => {
      const patient = await h.person({ poolingRegion: '360100' });
      const poor = await worker(1_000, { poolingRegion: '360100' });
      await bind(poor, patient);
      const rich = await worker(1_000_000, { poolingRegion: '360200' });
      await bind(rich, patient);
      await setPolicy('360200', { sharingScope: 'region' });
      expect(await codes(await h.user(patient), { amountFen: 5_000 })).toEqual(['BALANCE_LOW', 'OUT_OF_REGION']);
    });

    test('answers OK when one sharer can pay, whatever is wrong with the others', async () => {
      const patient = await h.person();
      const empty = await worker(0);
      await bind(empty, patient);
      const gone = await worker(9_000);
      await h.ok('unbindRelative', { bindingId: await bind(gone, patient) }, gone.user.token);
      const good = await worker(9_000);
      await bind(good, patient);
      expect(await codes(await h.user(patient))).toEqual(['OK']);
      // Asked about one binding, only that binding is examined.
      expect(await codes(empty.user, { bindingId: (await h.ok('listMembers', {}, empty.user.token)).asSharer[0].bindingId })).toEqual(['BALANCE_ZERO']);
    });
  });

  describe('who may ask about whom', () => {
    test('another person\'s binding or family-account member is NOT_FOUND', async () => {
      const w = await worker(10_000);
      const patient = await h.person({ birthDate: '1950-01-01' });
      const bindingId = await bind(w, patient, 'parent');
      const { member } = await h.ok('addFamilyAccount', { name: patient.name, idNumber: patient.idNumber, relationship: 'parent' }, w.user.token);
      const stranger = await worker(10_000);
      expect(await h.err('diagnose', { bindingId }, stranger.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'bindingId' });
      expect(await h.err('diagnose', { memberId: member.memberId }, stranger.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' });
      expect(await h.err('diagnose', { bindingId: NOBODY }, w.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'bindingId' });
      expect(await h.err('diagnose', { memberId: NOBODY }, w.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' });
      // A binding id is not a member id.
      expect((await h.err('diagnose', { memberId: bindingId }, w.user.token)).code).toBe('NOT_FOUND');
    });

    test('a member removed from the family account can no longer be asked about', async () => {
      const w = await worker(10_000);
      const father = await h.person({ birthDate: '1950-01-01' });
      const { member } = await h.ok('addFamilyAccount', { name: father.name, idNumber: father.idNumber, relationship: 'parent' }, w.user.token);
      await h.ok('removeFamilyAccount', { memberId: member.memberId }, w.user.token);
      expect(await h.err('diagnose', { memberId: member.memberId }, w.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' });
    });

    test('refuses bindingId and memberId together with INVALID_INPUT', async () => {
      const w = await worker(10_000);
      const patient = await h.person({ birthDate: '1950-01-01' });
      const bindingId = await bind(w, patient, 'parent');
      const { member } = await h.ok('addFamilyAccount', { name: patient.name, idNumber: patient.idNumber, relationship: 'parent' }, w.user.token);
      const error = await h.err('diagnose', { bindingId, memberId: member.memberId }, w.user.token);
      expect(error.code).toBe('INVALID_INPUT');
      expect(['bindingId', 'memberId']).toContain(error.field);
    });

    test.each([
      { event: { amountFen: 0 }, field: 'amountFen' },
      { event: { amountFen: -5 }, field: 'amountFen' },
      { event: { amountFen: 1.5 }, field: 'amountFen' },
      { event: { amountFen: '100' }, field: 'amountFen' },
      { event: { amountFen: 100_000_001 }, field: 'amountFen' },
      { event: { bindingId: 'abc' }, field: 'bindingId' },
      { event: { memberId: 7 }, field: 'memberId' },
      { event: { patientIdNumber: '11010519491231002X' }, field: 'patientIdNumber' },
    ])('refuses $event with INVALID_INPUT on $field', async ({ event, field }) => {
      const user = await h.user(await h.person());
      expect(await h.err('diagnose', event, user.token)).toMatchObject({ code: 'INVALID_INPUT', field });
    });

    test('asks an unverified caller to verify first', async () => {
      expect((await h.err('diagnose', {}, (await h.user()).token)).code).toBe('NOT_VERIFIED');
    });
  });

  test('reached every finding of SPEC 2.4 in this suite', () => {
    // QUOTA_SPENT needs quotas (SPEC 2.11, setQuota), which are not built yet: required once they are.
    const unreachable = existsSync('cloudfunctions/setQuota') ? [] : ['QUOTA_SPENT'];
    expect([...seen].sort()).toEqual(DIAGNOSIS_CODES.filter((c) => !unreachable.includes(c)).sort());
  });
});
