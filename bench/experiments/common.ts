/**
 * The one piece the settlement experiments share that the product has no use for: the balances
 * their locking statement saw (`locked_balances`), returned as `lockedBalances` for inspection
 * (bench/lib/settle-workload.ts; the equivalence script ignores them). Everything else they
 * have in common with the use case — the read (READ_SETTLEMENT_SQL, server/store/settlements.ts),
 * the ID check, the request hash, the eligibility rules, the candidate JSON and the answer —
 * they import from server/usecases/settle.ts and server/store/settlements.ts, and keep only the
 * SQL and the code that differ from the product.
 */

/** `locked_balances` (person id → balance, as jsonb) as bigints. */
export function lockedBalancesOf(locked: Record<string, number | string> | null): Record<string, bigint> {
  return Object.fromEntries(Object.entries(locked ?? {}).map(([k, v]) => [k, BigInt(v)]));
}
