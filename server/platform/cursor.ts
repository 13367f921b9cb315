import { createHmac } from 'node:crypto';
import { invalidInput } from '../errors';
import type { Keys } from './keys';
import { sameSecret } from './keys';

/**
 * Pagination cursors, one format for every list (listRecords, listMessages, listAudit): the
 * position as base64url JSON, followed by an HMAC-SHA256 (128 bits, base64url) of the list's
 * name and that text, keyed by a key derived from the session secret. A cursor is opaque to the
 * client and comes back from it: one that was not made here, or was altered, or belongs to
 * another list, is INVALID_INPUT on `cursor` before any part of it reaches SQL or an answer.
 */
const MAC_LENGTH = 22;

const derived = new WeakMap<Uint8Array, Buffer>();

/** The cursor key: HMAC(session secret, purpose label); never the session key itself. */
function cursorKey(keys: Pick<Keys, 'session'>): Buffer {
  let key = derived.get(keys.session);
  if (!key) {
    key = createHmac('sha256', keys.session).update('pagination-cursor/v1').digest();
    derived.set(keys.session, key);
  }
  return key;
}

function mac(keys: Pick<Keys, 'session'>, list: string, body: string): string {
  return createHmac('sha256', cursorKey(keys)).update(`${list}\u0000${body}`).digest('base64url').slice(0, MAC_LENGTH);
}

/** The cursor of `list` after the position `parts`. */
export function sealCursor(keys: Pick<Keys, 'session'>, list: string, parts: readonly string[]): string {
  const body = Buffer.from(JSON.stringify(parts)).toString('base64url');
  return body + mac(keys, list, body);
}

/** The refusal of a cursor, with the SPEC's field. */
export function badCursor(): never {
  return invalidInput('cursor', 'cursor：分页游标无效，请从第一页重新加载');
}

/** The position a cursor of `list` carries, `count` strings; INVALID_INPUT (`cursor`) unless this server sealed it for that list. */
export function openCursor(keys: Pick<Keys, 'session'>, list: string, cursor: string, count: number): string[] {
  const body = cursor.slice(0, -MAC_LENGTH);
  if (body.length === 0 || !sameSecret(cursor.slice(-MAC_LENGTH), mac(keys, list, body))) return badCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return badCursor();
  }
  if (!Array.isArray(value) || value.length !== count || !value.every((part) => typeof part === 'string')) return badCursor();
  return value as string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The (instant, id) position most lists page by, checked again after the MAC (a key may leak; the checks cost nothing). */
export function instantAndId(at: string, id: string): { at: Date; id: string } {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1900 || year > 9999 || !UUID.test(id)) return badCursor();
  return { at: date, id };
}
