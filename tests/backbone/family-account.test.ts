import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import type { Relationship } from '../../src/rules/relationship';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, type TestPerson, type TestUser } from '../support/harness';

/** SPEC 2.5: the 亲情账户 — showing a relative's own code; no money of the user moves. */

const FULL_ID_NUMBER = /\d{17}[\dX]/;
const MASKED_ID_NUMBER = /^\d{4}\*{10}[\dX]{4}$/;

describe.each(ADAPTERS)('family account on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip('PostgreSQL is not reachable at 127.0.0.1:5432: this variant is SKIPPED', () => undefined);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let h: Harness;
  let institution: { key: string };
  let serial = 0;

  beforeAll(async () => {
    if (skip) return;
    h = await Harness.create(getDb());
    institution = await h.institution();
  });

  const event = (person: TestPerson, relationship: Relationship = 'parent') => ({
    name: person.name,
    idNumber: person.idNumber,
    relationship,
  });
  const add = async (user: TestUser, person: TestPerson, relationship: Relationship = 'parent') =>
    (await h.ok('addFamilyAccount', event(person, relationship), user.token)).member;
  const list = async (user: TestUser) => (await h.ok('listFamilyAccount', {}, user.token)).members as Array<Record<string, any>>;
  const owner = async () => h.user(await h.employee(30_000, { birthDate: '1980-01-01' }));

  test('adds a relative, lists them and removes them', async () => {
    const user = await owner();
    const father = await h.person({ name: '张老汉', birthDate: '1950-02-02', poolingRegion: '130200' });
    const member = await add(user, father);
    expect(member).toEqual({
      memberId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: '张老汉',
      idNumberMasked: `${father.idNumber.slice(0, 4)}**********${father.idNumber.slice(14)}`,
      relationship: 'parent',
      insuranceType: 'resident',
      poolingRegion: '130200',
      createdAt: h.clock.now().toISOString(),
      hasMutualAid: false,
      // An adult member agrees before their code is shown (SPEC 2.8).
      consent: 'pending',
    });
    expect(await list(user)).toEqual([member]);
    expect((await h.ok('listFamilyAccount', {}, user.token)).asMember).toEqual([]);

    const removed = await h.ok('removeFamilyAccount', { memberId: member.memberId }, user.token);
    expect(removed.member.memberId).toBe(member.memberId);
    expect(await list(user)).toEqual([]);
    expect((await h.err('removeFamilyAccount', { memberId: member.memberId }, user.token)).code).toBe('NOT_FOUND');
  });

  test('holds at most 5 relatives, and takes one again after a removal', async () => {
    const user = await owner();
    const members = [];
    for (let i = 0; i < 5; i += 1) members.push(await add(user, await h.person(), 'sibling'));
    const sixth = await h.person();
    const error = await h.err('addFamilyAccount', event(sixth, 'sibling'), user.token);
    expect(error.code).toBe('LIMIT_REACHED');
    expect(error.message).toContain('5');
    expect(await list(user)).toHaveLength(5);
    await h.ok('removeFamilyAccount', { memberId: members[2]?.memberId }, user.token);
    await add(user, sixth, 'sibling');
    expect((await list(user)).map((m) => m.name)).toContain(sixth.name);
  });

  test('refuses the same relative twice with ALREADY_BOUND, and accepts them again after a removal', async () => {
    const user = await owner();
    const mother = await h.person({ birthDate: '1952-01-01' });
    const member = await add(user, mother);
    expect((await h.err('addFamilyAccount', event(mother), user.token)).code).toBe('ALREADY_BOUND');
    await h.ok('removeFamilyAccount', { memberId: member.memberId }, user.token);
    const again = await add(user, mother);
    expect(again.memberId).not.toBe(member.memberId);
  });

  test('lets two users keep the same relative, each in their own account', async () => {
    const grandmother = await h.person({ birthDate: '1940-01-01' });
    const first = await owner();
    const second = await owner();
    await add(first, grandmother, 'grandparent');
    await add(second, grandmother, 'grandparent');
    expect(await list(first)).toHaveLength(1);
    expect(await list(second)).toHaveLength(1);
  });

  test('only the owner sees, shows and removes a member: NOT_FOUND for anyone else', async () => {
    const user = await owner();
    const member = await add(user, await h.person());
    const other = await owner();
    expect(await list(other)).toEqual([]);
    expect(await h.err('removeFamilyAccount', { memberId: member.memberId }, other.token)).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' });
    expect(await h.err('showFamilyCode', { memberId: member.memberId }, other.token)).toMatchObject({ code: 'NOT_FOUND', field: 'memberId' });
    expect((await h.err('diagnose', { memberId: member.memberId }, other.token)).code).toBe('NOT_FOUND');
    expect(await list(user)).toHaveLength(1);
  });

  test('does not need an employee: a resident may keep a family account too', async () => {
    const resident = await h.user(await h.person({ birthDate: '1985-01-01' }));
    const child = await h.person({ birthDate: '2012-01-01' });
    const member = await add(resident, child, 'child');
    expect(member.name).toBe(child.name);
    // A child under the consent age needs no agreement: the code is shown at once.
    expect(member.consent).toBe('not_needed');
    await h.ok('showFamilyCode', { memberId: member.memberId }, resident.token);
  });

  test.each([
    { what: 'an unverified user', expected: 'NOT_VERIFIED', setup: async () => ({ user: await h.user(), person: await h.person() }) },
    {
      what: 'the user themselves',
      expected: 'SELF_BINDING',
      setup: async () => {
        const me = await h.person();
        return { user: await h.user(me), person: me };
      },
    },
    {
      what: 'a bad ID number',
      expected: 'INVALID_ID_NUMBER',
      setup: async () => ({ user: await owner(), person: { ...(await h.person()), idNumber: '110105194912310021' } }),
    },
    {
      what: 'an uninsured relative',
      expected: 'RELATIVE_NOT_INSURED',
      setup: async () => ({ user: await owner(), person: await h.person({ insuranceType: 'none' }) }),
    },
    {
      what: 'a wrong name',
      expected: 'RELATIVE_NOT_INSURED',
      setup: async () => ({ user: await owner(), person: { ...(await h.person()), name: '别人' } }),
    },
    {
      what: 'a number nobody has',
      expected: 'RELATIVE_NOT_INSURED',
      setup: async () => ({
        user: await owner(),
        person: { idNumber: makeIdNumber('130100', '1950-01-01', 951), name: '无此人', poolingRegion: '130100', birthDate: '1950-01-01' },
      }),
    },
  ])('refuses $what with $expected', async ({ setup, expected }) => {
    const { user, person } = await setup();
    expect((await h.err('addFamilyAccount', event(person), user.token)).code).toBe(expected);
  });

  test('shows a short-lived code that names no ID number', async () => {
    const user = await owner();
    const father = await h.person({ birthDate: '1950-03-03' });
    const member = await add(user, father);
    // Not before the father agrees (SPEC 2.8) …
    expect((await h.err('showFamilyCode', { memberId: member.memberId }, user.token)).code).toBe('FORBIDDEN');
    const fatherToken = await h.tokenOf(father);
    const [invitation] = (await h.ok('listFamilyAccount', {}, fatherToken)).asMember;
    expect(invitation).toMatchObject({ memberId: member.memberId, relationship: 'parent', consent: 'pending' });
    expect((await h.ok('confirmFamilyMember', { memberId: member.memberId }, fatherToken)).member.consent).toBe('confirmed');
    expect((await list(user))[0]?.consent).toBe('confirmed');
    // … then shown.
    const shown = await h.ok('showFamilyCode', { memberId: member.memberId }, user.token);
    expect(shown.code).toMatch(/^YB1[0-9A-Z_-]+$/);
    expect(shown.name).toBe(father.name);
    expect(shown.idNumberMasked).toMatch(MASKED_ID_NUMBER);
    const ttl = (Date.parse(shown.expiresAt) - h.clock.now().getTime()) / 1000;
    expect(ttl).toBeGreaterThanOrEqual(120);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(ttl).toBe(180);
    const text = JSON.stringify(shown);
    expect(text).not.toContain(father.idNumber);
    expect(text).not.toContain(father.idNumber.slice(0, 14));
    expect(text).not.toMatch(FULL_ID_NUMBER);
    // A later code is a different code.
    h.clock.advance(181);
    const later = await h.ok('showFamilyCode', { memberId: member.memberId }, user.token);
    expect(later.code).not.toBe(shown.code);
    // A removed member's code is no longer shown.
    await h.ok('removeFamilyAccount', { memberId: member.memberId }, user.token);
    expect((await h.err('showFamilyCode', { memberId: member.memberId }, user.token)).code).toBe('NOT_FOUND');
  });

  test('flags members with whom the user also has mutual aid (hasMutualAid)', async () => {
    const worker = await h.employee(30_000, { birthDate: '1980-01-01' });
    const user = await h.user(worker);
    const mother = await h.person({ birthDate: '1951-01-01' });
    const father = await h.person({ birthDate: '1949-01-01' });
    await add(user, mother);
    await add(user, father);
    const { bindingId } = await h.bind(user, mother, 'parent');
    const flags = async () => Object.fromEntries((await list(user)).map((m) => [m.name, m.hasMutualAid]));
    expect(await flags()).toEqual({ [mother.name]: true, [father.name]: false });
    await h.ok('unbindRelative', { bindingId }, user.token);
    expect(await flags()).toEqual({ [mother.name]: false, [father.name]: false });
  });

  test('moves no money of the owner: a family-account member\'s bill is not paid from the owner\'s account', async () => {
    const worker = await h.employee(30_000, { birthDate: '1980-01-01' });
    const user = await h.user(worker);
    const father = await h.person({ birthDate: '1950-01-01' });
    await add(user, father);
    const answer = await h.ok(
      'settle',
      { serialNo: `F${++serial}`, patientIdNumber: father.idNumber, kind: 'pharmacy', amountFen: 1_000 },
      institution.key,
    );
    expect(answer).toMatchObject({ acctMulaidPay: 0, cashPay: 1_000, mulaidFailure: 'NO_SHARER' });
    expect(await h.balance(worker)).toBe(30_000n);
    expect((await h.ok('listMembers', {}, user.token)).asSharer).toEqual([]);
  });

  test('refuses malformed member ids with INVALID_INPUT', async () => {
    const user = await owner();
    for (const name of ['removeFamilyAccount', 'showFamilyCode', 'confirmFamilyMember']) {
      expect(await h.err(name, { memberId: 'x' }, user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'memberId' });
      expect(await h.err(name, {}, user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'memberId' });
    }
    expect(await h.err('listFamilyAccount', { all: true }, user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'all' });
  });

  test('keeps 5 as the limit when six additions arrive at once', async () => {
    const user = await owner();
    const people = await Promise.all(Array.from({ length: 6 }, () => h.person()));
    const results = await Promise.all(people.map((p) => h.call('addFamilyAccount', event(p, 'sibling'), user.token)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code))).toEqual(['LIMIT_REACHED']);
    expect(await list(user)).toHaveLength(5);
  });
});
