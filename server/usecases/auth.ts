import { randomInt, randomUUID } from 'node:crypto';
import { maskIdNumber, maskPhone } from '../../src/rules/mask';
import { parseIdNumber } from '../../src/rules/idNumber';
import { shanghaiToday } from '../../src/rules/age';
import type { App } from '../app';
import { SQLSTATE, sqlState } from '../db/port';
import { AppError, fail } from '../errors';
import { digestOf, sameSecret } from '../platform/keys';
import { issueSessionToken, type CallerSource, type UserCaller } from '../runtime/caller';
import { findPersonByIdNumber, getAccount, getPerson, type PersonRow } from '../store/persons';
import { clientKey, countHit, hitRateLimit, peekHits, undoHit, type Hit } from '../store/rateLimits';
import { FaceCheckUnavailableError } from '../platform/faceCheck';
import { audit } from '../store/audit';
import { notify } from '../store/messages';
import { endSessions, forgetWechat } from '../store/sessions';
import { unreadCount } from './messages';
import type { Actor } from './actor';
import type { Data, Served } from '../contract';

const HOUR = 3600;
const DAY = 86400;

function codeDigest(app: App, phone: string, code: string): string {
  return digestOf(app.keys.digest, 'login-code', `${phone}:${code}`);
}

/** Who asks, for the limits per client: the address the gateway saw, or the OPENID in WeChat. */
export interface Requester {
  readonly source: CallerSource;
  readonly clientAddress: string | null;
}

/** The cooldown of a phone that has had `sentToday` codes today (SPEC 2.13). */
function cooldownOf(limits: App['config']['limits'], sentToday: number): number {
  return sentToday >= limits.smsPerPhonePerDay ? Math.max(limits.smsCooldownSeconds, limits.smsSlowCooldownSeconds) : limits.smsCooldownSeconds;
}

function cooldownMessage(limits: App['config']['limits'], sentToday: number, waitSeconds: number): string {
  return sentToday >= limits.smsPerPhonePerDay
    ? `今日获取验证码次数较多，请在 ${Math.ceil(waitSeconds / 60)} 分钟后再试`
    : `验证码已发送，请在 ${waitSeconds} 秒后再重新获取`;
}

/**
 * Sends a login code (SPEC 2.13). Limits: a cooldown per phone, which grows to
 * SMS_SLOW_COOLDOWN_SECONDS (at most 15 minutes) once the phone has had its day's codes — so
 * that nobody can use up a phone's day and keep its owner out; codes per client per hour; and
 * codes in all per hour. Only a code that was sent counts: a send refused by a limit, or one the
 * SMS provider failed, takes back what it counted and leaves the cooldown as it was.
 */
