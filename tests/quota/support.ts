import type { Queryable } from '../../server/db/port';
import type { Harness, TestPerson, TestUser } from '../support/harness';

/**
 * The invariants of the quota (SPEC 2.2, 2.11; migration 0005), per account: balance = Σ
 * delta of its ledger, held = Σ held_delta of its ledger = Σ quota_left of the person's live
 * bindings as sharer, balance ≥ held ≥ 0 (balance = free + Σ quotas, free ≥ 0); and an ended
 * binding holds nothing. Returns the rows that break one, with what broke: empty when all hold.
 */
export async function quotaViolations(q: Queryable): Promise<Array<Record<string, unknown>>> {
  const accounts = await q.query<Record<string, unknown>>(
    `SELECT a.person_id, a.balance_fen, a.held_fen, l.delta, l.held, COALESCE(b.left_sum, 0)::bigint AS live_left
     FROM accounts a
     LEFT JOIN (SELECT person_id, sum(delta_fen)::bigint AS delta, sum(held_delta_fen)::bigint AS held FROM ledger_entries GROUP BY person_id) l
       ON l.person_id = a.person_id
     LEFT JOIN (SELECT sharer_id, sum(quota_left_fen)::bigint AS left_sum FROM bindings WHERE status IN ('active', 'pending') GROUP BY sharer_id) b
       ON b.sharer_id = a.person_id
     WHERE a.balance_fen <> COALESCE(l.delta, 0) OR a.held_fen <> COALESCE(l.held, 0) OR a.held_fen <> COALESCE(b.left_sum, 0)
        OR a.held_fen < 0 OR a.held_fen > a.balance_fen`,
  );
  const bindings = await q.query<Record<string, unknown>>(
    `SELECT binding_id, status, quota_fen, quota_left_fen FROM bindings
     WHERE (status NOT IN ('active', 'pending') AND COALESCE(quota_left_fen, 0) <> 0)
        OR quota_left_fen < 0 OR quota_left_fen > quota_fen`,
  );
  return [...accounts.map((row) => ({ what: 'account', ...row })), ...bindings.map((row) => ({ what: 'binding', ...row }))];
}

/** The person's account as the database holds it: balance, held, and the free part. */
export async function account(h: Harness, person: TestPerson): Promise<{ balance: bigint; held: bigint; free: bigint }> {
  const { idDigest } = await import('../../server/store/persons');
  const rows = await h.app.db.query<{ balance_fen: bigint; held_fen: bigint }>(
    'SELECT a.balance_fen, a.held_fen FROM accounts a JOIN persons p ON p.person_id = a.person_id WHERE p.id_digest = $1',
    [idDigest(h.app, person.idNumber)],
  );
  const row = rows[0];
  if (!row) throw new Error(`no account for ${person.name}`);
  return { balance: row.balance_fen, held: row.held_fen, free: row.balance_fen - row.held_fen };
}

/** The binding's quota and what is left, from the database. */
export async function quotaOf(h: Harness, bindingId: string): Promise<{ quota: bigint | null; left: bigint | null; status: string }> {
  const rows = await h.app.db.query<{ quota_fen: bigint | null; quota_left_fen: bigint | null; status: string }>(
    'SELECT quota_fen, quota_left_fen, status FROM bindings WHERE binding_id = $1',
    [bindingId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no binding ${bindingId}`);
  return { quota: row.quota_fen, left: row.quota_left_fen, status: row.status };
}

/** The ledger entries of a binding's quota and payments, oldest first. */
export async function bindingEntries(h: Harness, bindingId: string): Promise<Array<{ kind: string; delta: bigint; held: bigint }>> {
  const rows = await h.app.db.query<{ kind: string; delta_fen: bigint; held_delta_fen: bigint }>(
    'SELECT kind, delta_fen, held_delta_fen FROM ledger_entries WHERE binding_id = $1 ORDER BY created_at, entry_id',
    [bindingId],
  );
  return rows.map((r) => ({ kind: r.kind, delta: r.delta_fen, held: r.held_delta_fen }));
}

/**
 * Binds `relative` for `sharer` with a quota, through bindRelative as the app does; the relative
 * confirms a pending request unless `confirm` is false.
 */
export async function bindWithQuota(
  h: Harness,
  sharer: TestUser,
  relative: TestPerson,
  quotaFen: number,
  options: { relationship?: string; confirm?: boolean; endsOn?: string } = {},
): Promise<{ bindingId: string; status: string; quotaFen?: number; quotaLeftFen?: number }> {
  const { binding } = await h.ok(
    'bindRelative',
    {
      name: relative.name,
      idNumber: relative.idNumber,
      relationship: options.relationship ?? 'parent',
      acceptUndertaking: true,
      quotaFen,
      ...(options.endsOn ? { endsOn: options.endsOn } : {}),
    },
    sharer.token,
  );
  if (binding.status !== 'pending' || options.confirm === false) return binding;
  return (await h.ok('confirmBinding', { bindingId: binding.bindingId }, await h.tokenOf(relative))).binding;
}
