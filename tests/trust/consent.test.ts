import { describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../src/rules/age';
import { UNDERTAKING } from '../../src/rules/undertaking';
import { expireDue } from '../../server/usecases/payabilityWatch';
import { ADAPTERS } from '../support/adapters';
import { personId, useHarness, type SettleData } from '../backbone/fixtures';

describe.each(ADAPTERS)('consent, the undertaking and refusals on %s (SPEC 2.1, 2.8)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  it.skipIf(skip)('binding a stranger: nothing is paid and nothing of her visits is seen until she agrees; she refuses as not a relative', async () => {
    const sharer = await h().employee(1_000_000, { birthDate: '1975-01-01' });
    const woman = await h().person({ birthDate: '1980-03-03', male: false });
    const him = await h().user(sharer);
    const hospital = await h().institution();

    const binding = await h().bind(him, woman, 'spouse', { confirm: false });
    expect(binding.status).toBe('pending');
    const bill = await h().ok<SettleData>(
      'settle',
      { serialNo: 'S-1', patientIdNumber: woman.idNumber, kind: 'inpatient', amountFen: 150_000 },
      hospital.key,
    );
    expect(bill.acctMulaidPay).toBe(0);
    expect(bill.mulaidFailure).toBe('NO_SHARER');
    expect((await h().ok('listRecords', {}, him.token)).items).toEqual([]);
    const [seen] = (await h().ok('listMembers', {}, him.token)).asSharer;
    expect(seen).toMatchObject({ status: 'pending', canPay: false, spentFen: 0 });

    const her = await h().tokenOf(woman);
    const asked = (await h().ok('listMessages', {}, her)).items.map((m: { kind: string }) => m.kind);
    expect(asked).toContain('binding_requested');
    const declined = await h().ok('declineBinding', { bindingId: binding.bindingId, notMyRelative: true }, her);
    expect(declined.binding.status).toBe('declined');
    const risks = await h().app.db.query('SELECT kind, other_id FROM risk_events WHERE binding_id = $1', [binding.bindingId]);
    expect(risks).toEqual([{ kind: 'not_my_relative', other_id: await personId(h(), sharer) }]);

    // He cannot bind her again at once, nor in 179 days; after 180 days he may ask again.
    const again = { name: woman.name, idNumber: woman.idNumber, relationship: 'spouse', acceptUndertaking: true };
    expect((await h().err('bindRelative', again, him.token)).code).toBe('BINDING_BLOCKED');
    h().clock.advance(179 * 86400);
    const later = await h().user(sharer); // sessions last 7 days: he logs in again
    expect((await h().err('bindRelative', again, later.token)).code).toBe('BINDING_BLOCKED');
    h().clock.advance(2 * 86400);
    expect((await h().ok('bindRelative', again, later.token)).binding.status).toBe('pending');
    const toldHim = (await h().ok('listMessages', {}, later.token)).items.map((m: { kind: string }) => m.kind);
    expect(toldHim).toContain('binding_declined');
  });

  it.skipIf(skip)('a plain refusal ends the request without blocking the sharer', async () => {
    const sharer = await h().employee(10_000, { birthDate: '1970-01-01' });
    const brother = await h().person({ birthDate: '1972-02-02' });
    const user = await h().user(sharer);
    const binding = await h().bind(user, brother, 'sibling', { confirm: false });
    await h().ok('declineBinding', { bindingId: binding.bindingId }, await h().tokenOf(brother));
    const again = await h().ok(
      'bindRelative',
      { name: brother.name, idNumber: brother.idNumber, relationship: 'sibling', acceptUndertaking: true },
      user.token,
    );
    expect(again.binding.status).toBe('pending');
  });

  it.skipIf(skip)('only the relative answers a request; the sharer is FORBIDDEN and others NOT_FOUND', async () => {
    const sharer = await h().employee(10_000, { birthDate: '1970-01-01' });
    const mother = await h().person({ birthDate: '1945-02-02', male: false });
    const user = await h().user(sharer);
    const outsider = await h().user(await h().employee(1));
    const binding = await h().bind(user, mother, 'parent', { confirm: false });
    expect((await h().err('declineBinding', { bindingId: binding.bindingId }, user.token)).code).toBe('FORBIDDEN');
    expect((await h().err('declineBinding', { bindingId: binding.bindingId }, outsider.token)).code).toBe('NOT_FOUND');
    expect((await h().err('confirmBinding', { bindingId: binding.bindingId }, outsider.token)).code).toBe('NOT_FOUND');
  });

  it.skipIf(skip)('requires the undertaking and records its version and time', async () => {
    const sharer = await h().employee(10_000, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2015-05-05' });
    const user = await h().user(sharer);
    const event = { name: child.name, idNumber: child.idNumber, relationship: 'child' };
    expect(await h().err('bindRelative', event, user.token)).toMatchObject({ code: 'UNDERTAKING_REQUIRED', field: 'acceptUndertaking' });
    expect((await h().err('bindRelative', { ...event, acceptUndertaking: false }, user.token)).code).toBe('UNDERTAKING_REQUIRED');
    const { binding } = await h().ok('bindRelative', { ...event, acceptUndertaking: true }, user.token);
    expect(binding.status).toBe('active'); // under 16: no confirmation
    const rows = await h().app.db.query<{ undertaking_version: string; undertaking_at: Date }>(
      'SELECT undertaking_version, undertaking_at FROM bindings WHERE binding_id = $1',
      [binding.bindingId],
    );
    expect(rows[0]?.undertaking_version).toBe(UNDERTAKING.version);
    expect(rows[0]?.undertaking_at).toBeInstanceOf(Date);
  });

  it.skipIf(skip)('allows one spouse at a time, bound or pending, even when the requests race', async () => {
    const sharer = await h().employee(10_000, { birthDate: '1970-01-01' });
    const user = await h().user(sharer);
    const wives = await Promise.all([1, 2, 3].map(() => h().person({ birthDate: '1971-01-01', male: false })));
    const answers = await Promise.all(
      wives.map((w) =>
        h().call('bindRelative', { name: w.name, idNumber: w.idNumber, relationship: 'spouse', acceptUndertaking: true }, user.token),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.ok ? '' : a.error.code).toBe('RELATIONSHIP_IMPOSSIBLE');
  });

  it.skipIf(skip)('a relative under the consent age cannot leave alone; at 16 they can', async () => {
    const sharer = await h().employee(10_000, { birthDate: '1970-01-01' });
    const today = new Date(h().clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const fifteen = `${Number(today.slice(0, 4)) - 15}${today.slice(4)}`;
    const teen = await h().person({ birthDate: fifteen });
    const user = await h().user(sharer);
    const binding = await h().bind(user, teen, 'child');
    expect(binding.status).toBe('active');
    const teenToken = await h().tokenOf(teen);
    const [view] = (await h().ok('listMembers', {}, teenToken)).asRelative;
    expect(view.canLeave).toBe(false);
    expect((await h().err('unbindRelative', { bindingId: binding.bindingId }, teenToken)).code).toBe('FORBIDDEN');
    h().clock.advance(366 * 86400);
    const sixteen = (await h().user(teen)).token; // sessions last 7 days: a new one a year later
    expect((await h().ok('unbindRelative', { bindingId: binding.bindingId }, sixteen)).binding.status).toBe('unbound');
    const told = (await h().ok('listMessages', {}, (await h().user(sharer)).token)).items.map((m: { kind: string }) => m.kind);
    expect(told).toContain('binding_ended');
  });

  it.skipIf(skip)('a binding with an end date pays until the day before and is expired from that day (Asia/Shanghai)', async () => {
    const sharer = await h().employee(100_000, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2016-06-06' });
    const user = await h().user(sharer);
    const hospital = await h().institution();
    const now = h().clock.now();
    const day = (offset: number) => new Date(now.getTime() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);
    expect((await h().err('bindRelative', { name: child.name, idNumber: child.idNumber, relationship: 'child', acceptUndertaking: true, endsOn: day(0) }, user.token)).field).toBe('endsOn');
    const binding = await h().bind(user, child, 'child', { endsOn: day(2) });
    expect(binding).toMatchObject({ status: 'active', endsOn: day(2) });
    const pay = (serialNo: string) =>
      h().ok<SettleData>('settle', { serialNo, patientIdNumber: child.idNumber, kind: 'pharmacy', amountFen: 1_000 }, hospital.key);
    expect((await pay('E-1')).acctMulaidPay).toBe(1_000);
    h().clock.advance(2 * 86400);
    expect((await pay('E-2')).acctMulaidPay).toBe(0);
    const [view] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(view).toMatchObject({ status: 'expired', canPay: false });
    const findings = await h().ok('diagnose', { bindingId: binding.bindingId }, user.token);
    expect(findings.findings.map((f: { code: string }) => f.code)).toContain('BINDING_EXPIRED');

    // The gateway's sweep records it and tells both sides, once.
    const sweep = () => {
      const at = h().clock.now();
      return h().app.db.transaction((tx) => expireDue(tx, at, shanghaiToday(at), 'b.binding_id = $2', [binding.bindingId]));
    };
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    const [row] = await h().app.db.query<{ status: string }>('SELECT status FROM bindings WHERE binding_id = $1', [binding.bindingId]);
    expect(row?.status).toBe('expired');
    const toldSharer = (await h().ok('listMessages', {}, user.token)).items.filter((m: { kind: string }) => m.kind === 'binding_expired');
    expect(toldSharer).toHaveLength(1);
    expect(toldSharer[0].body).toContain(day(2));
  });

  it.skipIf(skip)('a family-account member of consent age is shown only after agreeing', async () => {
    const owner = await h().employee(1_000, { birthDate: '1970-01-01' });
    const father = await h().person({ birthDate: '1940-01-01' });
    const user = await h().user(owner);
    const { member } = await h().ok('addFamilyAccount', { name: father.name, idNumber: father.idNumber, relationship: 'parent' }, user.token);
    expect(member.consent).toBe('pending');
    expect((await h().err('showFamilyCode', { memberId: member.memberId }, user.token)).code).toBe('FORBIDDEN');
    const his = await h().tokenOf(father);
    const { asMember } = await h().ok('listFamilyAccount', {}, his);
    expect(asMember).toMatchObject([{ memberId: member.memberId, consent: 'pending' }]);
    expect((await h().err('confirmFamilyMember', { memberId: member.memberId }, user.token)).code).toBe('NOT_FOUND');
    await h().ok('confirmFamilyMember', { memberId: member.memberId }, his);
    expect((await h().ok('showFamilyCode', { memberId: member.memberId }, user.token)).code).toMatch(/^YB1/);
    const told = (await h().ok('listMessages', {}, user.token)).items.map((m: { kind: string }) => m.kind);
    expect(told).toContain('family_member_confirmed');
  });
});

describe.each(ADAPTERS)('diagnosis keeps balances private on %s (SPEC 2.8)', (adapter) => {
  const { skip, h } = useHarness(adapter, { env: { DIAGNOSE_PER_HOUR: '6' } });

  it.skipIf(skip)('never states an amount of the sharer\'s balance, and is rate limited per user', async () => {
    const sharer = await h().employee(2_345, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2016-01-01' });
    await h().bind(await h().user(sharer), child, 'child');
    const token = await h().tokenOf(child);
    const answers = [];
    for (const amountFen of [1_000, 2_345, 2_346, 100_000, 50]) {
      answers.push(await h().ok('diagnose', { amountFen }, token));
    }
    const text = JSON.stringify(answers);
    for (const revealing of ['2345', '2,345', '23.45', '2346', '23.46']) expect(text).not.toContain(revealing);
    expect(answers.map((a) => a.findings[0].code)).toEqual(['OK', 'OK', 'BALANCE_LOW', 'BALANCE_LOW', 'OK']);
    expect((await h().ok('diagnose', {}, token)).findings[0].code).toBe('OK');
    expect((await h().err('diagnose', { amountFen: 2_000 }, token)).code).toBe('RATE_LIMITED');
  });

  it.skipIf(skip)('tells the relative why a binding cannot pay: the relative\'s own insurance suspended', async () => {
    const sharer = await h().employee(2_345, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2016-01-01' });
    const user = await h().user(sharer);
    await h().bind(user, child, 'child');
    await h().ok(
      'upsertPersons',
      { persons: [{ idNumber: child.idNumber, name: child.name, insuranceType: 'resident', status: 'suspended', poolingRegion: child.poolingRegion }] },
      h().adminKey,
    );
    const [view] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(view).toMatchObject({ status: 'active', canPay: false, blockedBy: 'NOT_INSURED' });
  });
});
