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
}

/** Is `a` preferred to `b`: larger balance, then the earlier binding. */
function better(a: BindingState, b: BindingState, balances: ReadonlyMap<string, bigint>): boolean {
  const x = balances.get(a.sharerId) ?? 0n;
  const y = balances.get(b.sharerId) ?? 0n;
  if (x !== y) return x > y;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.bindingId < b.bindingId;
}

/** SPEC 2.2 items 2–4: what the settlement must do given the balances and the structure. */
export function expectedSettle(
  s: Structure,
  persons: ReadonlyMap<string, PersonInfo>,
  balances: ReadonlyMap<string, bigint>,
  patientId: string,
  amount: bigint,
): SettleOutcome {
  const patient = persons.get(patientId);
  const own = patient?.hasAccount ? (balances.get(patientId) ?? 0n) : 0n;
  const selfPay = own < amount ? own : amount;
  const remainder = amount - selfPay;
  if (remainder === 0n) return { selfPay, mulaidPay: 0n, cashPay: 0n, failure: null, payer: null };
  const candidates = eligibleBindings(s, persons, patientId);
  if (candidates.length === 0) return { selfPay, mulaidPay: 0n, cashPay: remainder, failure: 'NO_SHARER', payer: null };
  let best = candidates[0]!;
  for (const c of candidates.slice(1)) if (better(c, best, balances)) best = c;
  const available = balances.get(best.sharerId) ?? 0n;
  if (available >= remainder) return { selfPay, mulaidPay: remainder, cashPay: 0n, failure: null, payer: best };
  const sharer = persons.get(best.sharerId)!;
  if (available > 0n && policyOf(s, sharer.region).allowPartial) {
    return { selfPay, mulaidPay: available, cashPay: remainder - available, failure: null, payer: best };
  }
  return { selfPay, mulaidPay: 0n, cashPay: remainder, failure: 'INSUFFICIENT_BALANCE', payer: null };
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
