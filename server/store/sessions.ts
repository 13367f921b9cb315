import type { Queryable } from '../db/port';

export type SessionEndReason = 'logout' | 'logout_all' | 'identity_lost';

/**
 * Ends sessions of a user (SPEC 2.13): one, or all of them. A token of an ended session is
 * refused from then on (runtime/caller.ts). Returns how many ended.
 */
export async function endSessions(
  q: Queryable,
  at: Date,
  userId: string,
  reason: SessionEndReason,
  sessionId?: string,
): Promise<number> {
  const rows = await q.query(
    `UPDATE sessions SET ended_at = $2, end_reason = $3
     WHERE user_id = $1 AND ended_at IS NULL ${sessionId ? 'AND session_id = $4' : ''} RETURNING session_id`,
    sessionId ? [userId, at, reason, sessionId] : [userId, at, reason],
  );
  return rows.length;
}

/** WeChat callers are signed in by their OPENID: logging out forgets it (all: every OPENID of the user). */
export async function forgetWechat(q: Queryable, userId: string, openid?: string): Promise<number> {
  const rows = await q.query(
    `DELETE FROM wechat_identities WHERE user_id = $1 ${openid ? 'AND openid = $2' : ''} RETURNING openid`,
    openid ? [userId, openid] : [userId],
  );
  return rows.length;
}
