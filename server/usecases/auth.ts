import { randomInt, randomUUID } from 'node:crypto';
import { maskIdNumber } from '../../src/rules/mask';
import { parseIdNumber } from '../../src/rules/idNumber';
import { shanghaiToday } from '../../src/rules/age';
import type { App } from '../app';
import { SQLSTATE, sqlState } from '../db/port';
import { AppError, fail } from '../errors';
import { digestOf, sameSecret } from '../platform/keys';
import { issueSessionToken, type CallerSource, type UserCaller } from '../runtime/caller';
import { findPersonByIdNumber, getBalance, getPerson, type PersonRow } from '../store/persons';
import { hitRateLimit } from '../store/rateLimits';
import { audit } from '../store/audit';

const HOUR = 3600;
const DAY = 86400;

function codeDigest(app: App, phone: string, code: string): string {
  return digestOf(app.keys.digest, 'login-code', `${phone}:${code}`);
}

export async function sendCode(app: App, input: { phone: string }): Promise<{ cooldownSeconds: number; devCode?: string }> {
  const { limits } = app.config;
  const now = app.clock.now();
  const previous = await app.db.query<{ sent_at: Date }>('SELECT sent_at FROM login_codes WHERE phone = $1', [input.phone]);
  const sentAt = previous[0]?.sent_at;
  if (sentAt) {
    const wait = Math.ceil(limits.smsCooldownSeconds - (now.getTime() - sentAt.getTime()) / 1000);
    if (wait > 0) fail('RATE_LIMITED', `验证码已发送，请在 ${wait} 秒后再重新获取`);
  }
  await hitRateLimit(app, `sms:${input.phone}`, limits.smsPerPhonePerDay, DAY, '今日获取验证码次数过多，请明天再试');

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + limits.codeTtlSeconds * 1000);
  // The upsert also guards the cooldown against two sends racing each other.
  const stored = await app.db.query(
    `INSERT INTO login_codes (phone, code_digest, sent_at, expires_at, failed_attempts, used_at)
     VALUES ($1, $2, $3, $4, 0, NULL)
     ON CONFLICT (phone) DO UPDATE SET code_digest = EXCLUDED.code_digest, sent_at = EXCLUDED.sent_at,
       expires_at = EXCLUDED.expires_at, failed_attempts = 0, used_at = NULL
     WHERE login_codes.sent_at <= $5
     RETURNING phone`,
    [input.phone, codeDigest(app, input.phone, code), now, expiresAt, new Date(now.getTime() - limits.smsCooldownSeconds * 1000)],
  );
  if (stored.length === 0) fail('RATE_LIMITED', '验证码已发送，请稍后再重新获取');
  await app.sms.sendLoginCode(input.phone, code, Math.round(limits.codeTtlSeconds / 60));
  return {
    cooldownSeconds: limits.smsCooldownSeconds,
    ...(app.config.appEnv === 'production' ? {} : { devCode: code }),
  };
}

export async function login(
  app: App,
  source: CallerSource,
  input: { phone: string; code: string },
): Promise<SignedIn> {
  const { limits } = app.config;
  await hitRateLimit(app, `login:${input.phone}`, limits.loginAttemptsPerHour, HOUR, '登录尝试过于频繁，请一小时后再试');
  const now = app.clock.now();
  // Every try takes one of the code's CODE_MAX_FAILURES tries before it is compared, in one
  // atomic update: however many guesses arrive at once, no more than that many are ever
  // compared with the code. (A read of the count before the comparison would let a burst of
  // guesses all pass the check before any of them is counted.) The right code's try counts
  // too, which changes nothing: the code is used up by it.
  const claimed = await app.db.query<{ code_digest: string; failed_attempts: number }>(
    `UPDATE login_codes SET failed_attempts = failed_attempts + 1
     WHERE phone = $1 AND used_at IS NULL AND expires_at > $2 AND failed_attempts < $3
     RETURNING code_digest, failed_attempts`,
    [input.phone, now, limits.codeMaxFailures],
  );
  const row = claimed[0];
  if (!row) fail('INVALID_CODE', '验证码已失效，请重新获取验证码');
  if (!sameSecret(row.code_digest, codeDigest(app, input.phone, input.code))) {
    const left = limits.codeMaxFailures - Number(row.failed_attempts);
    fail('INVALID_CODE', left > 0 ? `验证码错误，还可尝试 ${left} 次` : '验证码错误次数过多，请重新获取验证码');
  }
  // One use: only the first of two racing logins with the same code gets the row.
  const consumed = await app.db.query(
    `UPDATE login_codes SET used_at = $2
     WHERE phone = $1 AND code_digest = $3 AND used_at IS NULL AND expires_at > $2
     RETURNING phone`,
    [input.phone, now, row.code_digest],
  );
  if (consumed.length === 0) fail('INVALID_CODE', '验证码已失效，请重新获取验证码');
  return signIn(app, source, input.phone);
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: { userId: string; verified: boolean };
}