export async function sendCode(
  app: App,
  requester: Requester,
  input: { phone: string },
): Promise<Served<Data<'sendCode'>>> {
  const { limits } = app.config;
  const now = app.clock.now();
  const phoneBucket = `sms:${input.phone}`;
  // A send the cooldown refuses counts nowhere: checked before any counter moves.
  const previous = await app.db.query<{ code_digest: string; sent_at: Date; expires_at: Date; failed_attempts: number; used_at: Date | null }>(
    'SELECT code_digest, sent_at, expires_at, failed_attempts, used_at FROM login_codes WHERE phone = $1',
    [input.phone],
  );
  const before = previous[0];
  if (before) {
    const sentToday = await peekHits(app, phoneBucket, DAY);
    const wait = Math.ceil(cooldownOf(limits, sentToday) - (now.getTime() - before.sent_at.getTime()) / 1000);
    if (wait > 0) fail('RATE_LIMITED', cooldownMessage(limits, sentToday, wait));
  }

  const hits: Hit[] = [];
  const count = async (bucket: string, windowSeconds: number, limit: number, message: string): Promise<Hit> => {
    const hit = await countHit(app, bucket, windowSeconds);
    hits.push(hit);
    if (hit.hits > limit) fail('RATE_LIMITED', message);
    return hit;
  };
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const digest = codeDigest(app, input.phone, code);
  let stored = false;
  let sentToday = 0;
  try {
    // The narrowest first: one client's burst never takes the others' share, even for a moment.
    await count(`sms-client:${clientKey(requester.source, requester.clientAddress)}`, HOUR, limits.smsPerClientPerHour, '获取验证码过于频繁，请稍后再试');
    const today = await count(phoneBucket, DAY, Number.MAX_SAFE_INTEGER, '');
    await count('sms-all', HOUR, limits.smsGlobalPerHour, '验证码发送繁忙，请稍后再试，或使用微信手机号快捷登录');
    sentToday = today.hits;
    const cooldown = cooldownOf(limits, today.hits - 1);
    const cutoff = new Date(now.getTime() - cooldown * 1000);
    const expiresAt = new Date(now.getTime() + limits.codeTtlSeconds * 1000);
    // The conditional write also guards the cooldown against two sends racing each other. Past
    // the day's codes, a phone without a code row yet is a race: only an update may win it.
    const rows = await app.db.query(
      today.hits > limits.smsPerPhonePerDay
        ? `UPDATE login_codes SET code_digest = $2, sent_at = $3, expires_at = $4, failed_attempts = 0, used_at = NULL
           WHERE phone = $1 AND sent_at <= $5 RETURNING phone`
        : `INSERT INTO login_codes (phone, code_digest, sent_at, expires_at, failed_attempts, used_at)
           VALUES ($1, $2, $3, $4, 0, NULL)
           ON CONFLICT (phone) DO UPDATE SET code_digest = EXCLUDED.code_digest, sent_at = EXCLUDED.sent_at,
             expires_at = EXCLUDED.expires_at, failed_attempts = 0, used_at = NULL
           WHERE login_codes.sent_at <= $5
           RETURNING phone`,
      [input.phone, digest, now, expiresAt, cutoff],
    );
    if (rows.length === 0) fail('RATE_LIMITED', cooldownMessage(limits, today.hits - 1, cooldown));
    stored = true;
    await app.sms.sendLoginCode(input.phone, code, Math.round(limits.codeTtlSeconds / 60));
  } catch (error) {
    // Nothing was sent: the counters and the phone's previous code (and its cooldown) come back.
    if (stored) await restoreCode(app, input.phone, digest, before);
    for (const hit of hits) await undoHit(app, hit);
    if (error instanceof AppError) throw error;
    app.log.error({ phone: maskPhone(input.phone), err: error instanceof Error ? error.message : String(error) }, 'login code SMS failed');
    fail('UNAVAILABLE', '验证码短信发送失败，请重新获取验证码');
  }
  return {
    cooldownSeconds: cooldownOf(limits, sentToday),
    ...(app.config.appEnv === 'development' ? { devCode: code } : {}),
  };
}

/** How long a login code's row outlives its expiry before the hourly prune drops it. */
export const LOGIN_CODE_KEPT_SECONDS = DAY;

/**
 * Drops the login codes that expired more than LOGIN_CODE_KEPT_SECONDS ago (used or not): else
 * the table keeps one row for every phone that ever asked for a code. Nothing needs them: a
 * code's cooldown (at most 15 minutes) runs from its sending, before its expiry, and a phone's
 * count of the day is in rate_limit_hits. Hourly, with the rate-limit windows (server/workers/scheduler.ts).
 */
export async function pruneLoginCodes(app: Pick<App, 'db' | 'clock'>): Promise<number> {
  const before = new Date(app.clock.now().getTime() - LOGIN_CODE_KEPT_SECONDS * 1000);
  const rows = await app.db.query<{ phone: string }>('DELETE FROM login_codes WHERE expires_at < $1 RETURNING phone', [before]);
  return rows.length;
}

/** Puts back the code row a failed send replaced (only while the failed code is still the row's). */
async function restoreCode(
  app: App,
  phone: string,
  digest: string,
  before: { code_digest: string; sent_at: Date; expires_at: Date; failed_attempts: number; used_at: Date | null } | undefined,
): Promise<void> {
  if (!before) {
    await app.db.query('DELETE FROM login_codes WHERE phone = $1 AND code_digest = $2', [phone, digest]);
    return;
  }
  await app.db.query(
    `UPDATE login_codes SET code_digest = $3, sent_at = $4, expires_at = $5, failed_attempts = $6, used_at = $7
     WHERE phone = $1 AND code_digest = $2`,
    [phone, digest, before.code_digest, before.sent_at, before.expires_at, before.failed_attempts, before.used_at],
  );
}

