import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters';
import { ledgerMismatches, type TestUser } from '../support/harness';
import { personId, updatePerson, useHarness } from '../backbone/fixtures';

interface Message {
  kind: string;
  title: string;
  body: string;
}

describe.each(ADAPTERS)('代缴: paying a relative\'s resident premium on %s (SPEC 2.12)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  const told = async (token: string): Promise<Message[]> =>
    ((await h().ok('listMessages', { limit: 100 }, token)).items as Message[]).filter((m) => m.kind === 'premium_paid');

  /** A sharer with `balanceFen` and a bound relative (resident-insured unless told otherwise). */
  async function family(balanceFen: number, relative: { poolingRegion?: string; insuranceType?: 'resident' | 'none' | 'employee' } = {}) {
    const sharerPerson = await h().employee(balanceFen, { birthDate: '1975-05-05' });
    const mother =
      relative.insuranceType === 'employee'
        ? await h().employee(1_000, { birthDate: '1950-05-05', poolingRegion: relative.poolingRegion ?? '130100' })
        : await h().person({ birthDate: '1950-05-05', male: false, poolingRegion: relative.poolingRegion ?? '130100' });
    const sharer = await h().user(sharerPerson);
    const { bindingId } = await h().bind(sharer, mother, 'parent');
    // An uninsured relative was bound while insured; her insurance lapsed since (a binding only ends when it is terminated).
    if (relative.insuranceType === 'none') await updatePerson(h(), mother, { insuranceType: 'none' });
    return { sharerPerson, sharer, mother, bindingId };
  }

  it.skipIf(skip)('pays the policy amount once: one ledger entry, a record and a message for both, and never twice whoever pays', async () => {
    h().clock.set('2026-10-08T02:00:00Z');
    const { sharerPerson, sharer, mother, bindingId } = await family(1_000_000);
    const paid = await h().ok('payPremium', { bindingId, year: 2027 }, sharer.token);
    expect(paid).toEqual({ paymentId: expect.any(String), amountFen: 40_000, year: 2027 });
    expect(await h().balance(sharerPerson)).toBe(960_000n);
    const entries = await h().app.db.query<{ kind: string; delta_fen: bigint; balance_after_fen: bigint }>(
      "SELECT kind, delta_fen, balance_after_fen FROM ledger_entries WHERE person_id = $1 AND kind = 'premium_pay'",
      [await personId(h(), sharerPerson)],
    );
    expect(entries).toEqual([{ kind: 'premium_pay', delta_fen: -40_000n, balance_after_fen: 960_000n }]);
    expect(await ledgerMismatches(h().app)).toEqual([]);

    // In the records of both, as a record of kind `premium`.
    const mine = await h().ok('listRecords', { role: 'sharer' }, sharer.token);
    expect(mine.items).toEqual([
      expect.objectContaining({ kind: 'premium', settlementId: paid.paymentId, amountFen: 40_000, refundedFen: 0, bindingId, relationship: 'parent', premiumYear: 2027 }),
    ]);
    expect(mine.items[0].institutionName).toContain('2027 年度城乡居民医保费');
    expect(mine.totalFen).toBe(40_000);
    const hers = await h().tokenOf(mother);
    const theirs = await h().ok('listRecords', { role: 'relative' }, hers);
    expect(theirs.items).toEqual([expect.objectContaining({ kind: 'premium', amountFen: 40_000, premiumYear: 2027 })]);
    expect(theirs.items[0].sharer.name).not.toBe(sharerPerson.name); // masked to the relative, as for payments

    // Both are told, once.
    const toSharer = await told(sharer.token);
    expect(toSharer).toHaveLength(1);
    expect(toSharer[0]!.body).toContain('2027 年度城乡居民医保费 ¥400.00');
    const toMother = await told(hers);
    expect(toMother).toHaveLength(1);
    expect(toMother[0]!.title).toBe('家人为您缴纳了居民医保费');

    // A retry, and her other child, are refused: nothing moves.
    expect((await h().err('payPremium', { bindingId, year: 2027 }, sharer.token)).code).toBe('PREMIUM_ALREADY_PAID');
    const brother = await h().user(await h().employee(500_000, { birthDate: '1978-07-07' }));
    const his = await h().bind(brother, mother, 'parent');
    expect((await h().err('payPremium', { bindingId: his.bindingId, year: 2027 }, brother.token)).code).toBe('PREMIUM_ALREADY_PAID');
    expect(await h().balance(sharerPerson)).toBe(960_000n);
    expect(await h().balance(brother.person!)).toBe(500_000n);
    expect(await told(sharer.token)).toHaveLength(1);
  });

  it.skipIf(skip)('offers the sharer the premium on the binding: its year, amount and window, open or not, paid or not', async () => {
    h().clock.set('2026-08-20T02:00:00Z'); // before the window of 2027 opens (09-01)
    const { sharerPerson, bindingId } = await family(1_000_000);
    // The clock jumps weeks: each look logs in afresh (a session lasts 7 days).
    const offered = async () => ((await h().ok('listMembers', {}, (await h().user(sharerPerson)).token)).asSharer as Array<{ bindingId: string; premium?: unknown }>).find((b) => b.bindingId === bindingId)?.premium;
    expect(await offered()).toEqual({ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: false, paid: false });
    h().clock.set('2026-09-01T02:00:00Z');
    expect(await offered()).toEqual({ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: false });
    await h().ok('payPremium', { bindingId, year: 2027 }, (await h().user(sharerPerson)).token);
    expect(await offered()).toEqual({ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: true });
    h().clock.set('2027-01-05T02:00:00Z'); // after the window: the next one, for 2028
    expect(await offered()).toEqual({ year: 2028, amountFen: 40_000, window: '09-01..12-31', open: false, paid: false });
  });

  it.skipIf(skip)('offers no premium for an employee-insured relative, nor to the relative', async () => {
    h().clock.set('2026-10-08T02:00:00Z');
    const { sharer, mother } = await family(1_000_000, { insuranceType: 'employee' });
    expect((await h().ok('listMembers', {}, sharer.token)).asSharer[0].premium).toBeUndefined();
    const other = await family(1_000_000);
    const theirs = await h().ok('listMembers', {}, await h().tokenOf(other.mother));
    expect(theirs.asRelative[0].premium).toBeUndefined();
    void mother;
  });

  it.skipIf(skip)('the window is that of the relative\'s region, by Asia/Shanghai days; the premium of Y is paid in the window of Y − 1', async () => {
    const pay = (f: { bindingId: string; sharer: TestUser }, year: number) => h().call('payPremium', { bindingId: f.bindingId, year }, f.sharer.token);

    // 23:59:59 on 31 August in Shanghai (15:59:59 UTC): not yet.
    h().clock.set('2026-08-31T15:59:59Z');
    const first = await family(1_000_000);
    h().clock.set('2026-08-31T15:59:59Z');
    const early = await h().err('payPremium', { bindingId: first.bindingId, year: 2027 }, first.sharer.token);
    expect(early).toMatchObject({ code: 'OUTSIDE_PREMIUM_WINDOW', field: 'year' });
    expect(early.message).toContain('2026-09-01 至 2026-12-31');
    // 00:00 on 1 September in Shanghai (16:00 UTC the day before): open, for next year only.
    h().clock.set('2026-08-31T16:00:00Z');
    expect((await h().err('payPremium', { bindingId: first.bindingId, year: 2026 }, first.sharer.token)).code).toBe('OUTSIDE_PREMIUM_WINDOW');
    expect((await h().err('payPremium', { bindingId: first.bindingId, year: 2028 }, first.sharer.token)).code).toBe('OUTSIDE_PREMIUM_WINDOW');
    expect((await pay(first, 2027)).ok).toBe(true);
    // The last second of 31 December in Shanghai is still in; 1 January is out.
    h().clock.set('2026-12-31T15:00:00Z');
    const lastDay = await family(1_000_000);
    const late = await family(1_000_000);
    h().clock.set('2026-12-31T15:59:59Z');
    expect((await pay(lastDay, 2027)).ok).toBe(true);
    h().clock.set('2026-12-31T16:00:00Z');
    expect((await h().err('payPremium', { bindingId: late.bindingId, year: 2027 }, late.sharer.token)).code).toBe('OUTSIDE_PREMIUM_WINDOW');
    expect((await h().err('payPremium', { bindingId: late.bindingId, year: 2028 }, late.sharer.token)).code).toBe('OUTSIDE_PREMIUM_WINDOW');

    // Another region's policy: a window across the new year and its own amount (the relative's region decides).
    await h().ok('setPolicy', { scope: '130200', premiumWindow: '10-15..02-28', residentPremiumFen: 38_000 }, h().adminKey);
    h().clock.set('2026-10-08T02:00:00Z');
    const tangshan = await family(1_000_000, { poolingRegion: '130200' });
    const closed = await h().err('payPremium', { bindingId: tangshan.bindingId, year: 2027 }, tangshan.sharer.token);
    expect(closed.code).toBe('OUTSIDE_PREMIUM_WINDOW');
    expect(closed.message).toContain('2026-10-15 至 2027-02-28');
    h().clock.set('2027-01-10T02:00:00Z');
    tangshan.sharer.token = await h().login(tangshan.sharer.phone);
    expect((await h().err('payPremium', { bindingId: tangshan.bindingId, year: 2028 }, tangshan.sharer.token)).code).toBe('OUTSIDE_PREMIUM_WINDOW');
    expect(await h().ok('payPremium', { bindingId: tangshan.bindingId, year: 2027 }, tangshan.sharer.token)).toMatchObject({ amountFen: 38_000, year: 2027 });
    expect(await h().balance(tangshan.sharerPerson)).toBe(962_000n);
  });

  it.skipIf(skip)('who may pay for whom: the sharer of an active binding, for a resident-insured or uninsured relative, from enough balance', async () => {
    h().clock.set('2026-11-02T02:00:00Z');
    const { sharer, mother, bindingId } = await family(1_000_000, { insuranceType: 'none' });
    const hers = await h().tokenOf(mother);
    expect((await h().err('payPremium', { bindingId, year: 2027 }, hers)).code).toBe('FORBIDDEN');
    const stranger = await h().user(await h().employee(1_000_000, { birthDate: '1980-01-01' }));
    expect((await h().err('payPremium', { bindingId, year: 2027 }, stranger.token)).code).toBe('NOT_FOUND');
    expect(await h().ok('payPremium', { bindingId, year: 2027 }, sharer.token)).toMatchObject({ amountFen: 40_000 }); // uninsured: may be enrolled by paying

    const employee = await family(1_000_000, { insuranceType: 'employee' });
    const refusal = await h().err('payPremium', { bindingId: employee.bindingId, year: 2027 }, employee.sharer.token);
    expect(refusal.code).toBe('FORBIDDEN');
    expect(refusal.message).toContain('职工医保');

    const poor = await family(39_999);
    const low = await h().err('payPremium', { bindingId: poor.bindingId, year: 2027 }, poor.sharer.token);
    expect(low.code).toBe('FORBIDDEN');
    expect(low.message).toContain('余额不足');
    expect(await h().balance(poor.sharerPerson)).toBe(39_999n);
    expect(await h().app.db.query('SELECT 1 FROM premium_payments WHERE binding_id = $1', [poor.bindingId])).toEqual([]);

    const pendingSharer = await h().user(await h().employee(1_000_000, { birthDate: '1976-06-06' }));
    const aunt = await h().person({ birthDate: '1960-01-01', male: false });
    const pending = await h().bind(pendingSharer, aunt, 'sibling', { confirm: false });
    expect(pending.status).toBe('pending');
    expect((await h().err('payPremium', { bindingId: pending.bindingId, year: 2027 }, pendingSharer.token)).code).toBe('FORBIDDEN');

    const ended = await family(1_000_000);
    await h().ok('unbindRelative', { bindingId: ended.bindingId }, ended.sharer.token);
    expect((await h().err('payPremium', { bindingId: ended.bindingId, year: 2027 }, ended.sharer.token)).code).toBe('FORBIDDEN');
  });

  it.skipIf(skip)('two family members paying the same premium at the same moment: exactly one pays', async () => {
    h().clock.set('2026-09-15T02:00:00Z');
    const mother = await h().person({ birthDate: '1948-08-08', male: false });
    const children = await Promise.all([
      h().employee(100_000, { birthDate: '1972-01-01' }),
      h().employee(100_000, { birthDate: '1974-01-01' }),
    ]);
    const users = [await h().user(children[0]), await h().user(children[1])];
    const bindings = [await h().bind(users[0]!, mother, 'parent'), await h().bind(users[1]!, mother, 'parent')];
    for (let round = 0; round < 3; round += 1) {
      const year = 2027;
      const answers = await Promise.all([
        h().call('payPremium', { bindingId: bindings[0]!.bindingId, year }, users[0]!.token),
        h().call('payPremium', { bindingId: bindings[1]!.bindingId, year }, users[1]!.token),
        h().call('payPremium', { bindingId: bindings[0]!.bindingId, year }, users[0]!.token),
      ]);
      const ok = answers.filter((a) => a.ok);
      expect(ok.length).toBe(round === 0 ? 1 : 0);
      for (const a of answers) if (!a.ok) expect(a.error.code).toBe('PREMIUM_ALREADY_PAID');
    }
    const rows = await h().app.db.query('SELECT 1 FROM premium_payments WHERE relative_id = $1', [await personId(h(), mother)]);
    expect(rows).toHaveLength(1);
    const balances = [await h().balance(children[0]), await h().balance(children[1])].sort((a, b) => (a! < b! ? -1 : 1));
    expect(balances).toEqual([60_000n, 100_000n]);
    expect(await ledgerMismatches(h().app)).toEqual([]);
  });

  it.skipIf(skip)('setPolicy takes and checks the premium window and amount', async () => {
    const { policy } = await h().ok('setPolicy', { scope: '13', premiumWindow: '09-01..12-20', residentPremiumFen: 41_000 }, h().adminKey);
    expect(policy).toMatchObject({ premiumWindow: '09-01..12-20', residentPremiumFen: 41_000 });
    // Other settings keep their values.
    expect((await h().ok('setPolicy', { scope: '13', maxRelatives: 8 }, h().adminKey)).policy).toMatchObject({ premiumWindow: '09-01..12-20', residentPremiumFen: 41_000 });
    // A region without an override inherits the province's.
    expect((await h().ok('setPolicy', { scope: '130300', maxRelatives: 8 }, h().adminKey)).policy).toMatchObject({ premiumWindow: '09-01..12-20', residentPremiumFen: 41_000 });
    for (const premiumWindow of ['13-01..12-31', '02-29..12-31', '09-01-12-31', '9-1..12-31', '09-31..12-31', '09-01..12-31..', '']) {
      expect(await h().err('setPolicy', { scope: '13', premiumWindow }, h().adminKey)).toMatchObject({ code: 'INVALID_INPUT', field: 'premiumWindow' });
    }
    for (const residentPremiumFen of [0, -1, 100_000_001, 1.5, '40000']) {
      expect(await h().err('setPolicy', { scope: '13', residentPremiumFen }, h().adminKey)).toMatchObject({ code: 'INVALID_INPUT', field: 'residentPremiumFen' });
    }
    await h().ok('setPolicy', { scope: '13', premiumWindow: '09-01..12-31', residentPremiumFen: 40_000 }, h().adminKey);
  });
});
