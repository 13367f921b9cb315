import fc from 'fast-check';

/**
 * Abstract operations: what to do, with small integers that the runner resolves against the
 * model's state when the batch runs (the n-th open settlement, the m-th active binding…), so
 * every generated sequence is valid whatever happened before it, and shrinks.
 */
export type AbstractOp =
  | {
      kind: 'settle';
      group: number;
      patient: number;
      /** `random`: `value` fen; `edge`: the current balance of sharer `sharer` (+ own balance) plus `delta` fen. */
      amount: { mode: 'random'; value: number } | { mode: 'edge'; sharer: number; delta: number };
      billKind: number;
      institution: number;
      /** Deliveries of the same request in the same batch (duplicates racing each other). */
      copies: number;
    }
  | { kind: 'settleAgain'; pick: number; conflict: boolean }
  | { kind: 'refund'; pick: number; portion: 'part' | 'rest' | 'over'; percent: number; copies: number }
  | { kind: 'refundAgain'; pick: number }
  | { kind: 'refundUnknown'; institution: number }
  | { kind: 'topUp'; group: number; who: number; target: number }
  | { kind: 'unbind'; group: number; pick: number; byRelative: boolean }
  /** The sharer asks again; the patient (an adult) confirms, declines, or declines as "not my relative". */
  | { kind: 'rebind'; group: number; pick: number; answer: RebindAnswer }
  | { kind: 'policy'; group: number; patch: PolicyPatch }
  /**
   * The sharer sets a binding's quota (SPEC 2.11): a first quota (`value` × 1,000 fen), or a new
   * total raised or lowered by `percent` of the free balance / of what is left, the same again,
   * below what the quota already paid (INVALID_INPUT) or above the free balance (QUOTA_EXCEEDS_BALANCE).
   */
  | { kind: 'setQuota'; group: number; pick: number; change: QuotaChange; percent: number; value: number }
  | { kind: 'status'; group: number; sharer: number; active: boolean };

export type PolicyPatch = { sharingScope: 'region' | 'province' } | { relativeScope: 'close' | 'near' } | { allowPartial: boolean };

export type QuotaChange = 'raise' | 'lower' | 'same' | 'belowPaid' | 'overFree';

export type OpKind = AbstractOp['kind'];

export type RebindAnswer = 'confirm' | 'decline' | 'notMine';

const small = fc.nat({ max: 1_000 });

const settleArb: fc.Arbitrary<AbstractOp> = fc.record({
  kind: fc.constant('settle' as const),
  group: small,
  patient: small,
  amount: fc.oneof(
    { weight: 4, arbitrary: fc.record({ mode: fc.constant('random' as const), value: fc.integer({ min: 1, max: 30_000 }) }) },
    // Round amounts keep equal balances equal: ties (the earliest binding pays) stay common.
    { weight: 3, arbitrary: fc.record({ mode: fc.constant('random' as const), value: fc.integer({ min: 1, max: 20 }).map((k) => k * 1_000) }) },
    { weight: 2, arbitrary: fc.record({ mode: fc.constant('random' as const), value: fc.integer({ min: 30_001, max: 120_000 }) }) },
    { weight: 2, arbitrary: fc.record({ mode: fc.constant('edge' as const), sharer: small, delta: fc.integer({ min: -1, max: 1 }) }) },
  ),
  billKind: fc.nat({ max: 2 }),
  institution: fc.nat({ max: 1 }),
  copies: fc.oneof({ weight: 7, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 3 }) }),
});

// Two to one back to the defaults, so that families are not mostly cut off by narrowed policies.
const policyPatchArb: fc.Arbitrary<PolicyPatch> = fc.oneof(
  fc.record({ sharingScope: fc.constantFrom('region' as const, 'province' as const, 'province' as const) }),
  fc.record({ relativeScope: fc.constantFrom('close' as const, 'near' as const, 'near' as const) }),
  fc.record({ allowPartial: fc.boolean() }),
);

export const opArbitrary: fc.Arbitrary<AbstractOp> = fc.oneof(
  { weight: 40, arbitrary: settleArb },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('settleAgain' as const), pick: fc.nat(), conflict: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }) },
  {
    weight: 16,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick: fc.nat(),
      portion: fc.constantFrom('part' as const, 'part' as const, 'rest' as const, 'over' as const),
      percent: fc.integer({ min: 1, max: 100 }),
      copies: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('refundAgain' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refundUnknown' as const), institution: fc.nat({ max: 1 }) }) },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('topUp' as const),
      group: small,
      who: small,
      target: fc.oneof(fc.integer({ min: 0, max: 150_000 }), fc.constantFrom(0, 20_000, 40_000, 80_000)),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('unbind' as const), group: small, pick: small, byRelative: fc.boolean() }) },
  // Rebinding is refused when the policy has narrowed meanwhile, and one request in five is declined
  // by the patient: more attempts keep families bound about as often as before consent.
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('rebind' as const),
      group: small,
      pick: small,
      // Mostly confirmed, so that families stay bound; a refusal now and then (SPEC 2.8).
      answer: fc.oneof(
        { weight: 8, arbitrary: fc.constant('confirm' as const) },
        { weight: 1, arbitrary: fc.constant('decline' as const) },
        { weight: 1, arbitrary: fc.constant('notMine' as const) },
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('policy' as const), group: small, patch: policyPatchArb }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('setQuota' as const),
      group: small,
      pick: small,
      change: fc.oneof(
        { weight: 4, arbitrary: fc.constant('raise' as const) },
        { weight: 4, arbitrary: fc.constant('lower' as const) },
        { weight: 1, arbitrary: fc.constant('same' as const) },
        { weight: 1, arbitrary: fc.constant('belowPaid' as const) },
        { weight: 1, arbitrary: fc.constant('overFree' as const) },
      ),
      percent: fc.integer({ min: 0, max: 100 }),
      value: fc.integer({ min: 1, max: 30 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      group: small,
      sharer: small,
      active: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
);

/** One batch: operations fired together (Promise.all); at least half the maximum, so batches really overlap. */
export function batchArbitrary(maxOps: number): fc.Arbitrary<AbstractOp[]> {
  return fc.array(opArbitrary, { minLength: Math.max(1, Math.floor(maxOps / 2)), maxLength: maxOps });
}

export function scenarioArbitrary(batches: number, maxOps: number): fc.Arbitrary<AbstractOp[][]> {
  return fc.array(batchArbitrary(maxOps), { minLength: batches, maxLength: batches });
}
