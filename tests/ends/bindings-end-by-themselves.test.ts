import { describe, expect, it } from 'vitest';
import { Scheduler, serverJobs } from '../../server/workers/scheduler';
import { ADAPTERS } from '../support/adapters';
import { updatePerson, useHarness, type SettleData } from '../backbone/fixtures';

interface Message {
  kind: string;
  title: string;
  body: string;
  ref?: Record<string, unknown>;
}

describe.each(ADAPTERS)('bindings that end by themselves on %s (SPEC 2.1)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  const messages = async (token: string, kind: string): Promise<Message[]> =>
    ((await h().ok('listMessages', { limit: 100 }, token)).items as Message[]).filter((m) => m.kind === kind);

  it.skipIf(skip)("a relative whose insurance ends: the binding ends at once, says why, pays nothing, and both are told", async () => {
    const sharer = await h().employee(500_000, { birthDate: '1970-02-02' });
    const mother = await h().person({ birthDate: '1945-05-05', male: false });
    const son = await h().person({ birthDate: '2015-06-06' });
    const user = await h().user(sharer);
    const hers = await h().tokenOf(mother);
    const { bindingId } = await h().bind(user, mother, 'parent');
    const other = await h().bind(user, son, 'child');
    const hospital = await h().institution();

    await updatePerson(h(), mother, { insuranceType: 'resident', status: 'terminated' });

    const { asSharer } = await h().ok('listMembers', {}, user.token);
    const ended = asSharer.find((b: { bindingId: string }) => b.bindingId === bindingId);
    expect(ended).toMatchObject({ status: 'unbound', endedBy: 'system', endedReason: 'insurance_ended', canPay: false });
    expect(asSharer.find((b: { bindingId: string }) => b.bindingId === other.bindingId)).toMatchObject({ status: 'active', canPay: true });
    expect(asSharer.find((b: { bindingId: string }) => b.bindingId === other.bindingId).endedReason).toBeUndefined();

    const toSharer = await messages(user.token, 'binding_ended_automatically');
    expect(toSharer).toHaveLength(1);
    expect(toSharer[0]!.title).toBe('家庭共济关系已自动解除');
    expect(toSharer[0]!.body).toContain(`因${mother.name}的医保参保关系已终止`);
    const toMother = await messages(hers, 'binding_ended_automatically');
    expect(toMother).toHaveLength(1);
    expect(toMother[0]!.body).toContain('因您的医保参保关系已终止');

    // Her bills find no sharer any more (her insurance is reactivated to show the binding is gone, not just blocked).
    await updatePerson(h(), mother, { insuranceType: 'resident', status: 'active' });
    const bill = await h().ok<SettleData>('settle', { serialNo: 'END-1', patientIdNumber: mother.idNumber, kind: 'outpatient', amountFen: 1_000 }, hospital.key);
    expect(bill).toMatchObject({ acctMulaidPay: 0, mulaidFailure: 'NO_SHARER' });
    expect(await h().balance(sharer)).toBe(500_000n);
  });

  it.skipIf(skip)('a sharer who moves to another pooling region: every live binding of theirs ends (active and pending), once', async () => {
    const sharer = await h().employee(300_000, { birthDate: '1972-03-03', poolingRegion: '130100' });
    const wife = await h().person({ birthDate: '1974-04-04', male: false });
    const father = await h().person({ birthDate: '1944-04-04' });
    const user = await h().user(sharer);
    const hers = await h().tokenOf(wife);
    const his = await h().tokenOf(father);
    const pending = await h().bind(user, wife, 'spouse', { confirm: false });
    expect(pending.status).toBe('pending');
    const active = await h().bind(user, father, 'parent');
    expect(active.status).toBe('active');

    const moved = { poolingRegion: '130200' };
    await updatePerson(h(), sharer, moved);
    const { asSharer } = await h().ok('listMembers', {}, user.token);
    expect(asSharer.map((b: { status: string; endedReason?: string }) => [b.status, b.endedReason])).toEqual([
      ['unbound', 'region_moved'],
      ['unbound', 'region_moved'],
    ]);
    const rows = await h().app.db.query<{ ended_by: string; ended_reason: string }>(
      'SELECT ended_by, ended_reason FROM bindings WHERE binding_id IN ($1, $2)',
      [pending.bindingId, active.bindingId],
    );
    expect(rows).toEqual([
      { ended_by: 'system', ended_reason: 'region_moved' },
      { ended_by: 'system', ended_reason: 'region_moved' },
    ]);
    expect(await messages(user.token, 'binding_ended_automatically')).toHaveLength(2);
    const toWife = await messages(hers, 'binding_ended_automatically');
    expect(toWife).toHaveLength(1);
    expect(toWife[0]!.body).toContain('医保关系已转移到其他统筹地区');
    expect(await messages(his, 'binding_ended_automatically')).toHaveLength(1);

    // The same sync again changes nothing and tells nobody again.
    await updatePerson(h(), sharer, moved);
    expect(await messages(user.token, 'binding_ended_automatically')).toHaveLength(2);
    // Binding again from the new region works as for anyone (the old bindings are history).
    const again = await h().bind(user, father, 'parent');
    expect(again.status).toBe('active');
  });

  it.skipIf(skip)('a suspended status does not end a binding: it stops paying, and pays again when active', async () => {
    const sharer = await h().employee(200_000, { birthDate: '1971-01-01' });
    const daughter = await h().person({ birthDate: '2016-01-01', male: false });
    const user = await h().user(sharer);
    const { bindingId } = await h().bind(user, daughter, 'child');
    const hospital = await h().institution();

    await updatePerson(h(), sharer, { status: 'suspended' });
    const [blocked] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(blocked).toMatchObject({ bindingId, status: 'active', canPay: false, blockedBy: 'SHARER_NOT_ELIGIBLE' });
    expect(blocked.endedReason).toBeUndefined();
    expect(await messages(user.token, 'binding_ended_automatically')).toHaveLength(0);

    await updatePerson(h(), sharer, { status: 'active' });
    const bill = await h().ok<SettleData>('settle', { serialNo: 'SUS-1', patientIdNumber: daughter.idNumber, kind: 'pharmacy', amountFen: 2_000 }, hospital.key);
    expect(bill.acctMulaidPay).toBe(2_000);
  });

  it.skipIf(skip)('an end date: nothing is paid from that day (Asia/Shanghai); the scheduled job marks it expired and tells both, once', async () => {
    h().clock.set('2026-05-10T02:00:00Z');
    const sharer = await h().employee(100_000, { birthDate: '1969-09-09' });
    const son = await h().person({ birthDate: '2012-09-09' });
    const user = await h().user(sharer);
    const { bindingId } = await h().bind(user, son, 'child', { endsOn: '2026-05-12' });
    const hospital = await h().institution();
    const pay = async (serialNo: string) =>
      (await h().ok<SettleData>('settle', { serialNo, patientIdNumber: son.idNumber, kind: 'outpatient', amountFen: 500 }, hospital.key)).acctMulaidPay;

    // 23:59:59 on 11 May in Shanghai is 15:59:59 UTC: still paid. 00:00 on 12 May: not.
    h().clock.set('2026-05-11T15:59:59Z');
    expect(await pay('EXP-1')).toBe(500);
    h().clock.set('2026-05-11T16:00:00Z');
    expect(await pay('EXP-2')).toBe(0);
    const [seen] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(seen).toMatchObject({ bindingId, status: 'expired', canPay: false, endedReason: 'end_date' });
    expect(await messages(user.token, 'binding_expired')).toHaveLength(0);

    const scheduler = new Scheduler(h().app, serverJobs(h().app), { owner: 'test' });
    await scheduler.tick();
    const [row] = await h().app.db.query<{ status: string; ended_by: string; ended_reason: string }>(
      'SELECT status, ended_by, ended_reason FROM bindings WHERE binding_id = $1',
      [bindingId],
    );
    expect(row).toEqual({ status: 'expired', ended_by: 'system', ended_reason: 'end_date' });
    const told = await messages(user.token, 'binding_expired');
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain('2026-05-12');
    expect(await messages(await h().tokenOf(son), 'binding_expired')).toHaveLength(1);
    const [run] = await h().app.db.query<{ outcome: string; items: number }>(
      "SELECT outcome, items FROM job_runs WHERE job = 'expire-bindings' AND slot = $1",
      [new Date('2026-05-11T16:00:00Z')],
    );
    expect(run).toEqual({ outcome: 'ok', items: 1 });

    // The next slot finds nothing more to expire and tells nobody again.
    h().clock.advance(600);
    await scheduler.tick();
    expect(await messages(user.token, 'binding_expired')).toHaveLength(1);
    await scheduler.stop();
  });
});
