import { createHmac, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { App } from '../app';
import { fail } from '../errors';
import { digestOf, sameSecret } from '../platform/keys';

/** Where the caller's identity comes from: never the event. */
export type CallerSource = { bearer?: string } | { openid: string };

export interface UserCaller {
  readonly kind: 'user';
  readonly userId: string;
  readonly phone: string;
  /** The registry person this user verified as; null until verifyIdentity. */
  readonly personId: string | null;
  /** The session of the token, or null when the caller is a WeChat OPENID. */
  readonly sessionId: string | null;
  /** The WeChat OPENID, when the call came from WeChat. */
  readonly openid: string | null;
}
export interface InstitutionCaller {
  readonly kind: 'institution';
  readonly code: string;
  readonly name: string;
}
export interface AdminCaller {
  readonly kind: 'admin';
}

/** SPEC 2.10: a member of the service hall's staff, by rank. */
export type StaffRole = 'agent' | 'handler' | 'supervisor';
export const STAFF_ROLES: readonly StaffRole[] = ['agent', 'handler', 'supervisor'];

export interface StaffCaller {
  readonly kind: 'staff';
  readonly staffId: string;
  readonly username: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly sessionId: string;
}

/** Whether `role` may do what `needed` may (agent < handler < supervisor). */
export function staffMay(role: StaffRole, needed: StaffRole): boolean {
  return STAFF_ROLES.indexOf(role) >= STAFF_ROLES.indexOf(needed);
}

const TOKEN_ISSUER = 'yibao-gongji';
/** Staff tokens have an issuer, an audience and a signing key of their own: never a user's token. */
const STAFF_TOKEN_ISSUER = 'yibao-gongji-staff';
const STAFF_TOKEN_AUDIENCE = 'service-hall';

function staffSigningKey(app: App): Uint8Array {
  return createHmac('sha256', app.keys.session).update('staff-session-key').digest();
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A new session of the user, stored (so that logout and a lost identity can end it, SPEC
 * 2.13), and its token: a JWT naming the user (`sub`) and the session (`sid`).
 */
export async function issueSessionToken(app: App, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(app.clock.now().getTime() / 1000);
  const expiresAt = new Date((issuedAt + app.config.sessionTtlSeconds) * 1000);
  const sessionId = randomUUID();
  await app.db.query('INSERT INTO sessions (session_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    sessionId,
    userId,
    app.clock.now(),
    expiresAt,
  ]);
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(app.keys.session);
  return { token, expiresAt };
}

async function sessionFromToken(app: App, token: string): Promise<{ userId: string; sessionId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, app.keys.session, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      currentDate: app.clock.now(),
    });
    const { sub, sid } = payload as { sub?: unknown; sid?: unknown };
    return typeof sub === 'string' && UUID.test(sub) && typeof sid === 'string' && UUID.test(sid)
      ? { userId: sub, sessionId: sid }
      : null;
  } catch {
    return null;
  }
}

interface UserRow {
  user_id: string;
  phone: string;
  person_id: string | null;
}

/**
 * The user behind the context: a WeChat OPENID that logged in, or a session token whose
 * session has not ended (one query: the session and its user together).
 */
export async function resolveUser(app: App, source: CallerSource): Promise<UserCaller> {
  let user: UserRow | undefined;
  let sessionId: string | null = null;
  if ('openid' in source) {
    const rows = await app.db.query<UserRow>(
      'SELECT u.user_id, u.phone, u.person_id FROM wechat_identities w JOIN users u ON u.user_id = w.user_id WHERE w.openid = $1',
      [source.openid],
    );
    user = rows[0];
  } else if (source.bearer) {
    const session = await sessionFromToken(app, source.bearer);
    if (session) {
      const rows = await app.db.query<UserRow>(
        `SELECT u.user_id, u.phone, u.person_id FROM sessions s JOIN users u ON u.user_id = s.user_id
         WHERE s.session_id = $1 AND s.user_id = $2 AND s.ended_at IS NULL AND s.expires_at > $3`,
        [session.sessionId, session.userId, app.clock.now()],
      );
      user = rows[0];
      sessionId = session.sessionId;
    }
  }
  if (!user) fail('UNAUTHENTICATED');
  return {
    kind: 'user',
    userId: user.user_id,
    phone: user.phone,
    personId: user.person_id,
    sessionId,
    openid: 'openid' in source ? source.openid : null,
  };
}

