import { maskName } from '../../src/rules/mask';
import type { Relationship } from '../../src/rules/relationship';
import type { Queryable, SqlParam } from '../db/port';

export type BindingStatus = 'active' | 'pending' | 'unbound';

export interface BindingRow {
  binding_id: string;
  sharer_id: string;
  relative_id: string;
  status: BindingStatus;
  relationship: Relationship;
  created_at: Date;
  ended_at: Date | null;
  sharer_name: string;
  sharer_id_masked: string;
  relative_name: string;
  relative_id_masked: string;
  relative_insurance_type: 'employee' | 'resident' | 'none';
  relative_pooling_region: string;
  spent_fen: bigint;
  spent_month_fen: bigint;
}

/** The binding of SPEC 3.2 as its sharer or its relative sees it. */
export interface BindingView {
  bindingId: string;
  status: BindingStatus;
  relationship: Relationship;
  createdAt: Date;
  endedAt?: Date;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string; insuranceType: string; poolingRegion: string };
  /** Mutual aid paid under this binding, net of refunds. */
  spentFen: bigint;
  /** The same, this calendar month (Asia/Shanghai). */
  spentThisMonthFen: bigint;
}

const SELECT_BINDINGS = `
  SELECT b.binding_id, b.sharer_id, b.relative_id, b.status, b.relationship, b.created_at, b.ended_at,
    s.name AS sharer_name, s.id_masked AS sharer_id_masked,
    r.name AS relative_name, r.id_masked AS relative_id_masked,
    r.insurance_type AS relative_insurance_type, r.pooling_region AS relative_pooling_region,
    COALESCE((SELECT sum(st.mulaid_pay_fen - st.mulaid_refunded_fen) FROM settlements st
              WHERE st.binding_id = b.binding_id AND st.mulaid_pay_fen > 0), 0)::bigint AS spent_fen,
    COALESCE((SELECT sum(st.mulaid_pay_fen - st.mulaid_refunded_fen) FROM settlements st
              WHERE st.binding_id = b.binding_id AND st.mulaid_pay_fen > 0 AND st.created_at >= $1), 0)::bigint AS spent_month_fen
  FROM bindings b
  JOIN persons s ON s.person_id = b.sharer_id
  JOIN persons r ON r.person_id = b.relative_id`;

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

export function bindingView(row: BindingRow, viewerPersonId: string): BindingView {
  const viewerIsSharer = row.sharer_id === viewerPersonId;
  return {
    bindingId: row.binding_id,
    status: row.status,
    relationship: row.relationship,
    createdAt: row.created_at,
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
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
  };
}
