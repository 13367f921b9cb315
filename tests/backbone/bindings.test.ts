import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import type { PersonInput } from '../../server/usecases/admin';
import { shanghaiToday } from '../../src/rules/age';
import type { Relationship } from '../../src/rules/relationship';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, ledgerMismatches, type TestPerson, type TestUser } from '../support/harness';

/** SPEC 2.1 (who may bind whom, in order), confirmation, unbinding and listMembers. */

const FULL_ID_NUMBER = /\d{17}[\dX]/;
const MASKED_ID_NUMBER = /^\d{4}\*{10}[\dX]{4}$/;

type Err = { code: string; message: string; field?: string };

describe.each(ADAPTERS)('bindings on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip('PostgreSQL is not reachable at 127.0.0.1:5432: this variant is SKIPPED', () => undefined);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let h: Harness;
  let institution: { code: string; key: string };
  let serial = 0;
  /** Every answer of every function called through `h`, to look for full ID numbers at the end. */
  const answers: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    h = await Harness.create(getDb());
    const call = h.call.bind(h);
    h.call = (async (name: string, event: unknown, bearer?: string) => {
      const envelope = await call(name, event, bearer);
      answers.push(`${name}: ${JSON.stringify(envelope)}`);
      return envelope;
    }) as Harness['call'];
    institution = await h.institution();
  });

  /** A verified employee with money, born 1980 unless told otherwise. */
  async function sharer(options: Partial<PersonInput> & { birthDate?: string } = {}): Promise<{ person: TestPerson; user: TestUser }> {
    const person = await h.employee(options.balanceFen ?? 100_000, { birthDate: '1980-05-05', ...options });
    return { person, user: await h.user(person) };
  }

  /** A bindRelative event with the undertaking accepted (SPEC 2.1). */
  const bindEvent = (relative: TestPerson, relationship: Relationship) => ({
    name: relative.name,
    idNumber: relative.idNumber,
    relationship,
    acceptUndertaking: true,
  });

  const tryBind = (user: TestUser, relative: TestPerson, relationship: Relationship): Promise<Err> =>
    h.err('bindRelative', bindEvent(relative, relationship), user.token);

  const setPolicy = (scope: string, settings: Record<string, unknown>) => h.ok('setPolicy', { scope, ...settings }, h.adminKey);

  const settle = (patient: TestPerson, amountFen: number) =>
    h.ok('settle', { serialNo: `B${++serial}`, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen }, institution.key);

  const update = (person: TestPerson, change: Partial<PersonInput>) =>
    h.ok(
      'upsertPersons',
      { persons: [{ idNumber: person.idNumber, name: person.name, insuranceType: 'resident', status: 'active', poolingRegion: person.poolingRegion, ...change }] },
      h.adminKey,
    );

  /** A valid ID number that nobody in the registry has. */
  let unknownSeq = 0;
  const unknownPerson = (birthDate = '1990-01-01', region = '130100'): TestPerson => ({
    idNumber: makeIdNumber(region, birthDate, 700 + ++unknownSeq),
    name: '无此人',
    poolingRegion: region,
    birthDate,
  });

  describe('1–2: who may share', () => {
    test('refuses a caller who has not verified their identity with NOT_VERIFIED', async () => {
      const relative = await h.person();
      const user = await h.user();
      expect((await tryBind(user, relative, 'spouse')).code).toBe('NOT_VERIFIED');
    });

    test.each([
      { who: 'a resident-insured caller', change: { insuranceType: 'resident' as const } },
      { who: 'an uninsured caller', change: { insuranceType: 'none' as const } },
      { who: 'a suspended employee', change: { insuranceType: 'employee' as const, status: 'suspended' as const, balanceFen: 5000 } },
      { who: 'a terminated employee', change: { insuranceType: 'employee' as const, status: 'terminated' as const, balanceFen: 5000 } },
    ])('refuses $who with SHARER_NOT_EMPLOYEE', async ({ change }) => {
      const caller = await h.person({ birthDate: '1980-01-01', ...change });
      const user = await h.user(caller);
      const relative = await h.person({ birthDate: '2010-01-01' });
      expect((await tryBind(user, relative, 'child')).code).toBe('SHARER_NOT_EMPLOYEE');
    });

    test('refuses an employee whose insurance was suspended after verifying', async () => {
      const { person, user } = await sharer();
      const relative = await h.person({ birthDate: '2010-01-01' });
      await update(person, { insuranceType: 'employee', status: 'suspended' });
      expect((await tryBind(user, relative, 'child')).code).toBe('SHARER_NOT_EMPLOYEE');
    });
  });

  describe('3: the relative\'s ID number', () => {
    test.each([
      { what: 'a wrong check character', idNumber: '110105194912310021' },
      { what: '17 characters', idNumber: '11010519491231002' },
      { what: '19 characters', idNumber: '11010519491231002X1' },
      { what: 'an empty number', idNumber: '' },
      { what: 'a province that does not exist', idNumber: makeIdNumber('000000', '1990-01-01', 11) },
      { what: 'an impossible birth date', idNumber: makeIdNumber('130100', '1990-02-29', 11) },
      { what: 'a birth date in the future', idNumber: makeIdNumber('130100', '2099-01-01', 11) },
      { what: 'a letter inside', idNumber: '1101051949123100AX' },
    ])('refuses $what with INVALID_ID_NUMBER on idNumber', async ({ idNumber }) => {
      const { user } = await sharer();
      const error = await h.err('bindRelative', { name: '张三', idNumber, relationship: 'spouse', acceptUndertaking: true }, user.token);
      expect(error).toMatchObject({ code: 'INVALID_ID_NUMBER', field: 'idNumber' });
      expect(error.message).toMatch(/[\u4e00-\u9fff]/);
    });

    test('accepts a lower-case x and spaces around the number', async () => {
      let sequence = 100;
      while (!makeIdNumber('130100', '1982-02-02', sequence).endsWith('X')) sequence += 2;
      const relative = await h.person({ idNumber: makeIdNumber('130100', '1982-02-02', sequence), birthDate: '1982-02-02' });
      const { user } = await sharer();
      const { binding } = await h.ok(
        'bindRelative',
        { name: relative.name, idNumber: ` ${relative.idNumber.toLowerCase()}  `, relationship: 'spouse', acceptUndertaking: true },
        user.token,
      );
      // An adult relative confirms first (consent from 16 by default, SPEC 2.6).
      expect(binding.status).toBe('pending');
      expect(binding.relative.idNumberMasked.endsWith('X')).toBe(true);
    });

    test('refuses a name that is too long or empty as INVALID_INPUT on name', async () => {
      const { user } = await sharer();
      for (const name of ['', '   ', '张'.repeat(65)]) {
        expect(await h.err('bindRelative', { name, idNumber: '11010519491231002X', relationship: 'spouse', acceptUndertaking: true }, user.token)).toMatchObject({
          code: 'INVALID_INPUT',
          field: 'name',
        });
      }
      expect(await h.err('bindRelative', { name: '张三', idNumber: '11010519491231002X', relationship: 'cousin', acceptUndertaking: true }, user.token)).toMatchObject({
        code: 'INVALID_INPUT',
        field: 'relationship',
      });
    });
  });

  describe('4: self', () => {
    test.each(['spouse', 'sibling', 'parent', 'child'] as const)('refuses the caller themselves as %s with SELF_BINDING', async (relationship) => {
      const { person, user } = await sharer();
      expect(await tryBind(user, person, relationship)).toMatchObject({ code: 'SELF_BINDING' });
    });
  });

  describe('5: relationship scope of the region policy', () => {
    beforeAll(async () => {
      if (skip) return;
      await setPolicy('14', { relativeScope: 'close' }); // 山西: close relatives only …
      await setPolicy('140200', { relativeScope: 'near' }); // … except 大同, which widened
      await setPolicy('150100', { relativeScope: 'close' }); // 呼和浩特 alone narrowed
    });

    test.each([
      { region: '130100', relationship: 'sibling' as const, allowed: true, why: 'default near' },
      { region: '140100', relationship: 'sibling' as const, allowed: false, why: 'province close' },
      { region: '140100', relationship: 'grandparent' as const, allowed: false, why: 'province close' },
      { region: '140100', relationship: 'grandchild' as const, allowed: false, why: 'province close' },
      { region: '140100', relationship: 'spouse' as const, allowed: true, why: 'province close' },
      { region: '140100', relationship: 'parent' as const, allowed: true, why: 'province close' },
      { region: '140100', relationship: 'child' as const, allowed: true, why: 'province close' },
      { region: '140200', relationship: 'sibling' as const, allowed: true, why: 'region near over province close' },
      { region: '150100', relationship: 'sibling' as const, allowed: false, why: 'region close over province near' },
      { region: '150200', relationship: 'sibling' as const, allowed: true, why: 'province near, other region' },
    ])('in $region ($why) a $relationship is allowed: $allowed', async ({ region, relationship, allowed }) => {
      const { user } = await sharer({ poolingRegion: region });
      const birthDate = { parent: '1950-01-01', grandparent: '1930-01-01', child: '2005-01-01', grandchild: '2020-01-01' }[relationship as string] ?? '1981-01-01';
      const relative = await h.person({ poolingRegion: region, birthDate });
      const answer = await h.call('bindRelative', bindEvent(relative, relationship), user.token);
      if (allowed) expect(answer.ok).toBe(true);
      else expect(answer.ok ? null : answer.error).toMatchObject({ code: 'RELATIONSHIP_NOT_ALLOWED', field: 'relationship' });
    });

    test('decides by the caller\'s region, not the relative\'s', async () => {
      const { user } = await sharer({ poolingRegion: '140200' }); // near
      const relative = await h.person({ poolingRegion: '140100', birthDate: '1982-01-01' }); // close region
      expect((await h.bind(user, relative, 'sibling')).status).toBe('active');
    });
  });

  describe('6: relationships the birth dates make impossible', () => {
    test.each([
      { relationship: 'parent' as const, born: '1990-01-01', why: 'born after the worker' },
      { relationship: 'parent' as const, born: '1980-05-05', why: 'born the same day as the worker' },
      { relationship: 'grandparent' as const, born: '1981-01-01', why: 'born after the worker' },
      { relationship: 'child' as const, born: '1970-01-01', why: 'born before the worker' },
      { relationship: 'child' as const, born: '1980-05-05', why: 'born the same day as the worker' },
      { relationship: 'grandchild' as const, born: '1979-12-31', why: 'born before the worker' },
    ])('refuses a $relationship $why with RELATIONSHIP_IMPOSSIBLE', async ({ relationship, born }) => {
      const { user } = await sharer({ birthDate: '1980-05-05' });
      const relative = await h.person({ birthDate: born });
      expect(await tryBind(user, relative, relationship)).toMatchObject({ code: 'RELATIONSHIP_IMPOSSIBLE', field: 'relationship' });
    });

    test.each([
      { relationship: 'spouse' as const, born: '1950-01-01' },
      { relationship: 'spouse' as const, born: '2000-01-01' },
      { relationship: 'sibling' as const, born: '1960-01-01' },
      { relationship: 'parent' as const, born: '1980-05-04' },
      { relationship: 'child' as const, born: '1980-05-06' },
    ])('accepts a $relationship born $born', async ({ relationship, born }) => {
      const { user } = await sharer({ birthDate: '1980-05-05' });
      const relative = await h.person({ birthDate: born });
      expect((await h.bind(user, relative, relationship)).status).toBe('active');
    });
  });

  describe('7: the relative is insured', () => {
    test('gives the same answer for not found, wrong name, suspended, terminated and uninsured', async () => {
      const { user } = await sharer();
      const suspended = await h.person({ status: 'suspended' });
      const terminated = await h.person({ status: 'terminated' });
      const uninsured = await h.person({ insuranceType: 'none' });
      const named = await h.person({ name: '周八' });
      const errors = [
        await tryBind(user, unknownPerson(), 'spouse'),
        await tryBind(user, { ...named, name: '周九' }, 'spouse'),
        await tryBind(user, suspended, 'spouse'),
        await tryBind(user, terminated, 'spouse'),
        await tryBind(user, uninsured, 'spouse'),
      ];
      expect(errors[0]).toMatchObject({ code: 'RELATIVE_NOT_INSURED', field: 'idNumber' });
      for (const error of errors) expect(error).toEqual(errors[0]);
    });

    test('accepts resident-insured and employee-insured relatives', async () => {
      const { user } = await sharer();
      expect((await h.bind(user, await h.person({ insuranceType: 'resident' }), 'sibling')).status).toBe('active');
      expect((await h.bind(user, await h.employee(0), 'sibling')).status).toBe('active');
    });
  });

  describe('8: regions', () => {
    beforeAll(async () => {
      if (skip) return;
      await setPolicy('21', { sharingScope: 'region' }); // 辽宁: same pooling region only
      await setPolicy('41', { sharingScope: 'national' }); // 河南: anywhere
    });

    test.each([
      { sharerRegion: '130100', relativeRegion: '130100', allowed: true, why: 'same pooling region' },
      { sharerRegion: '130100', relativeRegion: '130200', allowed: true, why: 'same province, default scope province' },
      { sharerRegion: '130100', relativeRegion: '110100', allowed: false, why: 'another province, default' },
      { sharerRegion: '210100', relativeRegion: '210100', allowed: true, why: 'same pooling region under scope region' },
      { sharerRegion: '210100', relativeRegion: '210200', allowed: false, why: 'another pooling region under scope region' },
      { sharerRegion: '410100', relativeRegion: '110100', allowed: true, why: 'another province under scope national' },
      { sharerRegion: '110100', relativeRegion: '410100', allowed: false, why: 'the sharer\'s region decides, not the relative\'s' },
    ])('$why: allowed $allowed', async ({ sharerRegion, relativeRegion, allowed }) => {
      const { user } = await sharer({ poolingRegion: sharerRegion });
      const relative = await h.person({ poolingRegion: relativeRegion });
      const answer = await h.call('bindRelative', bindEvent(relative, 'spouse'), user.token);
      expect(answer.ok ? 'ok' : answer.error.code).toBe(allowed ? 'ok' : 'OUT_OF_REGION');
    });

    test('uses the registry\'s pooling region, never the division code in the ID number', async () => {
      const { user } = await sharer({ poolingRegion: '130100' });
      // Born in Beijing, insured in 石家庄: allowed.
      const movedIn = await h.person({ idNumber: makeIdNumber('110105', '1983-03-03', 31), birthDate: '1983-03-03', poolingRegion: '130100' });
      expect((await h.bind(user, movedIn, 'spouse')).status).toBe('active');
      // Born in 石家庄, insured in Beijing: refused.
      const movedOut = await h.person({ idNumber: makeIdNumber('130100', '1960-03-03', 33), birthDate: '1960-03-03', poolingRegion: '110100' });
      expect((await tryBind(user, movedOut, 'parent')).code).toBe('OUT_OF_REGION');
    });
  });

  describe('9–10: already bound, and the limit', () => {
    test('refuses a pair that is already actively bound with ALREADY_BOUND', async () => {
      const { user } = await sharer();
      const relative = await h.person();
      // (Bound as a sibling: a second binding as spouse is refused as a second spouse first, check 6.)
      await h.bind(user, relative, 'sibling');
      expect((await tryBind(user, relative, 'sibling')).code).toBe('ALREADY_BOUND');
      expect((await tryBind(user, relative, 'spouse')).code).toBe('ALREADY_BOUND');
    });

    test('lets two workers share with the same relative', async () => {
      const first = await sharer();
      const second = await sharer();
      const parent = await h.person({ birthDate: '1950-01-01' });
      await h.bind(first.user, parent, 'parent');
      expect((await h.bind(second.user, parent, 'parent')).status).toBe('active');
    });

    test('refuses the ninth relative under the default maximum of 8, and takes one again after an unbind', async () => {
      const { user } = await sharer();
      const bindings = [];
      for (let i = 0; i < 8; i += 1) bindings.push(await h.bind(user, await h.person(), 'sibling'));
      const ninth = await h.person();
      const error = await tryBind(user, ninth, 'sibling');
      expect(error.code).toBe('LIMIT_REACHED');
      expect(error.message).toContain('8');
      await h.ok('unbindRelative', { bindingId: bindings[0]?.bindingId }, user.token);
      expect((await h.bind(user, ninth, 'sibling')).status).toBe('active');
    });

    test('applies a region\'s maximum of 2', async () => {
      await setPolicy('420100', { maxRelatives: 2 });
      const { user } = await sharer({ poolingRegion: '420100' });
      await h.bind(user, await h.person({ poolingRegion: '420100' }), 'sibling');
      await h.bind(user, await h.person({ poolingRegion: '420200' }), 'sibling');
      const error = await tryBind(user, await h.person({ poolingRegion: '420100' }), 'sibling');
      expect(error.code).toBe('LIMIT_REACHED');
      expect(error.message).toContain('2');
    });

    test('counts pending bindings towards the limit', async () => {
      await setPolicy('420500', { maxRelatives: 2, consentFromAge: 0 });
      const { user } = await sharer({ poolingRegion: '420500' });
      const unconfirmed = { confirm: false };
      expect((await h.bind(user, await h.person({ poolingRegion: '420500' }), 'sibling', unconfirmed)).status).toBe('pending');
      expect((await h.bind(user, await h.person({ poolingRegion: '420500' }), 'sibling', unconfirmed)).status).toBe('pending');
      expect((await tryBind(user, await h.person({ poolingRegion: '420500' }), 'sibling')).code).toBe('LIMIT_REACHED');
    });

    test('lets exactly 8 of 12 simultaneous bindings of one worker through', async () => {
      const { user } = await sharer();
      const relatives = await Promise.all(Array.from({ length: 12 }, () => h.person()));
      const results = await Promise.all(relatives.map((r) => h.call('bindRelative', bindEvent(r, 'sibling'), user.token)));
      const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
      expect(codes.filter((c) => c === 'ok')).toHaveLength(8);
      expect(codes.filter((c) => c === 'LIMIT_REACHED')).toHaveLength(4);
      const { asSharer } = await h.ok('listMembers', {}, user.token);
      // Adult relatives: every binding waits for its relative's consent (SPEC 2.6).
      expect(asSharer).toHaveLength(8);
      expect(asSharer.filter((b: { status: string }) => b.status === 'pending')).toHaveLength(8);
    });

    test('binds a pair once when the same binding is sent several times at once', async () => {
      const { user } = await sharer();
      const relative = await h.person();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => h.call('bindRelative', bindEvent(relative, 'sibling'), user.token)));
      const codes = results.map((r) => (r.ok ? 'ok' : r.error.code)).sort();
      expect(codes).toEqual(['ALREADY_BOUND', 'ALREADY_BOUND', 'ALREADY_BOUND', 'ALREADY_BOUND', 'ok']);
    });
  });

  describe('11: rate limit', () => {
    test('refuses attempts beyond BIND_ATTEMPTS_PER_HOUR with RATE_LIMITED, and accepts again an hour later', async () => {
      const limited = await Harness.create(getDb(), { BIND_ATTEMPTS_PER_HOUR: '3' }, h.clock);
      const { user } = await sharer();
      for (let i = 0; i < 3; i += 1) {
        expect((await limited.err('bindRelative', bindEvent(unknownPerson(), 'spouse'), user.token)).code).toBe('RELATIVE_NOT_INSURED');
      }
      const relative = await h.person();
      // Past the limit, even an unknown person is not looked up: the form cannot enumerate the registry.
      expect((await limited.err('bindRelative', bindEvent(unknownPerson(), 'spouse'), user.token)).code).toBe('RATE_LIMITED');
      expect((await limited.err('bindRelative', bindEvent(relative, 'spouse'), user.token)).code).toBe('RATE_LIMITED');
      // The family account's lookups draw on the same budget.
      const { acceptUndertaking: _, ...memberEvent } = bindEvent(relative, 'spouse');
      expect((await limited.err('addFamilyAccount', memberEvent, user.token)).code).toBe('RATE_LIMITED');
      // Checks that do not consult the registry still answer first.
      expect((await limited.err('bindRelative', { ...bindEvent(relative, 'spouse'), idNumber: '123' }, user.token)).code).toBe('INVALID_ID_NUMBER');
      // Another worker has a budget of their own.
      const other = await sharer();
      await limited.ok('bindRelative', bindEvent(await h.person(), 'spouse'), other.user.token);
      limited.clock.advance(3600);
      expect((await limited.ok('bindRelative', bindEvent(relative, 'spouse'), user.token)).binding.status).toBe('pending');
    });
  });

  describe('the order of the checks', () => {
    beforeAll(async () => {
      if (skip) return;
      await setPolicy('22', { sharingScope: 'province' }); // changed to region inside a test below
    });

    test.each([
      {
        rules: 'unverified caller, bad ID number',
        expected: 'NOT_VERIFIED',
        setup: async () => ({ user: await h.user(), event: { name: '张三', idNumber: '123', relationship: 'parent' } }),
      },
      {
        rules: 'resident caller, bad ID number',
        expected: 'SHARER_NOT_EMPLOYEE',
        setup: async () => ({ user: await h.user(await h.person()), event: { name: '张三', idNumber: '123', relationship: 'parent' } }),
      },
      {
        rules: 'resident caller, no undertaking',
        expected: 'SHARER_NOT_EMPLOYEE',
        setup: async () => {
          const { acceptUndertaking: _, ...event } = bindEvent(await h.person({ birthDate: '1950-01-01' }), 'parent');
          return { user: await h.user(await h.person({ birthDate: '1980-01-01' })), event };
        },
      },
      {
        rules: 'no undertaking, bad ID number',
        expected: 'UNDERTAKING_REQUIRED',
        setup: async () => ({ user: (await sharer()).user, event: { name: '张三', idNumber: '123', relationship: 'parent' } }),
      },
      {
        rules: 'undertaking refused (false), self',
        expected: 'UNDERTAKING_REQUIRED',
        setup: async () => {
          const { person, user } = await sharer();
          return { user, event: { ...bindEvent(person, 'spouse'), acceptUndertaking: false } };
        },
      },
      {
        rules: 'bad ID number, impossible relationship, not-allowed relationship',
        expected: 'INVALID_ID_NUMBER',
        setup: async () => ({
          user: (await sharer({ poolingRegion: '140100' })).user,
          event: { name: '张三', idNumber: '130100209901010011', relationship: 'grandparent', acceptUndertaking: true },
        }),
      },
      {
        rules: 'self, impossible relationship',
        expected: 'SELF_BINDING',
        setup: async () => {
          const { person, user } = await sharer();
          return { user, event: bindEvent(person, 'parent') };
        },
      },
      {
        rules: 'self, relationship the policy does not allow',
        expected: 'SELF_BINDING',
        setup: async () => {
          const { person, user } = await sharer({ poolingRegion: '140100' });
          return { user, event: bindEvent(person, 'sibling') };
        },
      },
      {
        rules: 'relationship not allowed and impossible, relative unknown',
        expected: 'RELATIONSHIP_NOT_ALLOWED',
        setup: async () => ({ user: (await sharer({ poolingRegion: '140100' })).user, event: bindEvent(unknownPerson('2000-01-01'), 'grandparent') }),
      },
      {
        rules: 'impossible relationship, relative unknown',
        expected: 'RELATIONSHIP_IMPOSSIBLE',
        setup: async () => ({ user: (await sharer()).user, event: bindEvent(unknownPerson('2000-01-01'), 'parent') }),
      },
      {
        rules: 'a second spouse, relative unknown',
        expected: 'RELATIONSHIP_IMPOSSIBLE',
        setup: async () => {
          const { user } = await sharer();
          await h.bind(user, await h.person({ birthDate: '1981-01-01' }), 'spouse', { confirm: false });
          return { user, event: bindEvent(unknownPerson('1982-01-01'), 'spouse') };
        },
      },
      {
        rules: 'relative suspended and in another province',
        expected: 'RELATIVE_NOT_INSURED',
        setup: async () => ({ user: (await sharer()).user, event: bindEvent(await h.person({ status: 'suspended', poolingRegion: '110100' }), 'spouse') }),
      },
      {
        rules: 'relative out of region and already bound',
        expected: 'OUT_OF_REGION',
        setup: async () => {
          const { user } = await sharer({ poolingRegion: '220100' });
          const relative = await h.person({ poolingRegion: '220200' });
          await h.bind(user, relative, 'sibling');
          await setPolicy('22', { sharingScope: 'region' });
          return { user, event: bindEvent(relative, 'sibling') };
        },
      },
      {
        rules: 'already bound and at the limit',
        expected: 'ALREADY_BOUND',
        setup: async () => {
          await setPolicy('420300', { maxRelatives: 1 });
          const { user } = await sharer({ poolingRegion: '420300' });
          const relative = await h.person({ poolingRegion: '420300' });
          await h.bind(user, relative, 'sibling');
          return { user, event: bindEvent(relative, 'sibling') };
        },
      },
    ])('$rules: answers $expected', async ({ setup, expected }) => {
      const { user, event } = await setup();
      expect((await h.err('bindRelative', event, user.token)).code).toBe(expected);
    });
  });

  describe('confirmation', () => {
    /** A relative who is exactly `years` old today (Asia/Shanghai), or one day short of it. */
    function bornYearsAgo(years: number, dayShort = false): string {
      const today = shanghaiToday(h.clock.now());
      const date = new Date(`${Number(today.slice(0, 4)) - years}${today.slice(4)}T00:00:00Z`);
      if (dayShort) date.setUTCDate(date.getUTCDate() + 1);
      return date.toISOString().slice(0, 10);
    }

    beforeAll(async () => {
      if (!skip) await setPolicy('430100', { consentFromAge: 18 });
    });

    test.each([
      { age: '18 today', dayShort: false, status: 'pending' },
      { age: 'one day short of 18', dayShort: true, status: 'active' },
    ])('a relative $age starts $status where relatives of 18 must confirm', async ({ dayShort, status }) => {
      const { user } = await sharer({ poolingRegion: '430100' });
      const relative = await h.person({ poolingRegion: '430100', birthDate: bornYearsAgo(18, dayShort) });
      expect((await h.bind(user, relative, 'child', { confirm: false })).status).toBe(status);
    });

    test('a pending binding pays nothing until the relative confirms it, then pays', async () => {
      const { person: worker, user } = await sharer({ poolingRegion: '430100', balanceFen: 50_000 });
      const relative = await h.person({ poolingRegion: '430100', birthDate: '1955-01-01' });
      const binding = await h.bind(user, relative, 'parent', { confirm: false });
      expect(binding.status).toBe('pending');
      expect((await tryBind(user, relative, 'parent')).code).toBe('ALREADY_BOUND');

      const before = await settle(relative, 3_000);
      expect(before).toMatchObject({ acctMulaidPay: 0, cashPay: 3_000, mulaidFailure: 'NO_SHARER' });
      expect(await h.balance(worker)).toBe(50_000n);

      const relativeUser = await h.user(relative);
      const { asRelative } = await h.ok('listMembers', {}, relativeUser.token);
      expect(asRelative).toEqual([expect.objectContaining({ bindingId: binding.bindingId, status: 'pending' })]);
      const confirmed = await h.ok('confirmBinding', { bindingId: binding.bindingId }, relativeUser.token);
      expect(confirmed.binding.status).toBe('active');
      // Confirming again changes nothing.
      expect((await h.ok('confirmBinding', { bindingId: binding.bindingId }, relativeUser.token)).binding.status).toBe('active');

      const after = await settle(relative, 3_000);
      expect(after).toMatchObject({ acctMulaidPay: 3_000, cashPay: 0, mulaidFailure: null });
      expect(await h.balance(worker)).toBe(47_000n);
      expect(await ledgerMismatches(h.app)).toEqual([]);
    });

    test('only the relative may confirm: the sharer is FORBIDDEN, anyone else NOT_FOUND', async () => {
      const { user } = await sharer({ poolingRegion: '430100' });
      const relative = await h.person({ poolingRegion: '430100', birthDate: '1955-01-01' });
      const { bindingId } = await h.bind(user, relative, 'parent', { confirm: false });
      expect((await h.err('confirmBinding', { bindingId }, user.token)).code).toBe('FORBIDDEN');
      const stranger = await h.user(await h.person());
      expect(await h.err('confirmBinding', { bindingId }, stranger.token)).toMatchObject({ code: 'NOT_FOUND' });
      expect((await h.err('confirmBinding', { bindingId }, (await h.user()).token)).code).toBe('NOT_VERIFIED');
      expect((await h.err('confirmBinding', { bindingId: '00000000-0000-4000-8000-000000000000' }, user.token)).code).toBe('NOT_FOUND');
      expect(await h.err('confirmBinding', { bindingId: 'not-a-binding' }, user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'bindingId' });
      const { asSharer } = await h.ok('listMembers', {}, user.token);
      expect(asSharer[0].status).toBe('pending');
    });

    test('an ended binding cannot be confirmed back to life', async () => {
      const { user } = await sharer({ poolingRegion: '430100' });
      const relative = await h.person({ poolingRegion: '430100', birthDate: '1955-01-01' });
      const { bindingId } = await h.bind(user, relative, 'parent', { confirm: false });
      await h.ok('unbindRelative', { bindingId }, user.token);
      const relativeUser = await h.user(relative);
      expect((await h.err('confirmBinding', { bindingId }, relativeUser.token)).code).toBe('FORBIDDEN');
      expect((await settle(relative, 100)).mulaidFailure).toBe('NO_SHARER');
    });
  });

  describe('unbinding', () => {
    test('the sharer ends a binding at once, and ending it again changes nothing', async () => {
      const { user } = await sharer();
      const relative = await h.person();
      const { bindingId } = await h.bind(user, relative, 'spouse');
      const first = await h.ok('unbindRelative', { bindingId }, user.token);
      expect(first.binding).toMatchObject({ bindingId, status: 'unbound', endedAt: h.clock.now().toISOString() });
      h.clock.advance(5);
      const second = await h.ok('unbindRelative', { bindingId }, user.token);
      expect(second.binding).toEqual(first.binding);
      expect((await settle(relative, 500)).mulaidFailure).toBe('NO_SHARER');
    });

    test('the relative may leave a binding', async () => {
      const { user } = await sharer();
      const relative = await h.person();
      const { bindingId } = await h.bind(user, relative, 'spouse');
      const relativeUser = await h.user(relative);
      expect((await h.ok('unbindRelative', { bindingId }, relativeUser.token)).binding.status).toBe('unbound');
      const { asSharer } = await h.ok('listMembers', {}, user.token);
      expect(asSharer).toEqual([expect.objectContaining({ bindingId, status: 'unbound', endedAt: expect.any(String), endedBy: 'relative' })]);
    });

    test('nobody else can end a binding: NOT_FOUND', async () => {
      const { user } = await sharer();
      const { bindingId } = await h.bind(user, await h.person(), 'spouse');
      const stranger = await sharer();
      expect(await h.err('unbindRelative', { bindingId }, stranger.user.token)).toMatchObject({ code: 'NOT_FOUND', field: 'bindingId' });
      expect((await h.err('unbindRelative', { bindingId: '00000000-0000-4000-8000-000000000000' }, user.token)).code).toBe('NOT_FOUND');
      expect(await h.err('unbindRelative', { bindingId: 42 }, user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'bindingId' });
      expect((await h.ok('listMembers', {}, user.token)).asSharer[0].status).toBe('active');
    });

    test('binds the same relative again after an unbind, and keeps the history of both', async () => {
      const { person: worker, user } = await sharer({ balanceFen: 20_000 });
      const relative = await h.person();
      const first = await h.bind(user, relative, 'spouse');
      const paid = await settle(relative, 1_234);
      expect(paid.acctMulaidPay).toBe(1_234);
      await h.ok('unbindRelative', { bindingId: first.bindingId }, user.token);
      h.clock.advance(1);
      const second = await h.bind(user, relative, 'spouse');
      expect(second.bindingId).not.toBe(first.bindingId);
      expect(second.status).toBe('active');

      const { asSharer } = await h.ok('listMembers', {}, user.token);
      expect(asSharer.map((b: { bindingId: string; status: string; spentFen: number }) => [b.bindingId, b.status, b.spentFen])).toEqual([
        [second.bindingId, 'active', 0],
        [first.bindingId, 'unbound', 1_234],
      ]);
      const records = await h.ok('listRecords', {}, user.token);
      expect(records.items.map((r: { bindingId: string }) => r.bindingId)).toEqual([first.bindingId]);
      const relativeUser = await h.user(relative);
      expect((await h.ok('listRecords', { role: 'relative' }, relativeUser.token)).totalFen).toBe(1_234);
      expect(await h.balance(worker)).toBe(20_000n - 1_234n);
    });

    test('an unverified caller gets NOT_VERIFIED', async () => {
      expect((await h.err('unbindRelative', { bindingId: '00000000-0000-4000-8000-000000000000' }, (await h.user()).token)).code).toBe('NOT_VERIFIED');
      expect((await h.err('listMembers', {}, (await h.user()).token)).code).toBe('NOT_VERIFIED');
    });
  });

  describe('listMembers', () => {
    test('the sharer sees full names; the relative sees the sharer\'s name masked; ID numbers are always masked', async () => {
      const worker = await h.employee(60_000, { name: '张三丰', birthDate: '1980-05-05' });
      const workerUser = await h.user(worker);
      const wife = await h.person({ name: '李四娘', birthDate: '1982-02-02', poolingRegion: '130200' });
      const { bindingId } = await h.bind(workerUser, wife, 'spouse');
      await settle(wife, 2_500);

      const mine = await h.ok('listMembers', {}, workerUser.token);
      expect(mine).toEqual({
        asSharer: [
          {
            bindingId,
            status: 'active',
            canPay: true,
            blockedBy: null,
            viewerRole: 'sharer',
            canLeave: true,
            relationship: 'spouse',
            createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
            sharer: { name: '张三丰', idNumberMasked: `${worker.idNumber.slice(0, 4)}**********${worker.idNumber.slice(14)}` },
            relative: {
              name: '李四娘',
              idNumberMasked: `${wife.idNumber.slice(0, 4)}**********${wife.idNumber.slice(14)}`,
              insuranceType: 'resident',
              poolingRegion: '130200',
            },
            spentFen: 2_500,
            spentThisMonthFen: 2_500,
            // She is resident-insured: her premium is what he may pay for her (SPEC 2.12).
            premium: { year: expect.any(Number), amountFen: 40_000, window: '09-01..12-31', open: expect.any(Boolean), paid: false },
          },
        ],
        asRelative: [],
      });

      const wifeUser = await h.user(wife);
      const hers = await h.ok('listMembers', {}, wifeUser.token);
      expect(hers.asSharer).toEqual([]);
      expect(hers.asRelative).toHaveLength(1);
      expect(hers.asRelative[0]).toMatchObject({
        bindingId,
        viewerRole: 'relative',
        canLeave: true,
        sharer: { name: '张**' },
        relative: { name: '李四娘' },
        spentFen: 2_500,
      });
      for (const binding of [...mine.asSharer, ...hers.asRelative]) {
        expect(binding.sharer.idNumberMasked).toMatch(MASKED_ID_NUMBER);
        expect(binding.relative.idNumberMasked).toMatch(MASKED_ID_NUMBER);
      }
      expect(JSON.stringify([mine, hers])).not.toMatch(FULL_ID_NUMBER);
    });

    test('lists newest first and shows nobody else\'s bindings', async () => {
      const { user } = await sharer();
      const first = await h.bind(user, await h.person(), 'sibling');
      h.clock.advance(1);
      const second = await h.bind(user, await h.person(), 'sibling');
      const { asSharer } = await h.ok('listMembers', {}, user.token);
      expect(asSharer.map((b: { bindingId: string }) => b.bindingId)).toEqual([second.bindingId, first.bindingId]);
      const stranger = await sharer();
      expect(await h.ok('listMembers', {}, stranger.user.token)).toEqual({ asSharer: [], asRelative: [] });
    });
  });

  test('never shows a full ID number in any answer of this suite', () => {
    expect(answers.length).toBeGreaterThan(200);
    const leaks = answers.filter((answer) => !answer.startsWith('createInstitution') && FULL_ID_NUMBER.test(answer));
    expect(leaks).toEqual([]);
  });
});
