/**
 * The notices of SPEC 2.8: what each event tells whom. A message is stored as its kind and
 * the facts it is made from (`ref`); its title and body are made here, once, for the message
 * centre and for every delivery channel (WeChat subscribe message, SMS). Names of people who
 * are not the reader's own choice are masked here, whatever `ref` holds.
 */
import { maskName } from './mask';
import { formatFen } from './money';
import { RELATIONSHIP_LABELS, isRelationship } from './relationship';

export const NOTICE_KINDS = [
  'binding_requested',
  'binding_created',
  'binding_confirmed',
  'binding_declined',
  'binding_ended',
  'binding_expired',
  'binding_payability',
  'binding_ended_automatically',
  'mulaid_paid',
  'mulaid_refunded',
  'quota_set',
  'quota_released',
  'identity_linked',
  'identity_reclaimed',
  'identity_link_notice',
  'identity_unlinked',
  'family_member_requested',
  'family_member_confirmed',
  'staff_act',
  'premium_paid',
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

export function isNoticeKind(v: unknown): v is NoticeKind {
  return typeof v === 'string' && (NOTICE_KINDS as readonly string[]).includes(v);
}

/** The facts a notice is made from; every field is optional so that an old row still renders. */
export interface NoticeRef {
  bindingId?: string;
  settlementId?: string;
  refundId?: string;
  memberId?: string;
  /** The other person of the event: full name in storage, masked here where it must be. */
  otherName?: string;
  relationship?: string;
  /** Which side of the binding the reader is. */
  role?: 'sharer' | 'relative';
  amountFen?: number | string;
  kind?: string;
  institution?: string;
  by?: 'sharer' | 'relative' | 'operator' | 'staff' | 'system';
  notMyRelative?: boolean;
  canPay?: boolean;
  blockedBy?: string | null;
  proof?: 'registry_phone' | 'face_check' | 'staff';
  phoneMasked?: string;
  action?: string;
  endsOn?: string;
  /** Why the system ended a binding (SPEC 2.1): the insurance ended, or moved to another pooling region. */
  reason?: 'insurance_ended' | 'region_moved';
  /** Whose insurance changed: the sharer's or the relative's. */
  changed?: 'sharer' | 'relative';
  /** The premium year of a 代缴 (SPEC 2.12). */
  year?: number;
}

export interface NoticeText {
  title: string;
  body: string;
}

const VISIT_KIND: Readonly<Record<string, string>> = Object.freeze({
  outpatient: '门诊',
  inpatient: '住院',
  pharmacy: '药店购药',
});

/** Why a binding cannot pay, in a few words (the codes of SPEC 2.9). */
export const BLOCKER_SHORT: Readonly<Record<string, string>> = Object.freeze({
  NOT_INSURED: '就医人参保状态异常',
  OUT_OF_REGION: '现行政策不支持该地区或关系',
  SHARER_NOT_ELIGIBLE: '共济人职工医保状态异常',
  BALANCE_ZERO: '共济账户余额为零',
  QUOTA_SPENT: '共济额度已用完',
});

const PROOF_LABEL: Readonly<Record<string, string>> = Object.freeze({
  registry_phone: '预留手机号验证',
  face_check: '人脸核验',
  staff: '医保经办大厅工作人员核验',
});

function amount(ref: NoticeRef): string {
  const raw = ref.amountFen;
  const fen = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : 0;
  return formatFen(Number.isSafeInteger(fen) ? fen : 0);
}

function relation(ref: NoticeRef): string {
  return isRelationship(ref.relationship) ? RELATIONSHIP_LABELS[ref.relationship] : '亲属';
}

/** The other person as the reader sees them: a relative is named in full to the sharer who added them. */
function other(ref: NoticeRef): string {
  const name = ref.otherName ?? '';
  if (!name) return '对方';
  return ref.role === 'sharer' ? name : maskName(name);
}

const SERVICE = '如有疑问请拨打医保服务热线 12393。';

/** The title and body of a notice. */
export function renderNotice(kind: NoticeKind, ref: NoticeRef): NoticeText {
  switch (kind) {
    case 'binding_requested':
      return {
        title: '有人申请为您开通家庭共济',
        body: `${other(ref)}申请以“${relation(ref)}”关系，用其职工医保个人账户为您支付医药费用。您同意后，对方能看到由其账户为您支付的每笔费用（时间、医院或药店、类型、金额）。请在首页“待您确认”中同意或拒绝；如果您不认识对方，请选择“不是我的亲属”。`,
      };
    case 'binding_created':
      return {
        title: '您已被添加为家庭共济亲属',
        body: `${other(ref)}已以“${relation(ref)}”关系为您开通家庭共济，其职工医保个人账户可为您支付医药费用。${SERVICE}`,
      };
    case 'binding_confirmed':
      return {
        title: '亲属已同意家庭共济',
        body: `${other(ref)}（${relation(ref)}）已确认共济关系，从现在起您的个人账户可以为其支付医药费用。`,
      };
    case 'binding_declined':
      return {
        title: '亲属拒绝了家庭共济',
        body: ref.notMyRelative
          ? `${other(ref)}表示与您不是亲属关系，拒绝了共济申请；180 天内您不能再次添加对方。${SERVICE}`
          : `${other(ref)}拒绝了您的共济申请，共济关系未建立。`,
      };
    case 'binding_ended': {
      const who = ref.by === 'staff' ? '医保经办工作人员' : ref.by === 'system' ? '系统' : ref.by === 'operator' ? '医保经办机构' : other(ref);
      return {
        title: '家庭共济关系已解除',
        body: `${who}解除了您与${other(ref)}（${relation(ref)}）的家庭共济关系，之后不再用共济账户支付新的费用；已支付的记录仍可查看。`,
      };
    }
    case 'binding_expired':
      return {
        title: '家庭共济关系已到期',
        body: `您与${other(ref)}（${relation(ref)}）的家庭共济关系已于 ${ref.endsOn ?? '约定日期'} 到期，不再支付新的费用；如需继续，请重新添加。`,
      };
    case 'binding_ended_automatically': {
      const whose = ref.changed !== undefined && ref.changed === ref.role ? '您' : other(ref);
      const what = ref.reason === 'region_moved' ? '医保关系已转移到其他统筹地区' : '医保参保关系已终止';
      const again = ref.reason === 'region_moved' ? '如需继续共济，可按新参保地的政策重新添加。' : SERVICE;
      return {
        title: '家庭共济关系已自动解除',
        body: `因${whose}的${what}，您与${other(ref)}（${relation(ref)}）的家庭共济关系已自动解除，之后不再用共济账户支付新的费用；已支付的记录仍可查看。${again}`,
      };
    }
    case 'binding_payability':
      return ref.canPay
        ? {
            title: '家庭共济恢复支付',
            body: `您与${other(ref)}（${relation(ref)}）的家庭共济关系现在可以正常支付了。`,
          }
        : {
            title: '家庭共济暂不能支付',
            body: `您与${other(ref)}（${relation(ref)}）的家庭共济关系暂不能支付：${BLOCKER_SHORT[ref.blockedBy ?? ''] ?? '请查看原因'}。可在“为什么没有用共济支付”中查看原因和办法。`,
          };
    case 'mulaid_paid':
      return ref.role === 'sharer'
        ? {
            title: '共济账户支付提醒',
            body: `您的职工医保个人账户为${other(ref)}支付了 ${amount(ref)}（${ref.institution ?? '定点医药机构'}，${VISIT_KIND[ref.kind ?? ''] ?? '医药费用'}）。`,
          }
        : {
            title: '家庭共济为您支付了费用',
            body: `${other(ref)}的职工医保个人账户为您支付了 ${amount(ref)}（${ref.institution ?? '定点医药机构'}，${VISIT_KIND[ref.kind ?? ''] ?? '医药费用'}）。`,
          };
    case 'mulaid_refunded':
      return ref.role === 'sharer'
        ? {
            title: '共济支付已退回',
            body: `${ref.institution ?? '定点医药机构'}退回了为${other(ref)}支付的 ${amount(ref)}，已回到您的个人账户。`,
          }
        : {
            title: '共济支付已退回',
            body: `${ref.institution ?? '定点医药机构'}退回了${other(ref)}的账户为您支付的 ${amount(ref)}，已回到对方的个人账户。`,
          };
    case 'quota_set':
      return ref.role === 'sharer'
        ? {
            title: '共济额度已设置',
            body: `您为${other(ref)}（${relation(ref)}）设置的共济额度现为 ${amount(ref)}。额度内的金额仍在您的个人账户中，但已冻结，只能用于支付该亲属的医药费用；共济关系结束时，剩余额度会立即退回您的可用余额。`,
          }
        : {
            title: '家庭共济额度有变化',
            body: `${other(ref)}为您设置的共济额度现为 ${amount(ref)}，您就医时可在额度内使用（跨省也可以）。`,
          };
    case 'quota_released':
      return ref.role === 'sharer'
        ? {
            title: '共济额度已退回',
            body: `您与${other(ref)}（${relation(ref)}）的家庭共济关系已结束，剩余的共济额度 ${amount(ref)} 已退回您的个人账户可用余额。`,
          }
        : {
            title: '共济额度已结束',
            body: `您与${other(ref)}（${relation(ref)}）的家庭共济关系已结束，对方为您设置的共济额度（剩余 ${amount(ref)}）已退回对方，之后不再为您支付新的费用。`,
          };
    case 'identity_linked':
      return {
        title: '实名认证成功',
        body: `您已通过${PROOF_LABEL[ref.proof ?? ''] ?? '身份核验'}完成实名认证，可以使用家庭共济。`,
      };
    case 'identity_reclaimed':
      return {
        title: '您的实名身份已被本人收回',
        body: `该身份的本人通过${PROOF_LABEL[ref.proof ?? ''] ?? '身份核验'}重新认证，您的账号已与该身份解除关联并退出登录。如果这是您本人的身份，请重新认证；${SERVICE}`,
      };
    case 'identity_link_notice':
      return {
        title: '医保身份认证提醒',
        body: `您的医保身份已在“医保家庭共济”中被手机号 ${ref.phoneMasked ?? ''} 的账号通过${PROOF_LABEL[ref.proof ?? ''] ?? '身份核验'}认证。如非本人操作，${SERVICE}`,
      };
    case 'identity_unlinked':
      return {
        title: '实名身份已解除关联',
        body: `您的账号已与实名身份解除关联，并已退出登录。${SERVICE}`,
      };
    case 'family_member_requested':
      return {
        title: '有人想把您加入亲情账户',
        body: `${other(ref)}想以“${relation(ref)}”关系把您加入其亲情账户，以便为您出示您本人的医保码（花的是您自己的医保待遇）。请在首页“待您确认”或“亲情账户”中同意。`,
      };
    case 'family_member_confirmed':
      return {
        title: '亲属已同意加入亲情账户',
        body: `${other(ref)}已同意，您现在可以为其出示医保码。`,
      };
    case 'premium_paid': {
      const year = typeof ref.year === 'number' ? `${ref.year} 年度` : '';
      return ref.role === 'sharer'
        ? {
            title: '代缴居民医保费成功',
            body: `您的职工医保个人账户已为${other(ref)}（${relation(ref)}）代缴${year}城乡居民医保费 ${amount(ref)}。`,
          }
        : {
            title: '家人为您缴纳了居民医保费',
            body: `${other(ref)}（${relation(ref)}）用其职工医保个人账户为您缴纳了${year}城乡居民医保费 ${amount(ref)}。${SERVICE}`,
          };
    }
    case 'staff_act':
      return {
        title: '医保经办人员为您办理了业务',
        body: `医保经办人员为您办理了：${ref.action ?? '业务'}。如非您本人到场办理，${SERVICE}`,
      };
  }
}
