/**
 * Pieces shared by the settlement experiments: the same request hash, the same candidate rules
 * (src/rules, as in server/usecases/settle.ts) and the same answer shape as the use case.
 */
import { createHash } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskName } from '../../src/rules/mask';
import { relationshipAllowed, resolvePolicy, sharingAllowed, type Policy, type PolicyOverride } from '../../src/rules/policy';
import { provinceOfRegion } from '../../src/rules/region';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../../server/app';
import { fail } from '../../server/errors';
import { canShare, idDigest, isInsured, type PersonRow } from '../../server/store/persons';
import type { SettlementAnswer, SettlementKind } from '../../server/usecases/settle';

export type { SettlementAnswer };

export interface Input {
  serialNo: string;
  patientIdNumber: string;
  kind: SettlementKind;
  amountFen: number;
}

/** As settle.ts: sha256 of ['settle', patient id, kind, amount], base64url. */
export function requestHash(patientId: string, kind: SettlementKind, amountFen: number): string {
  return createHash('sha256').update(JSON.stringify(['settle', patientId, kind, amountFen])).digest('base64url');
}

/** Validates the ID number as settle.ts does and returns its registry digest. */
export function patientDigest(app: App, input: Input): string {
  const parsed = parseIdNumber(input.patientIdNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'patientIdNumber');
  return idDigest(app, parsed.info.idNumber);
}

export function conflict(): never {
  return fail('IDEMPOTENCY_CONFLICT', '该流水号已用于另一笔内容不同的业务，请使用新的流水号', 'serialNo');
}

export function notFound(): never {
  return fail('NOT_FOUND', '未查到该参保人，请核对患者身份证号码', 'patientIdNumber');
}

export interface CandidateRow {
  binding_id: string;
  sharer_id: string;
  relationship: Relationship;
  created_at: string | Date;
  sharer_name: string;
  sharer_id_masked: string;
  insurance_type: PersonRow['insurance_type'];
  status: PersonRow['status'];
  pooling_region: string;
}

/** The candidates settle.ts would keep, with the policy in force for each (SPEC 2.2 step 3). */
export function eligible(
  patient: PersonRow,
  rows: readonly CandidateRow[],
  overrides: Record<string, PolicyOverride>,
): Array<CandidateRow & { policy: Policy }> {
  if (!isInsured(patient)) return [];
  const policyOf = (region: string) =>
    resolvePolicy(region, { province: overrides[provinceOfRegion(region)] ?? null, region: overrides[region] ?? null });
  return rows
    .map((row) => ({ ...row, policy: policyOf(row.pooling_region) }))
    .filter(
      (row) =>
        canShare(row) && relationshipAllowed(row.policy, row.relationship) && sharingAllowed(row.policy, row.pooling_region, patient.pooling_region),
    );
}

/** The candidate JSON the write statements take: what SQL needs to choose and to answer. */
export function candidateJson(candidates: ReadonlyArray<CandidateRow & { policy: Policy }>): string {
  return JSON.stringify(
    candidates.map((c) => ({
      binding_id: c.binding_id,
      sharer_id: c.sharer_id,
      name_masked: maskName(c.sharer_name),
      id_masked: c.sharer_id_masked,
      allow_partial: c.policy.allowPartial,
    })),
  );
}

/** The answer from the decision columns the write statements return. */
export function answerOf(
  settlementId: string,
  row: { self_pay: bigint; mulaid_pay: bigint; cash_pay: bigint; failure: SettlementAnswer['mulaidFailure']; name_masked: string | null; id_masked: string | null },
): SettlementAnswer {
  const selfPay = BigInt(row.self_pay);
  const mulaid = BigInt(row.mulaid_pay);
  return {
    settlementId,
    selfAcctPay: selfPay,
    acctMulaidPay: mulaid,
    acctPay: selfPay + mulaid,
    cashPay: BigInt(row.cash_pay),
    mulaidFailure: row.failure,
    ...(mulaid > 0n && row.name_masked && row.id_masked ? { sharer: { name: row.name_masked, idNumberMasked: row.id_masked } } : {}),
  };
}

/**
 * One read that replaces four of the use case's round trips: the patient (by digest), the
 * stored first answer of this serial, the active bindings with their sharers, and the policy
 * overrides of the sharers' regions and provinces. No locks.
 */
export const READ_SQL = /* sql */ `
WITH p AS (
  SELECT person_id, id_masked, name, birth_date::text AS birth_date, sex, insurance_type, status, pooling_region
  FROM persons WHERE id_digest = $1),
c AS (
  SELECT b.binding_id, b.sharer_id, b.relationship, b.created_at, sp.name AS sharer_name, sp.id_masked AS sharer_id_masked,
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

export interface ReadRow {
  patient: PersonRow | null;
  prior_hash: string | null;
  prior_response: unknown;
  candidates: CandidateRow[];
  policies: Record<string, PolicyOverride>;
}
