import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/port';

/** Records who did what; written in the same transaction as the act itself. */
export async function audit(
  q: Queryable,
  at: Date,
  actor: string,
  action: string,
  subject: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await q.query(
    'INSERT INTO audit_events (event_id, actor, action, subject, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [randomUUID(), actor, action, subject, JSON.stringify(detail), at],
  );
}
