import { isNoticeKind, renderNotice, type NoticeRef } from '../../src/rules/notices';
import type { App } from '../app';
import type { SqlParam } from '../db/port';
import { instantAndId, openCursor, sealCursor } from '../platform/cursor';
import type { UserCaller } from '../runtime/caller';
import { drainNoticeOutbox } from '../store/noticeOutbox';
import type { Data, Served } from '../contract';

/** A message of the message centre (SPEC 3.2). */
export interface MessageView {
  messageId: string;
  kind: string;
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
  ref?: { bindingId?: string; settlementId?: string; memberId?: string };
}

interface MessageRow {
  message_id: string;
  kind: string;
  ref: NoticeRef;
  created_at: Date;
  read_at: Date | null;
}

/** Mine: addressed to my user, or to the registry person I hold. */
const MINE = '(m.user_id = $1 OR ($2::uuid IS NOT NULL AND m.person_id = $2::uuid))';

function view(row: MessageRow): MessageView {
  const ref = row.ref ?? {};
  const text = isNoticeKind(row.kind) ? renderNotice(row.kind, ref) : { title: '通知', body: '' };
  const links = {
    ...(ref.bindingId ? { bindingId: ref.bindingId } : {}),
    ...(ref.settlementId ? { settlementId: ref.settlementId } : {}),
    ...(ref.memberId ? { memberId: ref.memberId } : {}),
  };
  return {
    messageId: row.message_id,
    kind: row.kind,
    title: text.title,
    body: text.body,
    createdAt: row.created_at,
    readAt: row.read_at,
    ...(Object.keys(links).length > 0 ? { ref: links } : {}),
  };
}

function encodeCursor(app: App, row: MessageRow): string {
  return sealCursor(app.keys, 'messages', [row.created_at.toISOString(), row.message_id]);
}

function decodeCursor(app: App, cursor: string): { at: Date; id: string } {
  const [at, id] = openCursor(app.keys, 'messages', cursor, 2) as [string, string];
  return instantAndId(at, id);
}

/** The number of my unread messages (the notices of payments made a moment ago included). */
export async function unreadCount(app: App, caller: UserCaller): Promise<number> {
  await drainNoticeOutbox(app.db);
  return countUnread(app, caller);
}

async function countUnread(app: App, caller: UserCaller): Promise<number> {
  const rows = await app.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM messages m WHERE ${MINE} AND m.read_at IS NULL`, [
    caller.userId,
    caller.personId,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/** SPEC 2.8: my messages, newest first, by cursor; and how many are unread. */
export async function listMessages(
  app: App,
  caller: UserCaller,
  input: { cursor?: string; limit?: number; unreadOnly?: boolean },
): Promise<Served<Data<'listMessages'>>> {
  const limit = input.limit ?? 20;
  // Payments made a moment ago are in the message centre before the worker's next round.
  await drainNoticeOutbox(app.db);
  const params: SqlParam[] = [caller.userId, caller.personId];
  let where = MINE;
  if (input.unreadOnly) where += ' AND m.read_at IS NULL';
  if (input.cursor) {
    const cursor = decodeCursor(app, input.cursor);
    params.push(cursor.at, cursor.id);
    where += ` AND (m.created_at, m.message_id) < ($${params.length - 1}, $${params.length}::uuid)`;
  }
  params.push(limit + 1);
  const rows = await app.db.query<MessageRow>(
    `SELECT m.message_id, m.kind, m.ref, m.created_at, m.read_at FROM messages m
     WHERE ${where} ORDER BY m.created_at DESC, m.message_id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(app, last) : null,
    unread: await countUnread(app, caller),
  };
}

/** Marks the named messages of mine read (others' ids are ignored), or all of mine. */
export async function markMessagesRead(app: App, caller: UserCaller, input: { messageIds?: string[] }): Promise<Served<Data<'markMessagesRead'>>> {
  await drainNoticeOutbox(app.db);
  const params: SqlParam[] = [caller.userId, caller.personId, app.clock.now()];
  let where = `${MINE} AND m.read_at IS NULL`;
  if (input.messageIds) {
    if (input.messageIds.length === 0) return { marked: 0 };
    params.push(`{${input.messageIds.join(',')}}`);
    where += ` AND m.message_id = ANY ($${params.length}::uuid[])`;
  }
  const rows = await app.db.query(`UPDATE messages m SET read_at = $3 WHERE ${where} RETURNING m.message_id`, params);
  return { marked: rows.length };
}