/** An institution key is `<institution code>.<secret>`; only a digest of the secret is stored. */
export async function resolveInstitution(app: App, source: CallerSource): Promise<InstitutionCaller> {
  const bearer = 'bearer' in source ? source.bearer : undefined;
  const dot = bearer ? bearer.lastIndexOf('.') : -1;
  if (!bearer || dot <= 0 || bearer.length > 200) fail('UNAUTHENTICATED');
  const code = bearer.slice(0, dot);
  const secret = bearer.slice(dot + 1);
  const rows = await app.db.query<{ code: string; name: string; key_digest: string }>(
    'SELECT code, name, key_digest FROM institutions WHERE code = $1',
    [code],
  );
  const institution = rows[0];
  if (!institution || !sameSecret(institution.key_digest, digestOf(app.keys.digest, 'institution-key', secret))) {
    fail('UNAUTHENTICATED');
  }
  return { kind: 'institution', code: institution.code, name: institution.name };
}

export function resolveAdmin(app: App, source: CallerSource): AdminCaller {
  const bearer = 'bearer' in source ? source.bearer : undefined;
  if (!bearer || !sameSecret(bearer, app.keys.admin)) fail('UNAUTHENTICATED');
  return { kind: 'admin' };
}

/** A new staff session (stored, so it can end) and its token. */
export async function issueStaffToken(app: App, staffId: string): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(app.clock.now().getTime() / 1000);
  const expiresAt = new Date((issuedAt + app.config.staffSessionTtlSeconds) * 1000);
  const sessionId = randomUUID();
  await app.db.query('INSERT INTO staff_sessions (session_id, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    sessionId,
    staffId,
    app.clock.now(),
    expiresAt,
  ]);
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(staffId)
    .setIssuer(STAFF_TOKEN_ISSUER)
    .setAudience(STAFF_TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(staffSigningKey(app));
  return { token, expiresAt };
}

/** The staff member behind a staff token whose session is live and whose account is not disabled. */
export async function resolveStaff(app: App, source: CallerSource): Promise<StaffCaller> {
  const bearer = 'bearer' in source ? source.bearer : undefined;
  if (!bearer) fail('UNAUTHENTICATED');
  let staffId: string;
  let sessionId: string;
  try {
    const { payload } = await jwtVerify(bearer, staffSigningKey(app), {
      algorithms: ['HS256'],
      issuer: STAFF_TOKEN_ISSUER,
      audience: STAFF_TOKEN_AUDIENCE,
      currentDate: app.clock.now(),
    });
    const { sub, sid } = payload as { sub?: unknown; sid?: unknown };
    if (typeof sub !== 'string' || !UUID.test(sub) || typeof sid !== 'string' || !UUID.test(sid)) fail('UNAUTHENTICATED');
    staffId = sub;
    sessionId = sid;
  } catch {
    return fail('UNAUTHENTICATED');
  }
  const rows = await app.db.query<{ staff_id: string; username: string; name: string; role: StaffRole }>(
    `SELECT st.staff_id, st.username, st.name, st.role FROM staff_sessions s JOIN staff st ON st.staff_id = s.staff_id
     WHERE s.session_id = $1 AND s.staff_id = $2 AND s.ended_at IS NULL AND s.expires_at > $3 AND st.disabled_at IS NULL`,
    [sessionId, staffId, app.clock.now()],
  );
  const staff = rows[0];
  if (!staff) fail('UNAUTHENTICATED');
  return { kind: 'staff', staffId: staff.staff_id, username: staff.username, name: staff.name, role: staff.role, sessionId };
}