/**
 * Signs in with a login code. The tries are limited per code (CODE_MAX_FAILURES wrong ones kill
 * it; a fresh code can be asked for) and per client per hour — never per phone, so that junk
 * tries from elsewhere cannot keep the phone's owner out (SPEC 2.13). A try for a phone without
 * a live code has nothing to guess and counts nowhere (nor adds a rate-limit row).
 */
export async function login(app: App, requester: Requester, input: { phone: string; code: string }): Promise<Served<Data<'login'>>> {
  const { limits } = app.config;
  const now = app.clock.now();
  const live = await app.db.query(
    'SELECT 1 FROM login_codes WHERE phone = $1 AND used_at IS NULL AND expires_at > $2 AND failed_attempts < $3',
    [input.phone, now, limits.codeMaxFailures],
  );
  if (live.length === 0) fail('INVALID_CODE', '验证码已失效，请重新获取验证码');
  await hitRateLimit(
    app,
    `login-client:${clientKey(requester.source, requester.clientAddress)}`,
    limits.loginAttemptsPerClientPerHour,
    HOUR,
    '登录尝试过于频繁，请稍后再试',
  );
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
  return signIn(app, requester.source, input.phone);
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
  /** The balance less the quotas held for relatives (SPEC 2.11): what the person's own bills, relatives without a quota and new quotas may use. */
  freeBalanceFen?: bigint;
}

export async function personView(app: App, person: PersonRow): Promise<PersonView> {
  const account = await getAccount(app.db, person.person_id);
  return {
    name: person.name,
    idNumberMasked: person.id_masked,
    insuranceType: person.insurance_type,
    status: person.status,
    poolingRegion: person.pooling_region,
    ...(account === null ? {} : { balanceFen: account.balanceFen, freeBalanceFen: account.freeBalanceFen }),
  };
}

/** How a link between a user and a registry person was proven (SPEC 2.7). */
export type Proof = 'registry_phone' | 'face_check' | 'staff';

/** How long a started face check may be completed, at most (the provider may say less). */
const FACE_CHECK_TTL_SECONDS = 600;

/** The registry person for a name and an ID number, or IDENTITY_MISMATCH; counted against the verify limit. */
async function claimedPerson(app: App, caller: UserCaller, input: { name: string; idNumber: string }) {
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
  return { person, idNumber: parsed.info.idNumber };
}

/**
 * SPEC 2.7: opens a face check of the named person for this user. The provider is WeChat's
 * (the mini-program then calls wx.requestFacialVerify with the verifyId) or, in development
 * only, a simulation that passes.
 */
export async function startFaceCheck(
  app: App,
  caller: UserCaller,
  input: { name: string; idNumber: string },
): Promise<Served<Data<'startFaceCheck'>>> {
  const { person, idNumber } = await claimedPerson(app, caller, input);
  const faceCheckId = randomUUID();
  const started = await app.faceCheck
    .start({ outSeqNo: faceCheckId, name: person.name, idNumber, ...(caller.openid ? { openid: caller.openid } : {}) })
    .catch((error: unknown) => {
      if (error instanceof FaceCheckUnavailableError) fail('FACE_CHECK_FAILED', '人脸核验只能在微信小程序中进行，请在微信中打开“医保家庭共济”');
      throw error;
    });
  const now = app.clock.now();
  const ttl = Math.min(FACE_CHECK_TTL_SECONDS, Math.max(60, started.expiresInSeconds));
  await app.db.query(
    `INSERT INTO face_checks (face_check_id, user_id, person_id, provider, verify_id, status, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, 'started', $6, $7)`,
    [faceCheckId, caller.userId, person.person_id, app.faceCheck.name, started.verifyId ?? '', now, new Date(now.getTime() + ttl * 1000)],
  );
  return {
    faceCheckId,
    ...(started.verifyId && app.faceCheck.name === 'wechat' ? { verifyId: started.verifyId } : {}),
    provider: app.faceCheck.name,
    simulated: app.faceCheck.simulated,
  };
}

