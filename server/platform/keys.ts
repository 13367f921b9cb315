import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';
import type { Db } from '../db/port';

/** The secrets of a running instance. */
export interface Keys {
  /** Signs session tokens. */
  session: Uint8Array;
  /** Keys the digests that find a person by ID number, and login codes. */
  digest: Buffer;
  /** The operator's key. */
  admin: string;
}

/**
 * Production takes every secret from the environment. Development generates each one once
 * and keeps it in app_settings, so a restart keeps sessions, digests and the admin key.
 */
export async function loadKeys(db: Db, config: Config): Promise<Keys & { adminGenerated: boolean }> {
  async function persisted(name: string, fromEnv: string | undefined): Promise<{ value: string; generated: boolean }> {
    if (fromEnv) return { value: fromEnv, generated: false };
    if (config.appEnv === 'production') throw new Error(`${name} is required in production`);
    const fresh = randomBytes(24).toString('base64url');
    await db.query('INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [name, fresh]);
    const rows = await db.query<{ value: string }>('SELECT value FROM app_settings WHERE key = $1', [name]);
    const value = rows[0]?.value ?? fresh;
    return { value, generated: true };
  }
  const session = await persisted('session_secret', config.sessionSecret);
  const digest = await persisted('id_digest_key', config.idDigestKey);
  const admin = await persisted('admin_key', config.adminKey);
  return {
    session: new TextEncoder().encode(session.value),
    digest: Buffer.from(digest.value, 'utf8'),
    admin: admin.value,
    adminGenerated: admin.generated,
  };
}

export function digestOf(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\u0000${value}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
