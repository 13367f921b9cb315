import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters';
import { updatePerson, useHarness } from '../backbone/fixtures';

interface Message {
  messageId: string;
  kind: string;
  title: string;
  body: string;
  readAt: string | null;
  ref?: { bindingId?: string; settlementId?: string };
}

describe.each(ADAPTERS)('notices and the message centre on %s (SPEC 2.8, 2.9)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  const kinds = async (token: string): Promise<string[]> =>
    (await h().ok<{ items: Message[] }>('listMessages', { limit: 100 }, token)).items.map((m) => m.kind);

  it.skipIf(skip)('a worker binds an adult relative who confirms; a payment and its refund are told to both, with amount and institution', async () => {
    const worker = await h().employee(100_000, { birthDate: '1970-01-01', name: '赵大伟' });
    const sister = await h().person({ birthDate: '1975-03-03', male: false, name: '赵小红' });
    const user = await h().user(worker);
    const hospital = await h().institution();
    const binding = await h().bind(user, sister, 'sibling', { confirm: false });
    const hers = await h().tokenOf(sister);
    expect(await kinds(hers)).toContain('binding_requested');
    await h().ok('confirmBinding', { bindingId: binding.bindingId }, hers);
    expect(await kinds(user.token)).toContain('binding_confirmed');

    const bill = await h().ok('settle', { serialNo: 'N-1', patientIdNumber: sister.idNumber, kind: 'outpatient', amountFen: 12_345 }, hospital.key);
    expect(bill.acctMulaidPay).toBe(12_345);
    await h().ok('refund', { serialNo: 'N-1', refundSerialNo: 'R-1', amountFen: 2_345 }, hospital.key);

    const mine = (await h().ok<{ items: Message[] }>('listMessages', {}, user.token)).items;
    const paidToMe = mine.find((m) => m.kind === 'mulaid_paid');
    expect(paidToMe?.body).toContain('¥123.45');
    expect(paidToMe?.body).toContain('赵小红');
    expect(paidToMe?.body).toContain(`测试医院${hospital.code}`);
    expect(paidToMe?.ref?.settlementId).toBe(bill.settlementId);
    expect(mine.find((m) => m.kind === 'mulaid_refunded')?.body).toContain('¥23.45');

    const theirs = (await h().ok<{ items: Message[] }>('listMessages', {}, hers)).items;
    const paidForHer = theirs.find((m) => m.kind === 'mulaid_paid');
    expect(paidForHer?.body).toContain('¥123.45');
    expect(paidForHer?.body).toContain('赵**'); // the sharer's name is masked for the relative
    expect(paidForHer?.body).not.toContain('赵大伟');
    expect(theirs.map((m) => m.kind)).toContain('mulaid_refunded');
  });

  it.skipIf(skip)('a duplicate settlement does not tell anyone twice', async () => {
    const worker = await h().employee(100_000, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2016-01-01' });
    const user = await h().user(worker);
    const hospital = await h().institution();
    await h().bind(user, child, 'child');
    const event = { serialNo: 'D-1', patientIdNumber: child.idNumber, kind: 'pharmacy', amountFen: 500 };
    await Promise.all([1, 2, 3].map(() => h().ok('settle', event, hospital.key)));
    expect((await kinds(user.token)).filter((k) => k === 'mulaid_paid')).toHaveLength(1);
  });

  it.skipIf(skip)('both sides are told when a binding stops paying (insurance suspended, policy narrowed) and when it pays again', async () => {
    const worker = await h().employee(100_000, { birthDate: '1970-01-01', poolingRegion: '150100' });
    const child = await h().person({ birthDate: '2016-01-01', poolingRegion: '150200' });
    const user = await h().user(worker);
    const binding = await h().bind(user, child, 'child');
    expect(binding).toMatchObject({ status: 'active', canPay: true, blockedBy: null });

    // Each change a second apart, so that the messages have an order.
    h().clock.advance(1);
    await updatePerson(h(), worker, { status: 'suspended' });
    let [view] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(view).toMatchObject({ status: 'active', canPay: false, blockedBy: 'SHARER_NOT_ELIGIBLE' });
    h().clock.advance(1);
    await updatePerson(h(), worker, { status: 'active' });
    h().clock.advance(1);
    await h().ok('setPolicy', { scope: '150100', sharingScope: 'region' }, h().adminKey);
    [view] = (await h().ok('listMembers', {}, user.token)).asSharer;
    expect(view).toMatchObject({ canPay: false, blockedBy: 'OUT_OF_REGION' });
    h().clock.advance(1);
    await h().ok('setPolicy', { scope: '150100', sharingScope: 'province' }, h().adminKey);

    const told = (await h().ok<{ items: Message[] }>('listMessages', { limit: 100 }, user.token)).items.filter(
      (m) => m.kind === 'binding_payability',
    );
    expect(told.map((m) => m.title)).toEqual(['家庭共济恢复支付', '家庭共济暂不能支付', '家庭共济恢复支付', '家庭共济暂不能支付']);
    const childTold = (await h().ok<{ items: Message[] }>('listMessages', { limit: 100 }, await h().tokenOf(child))).items.filter(
      (m) => m.kind === 'binding_payability',
    );
    expect(childTold).toHaveLength(4);
  });

  it.skipIf(skip)('unbinding tells the other side; messages are read and marked only by their owner', async () => {
    const worker = await h().employee(100_000, { birthDate: '1970-01-01' });
    const child = await h().person({ birthDate: '2016-01-01' });
    const user = await h().user(worker);
    const binding = await h().bind(user, child, 'child');
    await h().ok('unbindRelative', { bindingId: binding.bindingId }, user.token);
    const childToken = await h().tokenOf(child);
    const page = await h().ok<{ items: Message[]; unread: number }>('listMessages', {}, childToken);
    expect(page.items.map((m) => m.kind)).toContain('binding_ended');
    expect(page.unread).toBe(page.items.length);
    expect((await h().ok('me', {}, childToken)).unreadMessages).toBe(page.unread);

    const stranger = await h().user(await h().employee(1));
    expect((await h().ok('markMessagesRead', { messageIds: page.items.map((m) => m.messageId) }, stranger.token)).marked).toBe(0);
    const first = page.items[0]!;
    expect((await h().ok('markMessagesRead', { messageIds: [first.messageId] }, childToken)).marked).toBe(1);
    expect((await h().ok('listMessages', { unreadOnly: true }, childToken)).items.map((m: Message) => m.messageId)).not.toContain(
      first.messageId,
    );
    expect((await h().ok('markMessagesRead', {}, childToken)).marked).toBe(page.items.length - 1);
    expect((await h().ok('listMessages', {}, childToken)).unread).toBe(0);
  });

  it.skipIf(skip)('pages the message centre by cursor, newest first, and refuses a forged cursor', async () => {
    const worker = await h().employee(100_000, { birthDate: '1970-01-01' });
    const user = await h().user(worker);
    const hospital = await h().institution();
    const child = await h().person({ birthDate: '2016-01-01' });
    await h().bind(user, child, 'child');
    for (let i = 0; i < 5; i += 1) {
      h().clock.advance(60);
      await h().ok('settle', { serialNo: `P-${i}`, patientIdNumber: child.idNumber, kind: 'pharmacy', amountFen: 100 + i }, hospital.key);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Message[]; nextCursor: string | null } = await h().ok('listMessages', { limit: 2, ...(cursor ? { cursor } : {}) }, user.token);
      seen.push(...page.items.map((m) => m.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await h().ok<{ items: Message[] }>('listMessages', { limit: 100 }, user.token)).items.map((m) => m.messageId);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await h().err('listMessages', { cursor: 'AAAA' }, user.token)).code).toBe('INVALID_INPUT');
  });
});
