/** The console's pure logic: labels, what an act will do in plain words, form checks. No I/O. */
import { maskIdNumber } from '@/rules/mask';
import { formatFen } from '@/rules/money';
import { bindingStatusLabel, bindingStatusTone } from '@/rules/payability';
import { RELATIONSHIP_LABELS, isRelationship } from '@/rules/relationship';
import { parseIdNumber } from '@/rules/idNumber';
import { INSURANCE_TYPE_LABELS, PERSON_STATUS_LABELS, RECORD_KIND_LABELS, regionLabel } from '@/utils/labels';
import type { ActRequest, AuditEvent, Binding, Evidence, EvidenceKind, LookupAnswer, LookupData, PaymentRecord, PersonView, Role } from './types';

export { bindingStatusLabel, bindingStatusTone, formatFen, regionLabel, INSURANCE_TYPE_LABELS, PERSON_STATUS_LABELS, RECORD_KIND_LABELS };

export const ROLE_LABELS: Readonly<Record<Role, string>> = { agent: '客服', handler: '经办', supervisor: '主管' };

export const EVIDENCE_LABELS: Readonly<Record<EvidenceKind, string>> = {
  id_card: '身份证（本人到场）',
  undertaking: '纸质承诺书',
  power_of_attorney: '授权委托书',
};

