/**
 * Who may pay, and why not (SPEC 2.2, 2.4, 2.9): the one decision. Settlement picks its
 * candidates with `eligible` and `decide` states the choice its SQL makes under the lock (a
 * property test holds the two together); diagnosis, the binding's `canPay` / `blockedBy` and
 * every text of the app about paying come from here too, so they cannot disagree.
 */
import { DIAGNOSIS_CODES, type DiagnosisCode } from './diagnosis';
import { BLOCKER_SHORT } from './notices';
import { relationshipAllowed, sharingAllowed, type Policy } from './policy';
import type { Relationship } from './relationship';

export type StoredBindingStatus = 'active' | 'pending' | 'declined' | 'unbound' | 'expired';
export type BindingStatus = StoredBindingStatus;

/** What stops an active binding from paying today (SPEC 2.9). */
export type Blocker = 'NOT_INSURED' | 'OUT_OF_REGION' | 'SHARER_NOT_ELIGIBLE' | 'BALANCE_ZERO' | 'QUOTA_SPENT';

export interface InsuredFacts {
  insuranceType: 'employee' | 'resident' | 'none';
  status: 'active' | 'suspended' | 'terminated';
  poolingRegion: string;
}

export interface BindingFacts {
  bindingId: string;
  status: StoredBindingStatus;
  /** `YYYY-MM-DD`: from this day (Asia/Shanghai) the binding is expired. */
  endsOn: string | null;
  relationship: Relationship;
  /** Orders ties: the earliest binding wins. Milliseconds since the epoch. */
  createdAtMs: number;
  sharer: InsuredFacts;
  /** The policy of the sharer's pooling region. */
  sharerPolicy: Policy;
  /** The sharer's free balance (balance minus every quota the sharer holds). */
  availableFen: bigint;
  /**
   * A binding with a quota (SPEC 2.11): what is left of it, which is all it may pay; null or
   * absent: a binding without a quota, which pays from the sharer's free balance.
   */
  quotaLeftFen?: bigint | null;
}

/** Whether the binding carries a quota (SPEC 2.11). */
export function hasQuota(binding: Pick<BindingFacts, 'quotaLeftFen'>): boolean {
  return binding.quotaLeftFen !== undefined && binding.quotaLeftFen !== null;
}

/** What a binding could pay now (SPEC 2.2 step 3): what is left of its quota, else its sharer's free balance. */
export function amountAvailable(binding: Pick<BindingFacts, 'availableFen' | 'quotaLeftFen'>): bigint {
  return binding.quotaLeftFen ?? binding.availableFen;
}

/** The blocker of an active binding with nothing to pay from: its quota is spent, or its sharer's free balance is zero. */
export function emptyBlocker(binding: Pick<BindingFacts, 'quotaLeftFen'>): 'BALANCE_ZERO' | 'QUOTA_SPENT' {
  return hasQuota(binding) ? 'QUOTA_SPENT' : 'BALANCE_ZERO';
}

/** Enrolled in basic insurance (employee or resident) with status active. */
export function isInsured(p: Pick<InsuredFacts, 'insuranceType' | 'status'>): boolean {
  return p.insuranceType !== 'none' && p.status === 'active';
}

/** Employee-insured with status active: the only people whose account may pay for others. */
export function canShare(p: Pick<InsuredFacts, 'insuranceType' | 'status'>): boolean {
  return p.insuranceType === 'employee' && p.status === 'active';
}

/** The status as it stands today: a live binding whose end date has come is expired. */
export function effectiveStatus(status: StoredBindingStatus, endsOn: string | null, today: string): BindingStatus {
  if ((status === 'active' || status === 'pending') && endsOn !== null && endsOn <= today) return 'expired';
  return status;
}

/**
 * The rule that stops an active binding, balance aside, most basic first: the patient's own
 * insurance, the sharer's, then today's policy of the sharer's region (the region connection
 * and the relationship).
 */
export function ruleBlocker(binding: BindingFacts, patient: InsuredFacts): Exclude<Blocker, 'BALANCE_ZERO' | 'QUOTA_SPENT'> | null {
  if (!isInsured(patient)) return 'NOT_INSURED';
  return sharerBlocker(binding, patient);
}

/**
 * The rules on the sharer's side of a binding: the sharer's insurance, then today's policy of
 * the sharer's region. A binding with a quota pays whatever the regions (SPEC 2.2 step 3, 2.11);
 * the relationships the policy allows still apply to it.
 */
