import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { FailingSmsSender } from '../../server/platform/sms';
import type { Envelope } from '../../server/runtime/envelope';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';
import { PG_ADMIN_URL } from '../support/postgres';

/**
 * SPEC 2.13 against an attacker: nobody without the phone keeps its owner from logging in for
 * more than 15 minutes (login tries are limited per code and per client, never per phone; a
 * phone that has had its day's codes still gets one every 15 minutes); WeChat's phone login is
 * never blocked by junk SMS-code tries; code sending is limited per client and in total per
 * hour; a send the SMS provider fails uses up nothing. The clock is the app's ManualClock.
 */

/** The shipped defaults of every limit (an empty value is the default), over the Harness's generous ones. */
const DEFAULTS = {
  SMS_COOLDOWN_SECONDS: '',
  SMS_PER_PHONE_PER_DAY: '',
  SMS_SLOW_COOLDOWN_SECONDS: '',
  SMS_PER_CLIENT_PER_HOUR: '',
  SMS_GLOBAL_PER_HOUR: '',
  CODE_MAX_FAILURES: '',
  LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '',
  WECHAT_LOGINS_PER_PHONE_PER_HOUR: '',
};

const ATTACKER = '198.51.100.66';
const OWNER = '203.0.113.10';

const codeOf = (envelope: Envelope): string => (envelope.ok ? 'ok' : envelope.error.code);

/** Six-digit codes that are not `code` (any code if none is known). */
function wrongCode(i: number, code?: string): string {
  const guess = String((i * 7_919 + 13) % 1_000_000).padStart(6, '0');
  return guess === code ? String((Number(guess) + 1) % 1_000_000).padStart(6, '0') : guess;
}