export const ACTION_LABELS: Readonly<Record<string, string>> = {
  lookup: '查询',
  staffLookup: '查询',
  linkIdentity: '关联身份',
  bindRelative: '代为添加共济亲属',
  confirmBinding: '代为同意共济',
  declineBinding: '代为拒绝共济',
  unbindRelative: '解除共济',
  addFamilyMember: '添加亲情账户成员',
  removeFamilyMember: '移除亲情账户成员',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** The label of an audit event: the server's words when it gives them. */
export function eventLabel(event: Pick<AuditEvent, 'action' | 'actionLabel'>): string {
  return event.actionLabel ?? actionLabel(event.action);
}

/** staffLookup's answer in one shape: records newest first, one row per record, lists never missing. */
export function normalizeLookup(answer: LookupAnswer): LookupData {
  const raw = answer.records;
  const all: PaymentRecord[] = Array.isArray(raw) ? raw : [...(raw?.asSharer ?? []), ...(raw?.asRelative ?? [])];
  const seen = new Set<string>();
  const records = all
    .filter((r) => (seen.has(r.recordId) ? false : (seen.add(r.recordId), true)))
    .sort((a, b) => Date.parse(b.paidAt) - Date.parse(a.paidAt));
  return {
    ...answer,
    asSharer: answer.asSharer ?? [],
    asRelative: answer.asRelative ?? [],
    records,
    familyAccount: { members: answer.familyAccount?.members ?? [], asMember: answer.familyAccount?.asMember ?? [] },
    findings: answer.findings ?? [],
    risks: answer.risks ?? [],
    staffActs: answer.staffActs ?? [],
  };
}

export const RISK_LABELS: Readonly<Record<string, string>> = {
  not_my_relative: '“不是我的亲属”举报',
  identity_reclaimed: '身份被重新认证',
};

export function relationshipLabel(rel: string): string {
  return isRelationship(rel) ? RELATIONSHIP_LABELS[rel] : rel;
}

/** Who may act for a person: handlers and supervisors (SPEC 2.10). */
export function canAct(role: Role): boolean {
  return role === 'handler' || role === 'supervisor';
}

export function canReadAudit(role: Role): boolean {
  return role === 'supervisor';
}

/** `2026-12-01T08:05:00.000Z` → `2026-12-01 16:05` (Asia/Shanghai, the product's clock). */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function statusText(b: Pick<Binding, 'status' | 'canPay' | 'blockedBy'>): string {
  return bindingStatusLabel(b);
}

/** Shanghai's date today, `YYYY-MM-DD`. */
export function shanghaiDate(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The ID number as typed: spaces dropped, `x` as `X`; null with a message when it is not a valid number. */
export function checkIdNumber(raw: string, today = shanghaiDate()): { ok: true; value: string } | { ok: false; message: string } {
  const result = parseIdNumber(raw, today);
  if (result.ok) return { ok: true, value: result.info.idNumber };
  return { ok: false, message: result.message };
}

export function checkReason(reason: string): string | null {
  const text = reason.trim();
  if (text.length < 2) return '请填写查询事由（例如：本人到厅办理解绑、来电咨询共济未生效）';
  if (text.length > 200) return '查询事由不能超过 200 字';
  return null;
}

export function checkEvidence(evidence: Evidence): string | null {
  const ref = evidence.ref.trim();
  if (!ref) return evidence.kind === 'undertaking' ? '请填写纸质承诺书的编号' : '请填写凭证编号（如身份证核验登记号）';
  if (ref.length > 100) return '凭证编号不能超过 100 个字符';
  return null;
}

const PHONE = /^1\d{10}$/;

/** Checks an act's own fields before the dialog opens; the message names what to fix. */
export function checkAct(request: ActRequest): string | null {
  switch (request.action) {
    case 'linkIdentity':
      return PHONE.test(request.fields.phone) ? null : '请填写 11 位手机号（将用于登录小程序的账户）';
    case 'bindRelative':
    case 'addFamilyMember': {
      if (!request.fields.name.trim()) return '请填写亲属姓名';
      const id = checkIdNumber(request.fields.idNumber);
      if (!id.ok) return `亲属身份证号：${id.message}`;
      if (request.action === 'bindRelative' && request.fields.endsOn && !/^\d{4}-\d{2}-\d{2}$/.test(request.fields.endsOn)) {
        return '有效期请填写日期，例如 2027-12-31';
      }
      return null;
    }
    default:
      return null;
  }
}

function who(p: Pick<PersonView, 'name' | 'idNumberMasked'>): string {
  return `${p.name}（${p.idNumberMasked}）`;
}

function bindingWords(b: Binding): string {
  return `${b.sharer.name}（共济人）为${b.relative.name}（${relationshipLabel(b.relationship)}，被共济人）的共济关系`;
}

/**
 * What an act will do, in plain words, for the confirmation dialog: said before it happens.
 * `binding` is the binding the act is about (for the binding actions).
 */
export function describeAct(
  person: Pick<PersonView, 'name' | 'idNumberMasked'>,
  request: ActRequest,
  evidence: Evidence,
  context: { binding?: Binding; memberName?: string } = {},
): string[] {
  const lines: string[] = [];
  const b = context.binding;
  switch (request.action) {
    case 'linkIdentity':
      lines.push(
        `将把 ${who(person)} 的参保身份关联到手机号 ${request.fields.phone} 的小程序账户，视为已实名认证。`,
        '如果这个身份已关联其他账户，原账户会被解除关联并退出登录；双方和预留手机号都会收到通知。',
      );
      break;
    case 'bindRelative':
      lines.push(
        `将以 ${who(person)} 的名义，添加 ${request.fields.name}（${maskIdNumber(request.fields.idNumber.trim().toUpperCase())}）为共济亲属，关系：${relationshipLabel(request.fields.relationship)}。`,
        `之后，对方就医时可以使用 ${person.name} 的职工医保个人账户余额支付；对方达到确认年龄时，需对方本人同意后才生效。`,
      );
      if (request.fields.endsOn) lines.push(`共济关系在 ${request.fields.endsOn} 到期后自动结束。`);
      break;
    case 'confirmBinding':
      lines.push(`将代 ${who(person)} 同意${b ? bindingWords(b) : '这条共济关系'}。`, '同意后立即生效：对方的个人账户可以为其支付医疗费用，对方也能看到其使用记录。');
      break;
    case 'declineBinding':
      lines.push(`将代 ${who(person)} 拒绝${b ? bindingWords(b) : '这条共济关系'}，申请随即结束。`);
      if (request.fields.notMyRelative) {
        lines.push('并登记为“不是我的亲属”：180 天内该共济人不能再添加此人，并记录一条风险事件供工作人员核查。');
      }
      break;
    case 'unbindRelative':
      lines.push(`将解除${b ? bindingWords(b) : '这条共济关系'}。`, '解除后立即停止共济支付，已发生的支付记录保留；双方都会收到通知。');
      break;
    case 'addFamilyMember':
      lines.push(
        `将在 ${who(person)} 的亲情账户中添加 ${request.fields.name}（${maskIdNumber(request.fields.idNumber.trim().toUpperCase())}），关系：${relationshipLabel(request.fields.relationship)}。`,
        '亲情账户只用于代为出示对方的医保码，不会使用任何人的个人账户余额。',
      );
      break;
    case 'removeFamilyMember':
      lines.push(`将从 ${who(person)} 的亲情账户中移除 ${context.memberName ?? '这位成员'}，之后不能再代其出示医保码。`);
      break;
  }
  lines.push(`办理凭证：${EVIDENCE_LABELS[evidence.kind]}，编号 ${evidence.ref.trim()}。本次操作会以您的工号记入审计记录，并通知 ${person.name}。`);
  return lines;
}

/** The evidence a staff member is asked for by default. */
export function defaultEvidenceKind(action: ActRequest['action']): EvidenceKind {
  return action === 'bindRelative' ? 'undertaking' : 'id_card';
}
