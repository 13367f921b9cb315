import type { App } from '../app';
import { fail } from '../errors';

/** Thrown inside a transaction when a duplicate delivery committed first: roll back, replay. */
export class Replay extends Error {
  constructor() {
    super('replay the first answer');
  }
}

interface Lookup {
  table: 'settlements' | 'refunds';
  serialColumn: 'serial_no' | 'refund_serial_no';
  institution: string;
  serialNo: string;
  hash: string;
}

async function stored<T>(app: App, lookup: Lookup): Promise<T | undefined> {
  const rows = await app.db.query<{ request_hash: string; response: T }>(
    `SELECT request_hash, response FROM ${lookup.table} WHERE institution_code = $1 AND ${lookup.serialColumn} = $2`,
    [lookup.institution, lookup.serialNo],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_hash !== lookup.hash) {
    fail('IDEMPOTENCY_CONFLICT', '该流水号已用于另一笔内容不同的业务，请使用新的流水号', lookup.serialColumn === 'serial_no' ? 'serialNo' : 'refundSerialNo');
  }
  return row.response;
}

/**
 * The serial number is the idempotency key per institution: the same body again returns the
 * first answer and moves no money; another body is IDEMPOTENCY_CONFLICT. `perform` runs the
 * transaction and throws Replay when a concurrent duplicate won the race.
 */
export async function firstAnswerOr<T>(app: App, lookup: Lookup, perform: () => Promise<T>): Promise<T> {
  const first = await stored<T>(app, lookup);
  if (first !== undefined) return first;
  try {
    return await perform();
  } catch (error) {
    if (!(error instanceof Replay)) throw error;
    const winner = await stored<T>(app, lookup);
    if (winner === undefined) throw new Error('replay without a stored answer');
    return winner;
  }
}