/** A face check of this user for this person that the provider says has passed; used up by this call. */
async function passedFaceCheck(app: App, caller: UserCaller, personId: string, idNumber: string, name: string, faceCheckId: string) {
  const rows = await app.db.query<{ verify_id: string; status: string; person_id: string; expires_at: Date }>(
    'SELECT verify_id, status, person_id, expires_at FROM face_checks WHERE face_check_id = $1 AND user_id = $2',
    [faceCheckId, caller.userId],
  );
  const check = rows[0];
  const now = app.clock.now();
  if (!check || check.person_id !== personId || check.status === 'used' || check.status === 'failed' || check.expires_at <= now) {
    fail('FACE_CHECK_FAILED', '人脸核验未通过、已过期或不属于该身份，请重新进行人脸核验', 'faceCheckId');
  }
  const result = await app.faceCheck.result({
    outSeqNo: faceCheckId,
    ...(check.verify_id ? { verifyId: check.verify_id } : {}),
    name,
    idNumber,
    ...(caller.openid ? { openid: caller.openid } : {}),
  });
  if (!result.passed) {
    await app.db.query("UPDATE face_checks SET status = 'failed', completed_at = $2 WHERE face_check_id = $1", [faceCheckId, now]);
    fail('FACE_CHECK_FAILED', '人脸核验未通过，请在光线充足处正对屏幕重新核验', 'faceCheckId');
  }
}

/**
 * SPEC 2.7: links this user to a registry person, only with a proof — the login phone is the
 * person's registry phone, or a passed face check of that person. A face check also reclaims a
 * person held by another user: that user is unlinked, its sessions end, and both are told.
 * A link through any phone but the registry phone is told to the registry phone by SMS.
 */
export async function verifyIdentity(
  app: App,
  caller: UserCaller,
  input: { name: string; idNumber: string; faceCheckId?: string },
): Promise<Served<Data<'verifyIdentity'>>> {
  const { person, idNumber } = await claimedPerson(app, caller, input);
  if (caller.personId !== null) {
    if (caller.personId !== person.person_id) fail('FORBIDDEN', '该账号已绑定其他实名身份，不能更换；如需帮助请联系客服');
  }
  let proof: Proof;
  if (input.faceCheckId !== undefined) {
    await passedFaceCheck(app, caller, person.person_id, idNumber, person.name, input.faceCheckId);
    proof = 'face_check';
  } else if (person.phone !== null && person.phone === caller.phone) {
    proof = 'registry_phone';
  } else {
    fail(
      'PROOF_REQUIRED',
      person.phone === null
        ? '为保护您的医保账户，请通过人脸核验证明是本人操作'
        : '当前登录手机号不是该身份在医保登记的预留手机号；请用预留手机号登录，或通过人脸核验证明是本人操作',
    );
  }
  if (caller.personId === person.person_id) {
    if (input.faceCheckId !== undefined) await useFaceCheck(app, input.faceCheckId);
    return { person: await personView(app, person), proof };
  }

  await linkPerson(app, { userId: caller.userId, phone: caller.phone }, person, idNumber, proof, {
    label: `user:${caller.userId}`,
    ...(input.faceCheckId !== undefined ? { faceCheckId: input.faceCheckId } : {}),
  });
  return { person: await personView(app, person), proof };
}

/**
 * Links a user to a registry person whose proof was checked (SPEC 2.7): a face check or staff
 * also reclaim the person from another user (unlinked, signed out, both told, a risk event);
 * the registry phone is told of a link through another phone. Used by verifyIdentity and by a
 * handler's linkIdentity at the service hall.
 */
