/**
 * Findings of "why did mutual aid not work?" (SPEC 2.4), in the SPEC's order.
 * These are the base texts; the server may add specifics (names, amounts).
 */

export const DIAGNOSIS_CODES = [
  'NOT_INSURED',
  'FAMILY_ACCOUNT_ONLY',
  'NO_BINDING',
  'BALANCE_ZERO',
  'BALANCE_LOW',
  'OUT_OF_REGION',
  'BINDING_UNBOUND',
  'BINDING_PENDING',
  'SHARER_NOT_ELIGIBLE',
  'BINDING_DECLINED',
  'BINDING_EXPIRED',
  'QUOTA_SPENT',
  'OK',
] as const;

export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export interface DiagnosisText {
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  action: string;
}

export const DIAGNOSIS_TEXT: Readonly<Record<DiagnosisCode, Readonly<DiagnosisText>>> = Object.freeze({
  NOT_INSURED: {
    message: '就医人目前没有有效的基本医保参保信息（未参保，或参保状态为暂停、终止），无法使用家庭共济支付。',
    action: '请就医人先参加职工医保或居民医保，并按时缴费；已参保的，请到参保地医保经办机构核实参保状态。',
  },
  FAMILY_ACCOUNT_ONLY: {
    message:
      '就医人只被添加到了“亲情账户”，没有建立家庭共济关系。亲情账户只是帮亲属出示其本人的医保码，花的是亲属自己的医保待遇，不会使用您个人账户的钱。',
    action: '如需用您的职工医保个人账户为亲属付费，请在“家庭共济”中添加该亲属，建立共济关系。',
  },
  NO_BINDING: {
    message: '就医人没有任何有效的家庭共济关系，没有人的个人账户可以为其支付。',
    action: '请让职工医保参保的家人在“家庭共济”中添加就医人为共济亲属。',
  },
  BALANCE_ZERO: {
    message: '为就医人共济的所有职工医保个人账户余额都为零，无法支付。',
    action: '本次费用请用现金、银行卡等其他方式支付；共济人的个人账户有新的入账后即可再次使用。',
  },
  BALANCE_LOW: {
    message: '余额最多的共济账户也不足以支付这笔费用。家庭共济只从一个账户支付，不会把多个账户的余额合并使用。',
    action: '本次费用请用其他方式支付，或分次结算金额较小的费用；共济人账户余额增加后可再次使用。',
  },
  OUT_OF_REGION: {
    message: '共济人和就医人的参保地（统筹区或省份）按现行政策不能互相共济。',
    action: '请确认双方的参保地；如参保地已变更，请先办理参保关系转移，或咨询当地医保经办机构。',
  },
  BINDING_UNBOUND: {
    message: '就医人与共济人之间的共济关系已经解除，解除后不再支付新的费用。',
    action: '如需继续共济，请共济人在“家庭共济”中重新添加该亲属。',
  },
  BINDING_PENDING: {
    message: '共济关系还没有被就医人确认，确认前不会支付任何费用。',
    action: '请就医人本人登录小程序并完成实名认证后，确认这条共济关系。',
  },
  SHARER_NOT_ELIGIBLE: {
    message: '共济人目前不是参保状态正常的职工医保参保人，其个人账户暂时不能为亲属支付。',
    action: '请共济人核实自己的职工医保参保和缴费状态，或由其他参加职工医保的家人为就医人建立共济关系。',
  },
  BINDING_DECLINED: {
    message: '就医人拒绝了这条共济关系，共济关系没有建立，不会支付任何费用。',
    action: '如确是亲属且愿意共济，请共济人重新添加，并由就医人本人确认。',
  },
  BINDING_EXPIRED: {
    message: '这条共济关系设定的有效期已到，到期后不再支付新的费用。',
    action: '如需继续共济，请共济人重新添加该亲属（可设定新的有效期）。',
  },
  QUOTA_SPENT: {
    message: '这条跨省共济关系的共济额度已经用完。',
    action: '请共济人在“家庭共济”中为该亲属调高共济额度，本次费用请用其他方式支付。',
  },
  OK: {
    message: '未发现影响家庭共济支付的问题。',
    action: '如结算时仍未使用共济账户支付，请向定点医院或药店说明使用家庭共济，或联系医保客服。',
  },
});

export function isDiagnosisCode(v: unknown): v is DiagnosisCode {
  return typeof v === 'string' && (DIAGNOSIS_CODES as readonly string[]).includes(v);
}

/** A finding as the `diagnose` function returns it. */
export function diagnosisFinding(code: DiagnosisCode): { code: DiagnosisCode; message: string; action: string } {
  const text = DIAGNOSIS_TEXT[code];
  return { code, message: text.message, action: text.action };
}