describe.each(ADAPTERS)('the owner of a phone on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  if (skip) it.skip(`PostgreSQL is not reachable at ${PG_ADMIN_URL}: this variant is SKIPPED`, () => undefined);
  const test = it.skipIf(skip);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let phoneSeq = 0;
  const phone = () => `135${String(++phoneSeq).padStart(8, '0')}`;
  /** Each harness on a day of its own: the tests share the database, and with it the counters of a window. */
  let day = 0;
  const harness = (env: Record<string, string> = {}, parts: Parameters<typeof Harness.create>[3] = {}) =>
    Harness.create(getDb(), { ...DEFAULTS, ...env }, new ManualClock(new Date(Date.UTC(2026, 2, 1 + ++day, 1))), parts);

  test('logs in within 15 minutes after an attacker from another address sent 100 wrong codes and asked for codes all along', async () => {
    const h = await harness();
    const victim = phone();
    // The attack: 100 wrong codes over 50 minutes, with a code asked for before every fifth
    // guess (as many as the limits let through: they use up the phone's day of codes).
    for (let i = 0; i < 100; i += 1) {
      if (i % 5 === 0) await h.call('sendCode', { phone: victim }, undefined, ATTACKER);
      const answer = await h.call('login', { phone: victim, code: wrongCode(i, h.sms.lastCode(victim)) }, undefined, ATTACKER);
      expect(['INVALID_CODE', 'RATE_LIMITED']).toContain(codeOf(answer));
      h.clock.advance(30);
    }
    expect(h.sms.sent.filter((s) => s.phone === victim).length).toBeGreaterThanOrEqual(10); // the phone's day is used up

    // WeChat's phone login is not touched by any of it.
    expect(codeOf(await h.call('loginByWechatPhone', { phoneCode: `dev:${victim}` }, undefined, ATTACKER))).toBe('ok');

    // The owner asks for a code from her own address, once a minute until it comes.
    const start = h.clock.now().getTime();
    const before = h.sms.sent.length;
    while (codeOf(await h.call('sendCode', { phone: victim }, undefined, OWNER)) !== 'ok') {
      expect(h.clock.now().getTime() - start).toBeLessThanOrEqual(15 * 60_000);
      h.clock.advance(60);
    }
    expect(h.sms.sent.length).toBe(before + 1);
    const login = await h.call<{ token: string }>('login', { phone: victim, code: h.sms.lastCode(victim) }, undefined, OWNER);
    expect(codeOf(login)).toBe('ok');
    expect(h.clock.now().getTime() - start).toBeLessThanOrEqual(15 * 60_000);
    if (login.ok) expect((await h.ok<{ phone: string }>('me', {}, login.data.token)).phone).toBe(victim);
  });

  test('a code dies after its wrong tries; the owner asks for a fresh one after the cooldown and logs in', async () => {
    const h = await harness();
    const victim = phone();
    await h.ok('sendCode', { phone: victim });
    const first = h.sms.lastCode(victim)!;
    for (let i = 0; i < 5; i += 1) expect(codeOf(await h.call('login', { phone: victim, code: wrongCode(i, first) }, undefined, ATTACKER))).toBe('INVALID_CODE');
    expect(codeOf(await h.call('login', { phone: victim, code: first }, undefined, OWNER))).toBe('INVALID_CODE'); // dead
    h.clock.advance(60);
    await h.ok('sendCode', { phone: victim });
    expect(codeOf(await h.call('login', { phone: victim, code: h.sms.lastCode(victim) }, undefined, OWNER))).toBe('ok');
  });

  test('tries for a phone without a live code count nowhere: a client is not limited by them', async () => {
    const h = await harness({ LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '3' });
    for (let i = 0; i < 50; i += 1) expect(codeOf(await h.call('login', { phone: phone(), code: wrongCode(i) }, undefined, ATTACKER))).toBe('INVALID_CODE');
    const number = phone();
    await h.ok('sendCode', { phone: number });
    expect(codeOf(await h.call('login', { phone: number, code: h.sms.lastCode(number) }, undefined, ATTACKER))).toBe('ok');
  });

  describe('code sending', () => {
    test('one client asking for codes to 100 phones at once gets SMS_PER_CLIENT_PER_HOUR sent; other clients are not held back', async () => {
      const h = await harness({ SMS_PER_CLIENT_PER_HOUR: '10' });
      const phones = Array.from({ length: 100 }, phone);
      const answers = await Promise.all(phones.map((p) => h.call('sendCode', { phone: p }, undefined, ATTACKER)));
      expect(answers.filter((a) => a.ok)).toHaveLength(10);
      expect(answers.filter((a) => codeOf(a) === 'RATE_LIMITED')).toHaveLength(90);
      expect(h.sms.sent).toHaveLength(10);
      await h.ok('sendCode', { phone: phone() }, undefined);
      expect(codeOf(await h.call('sendCode', { phone: phone() }, undefined, OWNER))).toBe('ok');
      // The same client's IPv6 neighbours in its /64 are the same client.
      const v6 = await harness({ SMS_PER_CLIENT_PER_HOUR: '2' });
      expect(codeOf(await v6.call('sendCode', { phone: phone() }, undefined, '2001:db8:1:2::1'))).toBe('ok');
      expect(codeOf(await v6.call('sendCode', { phone: phone() }, undefined, '2001:db8:1:2:ffff::9'))).toBe('ok');
      expect(codeOf(await v6.call('sendCode', { phone: phone() }, undefined, '2001:0db8:0001:0002:abcd::1'))).toBe('RATE_LIMITED');
      expect(codeOf(await v6.call('sendCode', { phone: phone() }, undefined, '2001:db8:1:3::1'))).toBe('ok');
      // The client's hour renews.
      h.clock.advance(3600);
      expect(codeOf(await h.call('sendCode', { phone: phone() }, undefined, ATTACKER))).toBe('ok');
    });

    test('codes in all are limited per hour (SMS_GLOBAL_PER_HOUR), whatever the clients and phones, and the next hour renews', async () => {
      const h = await harness({ SMS_GLOBAL_PER_HOUR: '15' });
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => h.call('sendCode', { phone: phone() }, undefined, `198.51.100.${1 + (i % 30)}`)),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(15);
      expect(h.sms.sent).toHaveLength(15);
      const refused = answers.find((a) => !a.ok);
      expect(refused && !refused.ok && refused.error.message).toMatch(/繁忙/);
      h.clock.advance(3600);
      expect(codeOf(await h.call('sendCode', { phone: phone() }, undefined, OWNER))).toBe('ok');
    });

    test('a send the SMS provider fails: a clear error, and the retry goes out at once — cooldown, day and client counts untouched', async () => {
      const sms = new FailingSmsSender();
      const h = await harness({ SMS_PER_PHONE_PER_DAY: '1', SMS_PER_CLIENT_PER_HOUR: '1' }, { sms });
      const number = phone();
      sms.failNext(3);
      for (let i = 0; i < 3; i += 1) {
        const error = await h.call('sendCode', { phone: number }, undefined, OWNER);
        expect(error).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
        expect(!error.ok && error.error.message).toMatch(/发送失败.*重新获取/);
      }
      expect(sms.attempts).toBe(3);
      // At once, the same phone and client: sent, with the plain cooldown (the day's one code is this one).
      const sent = await h.call<{ cooldownSeconds: number }>('sendCode', { phone: number }, undefined, OWNER);
      expect(sent).toMatchObject({ ok: true, data: { cooldownSeconds: 900 } }); // the next one: a quarter of an hour on
      expect(sms.sent).toHaveLength(1);
      expect(codeOf(await h.call('login', { phone: number, code: sms.lastCode(number) }, undefined, OWNER))).toBe('ok');
    });

    test('a failed resend leaves the code sent before it usable, and its cooldown as it was', async () => {
      const sms = new FailingSmsSender();
      const h = await harness({}, { sms });
      const number = phone();
      await h.ok('sendCode', { phone: number });
      const first = sms.lastCode(number)!;
      h.clock.advance(60);
      sms.failNext(1);
      expect(codeOf(await h.call('sendCode', { phone: number }))).toBe('UNAVAILABLE');
      expect(codeOf(await h.call('login', { phone: number, code: first }, undefined, OWNER))).toBe('ok');
      // The cooldown had run out before the failed send: a new code may be asked for at once.
      expect(codeOf(await h.call('sendCode', { phone: number }))).toBe('ok');
    });
  });
});
