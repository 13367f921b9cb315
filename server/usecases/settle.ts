import { createHash, randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskName } from '../../src/rules/mask';
import { relationshipAllowed, sharingAllowed } from '../../src/rules/policy';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import type { Queryable } from '../db/port';
import { fail } from '../errors';
import type { InstitutionCaller } from '../runtime/caller';
import { debit } from '../store/ledger';
import { loadPolicies } from '../store/policies';
import { canShare, findPersonByIdNumber, isInsured, type PersonRow } from '../store/persons';
import { firstAnswerOr, Replay } from '../store/idempotency';

export type SettlementKind = 'outpatient' | 'inpatient' | 'pharmacy';

/** The answer of SPEC 3.2, shaped like the national interface's setlinfo. */
export interface SettlementAnswer {
  settlementId: string;
  selfAcctPay: bigint;
  acctMulaidPay: bigint;
  acctPay: bigint;
  cashPay: bigint;
  mulaidFailure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  sharer?: { name: string; idNumberMasked: string };
}

interface Candidate {
  binding_id: string;
  sharer_id: string;
  relationship: Relationship;
  created_at: Date;
  sharer_name: string;
  sharer_id_masked: string;
  insurance_type: PersonRow['insurance_type'];
  status: PersonRow['status'];
  pooling_region: string;
}

function requestHash(patientId: string, kind: SettlementKind, amountFen: number): string {
  return createHash('sha256').update(JSON.stringify(['settle', patientId, kind, amountFen])).digest('base64url');
}

/**
 * The patient's active bindings whose sharer may pay today: employee-insured, active, and
 * allowed by the policy of the sharer's region (relationship scope and sharing scope).
 */
async function eligibleCandidates(q: Queryable, patient: PersonRow): Promise<{ candidates: Candidate[]; allowPartial: (c: Candidate) => boolean }> {
  const rows = await q.query<Candidate>(
    `SELECT b.binding_id, b.sharer_id, b.relationship, b.created_at,
            p.name AS sharer_name, p.id_masked AS sharer_id_masked, p.insurance_type, p.status, p.pooling_region
     FROM bindings b JOIN persons p ON p.person_id = b.sharer_id
     WHERE b.relative_id = $1 AND b.status = 'active'`,
    [patient.person_id],
  );
  const policyOf = await loadPolicies(q, rows.map((row) => row.pooling_region));
  const candidates = rows.filter((row) => {
    const policy = policyOf(row.pooling_region);
    return canShare(row) && relationshipAllowed(policy, row.relationship) && sharingAllowed(policy, row.pooling_region, patient.pooling_region);
  });
  return { candidates, allowPartial: (c) => policyOf(c.pooling_region).allowPartial };
}

