import { createHash } from 'node:crypto';
import type { App } from '../app';
import type { Queryable } from '../db/port';
import { fail } from '../errors';

/**
 * Idempotency of the institutions' money calls (SPEC 2.2), one helper for settlement and
 * refund: the serial number is the key per institution; the same body again returns the first
 * answer and moves no money; another body under the same serial is IDEMPOTENCY_CONFLICT.
 */

/** Thrown inside a write when a duplicate delivery committed first: roll back, replay. */
export class Replay extends Error {
  constructor() {
    super('replay the first answer');
  }
}

/** Where each operation keeps its serial, its request hash and its first answer. */
const STORES = {
  settle: { table: 'settlements', serialColumn: 'serial_no', field: 'serialNo' },
  refund: { table: 'refunds', serialColumn: 'refund_serial_no', field: 'refundSerialNo' },
} as const;

export type IdempotentOperation = keyof typeof STORES;

/** One call's key: the operation, the institution, its serial number and the hash of its body. */
export interface IdempotencyKey {
  operation: IdempotentOperation;
  institution: string;
  serialNo: string;
  /** requestHash of the body; null when the body names nothing that exists (any stored answer then conflicts). */
  hash: string | null;
}

/** What a serial number is bound to: sha256 of [operation, …parts] as JSON, base64url. */
export function requestHash(operation: IdempotentOperation, ...parts: ReadonlyArray<string | number>): string {
  return createHash('sha256').update(JSON.stringify([operation, ...parts])).digest('base64url');
}

export function idempotencyConflict(operation: IdempotentOperation): never {
  return fail('IDEMPOTENCY_CONFLICT', '该流水号已用于另一笔内容不同的业务，请使用新的流水号', STORES[operation].field);
}

/** A stored first answer of a serial, as read (`hash` null: the serial is unused). */
export interface Prior {
  hash: string | null;
  response: unknown;
}

/** The first answer to return for `key`, undefined when the serial is unused; conflicts when the body differs. */
export function replayOf<T>(key: IdempotencyKey, prior: Prior): T | undefined {
  if (prior.hash === null) return undefined;
  if (prior.hash !== key.hash) idempotencyConflict(key.operation);
  return prior.response as T;
}

async function storedPrior(q: Queryable, key: IdempotencyKey): Promise<Prior> {
  const store = STORES[key.operation];
  const rows = await q.query<{ request_hash: string; response: unknown }>(
    `SELECT request_hash, response FROM ${store.table} WHERE institution_code = $1 AND ${store.serialColumn} = $2`,
    [key.institution, key.serialNo],
  );
  const row = rows[0];
  return row ? { hash: row.request_hash, response: row.response } : { hash: null, response: null };
}

/** Inside a write, under its locks: throws Replay when a duplicate delivery has claimed the serial meanwhile. */
export async function throwIfClaimed(q: Queryable, key: IdempotencyKey): Promise<void> {
  const store = STORES[key.operation];
  const rows = await q.query(`SELECT 1 FROM ${store.table} WHERE institution_code = $1 AND ${store.serialColumn} = $2`, [
    key.institution,
    key.serialNo,
  ]);
  if (rows.length > 0) throw new Replay();
}

/**
 * The first answer of `key` if there is one (`prior`: already read with the operation's own
 * read, saving a round trip), else `perform()`: the write, which claims the serial atomically
 * and throws Replay when a concurrent duplicate won the race; the winner's answer is then read
 * and returned (IDEMPOTENCY_CONFLICT when its body differs).
 */
export async function firstAnswerOr<T>(app: App, key: IdempotencyKey, perform: () => Promise<T>, prior?: Prior): Promise<T> {
  const first = replayOf<T>(key, prior ?? (await storedPrior(app.db, key)));
  if (first !== undefined) return first;
  try {
    return await perform();
  } catch (error) {
    if (!(error instanceof Replay)) throw error;
    const winner = replayOf<T>(key, await storedPrior(app.db, key));
    if (winner === undefined) throw new Error('replay without a stored answer');
    return winner;
  }
}
