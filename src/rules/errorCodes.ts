/**
 * Stable, machine-readable error codes (SPEC 4), in the SPEC's order, with the
 * default message shown to the user and the HTTP status the gateway may mirror.
 */

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'INVALID_CODE',
  'IDENTITY_MISMATCH',
  'IDENTITY_IN_USE',
  'NOT_VERIFIED',
  'SHARER_NOT_EMPLOYEE',
  'INVALID_ID_NUMBER',
  'SELF_BINDING',
  'RELATIONSHIP_NOT_ALLOWED',
  'RELATIONSHIP_IMPOSSIBLE',
  'RELATIVE_NOT_INSURED',
  'OUT_OF_REGION',
  'ALREADY_BOUND',
  'LIMIT_REACHED',
  'RATE_LIMITED',
  'IDEMPOTENCY_CONFLICT',
  'REFUND_EXCEEDS_PAID',
  'PROOF_REQUIRED',
  'FACE_CHECK_FAILED',
  'UNDERTAKING_REQUIRED',
  'BINDING_BLOCKED',
  'QUOTA_EXCEEDS_BALANCE',
  'OUTSIDE_PREMIUM_WINDOW',
  'PREMIUM_ALREADY_PAID',
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
}

/** Default messages; a function may say more (e.g. INVALID_ID_NUMBER's reason). */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = Object.freeze({
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '您没有权限进行此操作',
  NOT_FOUND: '未找到相关记录，请刷新后重试',
  INVALID_INPUT: '填写的内容有误，请检查后重新提交',
  INVALID_CODE: '验证码错误或已过期，请重新获取验证码',
  IDENTITY_MISMATCH: '姓名与身份证号码不匹配，或未查到您的参保信息，请核对后重新输入',
  IDENTITY_IN_USE: '该身份已绑定其他账号，请使用原账号登录，或到医保经办大厅办理',
  NOT_VERIFIED: '请先完成实名认证',
  SHARER_NOT_EMPLOYEE: '只有参保状态正常的职工医保参保人才能为家人共济；居民医保没有个人账户，可以作为被共济的亲属',
  INVALID_ID_NUMBER: '身份证号码格式不正确，请核对后重新输入',
  SELF_BINDING: '不能添加自己为共济亲属，请填写家人的姓名和身份证号码',
  RELATIONSHIP_NOT_ALLOWED: '您参保地的政策不允许与该关系的亲属共济，请选择配偶、父母或子女',
  RELATIONSHIP_IMPOSSIBLE: '所选关系与双方的出生日期不符，请核对关系或身份证号码',
  RELATIVE_NOT_INSURED:
    '未查到该亲属的有效基本医保参保信息，请核对姓名和身份证号码，或确认其已参加职工或居民医保',
  OUT_OF_REGION: '该亲属的参保地按现行政策不能与您共济，请确认双方参保地，或咨询当地医保经办机构',
  ALREADY_BOUND: '已与该亲属建立共济关系，无需重复添加',
  LIMIT_REACHED: '共济亲属人数已达上限，如需添加请先解除一位亲属',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  IDEMPOTENCY_CONFLICT: '该流水号已用于另一笔不同的交易，请使用新的流水号',
  REFUND_EXCEEDS_PAID: '退款金额超过可退金额，请核对退款金额',
  PROOF_REQUIRED: '请证明是本人操作：用医保登记的预留手机号登录，或进行人脸核验',
  FACE_CHECK_FAILED: '人脸核验未通过或已过期，请重新进行人脸核验',
  UNDERTAKING_REQUIRED: '请先阅读并同意《家庭共济承诺书》',
  BINDING_BLOCKED: '对方已表示与您不是亲属关系，180 天内不能再次添加；如有误会，请对方本人到医保经办大厅办理',
  QUOTA_EXCEEDS_BALANCE: '共济额度不能超过您个人账户的可用余额，请调低额度后重试',
  OUTSIDE_PREMIUM_WINDOW: '现在不在参保地规定的居民医保缴费期内，请在缴费期内再为亲属代缴',
  PREMIUM_ALREADY_PAID: '该亲属本年度的居民医保费已经缴纳，无需重复缴费',
  UNAVAILABLE: '系统暂时无法处理，请稍后再试',
});

/** For whatever was not foreseen; the envelope's code is the server's choice. */
export const INTERNAL_ERROR_MESSAGE = '系统繁忙，请稍后再试';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  // 400, not 401: a client that sends 401 back to the login page must not do so on the login page itself.
  INVALID_CODE: 400,
  IDENTITY_MISMATCH: 422,
  IDENTITY_IN_USE: 409,
  NOT_VERIFIED: 422,
  SHARER_NOT_EMPLOYEE: 422,
  INVALID_ID_NUMBER: 422,
  SELF_BINDING: 422,
  RELATIONSHIP_NOT_ALLOWED: 422,
  RELATIONSHIP_IMPOSSIBLE: 422,
  RELATIVE_NOT_INSURED: 422,
  OUT_OF_REGION: 422,
  ALREADY_BOUND: 409,
  LIMIT_REACHED: 409,
  RATE_LIMITED: 429,
  IDEMPOTENCY_CONFLICT: 409,
  REFUND_EXCEEDS_PAID: 409,
  PROOF_REQUIRED: 403,
  FACE_CHECK_FAILED: 422,
  UNDERTAKING_REQUIRED: 422,
  BINDING_BLOCKED: 409,
  QUOTA_EXCEEDS_BALANCE: 422,
  OUTSIDE_PREMIUM_WINDOW: 422,
  PREMIUM_ALREADY_PAID: 409,
  UNAVAILABLE: 503,
});
