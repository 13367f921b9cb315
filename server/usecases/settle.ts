import { randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskName } from '../../src/rules/mask';
import { eligible } from '../../src/rules/payability';
import { resolvePolicy, type PolicyOverride } from '../../src/rules/policy';
import { provinceOfRegion } from '../../src/rules/region';
import type { App } from '../app';
import type { SqlParam } from '../db/port';
import { fail } from '../errors';
import type { InstitutionCaller } from '../runtime/caller';
import { firstAnswerOr, idempotencyConflict, Replay, requestHash as operationHash, type IdempotencyKey } from '../store/idempotency';
import { idDigest, insuredFacts } from '../store/persons';
import { COMMIT_SETTLEMENT_SQL, READ_SETTLEMENT_SQL, type CandidateRow, type SettlementRead, type SettlementWrite } from '../store/settlements';
import type { Data, Served } from '../contract';

export type SettlementKind = 'outpatient' | 'inpatient' | 'pharmacy';

/** The answer of SPEC 3.2, shaped like the national interface's setlinfo. */
export interface SettlementAnswer {
  settlementId: string;
  selfAcctPay: bigint;
  acctMulaidPay: bigint;
  acctPay: bigint;
  cashPay: bigint;
  mulaidFailure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  /** Where mutual aid came from (SPEC 3.2, 2.11): the sharer's free balance or the binding's quota; null without mutual aid (absent only from answers stored before quotas). */
  mulaidSource?: null | 'balance' | 'quota';
  sharer?: { name: string; idNumberMasked: string };
}

/** The request of SPEC 3.2. */
export interface SettlementInput {
  serialNo: string;
  patientIdNumber: string;
  kind: SettlementKind;
  amountFen: number;
}

/*
 * The helpers below are exported for bench/experiments, whose variants of the settlement reuse
 * them and differ from this use case only in their SQL.
 */

/** What a serial number is bound to: sha256 of ['settle', patient id, kind, amount], base64url (store/idempotency.ts). */
export function requestHash(patientId: string, kind: SettlementKind, amountFen: number): string {
  return operationHash('settle', patientId, kind, amountFen);
}

export function conflict(): never {
  return idempotencyConflict('settle');
}

export function notFound(): never {
  return fail('NOT_FOUND', '未查到该参保人，请核对患者身份证号码', 'patientIdNumber');
}

/** Validates the patient's ID number and returns its registry digest (the read's $1). */
export function patientDigest(app: App, patientIdNumber: string): string {
  const parsed = parseIdNumber(patientIdNumber, shanghaiToday(app.clock.now()));
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'patientIdNumber');
  return idDigest(app, parsed.info.idNumber);
}

/**
 * SPEC 2.2 step 3: the patient's bindings that may pay today, as the one decision
 * (src/rules/payability.ts) says: active and not past their end date, the patient insured, the
 * sharer employee-insured and active, and the policy of the sharer's region allowing the
 * relationship and the regions (a binding with a quota: whatever the regions). Balances and
 * quotas are decided under the lock, in settle_commit (migration 0005).
 */
export function eligibleCandidates(read: SettlementRead, today: string) {
  const patient = read.patient;
  if (!patient) return [];
  const policyOf = (region: string) =>
    resolvePolicy(region, {
      province: (read.policies[provinceOfRegion(region)] as PolicyOverride | undefined) ?? null,
      region: (read.policies[region] as PolicyOverride | undefined) ?? null,
    });
  const facts = read.candidates.map((row: CandidateRow) => {
    const policy = policyOf(row.pooling_region);
    return {
      row,
      policy,
      bindingId: row.binding_id,
      status: 'active' as const,
      endsOn: row.ends_on,
      relationship: row.relationship,
      createdAtMs: Date.parse(row.created_at),
      sharer: { insuranceType: row.insurance_type, status: row.status, poolingRegion: row.pooling_region },
      sharerPolicy: policy,
      availableFen: 0n,
      quotaLeftFen: row.quota_left_fen === null ? null : BigInt(row.quota_left_fen),
    };
  });
  return eligible(facts, insuredFacts(patient), today).map(({ row, policy }) => ({ row, policy }));
}

/** The eligible candidates as the write takes them ($9): what SQL needs to choose and to answer. */
export function commitCandidates(read: SettlementRead, today: string) {
  return eligibleCandidates(read, today).map(({ row, policy }) => ({
    binding_id: row.binding_id,
    sharer_id: row.sharer_id,
    name_masked: maskName(row.sharer_name),
    id_masked: row.sharer_id_masked,
    allow_partial: policy.allowPartial,
  }));
}

