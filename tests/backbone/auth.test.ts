import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { ManualClock } from '../../server/platform/clock';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, type TestPerson } from '../support/harness';

/** SPEC 3.2 users: login codes, sessions, identity verification and `me`, through the real cloud functions. */

const FULL_ID_NUMBER = /\d{17}[\dX]/;
const MASKED_ID_NUMBER = /^\d{4}\*{10}[\dX]{4}$/;
const SECRET = (c: string) => c.repeat(40);

/** A code that is certainly not `code`. */
const otherCode = (code: string) => (code === '000000' ? '111111' : '000000');

/** A person whose ID number ends in X (the check character), to try the lower-case form. */
function idNumberEndingInX(region: string, birthDate: string): string {
  for (let sequence = 900; sequence < 1000; sequence += 1) {
    const idNumber = makeIdNumber(region, birthDate, sequence);
    if (idNumber.endsWith('X')) return idNumber;
  }
  throw new Error('no sequence gives X');
}

describe.each(ADAPTERS)('users and sessions on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip('PostgreSQL is not reachable at 127.0.0.1:5432: this variant is SKIPPED', () => undefined);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let h: Harness;
  /** Phones of the harnesses that share this database: 137… here (h.user uses 139…). */
  let phoneSeq = 0;
  const phone = () => `137${String(++phoneSeq).padStart(8, '0')}`;

  beforeAll(async () => {
    if (!skip) h = await Harness.create(getDb());
  });

  /** Another configuration on the same database and clock (the keys are shared through the database). */
  const variant = (env: Record<string, string>) => Harness.create(getDb(), env, h.clock);

  async function codeFor(target: Harness, number: string): Promise<string> {
    await target.ok('sendCode', { phone: number });
    const code = target.sms.lastCode(number);
    if (!code) throw new Error('no code sent');
    return code;
  }

  async function loginToken(target: Harness, number: string): Promise<string> {
    const code = await codeFor(target, number);
    return (await target.ok<{ token: string }>('login', { phone: number, code })).token;
  }

  describe('login codes', () => {
    test('sends a six-digit code by SMS and returns it as devCode outside production', async () => {
      const number = phone();
      const data = await h.ok('sendCode', { phone: number });
      expect(data.devCode).toMatch(/^[0-9]{6}$/);
      expect(h.sms.lastCode(number)).toBe(data.devCode);
      expect(data.cooldownSeconds).toBe(0);
    });

    test('logs a phone in with its code and answers with a session for one user per phone', async () => {
      const number = phone();
      const first = await h.ok('login', { phone: number, code: await codeFor(h, number) });
      expect(first.user).toEqual({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/), verified: false });
      expect(Date.parse(first.expiresAt) - h.clock.now().getTime()).toBe(7 * 24 * 3600 * 1000);
      const second = await h.ok('login', { phone: number, code: await codeFor(h, number) });
      expect(second.user.userId).toBe(first.user.userId);
      expect(await h.ok('me', {}, second.token)).toEqual({
        userId: first.user.userId,
        phone: number,
        verified: false,
        unreadMessages: 0,
        pendingRequests: 0,
      });
    });

    test('accepts a code only once', async () => {
      const number = phone();
      const code = await codeFor(h, number);
      await h.ok('login', { phone: number, code });
      expect((await h.err('login', { phone: number, code })).code).toBe('INVALID_CODE');
    });

    test('refuses a login for a phone that never asked for a code', async () => {
      expect((await h.err('login', { phone: phone(), code: '123456' })).code).toBe('INVALID_CODE');
    });

    test.each([
      { after: 599, accepted: true },
      { after: 600, accepted: false },
      { after: 3600, accepted: false },
    ])('a code $after seconds old is accepted: $accepted (codes live ten minutes)', async ({ after, accepted }) => {
      const number = phone();
      const code = await codeFor(h, number);
      h.clock.advance(after);
      const answer = await h.call('login', { phone: number, code });
      expect(answer.ok ? 'ok' : answer.error.code).toBe(accepted ? 'ok' : 'INVALID_CODE');
    });

    test('kills a code after five wrong tries, so even the right code is refused afterwards', async () => {
      const number = phone();
      const code = await codeFor(h, number);
      const messages: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const error = await h.err('login', { phone: number, code: otherCode(code) });
        expect(error.code).toBe('INVALID_CODE');
        messages.push(error.message);
      }
      expect(messages[0]).toContain('4');
      expect((await h.err('login', { phone: number, code })).code).toBe('INVALID_CODE');
      // A new code starts a new count.
      const fresh = await codeFor(h, number);
      await h.ok('login', { phone: number, code: fresh });
    });

    test('still accepts the right code after fewer wrong tries than the limit', async () => {
      const number = phone();
      const code = await codeFor(h, number);
      for (let i = 0; i < 4; i += 1) await h.err('login', { phone: number, code: otherCode(code) });
      await h.ok('login', { phone: number, code });
    });

    test('a new code replaces the previous one', async () => {
      const number = phone();
      const old = await codeFor(h, number);
      let fresh = await codeFor(h, number);
      while (fresh === old) fresh = await codeFor(h, number);
      expect((await h.err('login', { phone: number, code: old })).code).toBe('INVALID_CODE');
      await h.ok('login', { phone: number, code: fresh });
    });

    test('lets only one of two simultaneous logins use a code', async () => {
      const number = phone();
      const code = await codeFor(h, number);
      const answers = await Promise.all([1, 2, 3, 4].map(() => h.call('login', { phone: number, code })));
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.error.code))).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE']);
    });

    test.each([
      { name: 'sendCode', event: { phone: '12800000000' }, field: 'phone' },
      { name: 'sendCode', event: { phone: '1380000000' }, field: 'phone' },
      { name: 'sendCode', event: { phone: 13800000000 }, field: 'phone' },
      { name: 'sendCode', event: {}, field: 'phone' },
      { name: 'sendCode', event: { phone: '13800000000', extra: 1 }, field: 'extra' },
      { name: 'login', event: { phone: '13800000000', code: '12345' }, field: 'code' },
      { name: 'login', event: { phone: '13800000000', code: '12345a' }, field: 'code' },
      { name: 'login', event: { phone: '13800000000', code: 123456 }, field: 'code' },
    ])('$name refuses $event with INVALID_INPUT naming $field', async ({ name, event, field }) => {
      const error = await h.err(name, event);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
    });

    test('keeps a resend cooldown per phone (SMS_COOLDOWN_SECONDS)', async () => {
      const slow = await variant({ SMS_COOLDOWN_SECONDS: '60' });
      const number = phone();
      expect((await slow.ok('sendCode', { phone: number })).cooldownSeconds).toBe(60);
      expect((await slow.err('sendCode', { phone: number })).code).toBe('RATE_LIMITED');
      slow.clock.advance(59);
      expect((await slow.err('sendCode', { phone: number })).code).toBe('RATE_LIMITED');
      await slow.ok('sendCode', { phone: phone() }); // another phone is not held back
      slow.clock.advance(1);
      await slow.ok('sendCode', { phone: number });
      expect(slow.sms.sent.filter((s) => s.phone === number)).toHaveLength(2);
    });

    test('sends SMS_PER_PHONE_PER_DAY codes to a phone in a day (of Asia/Shanghai) at the cooldown, then one per 15 minutes', async () => {
      // 23:30 in Shanghai.
      const capped = await Harness.create(getDb(), { SMS_PER_PHONE_PER_DAY: '3' }, new ManualClock('2026-03-15T15:30:00Z'));
      const number = phone();
      for (let i = 0; i < 3; i += 1) await capped.ok('sendCode', { phone: number });
      const error = await capped.err('sendCode', { phone: number });
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.message).toContain('15 分钟');
      expect(capped.sms.sent.filter((s) => s.phone === number)).toHaveLength(3);
      await capped.ok('sendCode', { phone: phone() }); // another phone has its own allowance
      capped.clock.advance(899);
      expect((await capped.err('sendCode', { phone: number })).code).toBe('RATE_LIMITED');
      capped.clock.advance(1); // 23:45: a quarter of an hour after the last code
      expect((await capped.ok('sendCode', { phone: number })).cooldownSeconds).toBe(900);
      capped.clock.set('2026-03-15T15:59:59Z'); // 23:59:59 in Shanghai: still the same day
      expect((await capped.err('sendCode', { phone: number })).code).toBe('RATE_LIMITED');
      capped.clock.set('2026-03-15T16:00:00Z'); // midnight in Shanghai: a new day, the plain cooldown
      await capped.ok('sendCode', { phone: number });
      await capped.ok('sendCode', { phone: number });
    });

    test('limits login attempts per client per hour, right code or wrong; another client may still log in', async () => {
      const limited = await variant({ LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '3' });
      const number = phone();
      const code = await codeFor(limited, number);
      for (let i = 0; i < 3; i += 1) await limited.call('login', { phone: number, code: otherCode(code) }, undefined, '198.51.100.7');
      expect(await limited.call('login', { phone: number, code }, undefined, '198.51.100.7')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect((await limited.call('login', { phone: number, code }, undefined, '203.0.113.9')).ok).toBe(true);
      limited.clock.advance(3600);
      const again = await codeFor(limited, number);
      expect((await limited.call('login', { phone: number, code: again }, undefined, '198.51.100.7')).ok).toBe(true);
    });
  });

  describe('production', () => {
    const productionEnv = {
      APP_ENV: 'production',
      ADMIN_KEY: SECRET('a'),
      SESSION_SECRET: SECRET('s'),
      ID_DIGEST_KEY: SECRET('d'),
    };

    test('never returns the code in production; it only goes out by SMS', async () => {
      const prod = await variant(productionEnv);
      expect(prod.app.config.appEnv).toBe('production');
      const number = phone();
      const data = await prod.ok('sendCode', { phone: number });
      expect(data).not.toHaveProperty('devCode');
      expect(JSON.stringify(data)).not.toMatch(/[0-9]{6}/);
      const code = prod.sms.lastCode(number);
      expect(code).toMatch(/^[0-9]{6}$/);
      const { token } = await prod.ok('login', { phone: number, code });
      expect((await prod.ok('me', {}, token)).phone).toBe(number);
    });

    test('refuses to start in production without long secrets', () => {
      expect(() => loadConfig({ APP_ENV: 'production' })).toThrow(/ADMIN_KEY/);
      expect(() => loadConfig({ ...productionEnv, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
      expect(loadConfig(productionEnv).demoData).toBe(false);
    });
  });

  describe('sessions', () => {
    test('a token stops working when SESSION_TTL_SECONDS have passed', async () => {
      const short = await variant({ SESSION_TTL_SECONDS: '3600' });
      const number = phone();
      const { token, expiresAt } = await short.ok('login', { phone: number, code: await codeFor(short, number) });
      expect(Date.parse(expiresAt) - short.clock.now().getTime()).toBe(3600 * 1000);
      short.clock.advance(3599);
      await short.ok('me', {}, token);
      short.clock.advance(1);
      expect((await short.err('me', {}, token)).code).toBe('UNAUTHENTICATED');
    });

    test.each([
      { what: 'no token', token: () => undefined },
      { what: 'an empty token', token: () => '' },
      { what: 'garbage', token: () => 'garbage' },
      { what: 'three dots', token: () => 'a.b.c' },
      { what: 'the admin key', token: (h: Harness) => h.adminKey },
      {
        what: 'a token signed with another secret',
        token: async (h: Harness, userId: string) =>
          new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer('yibao-gongji')
            .setIssuedAt(Math.floor(h.clock.now().getTime() / 1000)).setExpirationTime('1h')
            .sign(new TextEncoder().encode(SECRET('x'))),
      },
      {
        what: 'an unsigned token (alg none)',
        token: (_h: Harness, userId: string) =>
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: userId, iss: 'yibao-gongji' })).toString('base64url')}.`,
      },
      {
        what: 'a real token whose subject was changed',
        token: (_h: Harness, _userId: string, real: string) => {
          const [header, payload, signature] = real.split('.');
          const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
          claims.sub = '00000000-0000-4000-8000-000000000000';
          return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        },
      },
      {
        what: 'a correctly signed token of a user that does not exist',
        token: (h: Harness) =>
          new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('00000000-0000-4000-8000-000000000000')
            .setIssuer('yibao-gongji').setIssuedAt(Math.floor(h.clock.now().getTime() / 1000)).setExpirationTime('1h')
            .sign(h.app.keys.session),
      },
    ])('answers UNAUTHENTICATED to $what', async ({ token }) => {
      const number = phone();
      const real = await loginToken(h, number);
      const { userId } = await h.ok('me', {}, real);
      const bearer = await token(h, userId, real);
      for (const name of ['me', 'listMembers', 'listRecords', 'listFamilyAccount']) {
        expect((await h.err(name, {}, bearer)).code).toBe('UNAUTHENTICATED');
      }
      expect((await h.err('verifyIdentity', { name: '张三', idNumber: '11010519491231002X' }, bearer)).code).toBe('UNAUTHENTICATED');
    });

    test('takes the caller from the token, never from the event', async () => {
      const token = await loginToken(h, phone());
      const other = await h.ok('me', {}, await loginToken(h, phone()));
      const error = await h.err('me', { userId: other.userId }, token);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'userId' });
    });
  });

  describe('identity verification', () => {
    test('links a user logged in with the registry phone to the person whose name and ID number match', async () => {
      const person = await h.employee(12_345);
      const token = await h.login(person.phone!);
      const { person: view, proof } = await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber }, token);
      expect(proof).toBe('registry_phone');
      expect(view).toEqual({
        name: person.name,
        idNumberMasked: `${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(14)}`,
        insuranceType: 'employee',
        status: 'active',
        poolingRegion: '130100',
        balanceFen: 12_345,
      });
      const me = await h.ok('me', {}, token);
      expect(me).toMatchObject({ phone: person.phone, verified: true, person: view });
    });

    test('refuses name and ID number alone from another phone with PROOF_REQUIRED, and links after a passed face check (SPEC 2.7)', async () => {
      const person = await h.employee(12_345);
      const user = await h.user();
      const refused = await h.err('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token);
      expect(refused.code).toBe('PROOF_REQUIRED');
      expect((await h.ok('me', {}, user.token)).verified).toBe(false);
      const faceCheckId = await h.faceCheck(user.token, person);
      const { person: view, proof } = await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, user.token);
      expect(proof).toBe('face_check');
      expect(await h.ok('me', {}, user.token)).toMatchObject({ phone: user.phone, verified: true, person: view });
    });

    test('refuses a person without a registry phone with PROOF_REQUIRED from any phone, and links them by face check', async () => {
      const person = { name: '无预留', idNumber: makeIdNumber('130100', '1971-03-04', 611) };
      await h.ok('upsertPersons', { persons: [{ ...person, insuranceType: 'resident', status: 'active', poolingRegion: '130100' }] }, h.adminKey);
      const user = await h.user();
      expect((await h.err('verifyIdentity', person, user.token)).code).toBe('PROOF_REQUIRED');
      expect((await h.ok('me', {}, user.token)).verified).toBe(false);
      await h.ok('verifyIdentity', { ...person, faceCheckId: await h.faceCheck(user.token, person) }, user.token);
      expect((await h.ok('me', {}, user.token)).person.name).toBe(person.name);
    });

    test('accepts a lower-case x and spaces around the ID number', async () => {
      const idNumber = idNumberEndingInX('130100', '1966-06-06');
      const person = await h.person({ idNumber, name: '钱小x' });
      const token = await h.login(person.phone!);
      await h.ok('verifyIdentity', { name: person.name, idNumber: `  ${idNumber.toLowerCase()} ` }, token);
      expect((await h.ok('me', {}, token)).person.name).toBe('钱小x');
    });

    test.each([
      { what: 'a wrong name', event: (p: TestPerson) => ({ name: `${p.name}甲`, idNumber: p.idNumber }) },
      { what: 'a number nobody has', event: (p: TestPerson) => ({ name: p.name, idNumber: makeIdNumber('130100', '1970-01-01', 999) }) },
    ])('refuses $what with IDENTITY_MISMATCH and stays unverified', async ({ event }) => {
      const person = await h.person();
      const user = await h.user();
      const error = await h.err('verifyIdentity', event(person), user.token);
      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect((await h.ok('me', {}, user.token)).verified).toBe(false);
    });

    test.each([
      { what: 'a wrong check character', idNumber: '110105194912310021' },
      { what: '17 characters', idNumber: '11010519491231002' },
      { what: 'an unknown province', idNumber: makeIdNumber('990100', '1970-01-01', 11) },
      { what: 'an impossible date', idNumber: makeIdNumber('130100', '1970-02-30', 11) },
      { what: 'a birth date in the future', idNumber: makeIdNumber('130100', '2030-01-01', 11) },
      { what: 'letters', idNumber: '11010519491231002A' },
    ])('refuses $what with INVALID_ID_NUMBER on idNumber', async ({ idNumber }) => {
      const user = await h.user();
      expect(await h.err('verifyIdentity', { name: '张三', idNumber }, user.token)).toMatchObject({
        code: 'INVALID_ID_NUMBER',
        field: 'idNumber',
      });
    });

    test('refuses a person another user already verified as, without a face check, with PROOF_REQUIRED', async () => {
      const person = await h.person();
      const holder = await h.user(person);
      const second = await h.user();
      expect((await h.err('verifyIdentity', { name: person.name, idNumber: person.idNumber }, second.token)).code).toBe('PROOF_REQUIRED');
      expect((await h.ok('me', {}, second.token)).verified).toBe(false);
      expect((await h.ok('me', {}, holder.token)).person.name).toBe(person.name);
    });

    test('refuses the registry phone with IDENTITY_IN_USE while another user holds the person through a face check', async () => {
      const person = await h.person();
      const holder = await h.user();
      const faceCheckId = await h.faceCheck(holder.token, person);
      await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, holder.token);
      const registryPhone = await h.login(person.phone!);
      expect((await h.err('verifyIdentity', { name: person.name, idNumber: person.idNumber }, registryPhone)).code).toBe('IDENTITY_IN_USE');
      expect((await h.ok('me', {}, registryPhone)).verified).toBe(false);
      expect((await h.ok('me', {}, holder.token)).person.name).toBe(person.name);
    });

    test('a face check reclaims a person held by another user: that user is unlinked and its sessions end', async () => {
      const person = await h.person();
      const holder = await h.user(person);
      const claimant = await h.user();
      const faceCheckId = await h.faceCheck(claimant.token, person);
      await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, claimant.token);
      expect((await h.ok('me', {}, claimant.token)).person.name).toBe(person.name);
      expect((await h.err('me', {}, holder.token)).code).toBe('UNAUTHENTICATED');
      // The former holder, logging in again, is a user without a person.
      expect(await h.ok('me', {}, await h.login(holder.phone))).toMatchObject({ phone: holder.phone, verified: false });
      // A face check is used up by the link.
      const again = await h.user();
      expect(
        (await h.err('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId }, again.token)).code,
      ).toBe('FACE_CHECK_FAILED');
    });

    test('leaves exactly one user holding a person when three users race with face checks', async () => {
      const person = await h.person();
      const users = await Promise.all([h.user(), h.user(), h.user()]);
      const checks = await Promise.all(users.map((u) => h.faceCheck(u.token, person)));
      const answers = await Promise.all(
        users.map((u, i) => h.call('verifyIdentity', { name: person.name, idNumber: person.idNumber, faceCheckId: checks[i] }, u.token)),
      );
      expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(1);
      for (const answer of answers) if (!answer.ok) expect(answer.error.code).toBe('IDENTITY_IN_USE');
      const holders = await h.app.db.query<{ phone: string }>(
        'SELECT u.phone FROM users u JOIN persons p ON p.person_id = u.person_id WHERE p.name = $1 AND p.id_masked LIKE $2',
        [person.name, `${person.idNumber.slice(0, 4)}%${person.idNumber.slice(14)}`],
      );
      expect(holders).toHaveLength(1);
      // Every other user is unverified (or has lost its session to the reclaim).
      const views = await Promise.all(users.map((u) => h.call<{ verified: boolean }>('me', {}, u.token)));
      const verified = views.filter((v) => v.ok && v.data.verified);
      expect(verified).toHaveLength(1);
      expect(users[views.findIndex((v) => v.ok && v.data.verified)]?.phone).toBe(holders[0]?.phone);
    });

    test('does not let a verified user switch to someone else', async () => {
      const first = await h.person();
      const second = await h.person();
      const user = await h.user(first);
      expect((await h.err('verifyIdentity', { name: second.name, idNumber: second.idNumber }, user.token)).code).toBe('FORBIDDEN');
      expect((await h.ok('me', {}, user.token)).person.name).toBe(first.name);
      // The other person stays free for their own user.
      await h.user(second);
    });

    test('lets a verified user verify again as the same person', async () => {
      const person = await h.person();
      const user = await h.user(person);
      const again = await h.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token);
      expect(again.person.name).toBe(person.name);
      expect((await h.ok('me', {}, user.token)).verified).toBe(true);
    });

    test('limits verification attempts per user per hour (VERIFY_ATTEMPTS_PER_HOUR)', async () => {
      const limited = await variant({ VERIFY_ATTEMPTS_PER_HOUR: '3' });
      const person = await h.person();
      const user = { token: await h.login(person.phone!) };
      for (let i = 0; i < 3; i += 1) {
        expect((await limited.err('verifyIdentity', { name: `错${i}`, idNumber: person.idNumber }, user.token)).code).toBe('IDENTITY_MISMATCH');
      }
      expect((await limited.err('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token)).code).toBe('RATE_LIMITED');
      // Another user has a budget of their own.
      const other = await h.person();
      await limited.ok('verifyIdentity', { name: other.name, idNumber: other.idNumber }, await h.login(other.phone!));
      limited.clock.advance(3600);
      await limited.ok('verifyIdentity', { name: person.name, idNumber: person.idNumber }, user.token);
    });
  });

  describe('me', () => {
    test.each([
      { kind: 'an employee', insuranceType: 'employee' as const, balance: 8_800 },
      { kind: 'a resident', insuranceType: 'resident' as const, balance: undefined },
      { kind: 'an uninsured person', insuranceType: 'none' as const, balance: undefined },
    ])('shows $kind a masked ID number and a balance only for employees', async ({ insuranceType, balance }) => {
      const person = await h.person({ insuranceType, ...(balance !== undefined ? { balanceFen: balance } : {}) });
      const user = await h.user(person);
      const me = await h.ok('me', {}, user.token);
      expect(me.person.insuranceType).toBe(insuranceType);
      expect(me.person.idNumberMasked).toMatch(MASKED_ID_NUMBER);
      expect(me.person.idNumberMasked.slice(-4)).toBe(person.idNumber.slice(-4));
      if (balance === undefined) expect(me.person).not.toHaveProperty('balanceFen');
      else expect(me.person.balanceFen).toBe(balance);
      expect(JSON.stringify(me)).not.toMatch(FULL_ID_NUMBER);
    });

    test('shows an unverified user without a person', async () => {
      const user = await h.user();
      const me = await h.ok('me', {}, user.token);
      expect(me).toEqual({ userId: expect.any(String), phone: user.phone, verified: false, unreadMessages: 0, pendingRequests: 0 });
    });
  });
});
