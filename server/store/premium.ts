import { premiumOffer, resolvePremiumPolicy, type PremiumPolicy } from '../../src/rules/policy';
import type { Queryable } from '../db/port';
import { debitIfCovered } from './ledger';
import { loadOverrides } from './policies';

/**
 * Takes a 代缴 premium (SPEC 2.12) from the sharer's account and writes its ledger entry
 * (`premium_pay`, negative), in one statement with the guard in the UPDATE itself. Returns the
 * balance after, or null when it cannot be paid (nothing moved). The ONE place a premium leaves
 * an account. Like a mutual-aid payment (SPEC 2.2), a binding with a quota pays from its quota
 * only (what is left of it, `quota_left_fen`, and the held part of the balance shrink together);
 * a binding without one pays from the sharer's free balance (balance less every quota held),
 * by the one free-balance debit (server/store/ledger.ts debitIfCovered).
 */
export async function debitPremium(
  q: Queryable,
  entry: { personId: string; bindingId: string; amount: bigint; entryId: string; at: Date; fromQuota: boolean },
): Promise<bigint | null> {
  const params = [entry.personId, entry.amount, entry.entryId, entry.at, entry.bindingId];
  if (entry.fromQuota) {
    const rows = await q.query<{ balance_after_fen: bigint }>(
      `WITH quota AS (
         UPDATE bindings SET quota_left_fen = quota_left_fen - $2
         WHERE binding_id = $5 AND quota_left_fen >= $2
         RETURNING binding_id),
       moved AS (
         UPDATE accounts SET balance_fen = balance_fen - $2, held_fen = held_fen - $2, updated_at = $4
         WHERE person_id = $1 AND EXISTS (SELECT 1 FROM quota)
         RETURNING person_id, balance_fen)
       INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, held_delta_fen, balance_after_fen, binding_id, created_at)
       SELECT $3, person_id, 'premium_pay', -$2::bigint, -$2::bigint, balance_fen, $5, $4 FROM moved
       RETURNING balance_after_fen`,
      params,
    );
    return rows[0]?.balance_after_fen ?? null;
  }
  const { personId, amount, bindingId, entryId, at } = entry;
  return debitIfCovered(q, { personId, amount, kind: 'premium_pay', bindingId, entryId, at });
}

/** The 代缴 settings in force for a pooling region (its own override over its province's). */
export async function loadPremiumPolicy(q: Queryable, region: string): Promise<PremiumPolicy> {
  return (await loadPremiumPolicies(q, [region]))(region);
}

/**
 * The 代缴 settings in force for each of the given pooling regions (each region's own override
 * over its province's), read in one query whatever their number.
 */
export async function loadPremiumPolicies(q: Queryable, regions: readonly string[]): Promise<(region: string) => PremiumPolicy> {
  const overridesOf = await loadOverrides(q, regions);
  return (region) => resolvePremiumPolicy(overridesOf(region));
}

export interface PremiumPaymentRow {
  payment_id: string;
  ledger_entry_id: string;
  relative_id: string;
  sharer_id: string;
  binding_id: string;
  year: number;
  amount_fen: bigint;
  created_at: Date;
}

/** The payment of a relative's premium of a year, whoever paid it. */
export async function premiumPaid(q: Queryable, relativeId: string, year: number): Promise<PremiumPaymentRow | undefined> {
  const rows = await q.query<PremiumPaymentRow>(
    `SELECT payment_id, ledger_entry_id, relative_id, sharer_id, binding_id, year, amount_fen, created_at
     FROM premium_payments WHERE relative_id = $1 AND year = $2`,
    [relativeId, year],
  );
  return rows[0];
}

/** The premium a sharer may pay for a relative on a day (SPEC 2.12): its year, amount, window, and whether it is open or already paid. */
export interface PremiumOffer {
  year: number;
  amountFen: number;
  window: string;
  open: boolean;
  paid: boolean;
}

/**
 * The premium offers for several relatives on `today`, one per relative in their order: each
 * under its relative's region's policy. Two queries whatever their number (the policies, then
 * the payments of the years offered), so a list of bindings costs no query per binding.
 */
export async function premiumOffersFor(
  q: Queryable,
  relatives: ReadonlyArray<{ relativeId: string; relativeRegion: string }>,
  today: string,
): Promise<PremiumOffer[]> {
  if (relatives.length === 0) return [];
  const policyOf = await loadPremiumPolicies(
    q,
    relatives.map((relative) => relative.relativeRegion),
  );
  const offers = relatives.map(({ relativeId, relativeRegion }) => {
    const policy = policyOf(relativeRegion);
    const { year, open } = premiumOffer(policy.premiumWindow, today);
    return { relativeId, offer: { year, amountFen: policy.residentPremiumFen, window: policy.premiumWindow, open, paid: false } };
  });
  const key = (relativeId: string, year: number) => `${relativeId}/${year}`;
  const pairs = [...new Map(offers.map(({ relativeId, offer }) => [key(relativeId, offer.year), { relativeId, year: offer.year }])).values()];
  const conditions = pairs.map((_, index) => `(relative_id = $${2 * index + 1} AND year = $${2 * index + 2})`).join(' OR ');
  const rows = await q.query<{ relative_id: string; year: number }>(
    `SELECT relative_id, year FROM premium_payments WHERE ${conditions}`,
    pairs.flatMap((pair) => [pair.relativeId, pair.year]),
  );
  const paid = new Set(rows.map((row) => key(row.relative_id, row.year)));
  return offers.map(({ relativeId, offer }) => ({ ...offer, paid: paid.has(key(relativeId, offer.year)) }));
}
