import { describe, expect, it } from 'vitest';
import { expireDue } from '../../server/usecases/payabilityWatch';
import { shanghaiToday } from '../../src/rules/age';
import { TickingClock, useHarness, type SettleData } from '../backbone/fixtures';
import { ADAPTERS } from '../support/adapters';
import type { Harness, TestPerson, TestUser } from '../support/harness';
import { account, bindingEntries, bindWithQuota, quotaOf, quotaViolations } from './support';

/**
 * SPEC 2.11 end to end through the cloud functions: the quota is held in the sharer's account,
 * pays the relative's bills across provinces, shrinks and grows back with refunds, and returns
 * to the free balance when the binding ends, whatever ends it; the free balance is all the
 * sharer's own bills and relatives without a quota may use. After every test the invariants of
 * the ledger hold (balance = Σ delta, held = Σ held_delta = Σ live quotas, balance ≥ held ≥ 0).
 */

interface SettleAnswer extends SettleData {
  mulaidSource: null | 'balance' | 'quota';
}

let serial = 0;
const next = (prefix: string) => `${prefix}-${++serial}`;

describe.each(ADAPTERS)('the quota on %s', (adapter) => {
  // Every reading of the clock is a distinct instant: entries and bindings order as they happened.
  const { skip, h: harness } = useHarness(adapter, { clock: new TickingClock() });

  /** A worker of Hebei (石家庄) with a balance, logged in and verified. */
  async function hebeiWorker(h: Harness, balanceFen: number): Promise<{ person: TestPerson; user: TestUser }> {
    const person = await h.employee(balanceFen, { birthDate: '1975-05-05', poolingRegion: '130100' });
    return { person, user: await h.user(person) };
  }

  /** A resident parent in Jiangsu (南京): another province. */
  function jiangsuParent(h: Harness): Promise<TestPerson> {
    return h.person({ birthDate: '1950-02-02', poolingRegion: '320100' });
  }

  async function settle(h: Harness, inst: { key: string }, patient: TestPerson, amountFen: number, serialNo = next('Q')) {
    return h.ok<SettleAnswer>('settle', { serialNo, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen }, inst.key);
  }

  async function kinds(h: Harness, who: TestPerson): Promise<string[]> {
    const { items } = await h.ok('listMessages', { limit: 100 }, await h.tokenOf(who));
    return items.map((m: { kind: string }) => m.kind);
  }

  async function view(h: Harness, user: TestUser, bindingId: string) {
    const { asSharer } = await h.ok('listMembers', {}, user.token);
    return asSharer.find((b: { bindingId: string }) => b.bindingId === bindingId);
  }

  async function expectInvariants(h: Harness) {
    expect(await quotaViolations(h.app.db)).toEqual([]);
  }

  it.skipIf(skip)('a Hebei worker sets a quota for a parent in Jiangsu; a Jiangsu hospital settles from it; unbinding returns the rest', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 100_000);
    const parent = await jiangsuParent(h);
    // Without a quota the provinces stop it (cross-province sharing is off by default) …
    const refused = await h.err(
      'bindRelative',
      { name: parent.name, idNumber: parent.idNumber, relationship: 'parent', acceptUndertaking: true },
      user.token,
    );
    expect(refused.code).toBe('OUT_OF_REGION');
    // … with one, check 8 passes for a relative anywhere in the country.
    const binding = await bindWithQuota(h, user, parent, 30_000);
    expect(binding).toMatchObject({ status: 'active', canPay: true, quotaFen: 30_000, quotaLeftFen: 30_000 });
    expect(await account(h, sharer)).toEqual({ balance: 100_000n, held: 30_000n, free: 70_000n });
    const me = await h.ok('me', {}, user.token);
    expect(me.person).toMatchObject({ balanceFen: 100_000, freeBalanceFen: 70_000 });

    const hospital = await h.institution();
    const paid = await settle(h, hospital, parent, 12_000);
    expect(paid).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 12_000, cashPay: 0, mulaidFailure: null, mulaidSource: 'quota' });
    expect(await account(h, sharer)).toEqual({ balance: 88_000n, held: 18_000n, free: 70_000n });
    expect(await view(h, user, binding.bindingId)).toMatchObject({ quotaFen: 30_000, quotaLeftFen: 18_000, spentFen: 12_000 });
    // The relative sees the quota too.
    const { asRelative } = await h.ok('listMembers', {}, await h.tokenOf(parent));
    expect(asRelative[0]).toMatchObject({ quotaFen: 30_000, quotaLeftFen: 18_000 });

    // A bill above what is left: the quota pays nothing, and the free balance never tops it up.
    const tooMuch = await settle(h, hospital, parent, 20_000);
    expect(tooMuch).toMatchObject({ acctMulaidPay: 0, cashPay: 20_000, mulaidFailure: 'INSUFFICIENT_BALANCE', mulaidSource: null });
    expect(await account(h, sharer)).toEqual({ balance: 88_000n, held: 18_000n, free: 70_000n });

    await h.ok('unbindRelative', { bindingId: binding.bindingId }, user.token);
    expect(await account(h, sharer)).toEqual({ balance: 88_000n, held: 0n, free: 88_000n });
    expect(await quotaOf(h, binding.bindingId)).toEqual({ quota: 30_000n, left: 0n, status: 'unbound' });
    expect(await bindingEntries(h, binding.bindingId)).toEqual([
      { kind: 'quota_hold', delta: 0n, held: 30_000n },
      { kind: 'mulaid_pay', delta: -12_000n, held: -12_000n },
      { kind: 'quota_release', delta: 0n, held: -18_000n },
    ]);
    expect(await kinds(h, sharer)).toContain('quota_released');
    expect(await kinds(h, parent)).toEqual(expect.arrayContaining(['quota_set', 'binding_ended', 'quota_released']));
    // Ended: nothing more is paid from it.
    expect(await settle(h, hospital, parent, 100)).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'NO_SHARER' });
    await expectInvariants(h);
  });

  it.skipIf(skip)('refuses a quota above the free balance with QUOTA_EXCEEDS_BALANCE, holding nothing', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 10_000);
    const parent = await jiangsuParent(h);
    const event = { name: parent.name, idNumber: parent.idNumber, relationship: 'parent', acceptUndertaking: true };
    expect(await h.err('bindRelative', { ...event, quotaFen: 10_001 }, user.token)).toMatchObject({
      code: 'QUOTA_EXCEEDS_BALANCE',
      field: 'quotaFen',
    });
    expect(await account(h, sharer)).toEqual({ balance: 10_000n, held: 0n, free: 10_000n });
    // Nothing was created: the same binding within the balance goes through.
    await bindWithQuota(h, user, parent, 6_000);
    // A second quota sees only the free balance (4,000 left).
    const mother = await h.person({ birthDate: '1952-03-03', poolingRegion: '440100', male: false });
    expect((await h.err('bindRelative', { ...event, name: mother.name, idNumber: mother.idNumber, quotaFen: 4_001 }, user.token)).code).toBe(
      'QUOTA_EXCEEDS_BALANCE',
    );
    await bindWithQuota(h, user, mother, 4_000);
    expect(await account(h, sharer)).toEqual({ balance: 10_000n, held: 10_000n, free: 0n });
    await expectInvariants(h);
  });

  it.skipIf(skip)('the free balance is all that the sharer\'s own bills and a relative without a quota may use', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 50_000);
    const parent = await jiangsuParent(h);
    const child = await h.person({ birthDate: '2005-06-06', poolingRegion: '130100' });
    const quota = await bindWithQuota(h, user, parent, 40_000);
    const plain = await h.bind(user, child, 'child');
    const hospital = await h.institution();

    // The child's binding offers the free balance, 10,000, not the 50,000 in the account.
    expect(await settle(h, hospital, child, 20_000)).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await view(h, user, plain.bindingId)).toMatchObject({ canPay: true });
    expect(await settle(h, hospital, child, 10_000)).toMatchObject({ acctMulaidPay: 10_000, mulaidSource: 'balance' });
    expect(await account(h, sharer)).toEqual({ balance: 40_000n, held: 40_000n, free: 0n });
    expect(await view(h, user, plain.bindingId)).toMatchObject({ canPay: false, blockedBy: 'BALANCE_ZERO' });

    // The sharer's own bill: own account first, from its free balance only (0 now).
    expect(await settle(h, hospital, sharer, 5_000)).toMatchObject({ selfAcctPay: 0, cashPay: 5_000 });
    expect((await h.ok('me', {}, user.token)).person).toMatchObject({ balanceFen: 40_000, freeBalanceFen: 0 });

    // The quota is untouched by all that, and pays the parent in full.
    expect(await settle(h, hospital, parent, 40_000)).toMatchObject({ acctMulaidPay: 40_000, mulaidSource: 'quota' });
    expect(await account(h, sharer)).toEqual({ balance: 0n, held: 0n, free: 0n });
    expect(await view(h, user, quota.bindingId)).toMatchObject({ quotaLeftFen: 0, canPay: false, blockedBy: 'QUOTA_SPENT' });
    // The relative asks why: the quota is spent.
    const { findings } = await h.ok('diagnose', {}, await h.tokenOf(parent));
    expect(findings.map((f: { code: string }) => f.code)).toEqual(['QUOTA_SPENT']);
    await expectInvariants(h);
  });

  it.skipIf(skip)('the largest amount available wins between a quota and a balance, ties to the earliest binding, never combined', async () => {
    const h = harness();
    const patient = await h.person({ birthDate: '1950-07-07', poolingRegion: '130100' });
    // A: same region, no quota, free balance 30,000 (bound first).
    const a = await hebeiWorker(h, 30_000);
    const bindingA = await h.bind(a.user, patient, 'parent');
    // B: another province, a quota of 50,000 out of 200,000.
    const bPerson = await h.employee(200_000, { birthDate: '1978-08-08', poolingRegion: '320100' });
    const b = { person: bPerson, user: await h.user(bPerson) };
    const bindingB = await bindWithQuota(h, b.user, patient, 50_000);
    const hospital = await h.institution();

    // 50,000 of quota beats 30,000 of balance (B's 150,000 of free balance is not B's offer).
    expect(await settle(h, hospital, patient, 20_000)).toMatchObject({ acctMulaidPay: 20_000, mulaidSource: 'quota' });
    expect((await quotaOf(h, bindingB.bindingId)).left).toBe(30_000n);
    // Now 30,000 against 30,000: the earliest binding (A) is chosen, and cannot pay 35,000 alone.
    expect(await settle(h, hospital, patient, 35_000)).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await account(h, a.person)).toMatchObject({ balance: 30_000n });
    expect((await quotaOf(h, bindingB.bindingId)).left).toBe(30_000n);
    const tie = await settle(h, hospital, patient, 25_000);
    expect(tie).toMatchObject({ acctMulaidPay: 25_000, mulaidSource: 'balance' });
    expect(await account(h, a.person)).toMatchObject({ balance: 5_000n });
    expect(bindingA.status).toBe('active');
    await expectInvariants(h);
  });

  it.skipIf(skip)('setQuota raises and lowers the total, keeps what is paid, and only the sharer may', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 100_000);
    const parent = await jiangsuParent(h);
    const binding = await bindWithQuota(h, user, parent, 20_000);
    const hospital = await h.institution();
    await settle(h, hospital, parent, 5_000);
    const set = (amountFen: number, token = user.token) => h.call('setQuota', { bindingId: binding.bindingId, amountFen }, token);

    // Raise: the total becomes 30,000, 25,000 left; 10,000 more held.
    const raised = await set(30_000);
    expect(raised.ok && raised.data).toMatchObject({ binding: { quotaFen: 30_000, quotaLeftFen: 25_000 } });
    expect(await account(h, sharer)).toEqual({ balance: 95_000n, held: 25_000n, free: 70_000n });
    // Above the free balance: refused, nothing changed.
    expect(await h.err('setQuota', { bindingId: binding.bindingId, amountFen: 100_001 }, user.token)).toMatchObject({
      code: 'QUOTA_EXCEEDS_BALANCE',
      field: 'amountFen',
    });
    // Lower: 8,000 in total, 3,000 left; 22,000 back to the free balance.
    await set(8_000);
    expect(await quotaOf(h, binding.bindingId)).toEqual({ quota: 8_000n, left: 3_000n, status: 'active' });
    expect(await account(h, sharer)).toEqual({ balance: 95_000n, held: 3_000n, free: 92_000n });
    // Below what is already paid (5,000): refused with the reason.
    const below = await h.err('setQuota', { bindingId: binding.bindingId, amountFen: 4_999 }, user.token);
    expect(below).toMatchObject({ code: 'INVALID_INPUT', field: 'amountFen' });
    expect(below.message).toContain('¥50.00');
    // Exactly what is paid: nothing left, the binding says its quota is spent.
    await set(5_000);
    expect(await view(h, user, binding.bindingId)).toMatchObject({ quotaFen: 5_000, quotaLeftFen: 0, canPay: false, blockedBy: 'QUOTA_SPENT' });
    // The same amount again changes nothing and writes nothing.
    const before = (await bindingEntries(h, binding.bindingId)).length;
    await set(5_000);
    expect((await bindingEntries(h, binding.bindingId)).length).toBe(before);
    expect((await bindingEntries(h, binding.bindingId)).map((e) => [e.kind, e.held])).toEqual([
      ['quota_hold', 20_000n],
      ['mulaid_pay', -5_000n],
      ['quota_hold', 10_000n],
      ['quota_release', -22_000n],
      ['quota_release', -3_000n],
    ]);

    // The relative may not set it; another worker does not see it; an unverified user must verify.
    expect((await h.err('setQuota', { bindingId: binding.bindingId, amountFen: 1 }, await h.tokenOf(parent))).code).toBe('FORBIDDEN');
    const other = await hebeiWorker(h, 1_000);
    expect((await h.err('setQuota', { bindingId: binding.bindingId, amountFen: 1 }, other.user.token)).code).toBe('NOT_FOUND');
    expect((await h.err('setQuota', { bindingId: binding.bindingId, amountFen: 1 }, (await h.user()).token)).code).toBe('NOT_VERIFIED');
    // Both sides were told of every change.
    expect((await kinds(h, sharer)).filter((k) => k === 'quota_set').length).toBe(3);
    expect((await kinds(h, parent)).filter((k) => k === 'quota_set').length).toBe(4); // at binding, and the three changes
    // A binding without a quota gets one: from then on it pays from it only.
    const child = await h.person({ birthDate: '2004-04-04', poolingRegion: '130100' });
    const plain = await h.bind(user, child, 'child');
    const given = await h.ok('setQuota', { bindingId: plain.bindingId, amountFen: 1_000 }, user.token);
    expect(given.binding).toMatchObject({ quotaFen: 1_000, quotaLeftFen: 1_000 });
    expect(await settle(h, hospital, child, 1_001)).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await settle(h, hospital, child, 1_000)).toMatchObject({ acctMulaidPay: 1_000, mulaidSource: 'quota' });
    // An ended binding has no quota to set.
    await h.ok('unbindRelative', { bindingId: plain.bindingId }, user.token);
    expect((await h.err('setQuota', { bindingId: plain.bindingId, amountFen: 10 }, user.token)).code).toBe('FORBIDDEN');
    await expectInvariants(h);
  });

  it.skipIf(skip)('a pending request holds its quota at once; declining returns it and tells the sharer', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 20_000);
    const parent = await jiangsuParent(h);
    const pending = await bindWithQuota(h, user, parent, 15_000, { confirm: false });
    expect(pending).toMatchObject({ status: 'pending', quotaFen: 15_000, quotaLeftFen: 15_000 });
    expect(await account(h, sharer)).toEqual({ balance: 20_000n, held: 15_000n, free: 5_000n });
    // It pays nothing before the relative agrees, and its amount is the one they are asked about.
    const hospital = await h.institution();
    expect(await settle(h, hospital, parent, 100)).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'NO_SHARER' });
    expect((await h.err('setQuota', { bindingId: pending.bindingId, amountFen: 1_000 }, user.token)).code).toBe('FORBIDDEN');
    await h.ok('declineBinding', { bindingId: pending.bindingId }, await h.tokenOf(parent));
    expect(await quotaOf(h, pending.bindingId)).toEqual({ quota: 15_000n, left: 0n, status: 'declined' });
    expect(await account(h, sharer)).toEqual({ balance: 20_000n, held: 0n, free: 20_000n });
    expect(await kinds(h, sharer)).toEqual(expect.arrayContaining(['binding_declined', 'quota_released']));
    // Confirmed, the same request pays.
    const again = await bindWithQuota(h, user, parent, 15_000);
    expect(again.status).toBe('active');
    expect(await settle(h, hospital, parent, 15_000)).toMatchObject({ acctMulaidPay: 15_000, mulaidSource: 'quota' });
    await expectInvariants(h);
  });

  it.skipIf(skip)('refunds go back into the quota while the binding lives, and to the free balance after it ended', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 50_000);
    const parent = await jiangsuParent(h);
    const binding = await bindWithQuota(h, user, parent, 20_000);
    const hospital = await h.institution();
    const first = next('R');
    await settle(h, hospital, parent, 12_000, first);
    expect(await account(h, sharer)).toEqual({ balance: 38_000n, held: 8_000n, free: 30_000n });

    const back = await h.ok('refund', { serialNo: first, refundSerialNo: next('RF'), amountFen: 5_000 }, hospital.key);
    expect(back).toMatchObject({ toMulaid: 5_000, toSelf: 0 });
    expect(await quotaOf(h, binding.bindingId)).toMatchObject({ left: 13_000n });
    expect(await account(h, sharer)).toEqual({ balance: 43_000n, held: 13_000n, free: 30_000n });
    const refundEntry = (await bindingEntries(h, binding.bindingId)).at(-1);
    expect(refundEntry).toEqual({ kind: 'refund', delta: 5_000n, held: 5_000n });

    // Unbound: 13,000 return to the free balance; a later refund lands there too.
    await h.ok('unbindRelative', { bindingId: binding.bindingId }, await h.tokenOf(parent));
    expect(await account(h, sharer)).toEqual({ balance: 43_000n, held: 0n, free: 43_000n });
    await h.ok('refund', { serialNo: first, refundSerialNo: next('RF'), amountFen: 7_000 }, hospital.key);
    expect(await account(h, sharer)).toEqual({ balance: 50_000n, held: 0n, free: 50_000n });
    expect(await quotaOf(h, binding.bindingId)).toMatchObject({ left: 0n, status: 'unbound' });
    // The unbind by the relative told the sharer both things.
    expect(await kinds(h, sharer)).toEqual(expect.arrayContaining(['binding_ended', 'quota_released']));
    await expectInvariants(h);
  });

  it.skipIf(skip)('a binding that expires returns its quota with the expiry, and both are told', async () => {
    const h = harness();
    const { person: sharer, user } = await hebeiWorker(h, 30_000);
    const parent = await jiangsuParent(h);
    const today = shanghaiToday(h.clock.now());
    const endsOn = new Date(Date.parse(`${today}T00:00:00Z`) + 2 * 86400_000).toISOString().slice(0, 10);
    const binding = await bindWithQuota(h, user, parent, 9_000, { endsOn });
    const hospital = await h.institution();
    await settle(h, hospital, parent, 1_000);
    const saved = h.clock.now();
    try {
      h.clock.advance(3 * 86400);
      const now = h.clock.now();
      // Expired by its date, it pays nothing even before it is recorded.
      expect(await settle(h, hospital, parent, 100)).toMatchObject({ acctMulaidPay: 0 });
      const expired = await h.app.db.transaction((tx) => expireDue(tx, now, shanghaiToday(now), 'b.binding_id = $2', [binding.bindingId]));
      expect(expired).toBe(1);
      expect(await quotaOf(h, binding.bindingId)).toEqual({ quota: 9_000n, left: 0n, status: 'expired' });
      expect(await account(h, sharer)).toEqual({ balance: 29_000n, held: 0n, free: 29_000n });
      expect(await kinds(h, sharer)).toEqual(expect.arrayContaining(['binding_expired', 'quota_released']));
      expect(await kinds(h, parent)).toEqual(expect.arrayContaining(['binding_expired', 'quota_released']));
      // A second run finds nothing to do and tells nobody twice.
      expect(await h.app.db.transaction((tx) => expireDue(tx, now, shanghaiToday(now), 'true', []))).toBe(0);
    } finally {
      h.clock.set(saved);
    }
    await expectInvariants(h);
  });
});