/**
 * The user of a phone whose ownership was just proven (SMS code or WeChat's phone number):
 * created on first sign-in, linked to the WeChat OPENID when called from WeChat, given a
 * session token.
 */
export async function signIn(app: App, source: CallerSource, phone: string): Promise<SignedIn> {
  const now = app.clock.now();
  await app.db.query('INSERT INTO users (user_id, phone, created_at) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING', [
    randomUUID(),
    phone,
    now,
  ]);
  const users = await app.db.query<{ user_id: string; person_id: string | null }>(
    'SELECT user_id, person_id FROM users WHERE phone = $1',
    [phone],
  );
  const user = users[0];
  if (!user) throw new Error('user row missing after upsert');
  if ('openid' in source) {
    await app.db.query(
      `INSERT INTO wechat_identities (openid, user_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (openid) DO UPDATE SET user_id = EXCLUDED.user_id`,
      [source.openid, user.user_id, now],
    );
  }
  const session = await issueSessionToken(app, user.user_id);
  return { ...session, user: { userId: user.user_id, verified: user.person_id !== null } };
}

export interface PersonView {
  name: string;
  idNumberMasked: string;
  insuranceType: PersonRow['insurance_type'];
  status: PersonRow['status'];
  poolingRegion: string;
  balanceFen?: bigint;
}

async function personView(app: App, person: PersonRow): Promise<PersonView> {
  const balance = await getBalance(app.db, person.person_id);
  return {
    name: person.name,
    idNumberMasked: person.id_masked,
    insuranceType: person.insurance_type,
    status: person.status,
    poolingRegion: person.pooling_region,
    ...(balance === null ? {} : { balanceFen: balance }),
  };
}

export async function verifyIdentity(
  app: App,
  caller: UserCaller,
  input: { name: string; idNumber: string },
): Promise<{ person: PersonView }> {
  await hitRateLimit(
    app,
    `verify:${caller.userId}`,
    app.config.limits.verifyAttemptsPerHour,
    HOUR,
    '实名认证尝试过于频繁，请一小时后再试',
  );
  const parsed = parseIdNumber(input.idNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'idNumber');
  const person = await findPersonByIdNumber(app, app.db, parsed.info.idNumber);
  if (!person || person.name !== input.name) fail('IDENTITY_MISMATCH');
  if (caller.personId !== null) {
    if (caller.personId === person.person_id) return { person: await personView(app, person) };
    fail('FORBIDDEN', '该账号已绑定其他实名身份，不能更换；如需帮助请联系客服');
  }
  const now = app.clock.now();
  try {
    await app.db.transaction(async (tx) => {
      const updated = await tx.query(
        'UPDATE users SET person_id = $2, verified_at = $3 WHERE user_id = $1 AND person_id IS NULL RETURNING user_id',
        [caller.userId, person.person_id, now],
      );
      if (updated.length === 0) fail('FORBIDDEN', '该账号已绑定其他实名身份，不能更换；如需帮助请联系客服');
      await audit(tx, now, `user:${caller.userId}`, 'verifyIdentity', `person:${person.person_id}`, {
        idNumberMasked: maskIdNumber(parsed.info.idNumber),
      });
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) fail('IDENTITY_IN_USE');
    throw error;
  }
  return { person: await personView(app, person) };
}

export async function me(
  app: App,
  caller: UserCaller,
): Promise<{ userId: string; phone: string; verified: boolean; person?: PersonView }> {
  const base = { userId: caller.userId, phone: caller.phone, verified: caller.personId !== null };
  if (caller.personId === null) return base;
  const person = await getPerson(app.db, caller.personId);
  if (!person) throw new AppError('NOT_FOUND');
  return { ...base, person: await personView(app, person) };
}
