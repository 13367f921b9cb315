import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { PermanentDeliveryError } from '../../server/platform/noticeChannels';
import { deliverDue, describeError, dispatchMessages, retryDelaySeconds } from '../../server/workers/notices';
import { renderNotice } from '../../src/rules/notices';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { CapturingChannel, noticeApp, World } from './support';

describe('the retry schedule', () => {
  it('doubles from the base after each failed try, up to the maximum', () => {
    const settings = { retryBaseSeconds: 30, retryMaxSeconds: 600 };
    expect([1, 2, 3, 4, 5, 6, 40].map((n) => retryDelaySeconds(n, settings))).toEqual([30, 60, 120, 240, 480, 600, 600]);
  });

  it('keeps phones, ID numbers and the recipient out of what it records of an error', () => {
    const text = describeError(new Error('relay refused 13800001234 for 11010519491231002X to oOPENID'), 'oOPENID');
    expect(text).toBe('Error: relay refused 138****1234 for 1101**********002X to <recipient>');
    expect(describeError(new Error('x'.repeat(1000)))).toHaveLength(300);
  });
});

describe.each(ADAPTERS)('notices from the outbox to the channels on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);
  // The tests share a database: each first settles whatever earlier ones left, so that it
  // sees only its own messages and deliveries.
  async function setup(channels = [new CapturingChannel('wechat'), new CapturingChannel('sms')], env: Record<string, string> = {}) {
    const clock = new ManualClock();
    const app = await noticeApp(getDb(), channels, { clock, env });
    const world = new World(getDb(), clock);
    await getDb().query(`UPDATE messages SET dispatched_at = now() WHERE dispatched_at IS NULL`);
    await getDb().query(`UPDATE message_deliveries SET status = 'failed' WHERE status IN ('pending', 'sending')`);
    return { app, world, clock, wechat: channels[0] as CapturingChannel, sms: channels[1] as CapturingChannel };
  }

  it.skipIf(skip)("dispatches a person's message to the WeChat openid and the phone of the user holding that identity", async () => {
    const { app, world } = await setup();
    const personId = await world.person({ registryPhone: world.phone() });
    const user = await world.user({ personId, openid: `oW${adapter}1` });
    const messageId = await world.message({ personId });
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 1, deliveries: 2 });
    const rows = await world.deliveries(messageId);
    expect(rows.map((r) => [r.channel, r.recipient, r.status, Number(r.attempts)])).toEqual([
      ['sms', user.phone, 'pending', 0],
      ['wechat', `oW${adapter}1`, 'pending', 0],
    ]);
    const [message] = await getDb().query<{ dispatched_at: Date }>('SELECT dispatched_at FROM messages WHERE message_id = $1', [messageId]);
    expect(message!.dispatched_at).toEqual(app.clock.now());
  });

  it.skipIf(skip)('sends by SMS only, to the registry phone, when nobody holds the identity', async () => {
    const { app, world } = await setup();
    const registryPhone = world.phone();
    const personId = await world.person({ registryPhone });
    const messageId = await world.message({ personId });
    await dispatchMessages(app, 10);
    expect((await world.deliveries(messageId)).map((r) => [r.channel, r.recipient])).toEqual([['sms', registryPhone]]);
  });

  it.skipIf(skip)("uses the message's own phone first, and a user's phone for a message to that user", async () => {
    const { app, world } = await setup();
    const personId = await world.person({ registryPhone: world.phone() });
    const holder = await world.user({ personId });
    const registryNotice = world.phone();
    const toPhone = await world.message({ smsPhone: registryNotice }, 'identity_link_notice', { phoneMasked: '139****0001', proof: 'face_check' });
    const toPersonAndPhone = await world.message({ personId, smsPhone: registryNotice }, 'identity_link_notice', { proof: 'face_check' });
    const loser = await world.user({ openid: `oLoser${adapter}` });
    const toUser = await world.message({ userId: loser.userId }, 'identity_reclaimed', { proof: 'face_check' });
    await dispatchMessages(app, 10);
    expect((await world.deliveries(toPhone)).map((r) => [r.channel, r.recipient])).toEqual([['sms', registryNotice]]);
    expect((await world.deliveries(toPersonAndPhone)).map((r) => [r.channel, r.recipient])).toEqual([['sms', registryNotice]]);
    expect((await world.deliveries(toUser)).map((r) => [r.channel, r.recipient])).toEqual([
      ['sms', loser.phone],
      ['wechat', `oLoser${adapter}`],
    ]);
    expect(holder.phone).not.toBe(registryNotice);
  });

  it.skipIf(skip)('marks a message with no recipient at all dispatched, with no delivery', async () => {
    const { app, world } = await setup();
    const personId = await world.person();
    const messageId = await world.message({ personId });
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 1, deliveries: 0 });
    expect(await world.deliveries(messageId)).toEqual([]);
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 0, deliveries: 0 });
  });

  it.skipIf(skip)('dispatches oldest first, at most the limit at a time, each message once', async () => {
    const { app, world, clock } = await setup();
    const personId = await world.person({ registryPhone: world.phone() });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(await world.message({ personId }));
      clock.advance(1);
    }
    expect(await dispatchMessages(app, 2)).toEqual({ messages: 2, deliveries: 2 });
    const first = await getDb().query<{ message_id: string }>(
      'SELECT message_id FROM messages WHERE dispatched_at IS NOT NULL AND message_id = ANY (string_to_array($1, \',\')::uuid[]) ORDER BY created_at',
      [ids.join(',')],
    );
    expect(first.map((r) => r.message_id)).toEqual(ids.slice(0, 2));
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 3, deliveries: 3 });
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 0, deliveries: 0 });
    // Even a message whose dispatch mark were lost gets no second delivery of a channel.
    await getDb().query(`UPDATE messages SET dispatched_at = NULL WHERE message_id = $1`, [ids[0]!]);
    expect(await dispatchMessages(app, 10)).toEqual({ messages: 1, deliveries: 0 });
    expect(await world.deliveries(ids[0])).toHaveLength(1);
  });

  it.skipIf(skip)('sends the rendered notice through each channel and never sends a sent delivery again', async () => {
    const { app, world, wechat, sms } = await setup();
    const personId = await world.person();
    const user = await world.user({ personId, openid: `oSend${adapter}` });
    const ref = { otherName: '王秀兰', relationship: 'parent', role: 'sharer' as const, amountFen: 12850, institution: '测试医院', kind: 'outpatient' };
    const messageId = await world.message({ personId }, 'mulaid_paid', ref);
    await dispatchMessages(app, 10);
    expect(await deliverDue(app, 10)).toEqual({ sent: 2, retry: 0, failed: 0, lost: 0 });
    const text = renderNotice('mulaid_paid', ref);
    const rows = await world.deliveries(messageId);
    const id = (channel: string) => rows.find((r) => r.channel === channel)!.delivery_id;
    expect(wechat.sent).toEqual([
      { deliveryId: id('wechat'), recipient: `oSend${adapter}`, kind: 'mulaid_paid', ...text, createdAt: app.clock.now() },
    ]);
    expect(sms.sent).toEqual([{ deliveryId: id('sms'), recipient: user.phone, kind: 'mulaid_paid', ...text, createdAt: app.clock.now() }]);
    expect(rows.map((r) => [r.status, Number(r.attempts), r.sent_at, r.lease_until, r.last_error])).toEqual([
      ['sent', 1, app.clock.now(), null, null],
      ['sent', 1, app.clock.now(), null, null],
    ]);
    app.clock.advance(7 * 24 * 3600);
    expect(await deliverDue(app, 10)).toEqual({ sent: 0, retry: 0, failed: 0, lost: 0 });
    expect(wechat.sent.length + sms.sent.length).toBe(2);
  });

  it.skipIf(skip)('tries a failing delivery again with exponential backoff until it goes through', async () => {
    let failures = 2;
    const sms = new CapturingChannel('sms', () => {
      if (failures-- > 0) throw new Error('SMS relay answered HTTP 503');
    });
    const { app, world, clock } = await setup([new CapturingChannel('wechat'), sms], { NOTICE_RETRY_BASE_SECONDS: '10' });
    const registryPhone = world.phone();
    const messageId = await world.message({ personId: await world.person({ registryPhone }) });
    await dispatchMessages(app, 10);
    const start = clock.now().getTime();
    expect(await deliverDue(app, 10)).toMatchObject({ retry: 1 });
    let [row] = await world.deliveries(messageId);
    expect(row).toMatchObject({ status: 'pending', last_error: 'Error: SMS relay answered HTTP 503', lease_until: null });
    expect(Number(row!.attempts)).toBe(1);
    expect(row!.next_attempt_at.getTime() - start).toBe(10_000);

    clock.advance(9);
    expect(await deliverDue(app, 10)).toMatchObject({ sent: 0, retry: 0 });
    clock.advance(1);
    expect(await deliverDue(app, 10)).toMatchObject({ retry: 1 });
    [row] = await world.deliveries(messageId);
    expect(row!.next_attempt_at.getTime() - clock.now().getTime()).toBe(20_000);

    clock.advance(20);
    expect(await deliverDue(app, 10)).toMatchObject({ sent: 1 });
    [row] = await world.deliveries(messageId);
    expect(row).toMatchObject({ status: 'sent', last_error: null });
    expect(Number(row!.attempts)).toBe(3);
    expect(sms.sent.map((d) => d.recipient)).toEqual([registryPhone]);
  });

  it.skipIf(skip)('marks a delivery failed after NOTICE_MAX_ATTEMPTS tries, keeping the last error without the phone', async () => {
    const sms = new CapturingChannel('sms', (d) => {
      throw new Error(`relay timeout sending to ${d.recipient}`);
    });
    const { app, world, clock } = await setup([new CapturingChannel('wechat'), sms], {
      NOTICE_MAX_ATTEMPTS: '3',
      NOTICE_RETRY_BASE_SECONDS: '1',
    });
    const registryPhone = world.phone();
    const messageId = await world.message({ personId: await world.person({ registryPhone }) });
    await dispatchMessages(app, 10);
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) {
      outcomes.push(await deliverDue(app, 10));
      clock.advance(3600);
    }
    expect(outcomes.map((o) => (o.retry ? 'retry' : o.failed ? 'failed' : '-'))).toEqual(['retry', 'retry', 'failed', '-', '-']);
    const [row] = await world.deliveries(messageId);
    expect(row).toMatchObject({ status: 'failed', last_error: 'Error: relay timeout sending to <recipient>' });
    expect(Number(row!.attempts)).toBe(3);
    expect(row!.last_error).not.toContain(registryPhone);
    expect(app.lines.join('\n')).not.toContain(registryPhone);
  });

  it.skipIf(skip)('gives up at once on a refusal no retry can change (the user refused WeChat messages)', async () => {
    const wechat = new CapturingChannel('wechat', () => {
      throw new PermanentDeliveryError('WeChat /cgi-bin/message/subscribe/send refused (errcode 43101)');
    });
    const { app, world, sms } = await setup([wechat, new CapturingChannel('sms')]);
    const personId = await world.person();
    await world.user({ personId, openid: `oRefused${adapter}` });
    const messageId = await world.message({ personId });
    await dispatchMessages(app, 10);
    expect(await deliverDue(app, 10)).toEqual({ sent: 1, retry: 0, failed: 1, lost: 0 });
    const rows = await world.deliveries(messageId);
    expect(rows.map((r) => [r.channel, r.status, Number(r.attempts)])).toEqual([
      ['sms', 'sent', 1],
      ['wechat', 'failed', 1],
    ]);
    expect(rows[1]!.last_error).toMatch(/43101/);
    expect(sms.sent).toHaveLength(1);
  });

  it.skipIf(skip)('fails a message of a kind it cannot render without sending it', async () => {
    const { app, world, sms } = await setup();
    const messageId = await world.message({ smsPhone: world.phone() }, 'no_such_kind', {});
    await dispatchMessages(app, 10);
    expect(await deliverDue(app, 10)).toMatchObject({ failed: 1 });
    expect((await world.deliveries(messageId))[0]).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/unknown notice kind/) });
    expect(sms.sent).toHaveLength(0);
  });

  it.skipIf(skip)('leaves the deliveries of a channel it does not have to a worker that has it', async () => {
    const { app, world } = await setup();
    const personId = await world.person();
    await world.user({ personId, openid: `oLater${adapter}` });
    const messageId = await world.message({ personId });
    const smsOnly = await noticeApp(getDb(), [new CapturingChannel('sms')], { clock: app.clock });
    await dispatchMessages(smsOnly, 10);
    expect(await deliverDue(smsOnly, 10)).toMatchObject({ sent: 1 });
    expect((await world.deliveries(messageId)).map((r) => [r.channel, r.status])).toEqual([
      ['sms', 'sent'],
      ['wechat', 'pending'],
    ]);
    expect(await deliverDue(app, 10)).toMatchObject({ sent: 1 });
  });

  it.skipIf(skip)("takes over a delivery whose sender died once its lease runs out, and ignores the late sender's word", async () => {
    let release: () => void = () => undefined;
    const stuck = new CapturingChannel('sms', () => new Promise<void>((resolve) => (release = resolve)));
    const { app, world, clock } = await setup([new CapturingChannel('wechat'), stuck], { NOTICE_LEASE_SECONDS: '60' });
    const messageId = await world.message({ smsPhone: world.phone() });
    await dispatchMessages(app, 10);
    const first = deliverDue(app, 10);
    // The first worker holds the claim: nobody else may take it while the lease lasts.
    const other = new CapturingChannel('sms');
    const second = await noticeApp(getDb(), [other], { clock, env: { NOTICE_LEASE_SECONDS: '60' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let [row] = await world.deliveries(messageId);
    expect(row).toMatchObject({ status: 'sending' });
    expect(row!.lease_until!.getTime() - clock.now().getTime()).toBe(60_000);
    clock.advance(59);
    expect(await deliverDue(second, 10)).toMatchObject({ sent: 0 });
    clock.advance(1);
    expect(await deliverDue(second, 10)).toMatchObject({ sent: 1 });
    release();
    expect(await first).toMatchObject({ sent: 0, lost: 1 });
    [row] = await world.deliveries(messageId);
    expect(row).toMatchObject({ status: 'sent' });
    expect(Number(row!.attempts)).toBe(2);
    expect(other.sent).toHaveLength(1);
    expect(app.lines.join('\n')).toMatch(/after its claim had expired/);
  });

  it.skipIf(skip)('cuts off a send that hangs at half the lease and tries it again later', async () => {
    const hanging = new CapturingChannel('sms', () => new Promise<void>(() => undefined));
    const { app, world } = await setup([new CapturingChannel('wechat'), hanging], { NOTICE_LEASE_SECONDS: '10' });
    const messageId = await world.message({ smsPhone: world.phone() });
    await dispatchMessages(app, 10);
    const started = Date.now();
    expect(await deliverDue(app, 10)).toMatchObject({ retry: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect((await world.deliveries(messageId))[0]).toMatchObject({ status: 'pending', last_error: 'Error: send took longer than 5000 ms' });
  }, 20_000);
});
