import type { Relationship } from '../../src/rules/relationship';
import type { PersonRow } from './persons';

/**
 * The read of a settlement, without locks, in one statement: the patient (by ID digest), the
 * stored first answer of (institution, serial), the patient's active bindings with their
 * sharers, and the policy overrides of the sharers' regions and provinces.
 * $1 id digest, $2 institution code, $3 serial number.
 */
export const READ_SETTLEMENT_SQL = /* sql */ `
WITH p AS (
  SELECT person_id, id_masked, name, birth_date::text AS birth_date, sex, insurance_type, status, pooling_region
  FROM persons WHERE id_digest = $1),
c AS (
  SELECT b.binding_id, b.sharer_id, b.relationship, b.created_at, b.ends_on::text AS ends_on, b.quota_left_fen, sp.name AS sharer_name, sp.id_masked AS sharer_id_masked,
         sp.insurance_type, sp.status, sp.pooling_region
  FROM p JOIN bindings b ON b.relative_id = p.person_id AND b.status = 'active'
  JOIN persons sp ON sp.person_id = b.sharer_id)
SELECT to_jsonb(p) AS patient, s.request_hash AS prior_hash, s.response AS prior_response,
       (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]'::jsonb) FROM c) AS candidates,
       (SELECT COALESCE(jsonb_object_agg(r.scope, r.settings), '{}'::jsonb) FROM region_policies r
        WHERE r.scope IN (SELECT pooling_region FROM c UNION SELECT left(pooling_region, 2) FROM c)) AS policies
FROM (SELECT 1) AS one
LEFT JOIN p ON true
LEFT JOIN settlements s ON s.institution_code = $2 AND s.serial_no = $3`;

export interface CandidateRow {
  binding_id: string;
  sharer_id: string;
  relationship: Relationship;
  created_at: string;
  ends_on: string | null;
  /** What is left of the binding's quota (a JSON number), or null: no quota. Decided again under the lock. */
  quota_left_fen: number | null;
  sharer_name: string;
  sharer_id_masked: string;
  insurance_type: PersonRow['insurance_type'];
  status: PersonRow['status'];
  pooling_region: string;
}

export interface SettlementRead {
  patient: Omit<PersonRow, 'phone'> | null;
  prior_hash: string | null;
  prior_response: unknown;
  candidates: CandidateRow[];
  policies: Record<string, unknown>;
}

/**
 * The settlement itself: one call of the PL/pgSQL function settle_commit (migration 0002,
 * where its rules are written down), so one implicit transaction, atomic: lock the accounts
 * in key order, then decide from the balances under the lock, claim the serial, debit and
 * write the ledger entries. The casts pick the function's signature on every driver.
 * $1 settlement id, $2 institution, $3 serial, $4 request hash, $5 patient id, $6 kind,
 * $7 amount, $8 now, $9 candidates JSON [{binding_id, sharer_id, name_masked, id_masked,
 * allow_partial}], $10 self-pay entry id, $11 mutual-aid entry id, $12 accounts to lock.
 */
export const COMMIT_SETTLEMENT_SQL = /* sql */ `
SELECT * FROM settle_commit($1::uuid, $2::text, $3::text, $4::text, $5::uuid, $6::text, $7::bigint, $8::timestamptz,
  $9::jsonb, $10::uuid, $11::uuid, $12::uuid[])`;

export interface SettlementWrite {
  self_pay: bigint;
  mulaid_pay: bigint;
  cash_pay: bigint;
  failure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  name_masked: string | null;
  id_masked: string | null;
  inserted: bigint;
  entries: bigint;
  /** Where mutual aid came from (migration 0005); absent from writes that predate quotas. */
  source?: null | 'balance' | 'quota';
}
