import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { ManualClock } from '../../server/platform/clock';
import type { Envelope } from '../../server/runtime/envelope';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, type TestUser } from '../support/harness';
import { PG_ADMIN_URL } from '../support/postgres';

/**
 * Rate limits (SPEC 2.1 check 11, SPEC 4 RATE_LIMITED, the limits of server/config.ts) hold
 * when the attempts come all at once — fifty at a time against a limit of ten, on PGlite and on
 * PostgreSQL with a pool of connections — and renew when their window does (the Harness clock
 * moves). tests/backbone/auth.test.ts and bindings.test.ts cover the same limits one attempt
 * after another; this file covers bursts, guessing across codes, shared budgets, what does not
 * count, and the windows.
 */

const BURST = 50;
const LIMIT = 10;

const codeOf = (envelope: Envelope): string => (envelope.ok ? 'ok' : envelope.error.code);

function tally(envelopes: Envelope[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const envelope of envelopes) counts[codeOf(envelope)] = (counts[codeOf(envelope)] ?? 0) + 1;
  return counts;
}

/** `n` calls at once. */
function burst(n: number, call: (i: number) => Promise<Envelope>): Promise<Envelope[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => call(i)));
}

describe.each(ADAPTERS)('rate limits on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  if (skip) it.skip(`PostgreSQL is not reachable at ${PG_ADMIN_URL}: this variant is SKIPPED`, () => undefined);
  const test = it.skipIf(skip);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  /** Phones of this file: 133… (the Harness's own factories use 139…). */
  let phoneSeq = 0;
  const phone = () => `133${String(++phoneSeq).padStart(8, '0')}`;
  /** ID numbers of nobody in the registry. */
  let unknownSeq = 0;
  const unknownId = () => makeIdNumber('130100', '1991-01-01', 1 + 2 * (++unknownSeq % 499));

  /** The factories' harness: one per database, so that its persons and phones never collide. */
  let factory: Harness | undefined;
  async function factories(): Promise<Harness> {
    factory ??= await Harness.create(getDb());
    return factory;
  }

  /** A harness with these limits on the same database, its clock at `at` (Shanghai is UTC+8). */
  const limited = (env: Record<string, string>, at = '2026-03-15T02:20:00Z') => Harness.create(getDb(), env, new ManualClock(at));

  /** Sends a code through `h` and returns it. */
  async function codeFor(h: Harness, number: string): Promise<string> {
    await h.ok('sendCode', { phone: number });
    const code = h.sms.lastCode(number);
    if (!code) throw new Error('no code sent');
    return code;
  }

  /** Six-digit codes that are certainly not `code`. */
  const wrongCodes = (code: string, n: number) =>
    Array.from({ length: n + 1 }, (_, i) => String((Number(code) + 1 + i * 7_919) % 1_000_000).padStart(6, '0')).filter((c) => c !== code).slice(0, n);

  /** A binding attempt of a relative nobody has (the undertaking accepted, SPEC 2.1), and the same for the family account. */
  const unknownBinding = () => ({ name: '无此人', idNumber: unknownId(), relationship: 'sibling', acceptUndertaking: true });
  const unknownMember = () => ({ name: '无此人', idNumber: unknownId(), relationship: 'sibling' });

  /** A verified employee, through the factories. */
  async function worker(): Promise<TestUser> {
    const h = await factories();
    return h.user(await h.employee(10_000, { birthDate: '1970-07-07' }));
  }

  describe('SMS codes', () => {
    test(`${BURST} sends to one phone at once send exactly one code while the cooldown runs`, async () => {
      const h = await limited({ SMS_COOLDOWN_SECONDS: '60', SMS_PER_PHONE_PER_DAY: '1000' });
      const number = phone();
      const answers = await burst(BURST, () => h.call('sendCode', { phone: number }));
      expect(tally(answers)).toEqual({ ok: 1, RATE_LIMITED: BURST - 1 });
      expect(h.sms.sent.filter((s) => s.phone === number)).toHaveLength(1);
    });

    test(`${BURST} sends at once with ${LIMIT} a day send exactly ${LIMIT} codes, and ${LIMIT} more after midnight in Shanghai`, async () => {
      const h = await limited({ SMS_COOLDOWN_SECONDS: '0', SMS_PER_PHONE_PER_DAY: String(LIMIT) }, '2026-03-15T15:59:00Z');
      const number = phone();
      expect(tally(await burst(BURST, () => h.call('sendCode', { phone: number })))).toEqual({ ok: LIMIT, RATE_LIMITED: BURST - LIMIT });
      h.clock.set('2026-03-15T15:59:59Z'); // 23:59:59 in Shanghai: the same day
      expect(codeOf(await h.call('sendCode', { phone: number }))).toBe('RATE_LIMITED');
      h.clock.set('2026-03-15T16:00:00Z'); // midnight in Shanghai
      expect(tally(await burst(BURST, () => h.call('sendCode', { phone: number })))).toEqual({ ok: LIMIT, RATE_LIMITED: BURST - LIMIT });
      expect(h.sms.sent.filter((s) => s.phone === number)).toHaveLength(2 * LIMIT);
    });

    test('sends refused for the cooldown do not use up the daily allowance', async () => {
      const h = await limited({ SMS_COOLDOWN_SECONDS: '60', SMS_PER_PHONE_PER_DAY: '3' });
      const number = phone();
      await h.ok('sendCode', { phone: number });
      for (let i = 0; i < 20; i += 1) expect(codeOf(await h.call('sendCode', { phone: number }))).toBe('RATE_LIMITED');
      h.clock.advance(60);
      await h.ok('sendCode', { phone: number });
      h.clock.advance(60);
      await h.ok('sendCode', { phone: number });
      h.clock.advance(60);
      const fourth = await h.err('sendCode', { phone: number });
      expect(fourth.code).toBe('RATE_LIMITED');
      expect(fourth.message).toContain('分钟'); // the day's codes are used: one per 15 minutes now
      expect(h.sms.sent.filter((s) => s.phone === number)).toHaveLength(3);
    });
  });

  describe('guessing login codes', () => {
    test('a code dies after CODE_MAX_FAILURES wrong tries, as configured (here 3)', async () => {
      const h = await limited({ CODE_MAX_FAILURES: '3' });
      const number = phone();
      const code = await codeFor(h, number);
      const messages: string[] = [];
      for (const wrong of wrongCodes(code, 3)) messages.push((await h.err('login', { phone: number, code: wrong })).message);
      expect(messages[0]).toContain('2');
      expect(messages[2]).toContain('过多');
      expect((await h.err('login', { phone: number, code })).code).toBe('INVALID_CODE');
    });

    test(`${BURST} different guesses at one code at once: exactly CODE_MAX_FAILURES are compared with it, and it dies`, async () => {
      const h = await limited({ CODE_MAX_FAILURES: '5', LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '1000' });
      const number = phone();
      const code = await codeFor(h, number);
      const guesses = wrongCodes(code, BURST);
      const answers = await burst(BURST, (i) => h.call('login', { phone: number, code: guesses[i] }));
      expect(tally(answers)).toEqual({ INVALID_CODE: BURST });
      // "验证码错误…" answers a guess that was compared with the code; "验证码已失效" one that was not.
      const compared = answers.filter((a) => !a.ok && a.error.message.startsWith('验证码错误'));
      expect(compared).toHaveLength(5);
      expect((await h.err('login', { phone: number, code })).code).toBe('INVALID_CODE');
    });

    test(`${BURST} logins at once from one client with LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR=${LIMIT}: exactly ${LIMIT} reach the code; another client still logs in`, async () => {
      const h = await limited({ LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: String(LIMIT), CODE_MAX_FAILURES: '20' });
      const number = phone();
      const code = await codeFor(h, number);
      const guesses = wrongCodes(code, BURST);
      expect(tally(await burst(BURST, (i) => h.call('login', { phone: number, code: guesses[i] }, undefined, '198.51.100.1')))).toEqual({
        INVALID_CODE: LIMIT,
        RATE_LIMITED: BURST - LIMIT,
      });
      // The right code from that client is over its limit too; from the owner's client it signs in.
      expect(codeOf(await h.call('login', { phone: number, code }, undefined, '198.51.100.1'))).toBe('RATE_LIMITED');
      expect(codeOf(await h.call('login', { phone: number, code }, undefined, '203.0.113.5'))).toBe('ok');
    });

    test(`${BURST} WeChat quick logins at once for one phone with WECHAT_LOGINS_PER_PHONE_PER_HOUR=${LIMIT}: exactly ${LIMIT} sign in`, async () => {
      const h = await limited({ WECHAT_LOGINS_PER_PHONE_PER_HOUR: String(LIMIT) });
      const number = phone();
      expect(tally(await burst(BURST, () => h.call('loginByWechatPhone', { phoneCode: `dev:${number}` })))).toEqual({
        ok: LIMIT,
        RATE_LIMITED: BURST - LIMIT,
      });
    });

    test('guessing across new codes is limited per client, and never blocks the WeChat login of the phone', async () => {
      const h = await limited({ LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: String(LIMIT), CODE_MAX_FAILURES: '5' });
      const number = phone();
      const attacker = '198.51.100.2';
      // Two codes, five wrong guesses each from one client: both codes die, and its hour's ten attempts are used.
      for (let round = 0; round < 2; round += 1) {
        const code = await codeFor(h, number);
        for (const wrong of wrongCodes(code, 5)) expect(codeOf(await h.call('login', { phone: number, code: wrong }, undefined, attacker))).toBe('INVALID_CODE');
        h.clock.advance(60);
      }
      // A third code: that client is over its limit even with the right one; WeChat's login of the phone is not touched.
      const third = await codeFor(h, number);
      expect(codeOf(await h.call('login', { phone: number, code: third }, undefined, attacker))).toBe('RATE_LIMITED');
      expect(codeOf(await h.call('loginByWechatPhone', { phoneCode: `dev:${number}` }))).toBe('ok');
      expect(codeOf(await h.call('login', { phone: number, code: third }, undefined, '203.0.113.6'))).toBe('ok');
    });

    test('login attempts of a client renew on the hour, however often it knocked while limited', async () => {
      const h = await limited({ LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '3' }, '2026-03-15T02:20:00Z');
      const number = phone();
      const client = '198.51.100.3';
      const code = await codeFor(h, number);
      const [a, b, c] = wrongCodes(code, 3);
      for (const wrong of [a, b, c]) expect(codeOf(await h.call('login', { phone: number, code: wrong }, undefined, client))).toBe('INVALID_CODE');
      for (const at of ['2026-03-15T02:25:00Z', '2026-03-15T02:29:59Z']) {
        h.clock.set(at);
        expect(codeOf(await h.call('login', { phone: number, code }, undefined, client))).toBe('RATE_LIMITED');
      }
      // Fixed windows of an hour: the next one starts at 03:00 with a full allowance.
      h.clock.set('2026-03-15T03:00:00Z');
      await h.ok('login', { phone: number, code: await codeFor(h, number) });
    });
  });

  describe('diagnosis (SPEC 2.8: each one tells something of a sharer\'s balance)', () => {
    test(`${BURST} diagnoses at once with DIAGNOSE_PER_HOUR=${LIMIT}: exactly ${LIMIT} are answered, per user, and again an hour later`, async () => {
      const h = await limited({ DIAGNOSE_PER_HOUR: String(LIMIT) });
      const f = await factories();
      const sharer = await worker();
      const relative = await f.person();
      const { bindingId } = await f.bind(sharer, relative, 'sibling');
      const answers = await burst(BURST, (i) => h.call('diagnose', { bindingId, amountFen: 1 + i * 1_000 }, sharer.token));
      expect(tally(answers)).toEqual({ ok: LIMIT, RATE_LIMITED: BURST - LIMIT });
      // The relative has a budget of her own; the sharer waits for the next hour.
      expect(codeOf(await h.call('diagnose', {}, await f.tokenOf(relative)))).toBe('ok');
      expect(codeOf(await h.call('diagnose', {}, sharer.token))).toBe('RATE_LIMITED');
      h.clock.advance(3600);
      expect(codeOf(await h.call('diagnose', { bindingId }, sharer.token))).toBe('ok');
    });

    test('the default DIAGNOSE_PER_HOUR is 20', () => {
      expect(loadConfig({ APP_ENV: 'development' }).limits.diagnosePerHour).toBe(20);
    });
  });

  describe('registry lookups of binding, family account and identity verification', () => {
    test(`${BURST} binding attempts at once with BIND_ATTEMPTS_PER_HOUR=${LIMIT}: exactly ${LIMIT} reach the registry`, async () => {
      const h = await limited({ BIND_ATTEMPTS_PER_HOUR: String(LIMIT) });
      const user = await worker();
      const answers = await burst(BURST, () => h.call('bindRelative', unknownBinding(), user.token));
      expect(tally(answers)).toEqual({ RELATIVE_NOT_INSURED: LIMIT, RATE_LIMITED: BURST - LIMIT });
      h.clock.advance(3600);
      const again = await burst(BURST, () => h.call('bindRelative', unknownBinding(), user.token));
      expect(tally(again)).toEqual({ RELATIVE_NOT_INSURED: LIMIT, RATE_LIMITED: BURST - LIMIT });
    });

    test(`binding and family-account attempts at once draw on one budget: ${LIMIT} in all`, async () => {
      const h = await limited({ BIND_ATTEMPTS_PER_HOUR: String(LIMIT) });
      const user = await worker();
      const answers = await burst(BURST, (i) =>
        i % 2 === 0 ? h.call('bindRelative', unknownBinding(), user.token) : h.call('addFamilyAccount', unknownMember(), user.token),
      );
      expect(tally(answers)).toEqual({ RELATIVE_NOT_INSURED: LIMIT, RATE_LIMITED: BURST - LIMIT });
    });

    test('checks that come before the registry do not use up the budget', async () => {
      const h = await limited({ BIND_ATTEMPTS_PER_HOUR: '3' });
      const f = await factories();
      const sharer = await f.employee(10_000, { birthDate: '1970-07-07' });
      const user = await f.user(sharer);
      const member = (idNumber: string, relationship = 'sibling') => ({ name: '某人', idNumber, relationship });
      const event = (idNumber: string, relationship = 'sibling') => ({ ...member(idNumber, relationship), acceptUndertaking: true });
      // A spouse bound (pending): a second one is impossible before the registry is asked. That
      // binding itself reached the registry: one of the three attempts of the hour.
      await f.bind(user, await f.person({ birthDate: '1971-01-01' }), 'spouse', { confirm: false });
      for (let i = 0; i < 10; i += 1) {
        expect(codeOf(await h.call('bindRelative', member(unknownId()), user.token))).toBe('UNDERTAKING_REQUIRED');
        expect(codeOf(await h.call('bindRelative', event('123'), user.token))).toBe('INVALID_ID_NUMBER');
        expect(codeOf(await h.call('addFamilyAccount', member('123'), user.token))).toBe('INVALID_ID_NUMBER');
        expect(codeOf(await h.call('bindRelative', event(unknownId(), 'spouse'), user.token))).toBe('RELATIONSHIP_IMPOSSIBLE');
        expect(codeOf(await h.call('bindRelative', event(sharer.idNumber), user.token))).toBe('SELF_BINDING');
        // A "parent" born after the worker: impossible by the dates alone.
        expect(codeOf(await h.call('bindRelative', event(makeIdNumber('130100', '1990-01-01', 11), 'parent'), user.token))).toBe('RELATIONSHIP_IMPOSSIBLE');
      }
      for (let i = 0; i < 2; i += 1) expect(codeOf(await h.call('bindRelative', event(unknownId()), user.token))).toBe('RELATIVE_NOT_INSURED');
      expect(codeOf(await h.call('bindRelative', event(unknownId()), user.token))).toBe('RATE_LIMITED');
    });

    test('the budget belongs to the worker: another account cannot take the same identity without a proof to get a second one', async () => {
      const h = await limited({ BIND_ATTEMPTS_PER_HOUR: '2' });
      const f = await factories();
      const sharer = await f.employee(10_000, { birthDate: '1970-07-07' });
      const first = await f.user(sharer);
      for (let i = 0; i < 2; i += 1) await h.err('bindRelative', unknownBinding(), first.token);
      expect(codeOf(await h.call('bindRelative', unknownBinding(), first.token))).toBe('RATE_LIMITED');
      const second = await f.user();
      expect(codeOf(await h.call('verifyIdentity', { name: sharer.name, idNumber: sharer.idNumber }, second.token))).toBe('PROOF_REQUIRED');
      expect(codeOf(await h.call('bindRelative', unknownBinding(), second.token))).toBe('NOT_VERIFIED');
    });

    test(`${BURST} face checks at once with VERIFY_ATTEMPTS_PER_HOUR=${LIMIT}: exactly ${LIMIT} reach the registry, and they share verification's budget`, async () => {
      const h = await limited({ VERIFY_ATTEMPTS_PER_HOUR: String(LIMIT) });
      const f = await factories();
      const person = await f.person();
      const user = await f.user();
      const answers = await burst(BURST, (i) => h.call('startFaceCheck', { name: `错名${i}`, idNumber: person.idNumber }, user.token));
      expect(tally(answers)).toEqual({ IDENTITY_MISMATCH: LIMIT, RATE_LIMITED: BURST - LIMIT });
      expect(codeOf(await h.call('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token))).toBe('RATE_LIMITED');
      h.clock.advance(3600);
      const { faceCheckId } = await h.ok('startFaceCheck', { name: person.name, idNumber: person.idNumber }, user.token);
      await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, user.token);
    });

    test(`${BURST} identity verifications at once with VERIFY_ATTEMPTS_PER_HOUR=${LIMIT}: exactly ${LIMIT} reach the registry`, async () => {
      const h = await limited({ VERIFY_ATTEMPTS_PER_HOUR: String(LIMIT) });
      const f = await factories();
      const person = await f.person();
      const user = { token: await f.login(person.phone!) }; // the registry phone: the proof, once the name is right
      const answers = await burst(BURST, (i) => h.call('verifyIdentity', { name: `错名${i}`, idNumber: person.idNumber }, user.token));
      expect(tally(answers)).toEqual({ IDENTITY_MISMATCH: LIMIT, RATE_LIMITED: BURST - LIMIT });
      expect(codeOf(await h.call('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token))).toBe('RATE_LIMITED');
      h.clock.advance(3600);
      await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token);
    });
  });
});
