import type { Queryable } from '../db/port';

export type DebitKind = 'correction' | 'premium_pay';
export type CreditKind = 'opening' | 'credit' | 'refund';

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
    /** A refund back into a live binding's quota (SPEC 2.11): the amount is held again for it. */
    intoQuotaOf?: string | null;
  },
): Promise<bigint> {
  const held = entry.intoQuotaOf ? entry.amount : 0n;
  const rows = await q.query<{ balance_after_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET balance_fen = balance_fen + $2, held_fen = held_fen + $8, updated_at = $5
       WHERE person_id = $1
       RETURNING person_id, balance_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, held_delta_fen, balance_after_fen, settlement_id, refund_id, binding_id, created_at)
     SELECT $3, person_id, $4, $2::bigint, $8::bigint, balance_fen, $6, $7, $9, $5 FROM moved
     RETURNING balance_after_fen`,
    [entry.personId, entry.amount, entry.entryId, entry.kind, entry.at, entry.settlementId, entry.refundId, held, entry.intoQuotaOf ?? null],
  );
  const row = rows[0];
  if (!row) throw new Error('credit refused: no such account');
  return row.balance_after_fen;
}

/**
 * Takes `amount` from an account's free balance (its balance less every quota held for a
 * relative, SPEC 2.11) and writes its ledger entry, in one statement with the guard in the
 * UPDATE itself (never read-then-write); null (nothing written) when the free balance cannot
 * give that much, so the balance stays ≥ held ≥ 0. The one such debit outside settle_commit
 * (migration 0002): a correction (server/usecases/admin.ts) and a 代缴 without a quota
 * (server/store/premium.ts debitPremium, with its binding).
 */
export async function debitIfCovered(
  q: Queryable,
  entry: { personId: string; amount: bigint; kind: DebitKind; bindingId?: string | null; entryId: string; at: Date },
): Promise<bigint | null> {
  const rows = await q.query<{ balance_after_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET balance_fen = balance_fen - $2, updated_at = $5
       WHERE person_id = $1 AND balance_fen - held_fen >= $2
       RETURNING person_id, balance_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, binding_id, created_at)
     SELECT $3, person_id, $4, -$2::bigint, balance_fen, $6, $5 FROM moved
     RETURNING balance_after_fen`,
    [entry.personId, entry.amount, entry.entryId, entry.kind, entry.at, entry.bindingId ?? null],
  );
  return rows[0]?.balance_after_fen ?? null;
}

/**
 * Locks accounts in key order, the order settle_commit locks them in (migration 0002), so that
 * no two writers of money wait on each other in a cycle. Every writer of a quota locks the
 * sharer's account this way BEFORE it writes the binding row (migration 0005).
 */
export async function lockAccounts(q: Queryable, personIds: readonly string[]): Promise<void> {
  const ids = [...new Set(personIds)].sort();
  if (ids.length === 0) return;
  await q.query(`SELECT person_id FROM accounts WHERE person_id = ANY ($1::uuid[]) ORDER BY person_id FOR UPDATE`, [`{${ids.join(',')}}`]);
}

/**
 * Holds (delta > 0, `quota_hold`) or releases (delta < 0, `quota_release`) part of a sharer's
 * balance for one binding's quota, with its ledger entry: the balance does not move, the held
 * amount does. The guard `balance_fen - held_fen >= delta` sits in the UPDATE: a hold above the
 * free balance writes nothing and returns null (QUOTA_EXCEEDS_BALANCE is the caller's answer).
 * The caller has locked the account (lockAccounts) and writes `quota_left_fen` itself.
 */
export async function changeHeld(
  q: Queryable,
  entry: { personId: string; bindingId: string; delta: bigint; entryId: string; at: Date },
): Promise<bigint | null> {
  if (entry.delta === 0n) return 0n;
  const rows = await q.query<{ held_fen: bigint }>(
    `WITH moved AS (
       UPDATE accounts SET held_fen = held_fen + $2, updated_at = $5
       WHERE person_id = $1 AND balance_fen - held_fen >= $2
       RETURNING person_id, balance_fen, held_fen)
     INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, held_delta_fen, balance_after_fen, binding_id, created_at)
     SELECT $3, person_id, $4, 0, $2::bigint, balance_fen, $6, $5 FROM moved
     RETURNING (SELECT held_fen FROM moved) AS held_fen`,
    [entry.personId, entry.delta, entry.entryId, entry.delta > 0n ? 'quota_hold' : 'quota_release', entry.at, entry.bindingId],
  );
  return rows[0]?.held_fen ?? null;
}

/**
 * Ends a binding's quota (SPEC 2.11): what is left returns to the sharer's free balance at once,
 * with a `quota_release` entry, and the binding keeps its quota with nothing left. The one
 * function every end of a binding calls (server/usecases/bindings.ts endBinding), after locking
 * the sharer's account. Returns what was released (0 without a quota or with nothing left).
 */
export async function releaseQuota(q: Queryable, binding: { bindingId: string; sharerId: string }, at: Date, entryId: string): Promise<bigint> {
  const rows = await q.query<{ left: bigint }>(
    `WITH old AS (SELECT binding_id, quota_left_fen FROM bindings WHERE binding_id = $1 AND quota_left_fen > 0)
     UPDATE bindings b SET quota_left_fen = 0 FROM old WHERE b.binding_id = old.binding_id
     RETURNING old.quota_left_fen AS left`,
    [binding.bindingId],
  );
  const left = rows[0]?.left ?? 0n;
  if (left > 0n) {
    const held = await changeHeld(q, { personId: binding.sharerId, bindingId: binding.bindingId, delta: -left, entryId, at });
    if (held === null) throw new Error('quota release refused: the account holds less than the binding');
  }
  return left;
}
