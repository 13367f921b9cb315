/**
 * The in-memory model of SPEC 2.1–2.2 and 2.6 that the randomized test compares the system
 * with. Written from the specification, independently of the server code: plain maps, bigint
 * fen, and one function that says what a settlement must answer in a given state.
 */

export type Relationship = 'spouse' | 'child' | 'grandchild' | 'sibling';
export type SettleKind = 'outpatient' | 'inpatient' | 'pharmacy';

export interface PolicyState {
  relativeScope: 'close' | 'near';
  sharingScope: 'region' | 'province';
  allowPartial: boolean;
}

export const DEFAULT_POLICY: Readonly<PolicyState> = Object.freeze({ relativeScope: 'near', sharingScope: 'province', allowPartial: false });

export interface BindingState {
  bindingId: string;
  sharerId: string;
  patientId: string;
  relationship: Relationship;
  /** `declined`: the patient refused the request (SPEC 2.8); it never paid. */
  status: 'active' | 'unbound' | 'declined';
  /** Milliseconds; ties between equal balances go to the earliest binding. */
  createdAt: number;
  /** Has a quota (SPEC 2.11): pays from it only, whatever the regions. Once set, kept until the binding ends. */
  hasQuota?: boolean;
}

/** What can change which sharers are eligible: bindings, sharer status, region policy. */
export interface Structure {
  bindings: Map<string, BindingState>;
  sharerActive: Map<string, boolean>;
  /** By province code (two digits): the only policy scope the model changes. */
  policies: Map<string, PolicyState>;
  /** Pairs `sharerId:patientId` the patient refused as "not my relative": blocked for 180 days (SPEC 2.8), so for a whole run. */
  blocked: Set<string>;
}

export interface PersonInfo {
  personId: string;
  idNumber: string;
  region: string;
  /** Has an employee personal account (sharers, and patients insured as employees). */
  hasAccount: boolean;
}

export function cloneStructure(s: Structure): Structure {
  return {
    bindings: new Map([...s.bindings].map(([id, b]) => [id, { ...b }])),
    sharerActive: new Map(s.sharerActive),
    policies: new Map([...s.policies].map(([p, v]) => [p, { ...v }])),
    blocked: new Set(s.blocked),
  };
}

export function policyOf(s: Structure, region: string): PolicyState {
  return s.policies.get(region.slice(0, 2)) ?? DEFAULT_POLICY;
}

const CLOSE: readonly Relationship[] = ['spouse', 'child'];

/** SPEC 2.2 item 3 under SPEC 2.6: the bindings that may pay for this patient in this state. */
export function eligibleBindings(s: Structure, persons: ReadonlyMap<string, PersonInfo>, patientId: string): BindingState[] {
  const patient = persons.get(patientId);
  if (!patient) throw new Error(`unknown patient ${patientId}`);
  return [...s.bindings.values()].filter((b) => {
    if (b.patientId !== patientId || b.status !== 'active') return false;
    if (!s.sharerActive.get(b.sharerId)) return false;
    const sharer = persons.get(b.sharerId);
    if (!sharer) return false;
    const policy = policyOf(s, sharer.region);
    if (policy.relativeScope === 'close' && !CLOSE.includes(b.relationship)) return false;
    // A binding with a quota pays whatever the regions (SPEC 2.2 step 3, 2.11).
    if (b.hasQuota) return true;
    if (policy.sharingScope === 'region' && sharer.region !== patient.region) return false;
    return sharer.region.slice(0, 2) === patient.region.slice(0, 2);
  });
}

export interface SettleOutcome {
  selfPay: bigint;
  mulaidPay: bigint;
  cashPay: bigint;
  failure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  /** The binding that paid, when mutual aid paid anything. */
  payer: BindingState | null;
  /** Where mutual aid came from (null without mutual aid). */
  source: null | 'balance' | 'quota';
}

/**
 * The money side of the model (SPEC 2.11): each account's balance, what it holds for quotas,
 * and what is left of each live quota (by binding; present iff the binding has a quota).
 */
export interface Money {
  balances: ReadonlyMap<string, bigint>;
  held: ReadonlyMap<string, bigint>;
  quotaLeft: ReadonlyMap<string, bigint>;
}