/** The answer from the decision the write returns. */
export function answerOf(
  settlementId: string,
  written: Pick<SettlementWrite, 'self_pay' | 'mulaid_pay' | 'cash_pay' | 'failure' | 'name_masked' | 'id_masked' | 'source'>,
): SettlementAnswer {
  const selfPay = BigInt(written.self_pay);
  const mulaidPay = BigInt(written.mulaid_pay);
  return {
    settlementId,
    selfAcctPay: selfPay,
    acctMulaidPay: mulaidPay,
    acctPay: selfPay + mulaidPay,
    cashPay: BigInt(written.cash_pay),
    mulaidFailure: written.failure,
    mulaidSource: mulaidPay > 0n ? (written.source ?? 'balance') : null,
    ...(mulaidPay > 0n && written.name_masked && written.id_masked
      ? { sharer: { name: written.name_masked, idNumberMasked: written.id_masked } }
      : {}),
  };
}

/**
 * SPEC 2.2, in two round trips and no explicit transaction:
 * 1. one read without locks: the patient, the first answer of this serial if any, the
 *    patient's active bindings with their sharers, and the policy overrides that concern them;
 *    the rules of src/rules pick the eligible sharers;
 * 2. one call of settle_commit (store/settlements.ts, migration 0002), atomic by itself: lock
 *    the patient's and the eligible sharers' accounts in key order, own account first, then
 *    the single sharer with the largest balance under the lock (ties: the earliest binding),
 *    all or nothing unless the policy allows partial; claim the serial; debit and write the
 *    ledger entries.
 * A duplicate delivery that committed first makes the statement claim nothing and move no
 * money; the first answer is then read and returned.
 */
export function settle(app: App, institution: InstitutionCaller, input: SettlementInput): Promise<Served<Data<'settle'>>> {
  return settleWith(app, institution, input, async (params) => (await app.db.query<SettlementWrite>(COMMIT_SETTLEMENT_SQL, params))[0]);
}

/**
 * The write step of a settlement: given the parameters of COMMIT_SETTLEMENT_SQL, in its order
 * ($1 settlement id … $12 accounts to lock), it settles atomically and returns the decision.
 * The product's is one call of settle_commit; bench/experiments measure other writes through
 * the same flow.
 */
export type SettlementWriter = (params: readonly SqlParam[]) => Promise<SettlementWrite | undefined>;

/** The settlement of SPEC 2.2 around a given write: validation, read, replay, candidates, answer. */
export async function settleWith(
  app: App,
  institution: InstitutionCaller,
  input: SettlementInput,
  write: SettlementWriter,
): Promise<SettlementAnswer> {
  const readArgs = [patientDigest(app, input.patientIdNumber), institution.code, input.serialNo];
  const [read] = await app.db.query<SettlementRead>(READ_SETTLEMENT_SQL, readArgs);
  if (!read) throw new Error('settlement read returned nothing');
  const patient = read.patient;
  const hash = patient ? requestHash(patient.person_id, input.kind, input.amountFen) : null;
  const key: IdempotencyKey = { operation: 'settle', institution: institution.code, serialNo: input.serialNo, hash };
  const prior = { hash: read.prior_hash, response: read.prior_response };
  return firstAnswerOr<SettlementAnswer>(app, key, () => commit(app, institution, input, write, read, hash), prior);
}

/** The write of a settlement whose serial was unused at the read; Replay when a duplicate claimed it first. */
async function commit(
  app: App,
  institution: InstitutionCaller,
  input: SettlementInput,
  write: SettlementWriter,
  read: SettlementRead,
  hash: string | null,
): Promise<SettlementAnswer> {
  const patient = read.patient;
  if (!patient || !hash) notFound();

  const candidates = commitCandidates(read, shanghaiToday(app.clock.now()));
  const settlementId = randomUUID();
  const toLock = [patient.person_id, ...candidates.map((c) => c.sharer_id)].sort();
  const written = await write([
    settlementId,
    institution.code,
    input.serialNo,
    hash,
    patient.person_id,
    input.kind,
    input.amountFen,
    app.clock.now(),
    JSON.stringify(candidates),
    randomUUID(),
    randomUUID(),
    `{${toLock.join(',')}}`,
  ]);
  if (!written) throw new Error('settlement statement returned nothing');
  if (Number(written.inserted) === 0) throw new Replay();
  return answerOf(settlementId, written);
}