export async function linkPerson(
  app: App,
  target: { userId: string; phone: string },
  person: PersonRow,
  idNumber: string,
  proof: Proof,
  by: { label: string; faceCheckId?: string; staff?: Actor['staff'] },
): Promise<void> {
  const now = app.clock.now();
  try {
    await app.db.transaction(async (tx) => {
      const holders = await tx.query<{ user_id: string }>('SELECT user_id FROM users WHERE person_id = $1 FOR UPDATE', [
        person.person_id,
      ]);
      const holder = holders[0];
      if (holder && holder.user_id !== target.userId) {
        if (proof === 'registry_phone') {
          fail('IDENTITY_IN_USE', '该身份已被另一个账号认证。如果这是您本人的身份，请通过人脸核验收回');
        }
        await tx.query('UPDATE users SET person_id = NULL, verified_at = NULL, verified_by = NULL WHERE user_id = $1', [
          holder.user_id,
        ]);
        await endSessions(tx, now, holder.user_id, 'identity_lost');
        await forgetWechat(tx, holder.user_id);
        await notify(tx, now, { userId: holder.user_id }, 'identity_reclaimed', { proof });
        await tx.query(
          `INSERT INTO risk_events (risk_id, kind, person_id, other_id, binding_id, detail, created_at)
           VALUES ($1, 'identity_reclaimed', $2, NULL, NULL, $3, $4)`,
          [randomUUID(), person.person_id, JSON.stringify({ proof, fromUser: holder.user_id, toUser: target.userId }), now],
        );
        await audit(tx, now, by.label, 'reclaimIdentity', `person:${person.person_id}`, { fromUser: holder.user_id, proof });
      }
      const updated = await tx.query(
        'UPDATE users SET person_id = $2, verified_at = $3, verified_by = $4 WHERE user_id = $1 AND person_id IS NULL RETURNING user_id',
        [target.userId, person.person_id, now, proof],
      );
      if (updated.length === 0) fail('FORBIDDEN', '该账号已绑定其他实名身份，不能更换；如需帮助请联系客服');
      if (by.faceCheckId !== undefined) {
        await tx.query("UPDATE face_checks SET status = 'used', completed_at = $2 WHERE face_check_id = $1", [by.faceCheckId, now]);
      }
      await notify(tx, now, { userId: target.userId }, 'identity_linked', { proof });
      if (person.phone !== null && person.phone !== target.phone) {
        await notify(tx, now, { smsPhone: person.phone }, 'identity_link_notice', { proof, phoneMasked: maskPhone(target.phone) });
      }
      await audit(tx, now, by.label, 'verifyIdentity', `person:${person.person_id}`, {
        idNumberMasked: maskIdNumber(idNumber),
        proof,
        ...(by.label !== `user:${target.userId}` ? { user: target.userId } : {}),
      });
      await by.staff?.inAct(tx, now);
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) fail('IDENTITY_IN_USE', '该身份已被另一个账号认证。如果这是您本人的身份，请通过人脸核验收回');
    throw error;
  }
}

async function useFaceCheck(app: App, faceCheckId: string): Promise<void> {
  await app.db.query("UPDATE face_checks SET status = 'used', completed_at = $2 WHERE face_check_id = $1", [faceCheckId, app.clock.now()]);
}

/** SPEC 2.13: ends this session, or every session of the user (and forgets WeChat sign-ins). */
export async function logout(app: App, caller: UserCaller, input: { all?: boolean }): Promise<Served<Data<'logout'>>> {
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    let ended = 0;
    if (input.all) {
      ended += await endSessions(tx, now, caller.userId, 'logout_all');
      ended += await forgetWechat(tx, caller.userId);
    } else if (caller.sessionId) {
      ended += await endSessions(tx, now, caller.userId, 'logout', caller.sessionId);
    } else if (caller.openid) {
      ended += await forgetWechat(tx, caller.userId, caller.openid);
    }
    await audit(tx, now, `user:${caller.userId}`, 'logout', null, { all: input.all === true, ended });
    return { ended };
  });
}

export async function me(
  app: App,
  caller: UserCaller,
): Promise<Served<Data<'me'>>> {
  const base = {
    userId: caller.userId,
    phone: caller.phone,
    verified: caller.personId !== null,
    unreadMessages: await unreadCount(app, caller),
  };
  if (caller.personId === null) return { ...base, pendingRequests: 0 };
  const person = await getPerson(app.db, caller.personId);
  if (!person) throw new AppError('NOT_FOUND');
  return { ...base, pendingRequests: await pendingRequestCount(app, caller.personId), person: await personView(app, person) };
}

/** Bindings and family-account memberships that wait for this person's answer. */
async function pendingRequestCount(app: App, personId: string): Promise<number> {
  const rows = await app.db.query<{ n: bigint }>(
    `SELECT (SELECT count(*) FROM bindings WHERE relative_id = $1 AND status = 'pending')
          + (SELECT count(*) FROM family_members WHERE person_id = $1 AND removed_at IS NULL AND needs_consent AND confirmed_at IS NULL) AS n`,
    [personId],
  );
  return Number(rows[0]?.n ?? 0);
}
