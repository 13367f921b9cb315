import { maskName } from '../../src/rules/mask';
import {
  payability,
  type BindingFacts,
  type BindingStatus,
  type Blocker,
  type StoredBindingStatus,
} from '../../src/rules/payability';
import type { Policy } from '../../src/rules/policy';
import type { Relationship } from '../../src/rules/relationship';
import { randomUUID } from 'node:crypto';
import type { NoticeKind, NoticeRef } from '../../src/rules/notices';
import type { Queryable, SqlParam } from '../db/port';
import { lockAccounts, releaseQuota } from './ledger';
import { notify } from './messages';
import { loadPolicies } from './policies';
import type { PersonRow } from './persons';

export type { BindingStatus };

export type EndedBy = 'sharer' | 'relative' | 'operator' | 'staff' | 'system';
/** Why the system ended a binding by itself (SPEC 2.1): a registry change, or its end date. */
export type AutoEndReason = 'insurance_ended' | 'region_moved';
export type EndedReason = AutoEndReason | 'end_date';

export interface BindingRow {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  status: StoredBindingStatus;
  relationship: Relationship;
  created_at: Date;
  ended_at: Date | null;
  ended_by: EndedBy | null;
  ended_reason: EndedReason | null;
  ends_on: string | null;
  can_pay: boolean | null;
  sharer_name: string;
  sharer_id_masked: string;
  sharer_insurance_type: PersonRow['insurance_type'];
  sharer_status: PersonRow['status'];
  sharer_pooling_region: string;
  sharer_balance_fen: bigint;
  /** What the sharer holds for quotas (SPEC 2.11); the free balance is balance − held. */
  sharer_held_fen: bigint;
  /** The quota and what is left of it, or both null (no quota). */
  quota_fen: bigint | null;
  quota_left_fen: bigint | null;
  relative_name: string;
  relative_id_masked: string;
  relative_birth_date: string;
  relative_insurance_type: PersonRow['insurance_type'];
  relative_status: PersonRow['status'];
  relative_pooling_region: string;
  spent_fen: bigint;
  spent_month_fen: bigint;
}

/** The binding of SPEC 3.2 as its sharer or its relative sees it, with its honest status (2.9). */
export interface BindingView {
  bindingId: string;
  status: BindingStatus;
  canPay: boolean;
  blockedBy: Blocker | null;
  relationship: Relationship;
  createdAt: Date;
  endedAt?: Date;
  endedBy?: EndedBy;
  /** Why it ended by itself: the insurance ended, moved region, or the end date came (SPEC 2.1). */
  endedReason?: EndedReason;
  endsOn?: string;
  viewerRole: 'sharer' | 'relative';
  /** Whether the viewer may unbind it now (SPEC 2.1: a relative under the consent age may not). */
  canLeave: boolean;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string; insuranceType: string; poolingRegion: string };
  /** Mutual aid paid under this binding, net of refunds. */
  spentFen: bigint;
  /** The quota the sharer set aside for this relative (SPEC 2.11); absent without a quota. */
  quotaFen?: bigint;
  /** What is left of it (0 once the binding has ended: the rest went back to the sharer). */
  quotaLeftFen?: bigint;
  /** The sharer's view of an active binding with a resident-insured or uninsured relative: the premium it may pay (SPEC 2.12). */
  premium?: { year: number; amountFen: number; window: string; open: boolean; paid: boolean };
  /** The same, this calendar month (Asia/Shanghai). */
  spentThisMonthFen: bigint;
}

