import { DIAGNOSIS_CODES, diagnosisFinding, type DiagnosisCode } from '../../src/rules/diagnosis';
import { relationshipAllowed, sharingAllowed } from '../../src/rules/policy';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import { fail, invalidInput } from '../errors';
import type { UserCaller } from '../runtime/caller';
import { loadPolicies } from '../store/policies';
import { canShare, getBalance, getPerson, isInsured, type PersonRow } from '../store/persons';
import { requireVerifiedPerson } from './bindings';

export interface Finding {
  code: DiagnosisCode;
  message: string;
  action: string;
}

interface PatientBinding {
  binding_id: string;
  status: 'active' | 'pending' | 'unbound';
  relationship: Relationship;
  sharer_insurance_type: PersonRow['insurance_type'];
  sharer_status: PersonRow['status'];
  sharer_region: string;
  balance_fen: bigint | null;
}

async function patientFor(
  app: App,
  me: PersonRow,
  caller: UserCaller,
  input: { bindingId?: string; memberId?: string },
): Promise<{ patient: PersonRow; bindingId?: string }> {
  if (input.bindingId && input.memberId) invalidInput('memberId', 'memberId：请只指定 bindingId 或 memberId 其中之一');
  if (input.bindingId) {
    const rows = await app.db.query<{ relative_id: string }>(
      'SELECT relative_id FROM bindings WHERE binding_id = $1 AND (sharer_id = $2 OR relative_id = $2)',
      [input.bindingId, me.person_id],
    );
    const row = rows[0];
    if (!row) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
    const patient = await getPerson(app.db, row.relative_id);
    if (!patient) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
    return { patient, bindingId: input.bindingId };
  }
  if (input.memberId) {
    const rows = await app.db.query<{ person_id: string }>(
      // A removed member is no longer "a relative of mine" (as in showFamilyCode and removeFamilyAccount).
      'SELECT person_id FROM family_members WHERE member_id = $1 AND owner_user_id = $2 AND removed_at IS NULL',
      [input.memberId, caller.userId],
    );
    const row = rows[0];
    const patient = row ? await getPerson(app.db, row.person_id) : undefined;
    if (!patient) fail('NOT_FOUND', '未找到该亲情账户成员', 'memberId');
    return { patient };
  }
  return { patient: me };
}

/**
 * SPEC 2.4: why mutual aid does (not) pay for a patient, every applicable finding in the
 * SPEC's order. With a bindingId only that binding is examined; otherwise all of the
 * patient's bindings, and when one of them can pay, the answer is OK.
 */
export async function diagnose(
  app: App,
  caller: UserCaller,
  input: { bindingId?: string; memberId?: string; amountFen?: number },
): Promise<{ findings: Finding[] }> {
  const me = await requireVerifiedPerson(app, caller);
  const { patient, bindingId } = await patientFor(app, me, caller, input);

  const bindings = await app.db.query<PatientBinding>(
    `SELECT b.binding_id, b.status, b.relationship, p.insurance_type AS sharer_insurance_type,
            p.status AS sharer_status, p.pooling_region AS sharer_region, a.balance_fen
     FROM bindings b JOIN persons p ON p.person_id = b.sharer_id LEFT JOIN accounts a ON a.person_id = b.sharer_id
     WHERE b.relative_id = $1 ${bindingId ? 'AND b.binding_id = $2' : ''}`,
    bindingId ? [patient.person_id, bindingId] : [patient.person_id],
  );
  const familyRows = await app.db.query(
    'SELECT 1 FROM family_members WHERE person_id = $1 AND removed_at IS NULL LIMIT 1',
    [patient.person_id],
  );
  const policyOf = await loadPolicies(app.db, bindings.map((b) => b.sharer_region));

  const codes = new Set<DiagnosisCode>();
  let regionByRelationship = false;
  if (!isInsured(patient)) codes.add('NOT_INSURED');

  const live = bindings.filter((b) => b.status !== 'unbound');
  if (live.length === 0) {
    if (familyRows.length > 0) codes.add('FAMILY_ACCOUNT_ONLY');
    else if (bindings.length === 0) codes.add('NO_BINDING');
  }
  if (bindings.some((b) => b.status === 'unbound') && live.length === 0) codes.add('BINDING_UNBOUND');
  if (live.some((b) => b.status === 'pending')) codes.add('BINDING_PENDING');

  const active = live.filter((b) => b.status === 'active');
  const eligible: PatientBinding[] = [];
  for (const b of active) {
    const policy = policyOf(b.sharer_region);
    if (!canShare({ insurance_type: b.sharer_insurance_type, status: b.sharer_status })) {
      codes.add('SHARER_NOT_ELIGIBLE');
    } else if (!sharingAllowed(policy, b.sharer_region, patient.pooling_region)) {
      codes.add('OUT_OF_REGION');
    } else if (!relationshipAllowed(policy, b.relationship)) {
      codes.add('OUT_OF_REGION');
      regionByRelationship = true;
    } else {
      eligible.push(b);
    }
  }
  // As in settlement (SPEC 2.2), the patient's own account pays first: mutual aid is asked
  // only for the rest of the bill.
  let needed: bigint | undefined;
  if (input.amountFen !== undefined) {
    const bill = BigInt(input.amountFen);
    const own = (await getBalance(app.db, patient.person_id)) ?? 0n;
    needed = own < bill ? bill - own : 0n;
  }
  const largest = eligible.reduce<bigint | null>((max, b) => {
    const balance = b.balance_fen ?? 0n;
    return max === null || balance > max ? balance : max;
  }, null);
  if (largest !== null) {
    if (largest === 0n) codes.add('BALANCE_ZERO');
    else if (needed !== undefined && largest < needed) codes.add('BALANCE_LOW');
  }
  const canPay =
    isInsured(patient) &&
    largest !== null &&
    largest > 0n &&
    (needed === undefined || largest >= needed);
  // A sharer who can pay makes the other bindings' problems moot: mutual aid works.
  if (canPay) codes.clear();
  if (codes.size === 0) codes.add('OK');

  return {
    findings: DIAGNOSIS_CODES.filter((code) => codes.has(code)).map((code) => {
      const finding = diagnosisFinding(code);
      if (code === 'OUT_OF_REGION' && regionByRelationship) {
        return {
          ...finding,
          message: '按共济人参保地现行政策，这种亲属关系（或双方的参保地）已不在家庭共济范围内，共济关系暂停支付。',
        };
      }
      return finding;
    }),
  };
}