export function sharerBlocker(binding: BindingFacts, patient: Pick<InsuredFacts, 'poolingRegion'>): 'SHARER_NOT_ELIGIBLE' | 'OUT_OF_REGION' | null {
  if (!canShare(binding.sharer)) return 'SHARER_NOT_ELIGIBLE';
  if (!hasQuota(binding) && !sharingAllowed(binding.sharerPolicy, binding.sharer.poolingRegion, patient.poolingRegion)) return 'OUT_OF_REGION';
  if (!relationshipAllowed(binding.sharerPolicy, binding.relationship)) return 'OUT_OF_REGION';
  return null;
}

export interface Payability {
  status: BindingStatus;
  canPay: boolean;
  blockedBy: Blocker | null;
}

/** SPEC 2.9: whether a binding can pay today, and if it is active but cannot, why. */
export function payability(binding: BindingFacts, patient: InsuredFacts, today: string): Payability {
  const status = effectiveStatus(binding.status, binding.endsOn, today);
  if (status !== 'active') return { status, canPay: false, blockedBy: null };
  const blocker = ruleBlocker(binding, patient) ?? (amountAvailable(binding) <= 0n ? emptyBlocker(binding) : null);
  return { status, canPay: blocker === null, blockedBy: blocker };
}

/**
 * The candidates of SPEC 2.2 step 3: active today, and no rule in the way (balances and quotas
 * are the lock's affair): bindings without a quota that today's policy allows, and bindings with
 * a quota whatever the regions.
 */
export function eligible<B extends BindingFacts>(bindings: readonly B[], patient: InsuredFacts, today: string): B[] {
  return bindings.filter((b) => effectiveStatus(b.status, b.endsOn, today) === 'active' && ruleBlocker(b, patient) === null);
}

export interface Candidate {
  bindingId: string;
  /** What is left of the binding's quota, or the sharer's free balance (amountAvailable). */
  availableFen: bigint;
  /** The binding has a quota and pays from it only. */
  fromQuota?: boolean;
  allowPartial: boolean;
  createdAtMs: number;
}

export interface Decision {
  selfPay: bigint;
  mulaidPay: bigint;
  cashPay: bigint;
  failure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  /** The binding that pays (mulaidPay > 0), else null. */
  bindingId: string | null;
  /** Where mutual aid comes from (mulaidPay > 0): the binding's quota or the sharer's free balance. */
  source: null | 'balance' | 'quota';
  /** The candidate that was chosen, whether it paid or not. */
  chosen: Candidate | null;
}

/** The largest amount available; ties: the earliest binding, then the binding id. */
export function bestCandidate(candidates: readonly Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (
      best === null ||
      c.availableFen > best.availableFen ||
      (c.availableFen === best.availableFen &&
        (c.createdAtMs < best.createdAtMs || (c.createdAtMs === best.createdAtMs && c.bindingId < best.bindingId)))
    ) {
      best = c;
    }
  }
  return best;
}

/**
 * SPEC 2.2 steps 2–4: the patient's own account first, then the one candidate with the largest
 * amount, which pays the whole remainder or nothing (part of it where its policy allows
 * partial payment). Money is never combined from several sharers.
 */
export function decide(input: { ownFen: bigint | null; amountFen: bigint; candidates: readonly Candidate[] }): Decision {
  const own = input.ownFen ?? 0n;
  const selfPay = own < input.amountFen ? own : input.amountFen;
  const remainder = input.amountFen - selfPay;
  const chosen = bestCandidate(input.candidates);
  let mulaidPay = 0n;
  if (remainder > 0n && chosen) {
    if (chosen.availableFen >= remainder) mulaidPay = remainder;
    else if (chosen.availableFen > 0n && chosen.allowPartial) mulaidPay = chosen.availableFen;
  }
  const failure = remainder === 0n || mulaidPay > 0n ? null : chosen === null ? 'NO_SHARER' : 'INSUFFICIENT_BALANCE';
  return {
    selfPay,
    mulaidPay,
    cashPay: remainder - mulaidPay,
    failure,
    bindingId: mulaidPay > 0n ? chosen?.bindingId ?? null : null,
    source: mulaidPay > 0n ? (chosen?.fromQuota ? 'quota' : 'balance') : null,
    chosen,
  };
}

/** What diagnosis needs to know of the patient beyond their bindings. */
export interface PatientFacts extends InsuredFacts {
  /** The free balance of the patient's own employee account (balance minus quotas held), or null. */
  ownFen: bigint | null;
  /** The patient is a live member of somebody's family account (亲情账户). */
  inFamilyAccount: boolean;
}

export interface Diagnosis {
  codes: DiagnosisCode[];
  /** For a bill: the decision settlement would make now (none without an amount). */
  decision: Decision | null;
  /** Mutual aid would pay only part of the bill (allowPartial). */
  partial: boolean;
  /** OUT_OF_REGION comes (also) from a relationship today's policy no longer allows. */
  relationshipOutOfScope: boolean;
}