/** SPEC 2.2: own account first, then the single sharer with the largest balance; atomic. */
export async function settle(
  app: App,
  institution: InstitutionCaller,
  input: { serialNo: string; patientIdNumber: string; kind: SettlementKind; amountFen: number },
): Promise<SettlementAnswer> {
  const parsed = parseIdNumber(input.patientIdNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'patientIdNumber');
  const patient = await findPersonByIdNumber(app, app.db, parsed.info.idNumber);
  if (!patient) fail('NOT_FOUND', '未查到该参保人，请核对患者身份证号码', 'patientIdNumber');
  const hash = requestHash(patient.person_id, input.kind, input.amountFen);
  const lookup = { table: 'settlements', serialColumn: 'serial_no', institution: institution.code, serialNo: input.serialNo, hash } as const;

  return firstAnswerOr<SettlementAnswer>(app, lookup, async () =>
    app.db.transaction(async (tx) => {
      const amount = BigInt(input.amountFen);
      const { candidates, allowPartial } = isInsured(patient)
        ? await eligibleCandidates(tx, patient)
        : { candidates: [], allowPartial: () => false };

      // Lock the patient's own account and every candidate's, in one statement and in key
      // order (no deadlock between settlements), and read the balances as of the lock.
      const ids = [patient.person_id, ...candidates.map((c) => c.sharer_id)];
      const locked = await tx.query<{ person_id: string; balance_fen: bigint }>(
        `SELECT person_id, balance_fen FROM accounts WHERE person_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})
         ORDER BY person_id FOR UPDATE`,
        ids,
      );
      const balance = new Map(locked.map((row) => [row.person_id, row.balance_fen]));

      const ownBalance = balance.get(patient.person_id) ?? 0n;
      const selfPay = ownBalance < amount ? ownBalance : amount;
      const remainder = amount - selfPay;
      let mulaidPay = 0n;
      let mulaidFailure: SettlementAnswer['mulaidFailure'] = null;
      let chosen: Candidate | undefined;
      if (remainder > 0n) {
        chosen = pickLargest(candidates, balance);
        const available = chosen ? (balance.get(chosen.sharer_id) ?? 0n) : 0n;
        if (!chosen) mulaidFailure = 'NO_SHARER';
        else if (available >= remainder) mulaidPay = remainder;
        else if (available > 0n && allowPartial(chosen)) mulaidPay = available;
        else mulaidFailure = 'INSUFFICIENT_BALANCE';
      }
      const paidBy = mulaidPay > 0n ? chosen : undefined;

      const settlementId = randomUUID();
      const mulaidEntryId = paidBy ? randomUUID() : null;
      const answer: SettlementAnswer = {
        settlementId,
        selfAcctPay: selfPay,
        acctMulaidPay: mulaidPay,
        acctPay: selfPay + mulaidPay,
        cashPay: amount - selfPay - mulaidPay,
        mulaidFailure,
        ...(paidBy ? { sharer: { name: maskName(paidBy.sharer_name), idNumberMasked: paidBy.sharer_id_masked } } : {}),
      };
      const now = app.clock.now();
      const inserted = await tx.query(
        `INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
           self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (institution_code, serial_no) DO NOTHING
         RETURNING settlement_id`,
        [
          settlementId,
          institution.code,
          input.serialNo,
          hash,
          patient.person_id,
          input.kind,
          amount,
          selfPay,
          mulaidPay,
          answer.cashPay,
          mulaidFailure,
          paidBy?.binding_id ?? null,
          paidBy?.sharer_id ?? null,
          mulaidEntryId,
          JSON.stringify(answerJson(answer)),
          now,
        ],
      );
      // A duplicate delivery committed first: roll this one back and answer as the first did.
      if (inserted.length === 0) throw new Replay();
      if (selfPay > 0n) {
        await debit(tx, { personId: patient.person_id, amount: selfPay, kind: 'self_pay', settlementId, entryId: randomUUID(), at: now });
      }
      if (paidBy && mulaidEntryId) {
        await debit(tx, { personId: paidBy.sharer_id, amount: mulaidPay, kind: 'mulaid_pay', settlementId, entryId: mulaidEntryId, at: now });
      }
      return answer;
    }),
  );
}

/** The largest balance; ties go to the earliest binding. */
function pickLargest(candidates: readonly Candidate[], balance: ReadonlyMap<string, bigint>): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (!balance.has(candidate.sharer_id)) continue;
    if (!best) {
      best = candidate;
      continue;
    }
    const a = balance.get(candidate.sharer_id) ?? 0n;
    const b = balance.get(best.sharer_id) ?? 0n;
    const earlier =
      candidate.created_at.getTime() < best.created_at.getTime() ||
      (candidate.created_at.getTime() === best.created_at.getTime() && candidate.binding_id < best.binding_id);
    if (a > b || (a === b && earlier)) best = candidate;
  }
  return best;
}

/** The stored first answer: amounts as JSON numbers (safe integers by the amount limit). */
function answerJson(answer: SettlementAnswer): Record<string, unknown> {
  return {
    ...answer,
    selfAcctPay: Number(answer.selfAcctPay),
    acctMulaidPay: Number(answer.acctMulaidPay),
    acctPay: Number(answer.acctPay),
    cashPay: Number(answer.cashPay),
  };
}
