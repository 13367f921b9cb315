import { shanghaiToday } from '../../src/rules/age';
import { diagnosisFinding, type DiagnosisCode } from '../../src/rules/diagnosis';
import { diagnosePatient } from '../../src/rules/payability';
import type { App } from '../app';
import { fail, invalidInput } from '../errors';
import { shanghaiMonthStart } from '../platform/time';
import type { UserCaller } from '../runtime/caller';
import { bindingFacts, queryBindingsWithPolicy } from '../store/bindings';
import { getFreeBalance, getPerson, insuredFacts, type PersonRow } from '../store/persons';
import { hitRateLimit } from '../store/rateLimits';
import { requireVerifiedPerson } from './bindings';
import type { Data, Served } from '../contract';

export interface Finding {
  code: DiagnosisCode;
  message: string;
  action: string;
}

/**
 * The patient asked about, and which of the patient's bindings the caller may examine: only
 * bindings the caller is party to (SPEC 2.8). For myself: my bindings as the relative. For a
 * binding of mine: that binding. For a member of my family account: my bindings with them.
 */
async function subjectOf(
  app: App,
  me: PersonRow,
  caller: UserCaller,
  input: { bindingId?: string; memberId?: string },
): Promise<{ patient: PersonRow; where: string; params: string[]; inFamilyAccount: boolean }> {
  if (input.bindingId && input.memberId) invalidInput('memberId', 'memberId：请只指定 bindingId 或 memberId 其中之一');
  if (input.bindingId) {
    const rows = await app.db.query<{ relative_id: string }>(
      'SELECT relative_id FROM bindings WHERE binding_id = $1 AND (sharer_id = $2 OR relative_id = $2)',
      [input.bindingId, me.person_id],
    );
    const patient = rows[0] ? await getPerson(app.db, rows[0].relative_id) : undefined;
    if (!patient) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
    return { patient, where: 'b.binding_id = $2', params: [input.bindingId], inFamilyAccount: false };
  }
  if (input.memberId) {
    const rows = await app.db.query<{ person_id: string }>(
      // A removed member is no longer "a relative of mine" (as in showFamilyCode and removeFamilyAccount).
      'SELECT person_id FROM family_members WHERE member_id = $1 AND owner_user_id = $2 AND removed_at IS NULL',
      [input.memberId, caller.userId],
    );
    const patient = rows[0] ? await getPerson(app.db, rows[0].person_id) : undefined;
    if (!patient) fail('NOT_FOUND', '未找到该亲情账户成员', 'memberId');
    return { patient, where: 'b.relative_id = $2 AND b.sharer_id = $3', params: [patient.person_id, me.person_id], inFamilyAccount: true };
  }
  return patientSelf(app, me);
}

/** A patient asking about themself (or staff asking for them): every binding that pays for them. */
export async function patientSelf(
  app: App,
  me: PersonRow,
): Promise<{ patient: PersonRow; where: string; params: string[]; inFamilyAccount: boolean }> {
  const family = await app.db.query('SELECT 1 FROM family_members WHERE person_id = $1 AND removed_at IS NULL LIMIT 1', [me.person_id]);
  return { patient: me, where: 'b.relative_id = $2', params: [me.person_id], inFamilyAccount: family.length > 0 };
}

/**
 * SPEC 2.4: why mutual aid does (not) pay for a patient, every applicable finding in the
 * SPEC's order, decided by src/rules/payability.ts — the rules settlement uses. Rate limited,
 * and no answer states an amount of anybody's balance (SPEC 2.8).
 */
export async function diagnose(
  app: App,
  caller: UserCaller,
  input: { bindingId?: string; memberId?: string; amountFen?: number },
): Promise<Served<Data<'diagnose'>>> {
  const me = await requireVerifiedPerson(app, caller);
  await hitRateLimit(app, `diagnose:${caller.userId}`, app.config.limits.diagnosePerHour, 3600, '查询过于频繁，请一小时后再试');
  const subject = await subjectOf(app, me, caller, input);
  return findingsFor(app, subject, input.amountFen);
}

/** Every finding for a patient, over the bindings `where` selects: the one diagnosis of users and staff. */
export async function findingsFor(
  app: App,
  subject: { patient: PersonRow; where: string; params: string[]; inFamilyAccount: boolean },
  amountFen?: number,
): Promise<{ findings: Finding[] }> {
  const input = { amountFen };
  const now = app.clock.now();
  const { rows, policyOf } = await queryBindingsWithPolicy(app.db, shanghaiMonthStart(now), subject.where, subject.params);
  const diagnosis = diagnosePatient(
    {
      ...insuredFacts(subject.patient),
      ownFen: await getFreeBalance(app.db, subject.patient.person_id),
      inFamilyAccount: subject.inFamilyAccount,
    },
    rows.map((row) => bindingFacts(row, policyOf(row.sharer_pooling_region))),
    shanghaiToday(now),
    input.amountFen === undefined ? undefined : BigInt(input.amountFen),
  );
  return {
    findings: diagnosis.codes.map((code) => {
      const finding = diagnosisFinding(code);
      if (code === 'OUT_OF_REGION' && diagnosis.relationshipOutOfScope) {
        return {
          ...finding,
          message: '按共济人参保地现行政策，这种亲属关系（或双方的参保地）已不在家庭共济范围内，共济关系暂停支付。',
        };
      }
      if (code === 'BALANCE_LOW' && diagnosis.partial) {
        return {
          ...finding,
          message: '余额最多的共济账户不足以支付这笔费用；按参保地政策，共济账户会支付其中一部分，其余部分需要用其他方式支付。',
        };
      }
      return finding;
    }),
  };
}
