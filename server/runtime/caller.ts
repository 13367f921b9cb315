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
}
export interface InstitutionCaller {
  readonly kind: 'institution';
  readonly code: string;
  readonly name: string;
}
export interface AdminCaller {
  readonly kind: 'admin';
}

const TOKEN_ISSUER = 'yibao-gongji';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function issueSessionToken(app: App, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(app.clock.now().getTime() / 1000);
  const expiresAt = new Date((issuedAt + app.config.sessionTtlSeconds) * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(app.keys.session);
  return { token, expiresAt };
}

async function userIdFromToken(app: App, token: string): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, app.keys.session, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      currentDate: app.clock.now(),
    });
    return typeof payload.sub === 'string' && UUID.test(payload.sub) ? payload.sub : null;
  } catch {
    return null;
  }
}

export async function resolveUser(app: App, source: CallerSource): Promise<UserCaller> {
  let userId: string | null = null;
  if ('openid' in source) {
    const rows = await app.db.query<{ user_id: string }>('SELECT user_id FROM wechat_identities WHERE openid = $1', [
      source.openid,
    ]);
    userId = rows[0]?.user_id ?? null;
  } else if (source.bearer) {
    userId = await userIdFromToken(app, source.bearer);
  }
  if (!userId) fail('UNAUTHENTICATED');
  const rows = await app.db.query<{ user_id: string; phone: string; person_id: string | null }>(
    'SELECT user_id, phone, person_id FROM users WHERE user_id = $1',
    [userId],
  );
  const user = rows[0];
  if (!user) fail('UNAUTHENTICATED');
  return { kind: 'user', userId: user.user_id, phone: user.phone, personId: user.person_id };
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
