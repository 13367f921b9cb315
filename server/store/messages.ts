import { randomUUID } from 'node:crypto';
import type { NoticeKind, NoticeRef } from '../../src/rules/notices';
import type { Queryable } from '../db/port';

/** Who a notice is for: a registry person (whoever holds that identity), a user, or a registry phone by SMS only. */
export type Recipient = { personId: string } | { userId: string } | { smsPhone: string };

/**
 * Writes a notice into the message centre, which is also the outbox of the other channels
 * (SPEC 2.8). Call it with the transaction of the event itself, so that the event and its
 * notice commit together or not at all; the delivery worker (server/workers/notices.ts) sends
 * it on afterwards.
 */
export async function notify(q: Queryable, at: Date, to: Recipient, kind: NoticeKind, ref: NoticeRef): Promise<void> {
  await q.query(
    `INSERT INTO messages (message_id, person_id, user_id, sms_phone, kind, ref, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      randomUUID(),
      'personId' in to ? to.personId : null,
      'userId' in to ? to.userId : null,
      'smsPhone' in to ? to.smsPhone : null,
      kind,
      JSON.stringify(ref),
      at,
    ],
  );
}
