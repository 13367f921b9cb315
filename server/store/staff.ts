import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/port';
import type { StaffRole } from '../runtime/caller';

export interface StaffRow {
  staff_id: string;
  username: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  totp_secret: string;
  totp_last_step: bigint;
  disabled_at: Date | null;
}

export async function findStaffByUsername(q: Queryable, username: string): Promise<StaffRow | undefined> {
  const rows = await q.query<StaffRow>(
    `SELECT staff_id, username, name, role, password_hash, totp_secret, totp_last_step, disabled_at FROM staff WHERE username = $1`,
    [username],
  );
  return rows[0];
}

/** The key that encrypts TOTP secrets at rest, derived from the digest key (ID_DIGEST_KEY). */
function totpKey(digestKey: Buffer): Buffer {
  return createHmac('sha256', digestKey).update('staff-totp-secret\u0000v1').digest();
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
export function sealTotpSecret(digestKey: Buffer, base32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', totpKey(digestKey), iv);
  const sealed = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export function openTotpSecret(digestKey: Buffer, stored: string): string {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('unknown TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', totpKey(digestKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}

export type EvidenceKind = 'id_card' | 'undertaking' | 'power_of_attorney';

/**
 * A staff lookup or act in the audit trail (SPEC 2.10), in the caller's transaction. The
 * table is append-only: the database refuses UPDATE and DELETE (migration 0004).
 */
export async function staffAudit(
  q: Queryable,
  at: Date,
  entry: {
    staffId: string;
    action: string;
    personId: string | null;
    subject?: string | null;
    reason?: string;
    evidence?: { kind: EvidenceKind; ref: string };
    detail?: Record<string, unknown>;
  },
): Promise<string> {
  const eventId = randomUUID();
  await q.query(
    `INSERT INTO audit_events (event_id, actor, action, subject, detail, created_at, staff_id, person_id, reason, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      eventId,
      `staff:${entry.staffId}`,
      entry.action,
      entry.subject ?? (entry.personId ? `person:${entry.personId}` : null),
      JSON.stringify(entry.detail ?? {}),
      at,
      entry.staffId,
      entry.personId,
      entry.reason ?? null,
      entry.evidence ? JSON.stringify(entry.evidence) : null,
    ],
  );
  return eventId;
}