const SELECT_BINDINGS = `
  SELECT b.binding_id, b.sharer_id, b.relative_id, b.status, b.relationship, b.created_at, b.ended_at, b.ended_by, b.ended_reason,
    b.ends_on::text AS ends_on, b.can_pay,
    s.name AS sharer_name, s.id_masked AS sharer_id_masked, s.insurance_type AS sharer_insurance_type,
    s.status AS sharer_status, s.pooling_region AS sharer_pooling_region, COALESCE(a.balance_fen, 0)::bigint AS sharer_balance_fen,
    COALESCE(a.held_fen, 0)::bigint AS sharer_held_fen, b.quota_fen, b.quota_left_fen,
    r.name AS relative_name, r.id_masked AS relative_id_masked, r.birth_date::text AS relative_birth_date,
    r.insurance_type AS relative_insurance_type, r.status AS relative_status, r.pooling_region AS relative_pooling_region,
    COALESCE((SELECT sum(st.mulaid_pay_fen - st.mulaid_refunded_fen) FROM settlements st
              WHERE st.binding_id = b.binding_id AND st.mulaid_pay_fen > 0), 0)::bigint AS spent_fen,
    COALESCE((SELECT sum(st.mulaid_pay_fen - st.mulaid_refunded_fen) FROM settlements st
              WHERE st.binding_id = b.binding_id AND st.mulaid_pay_fen > 0 AND st.created_at >= $1), 0)::bigint AS spent_month_fen
  FROM bindings b
  JOIN persons s ON s.person_id = b.sharer_id
  JOIN persons r ON r.person_id = b.relative_id
  LEFT JOIN accounts a ON a.person_id = b.sharer_id`;

export async function queryBindings(
  q: Queryable,
  monthStart: Date,
  where: string,
  params: readonly SqlParam[],
): Promise<BindingRow[]> {
  return q.query<BindingRow>(`${SELECT_BINDINGS} WHERE ${where} ORDER BY b.created_at DESC, b.binding_id DESC`, [
    monthStart,
    ...params,
  ]);
}

/** Rows with the policy of each sharer's region, ready for the rules. */
export interface BindingsWithPolicy {
  rows: BindingRow[];
  policyOf: (region: string) => Policy;
}

export async function queryBindingsWithPolicy(
  q: Queryable,
  monthStart: Date,
  where: string,
  params: readonly SqlParam[],
): Promise<BindingsWithPolicy> {
  const rows = await queryBindings(q, monthStart, where, params);
  const policyOf = await loadPolicies(q, [...new Set(rows.map((row) => row.sharer_pooling_region))]);
  return { rows, policyOf };
}

/** A row as the one decision of src/rules/payability.ts takes it. */
export function bindingFacts(row: BindingRow, policy: Policy): BindingFacts {
  return {
    bindingId: row.binding_id,
    status: row.status,
    endsOn: row.ends_on,
    relationship: row.relationship,
    createdAtMs: row.created_at.getTime(),
    sharer: {
      insuranceType: row.sharer_insurance_type,
      status: row.sharer_status,
      poolingRegion: row.sharer_pooling_region,
    },
    sharerPolicy: policy,
    availableFen: row.sharer_balance_fen - row.sharer_held_fen,
    quotaLeftFen: row.quota_left_fen,
  };
}

export function relativeFacts(row: BindingRow) {
  return {
    insuranceType: row.relative_insurance_type,
    status: row.relative_status,
    poolingRegion: row.relative_pooling_region,
  };
}

/** The consent age of SPEC 2.1: the region's, or 16 where it sets none. */
export function consentAge(policy: Policy): number {
  return policy.consentFromAge ?? 16;
}

export function bindingView(
  row: BindingRow,
  viewerPersonId: string,
  policy: Policy,
  today: string,
  relativeMayLeave: boolean,
): BindingView {
  const viewerIsSharer = row.sharer_id === viewerPersonId;
  const pay = payability(bindingFacts(row, policy), relativeFacts(row), today);
  const live = pay.status === 'active' || pay.status === 'pending';
  return {
    bindingId: row.binding_id,
    status: pay.status,
    canPay: pay.canPay,
    blockedBy: pay.blockedBy,
    relationship: row.relationship,
    createdAt: row.created_at,
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
    ...(row.ended_by ? { endedBy: row.ended_by } : {}),
    ...(row.ended_reason ? { endedReason: row.ended_reason } : pay.status === 'expired' ? { endedReason: 'end_date' as const } : {}),
    ...(row.ends_on ? { endsOn: row.ends_on } : {}),
    viewerRole: viewerIsSharer ? 'sharer' : 'relative',
    canLeave: live && (viewerIsSharer || relativeMayLeave),
    sharer: {
      name: viewerIsSharer ? row.sharer_name : maskName(row.sharer_name),
      idNumberMasked: row.sharer_id_masked,
    },
    relative: {
      name: row.relative_name,
      idNumberMasked: row.relative_id_masked,
      insuranceType: row.relative_insurance_type,
      poolingRegion: row.relative_pooling_region,
    },
    spentFen: row.spent_fen,
    spentThisMonthFen: row.spent_month_fen,
    ...(row.quota_fen !== null && row.quota_left_fen !== null ? { quotaFen: row.quota_fen, quotaLeftFen: row.quota_left_fen } : {}),
  };
}

