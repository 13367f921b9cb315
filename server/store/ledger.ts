import type { Queryable } from '../db/port';

export type DebitKind = 'self_pay' | 'mulaid_pay' | 'correction';
export type CreditKind = 'opening' | 'credit' | 'refund';

/**
 * Takes money from an account and writes its ledger entry, in one statement: the guard
 * `balance_fen >= amount` sits in the UPDATE itself (never read-then-write), and the CHECK
 * on balance_fen backs it up.
 */
export async function debit(
  q: Queryable,
  entry: { personId: string; amount: bigint; kind: DebitKind; settlementId: string | null; entryId: string; at: Date },
): Promise<bigint> {
  const rows = await q.query<{ balance_after_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET balance_fen = balance_fen - $2, updated_at = $5
       WHERE person_id = $1 AND balance_fen >= $2
       RETURNING person_id, balance_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
     SELECT $3, person_id, $4, -$2::bigint, balance_fen, $6, $5 FROM moved
     RETURNING balance_after_fen`,
    [entry.personId, entry.amount, entry.entryId, entry.kind, entry.at, entry.settlementId],
  );
  const row = rows[0];
  if (!row) throw new Error('debit refused: balance too low (the caller must have locked and checked it)');
  return row.balance_after_fen;
}

export async function credit(
  q: Queryable,
  entry: {
    personId: string;
    amount: bigint;
    kind: CreditKind;
    settlementId: string | null;
    refundId: string | null;
    entryId: string;
    at: Date;
  },
): Promise<bigint> {
  const rows = await q.query<{ balance_after_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET balance_fen = balance_fen + $2, updated_at = $5
       WHERE person_id = $1
       RETURNING person_id, balance_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, refund_id, created_at)
     SELECT $3, person_id, $4, $2::bigint, balance_fen, $6, $7, $5 FROM moved
     RETURNING balance_after_fen`,
    [entry.personId, entry.amount, entry.entryId, entry.kind, entry.at, entry.settlementId, entry.refundId],
  );
  const row = rows[0];
  if (!row) throw new Error('credit refused: no such account');
  return row.balance_after_fen;
}

/**
 * Takes `amount` from an account only when what stays is covered, and writes its ledger entry,
 * in one statement; null (nothing written) when the account cannot give that much. The one place
 * a correction's floor lives: today the balance may not go below zero; a frozen part of the
 * balance (a quota held for a binding) would be one more term of the WHERE.
 */
export async function debitIfCovered(
  q: Queryable,
  entry: { personId: string; amount: bigint; kind: DebitKind; settlementId: string | null; entryId: string; at: Date },
): Promise<bigint | null> {
  const rows = await q.query<{ balance_after_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET balance_fen = balance_fen - $2, updated_at = $5
       WHERE person_id = $1 AND balance_fen - $2 >= 0
       RETURNING person_id, balance_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
     SELECT $3, person_id, $4, -$2::bigint, balance_fen, $6, $5 FROM moved
     RETURNING balance_after_fen`,
    [entry.personId, entry.amount, entry.entryId, entry.kind, entry.at, entry.settlementId],
  );
  return rows[0]?.balance_after_fen ?? null;
}