/** The free balance: balance less every quota held. */
export function freeOf(m: Money, personId: string): bigint {
  return (m.balances.get(personId) ?? 0n) - (m.held.get(personId) ?? 0n);
}

/** What a binding offers (SPEC 2.2 step 3): what is left of its quota, else its sharer's free balance. */
export function offerOf(m: Money, b: BindingState): bigint {
  return m.quotaLeft.get(b.bindingId) ?? freeOf(m, b.sharerId);
}

/** Is `a` preferred to `b`: larger amount available, then the earlier binding. */
function better(a: BindingState, b: BindingState, m: Money): boolean {
  const x = offerOf(m, a);
  const y = offerOf(m, b);
  if (x !== y) return x > y;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.bindingId < b.bindingId;
}

/**
 * SPEC 2.2 items 2–4: what the settlement must do given the money and the structure. The
 * structure decides who is eligible (read before the lock); the money, under the lock, what
 * each offers: so a binding given its first quota meanwhile offers its quota.
 */
export function expectedSettle(
  s: Structure,
  persons: ReadonlyMap<string, PersonInfo>,
  m: Money,
  patientId: string,
  amount: bigint,
): SettleOutcome {
  const patient = persons.get(patientId);
  const own = patient?.hasAccount ? freeOf(m, patientId) : 0n;
  const selfPay = own < amount ? own : amount;
  const remainder = amount - selfPay;
  const none = { mulaidPay: 0n, payer: null, source: null } as const;
  if (remainder === 0n) return { selfPay, cashPay: 0n, failure: null, ...none };
  const candidates = eligibleBindings(s, persons, patientId);
  if (candidates.length === 0) return { selfPay, cashPay: remainder, failure: 'NO_SHARER', ...none };
  let best = candidates[0]!;
  for (const c of candidates.slice(1)) if (better(c, best, m)) best = c;
  const available = offerOf(m, best);
  const source = m.quotaLeft.has(best.bindingId) ? 'quota' : 'balance';
  if (available >= remainder) return { selfPay, mulaidPay: remainder, cashPay: 0n, failure: null, payer: best, source };
  const sharer = persons.get(best.sharerId)!;
  if (available > 0n && policyOf(s, sharer.region).allowPartial) {
    return { selfPay, mulaidPay: available, cashPay: remainder - available, failure: null, payer: best, source };
  }
  return { selfPay, cashPay: remainder, failure: 'INSUFFICIENT_BALANCE', ...none };
}

/** What a settled bill still allows to be refunded (SPEC 2.2 refund). */
export interface SettlementState {
  settlementId: string;
  institution: string;
  serialNo: string;
  patientId: string;
  kind: SettleKind;
  amountFen: number;
  sharerId: string | null;
  /** The binding that paid and whether from its quota (refunds go back into it while it lives). */
  bindingId: string | null;
  fromQuota: boolean;
  mulaidLeft: bigint;
  selfLeft: bigint;
  /** The first answer, as JSON, that every later delivery must repeat. */
  answer: unknown;
}

/** Sharer's part first, then the patient's own account; null when above what is left. */
export function expectedRefund(s: SettlementState, amount: bigint): { toMulaid: bigint; toSelf: bigint } | null {
  if (amount > s.mulaidLeft + s.selfLeft) return null;
  const toMulaid = amount < s.mulaidLeft ? amount : s.mulaidLeft;
  return { toMulaid, toSelf: amount - toMulaid };
}

/** Money by ledger kind, as the model expects it in total (SPEC 2.2: the ledger identity). */
export type Totals = Record<'opening' | 'credit' | 'correction' | 'self_pay' | 'mulaid_pay' | 'refund', bigint>;

export function zeroTotals(): Totals {
  return { opening: 0n, credit: 0n, correction: 0n, self_pay: 0n, mulaid_pay: 0n, refund: 0n };
}

/** opening + credits − debits + refunds: what the balances must add up to. */
export function totalBalance(t: Totals): bigint {
  return t.opening + t.credit - t.correction - t.self_pay - t.mulaid_pay + t.refund;
}