/** The facts of a binding that ending it needs. */
export interface EndingBinding {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  relationship: Relationship | string;
  sharer_name: string;
  relative_name: string;
}

export interface EndOptions {
  /** What the binding becomes: `unbound` (default), `declined` (a pending request refused) or `expired`. */
  status?: 'unbound' | 'declined' | 'expired';
  /** When it ended (default: now); an expiry ends at the start of its end date. */
  endedAt?: Date;
  /** A decline as "not my relative" (SPEC 2.8). */
  notMyRelative?: boolean;
  /** Why the system ended it (SPEC 2.1: insurance ended or moved, or its end date), stored and shown. */
  reason?: EndedReason;
  /**
   * The notice of the end: its kind and extra facts, and who is told (`both`, or the side that
   * did not act, which is the default: `by` sharer tells the relative and the other way round;
   * staff, operator and system tell both).
   */
  notice?: { kind: NoticeKind; ref?: NoticeRef; to?: 'both' | 'sharer' | 'relative' };
}

/**
 * Ends a live (active or pending) binding — the one way any binding ends (SPEC 2.1, 2.11): the
 * sharer's account is locked first (the lock order of migration 0005), what is left of the
 * binding's quota returns to the sharer's free balance (releaseQuota, a `quota_release` entry),
 * the binding is marked ended, and both sides are told: the end notice to the side(s) of
 * `options.notice`, and, when a quota returned, a `quota_released` notice to both.
 * False (and nothing written) when the binding had already ended.
 */
export async function endBindingRow(
  q: Queryable,
  now: Date,
  binding: EndingBinding,
  by: EndedBy,
  options: EndOptions = {},
): Promise<{ ended: boolean; releasedFen: bigint }> {
  await lockAccounts(q, [binding.sharer_id]);
  const live = await q.query<{ binding_id: string }>(
    "SELECT binding_id FROM bindings WHERE binding_id = $1 AND status IN ('active', 'pending') FOR UPDATE",
    [binding.binding_id],
  );
  if (live.length === 0) return { ended: false, releasedFen: 0n };
  const releasedFen = await releaseQuota(q, { bindingId: binding.binding_id, sharerId: binding.sharer_id }, now, randomUUID());
  await q.query(
    `UPDATE bindings SET status = $2, ended_at = $3, ended_by = $4, not_my_relative = $5, ended_reason = $6
     WHERE binding_id = $1 AND status IN ('active', 'pending')`,
    [binding.binding_id, options.status ?? 'unbound', options.endedAt ?? now, by, options.notMyRelative === true, options.reason ?? null],
  );
  const notice = options.notice ?? { kind: 'binding_ended' as const, ref: { by } };
  const to = notice.to ?? (by === 'sharer' ? 'relative' : by === 'relative' ? 'sharer' : 'both');
  const ref = { bindingId: binding.binding_id, relationship: binding.relationship, ...notice.ref };
  if (to !== 'relative') await notify(q, now, { personId: binding.sharer_id }, notice.kind, { ...ref, otherName: binding.relative_name, role: 'sharer' });
  if (to !== 'sharer') await notify(q, now, { personId: binding.relative_id }, notice.kind, { ...ref, otherName: binding.sharer_name, role: 'relative' });
  if (releasedFen > 0n) {
    const quotaRef = { bindingId: binding.binding_id, relationship: binding.relationship, amountFen: Number(releasedFen) };
    await notify(q, now, { personId: binding.sharer_id }, 'quota_released', { ...quotaRef, otherName: binding.relative_name, role: 'sharer' });
    await notify(q, now, { personId: binding.relative_id }, 'quota_released', { ...quotaRef, otherName: binding.sharer_name, role: 'relative' });
  }
  return { ended: true, releasedFen };
}