/**
 * SPEC 2.4: every finding that applies, in the SPEC's order. When a binding can pay (the
 * whole bill, if one is given) nothing else matters and the answer is OK. Without an amount,
 * "can pay" means a candidate with money; with one, exactly what settlement would decide.
 */
export function diagnosePatient(patient: PatientFacts, bindings: readonly BindingFacts[], today: string, amountFen?: bigint): Diagnosis {
  const codes = new Set<DiagnosisCode>();
  if (!isInsured(patient)) codes.add('NOT_INSURED');
  const statuses = bindings.map((b) => effectiveStatus(b.status, b.endsOn, today));
  const live = statuses.filter((s) => s === 'active' || s === 'pending');
  if (live.length === 0) {
    if (patient.inFamilyAccount) codes.add('FAMILY_ACCOUNT_ONLY');
    else if (bindings.length === 0) codes.add('NO_BINDING');
    if (statuses.includes('unbound')) codes.add('BINDING_UNBOUND');
    if (statuses.includes('declined')) codes.add('BINDING_DECLINED');
    if (statuses.includes('expired')) codes.add('BINDING_EXPIRED');
  }
  if (statuses.includes('pending')) codes.add('BINDING_PENDING');

  // Every finding that applies (SPEC 2.4): the sharers' side is examined even when the
  // patient's own insurance already stops payment.
  let relationshipOutOfScope = false;
  const open: BindingFacts[] = [];
  for (const b of bindings) {
    if (effectiveStatus(b.status, b.endsOn, today) !== 'active') continue;
    const blocker = sharerBlocker(b, patient);
    if (blocker) codes.add(blocker);
    else open.push(b);
    if (blocker === 'OUT_OF_REGION' && !relationshipAllowed(b.sharerPolicy, b.relationship)) relationshipOutOfScope = true;
  }
  const candidates: Candidate[] = open.map((b) => ({
    bindingId: b.bindingId,
    availableFen: amountAvailable(b),
    fromQuota: hasQuota(b),
    allowPartial: b.sharerPolicy.allowPartial,
    createdAtMs: b.createdAtMs,
  }));
  const best = bestCandidate(candidates);
  let decision: Decision | null = null;
  let partial = false;
  let canPay = false;
  if (best) {
    // Nothing to pay from anywhere: each open binding says why (its quota spent, or no free balance).
    if (best.availableFen <= 0n) for (const b of open) codes.add(emptyBlocker(b));
    if (amountFen === undefined) {
      canPay = best.availableFen > 0n;
    } else {
      decision = decide({ ownFen: patient.ownFen, amountFen, candidates });
      const remainder = amountFen - decision.selfPay;
      canPay = remainder === 0n || decision.mulaidPay === remainder;
      partial = decision.mulaidPay > 0n && decision.mulaidPay < remainder;
      if (!canPay && best.availableFen > 0n) codes.add('BALANCE_LOW');
    }
  } else if (amountFen !== undefined) {
    decision = decide({ ownFen: patient.ownFen, amountFen, candidates });
  }
  if (canPay && isInsured(patient)) codes.clear();
  if (codes.size === 0) codes.add('OK');
  return { codes: DIAGNOSIS_CODES.filter((c) => codes.has(c)), decision, partial, relationshipOutOfScope };
}

/** How a binding's status reads in the app (SPEC 2.9): 生效 / 暂不能支付（原因） / 待确认 / 已拒绝 / 已解绑 / 已到期. */
export function bindingStatusLabel(p: Pick<Payability, 'status' | 'canPay' | 'blockedBy'>): string {
  switch (p.status) {
    case 'active':
      return p.canPay ? '生效' : `暂不能支付（${BLOCKER_SHORT[p.blockedBy ?? ''] ?? '原因待查'}）`;
    case 'pending':
      return '待确认';
    case 'declined':
      return '已拒绝';
    case 'unbound':
      return '已解绑';
    case 'expired':
      return '已到期';
  }
}

/** The tone of a status tag; colour is never the only signal, the label always says it too. */
export function bindingStatusTone(p: Pick<Payability, 'status' | 'canPay'>): 'success' | 'warning' | 'muted' | 'danger' {
  if (p.status === 'active') return p.canPay ? 'success' : 'warning';
  if (p.status === 'pending') return 'warning';
  if (p.status === 'declined') return 'danger';
  return 'muted';
}

/** The words the app uses to explain the payment rule, wherever it explains it. */
export const PAYMENT_RULE_TEXT =
  '就医时先用就医人本人的职工医保个人账户支付；不足的部分，由为其共济、可用余额最多的一位家人的个人账户支付全部剩余金额。多个家人的余额不会合并使用；余额不足以支付剩余金额时，本次不使用共济支付。';
