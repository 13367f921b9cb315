/**
 * SPEC 3.2, once: every cloud function's caller kind and event schema (zod). The cloud
 * functions (cloudfunctions/<name>/index.ts) take their `auth` and `event` from here; the
 * answers are in ./answers.ts; ./index.ts joins both into the one map the client and the tests
 * type their calls from. Field rules come from server/runtime/fields.ts.
 */
import { z } from 'zod';
import { MAX_AMOUNT_FEN } from '../../src/rules/money';
import { isPolicyScope, isPremiumWindow, POLICY_LIMITS, PREMIUM_LIMITS } from '../../src/rules/policy';
import {
  amountFenField,
  codeField,
  cursorField,
  dateField,
  idNumberField,
  institutionCodeField,
  institutionNameField,
  limitField,
  objectIdField,
  personNameField,
  phoneField,
  poolingRegionField,
  relationshipField,
  serialNoField,
  staffRoleField,
  staffTextField,
  staffUsernameField,
} from '../runtime/fields';

export type AuthKind = 'public' | 'user' | 'institution' | 'admin' | 'staff';
export type StaffRoleNeeded = 'agent' | 'handler' | 'supervisor';

/** One function of the contract: who may call it, and its event. */
export interface FunctionSpec<A extends AuthKind = AuthKind, S extends z.ZodType = z.ZodType> {
  readonly auth: A;
  readonly event: S;
  /** Staff functions: the least role that may call it (SPEC 2.10). */
  readonly staffRole?: StaffRoleNeeded;
}

const fn = <A extends AuthKind, S extends z.ZodType>(auth: A, event: S): { readonly auth: A; readonly event: S } => ({ auth, event });
const staffFn = <S extends z.ZodType>(staffRole: StaffRoleNeeded, event: S) => ({ auth: 'staff' as const, staffRole, event });
const empty = () => z.strictObject({});

/** A quota or a balance: an integer in fen, 0 … 10^12 (the registry's balance bound). */
const quotaAmountField = z
  .number({ message: '额度应为整数（单位：分）' })
  .int('额度应为整数（单位：分）')
  .min(0, '额度不能为负')
  .max(MAX_AMOUNT_FEN, '额度超过上限（¥1,000,000.00）');

const evidenceField = z.strictObject({
  kind: z.enum(['id_card', 'undertaking', 'power_of_attorney'], { message: 'evidence.kind 应为 id_card、undertaking 或 power_of_attorney' }),
  ref: staffTextField('凭证编号', 1, 64),
});
const staffActCommon = { personIdNumber: idNumberField, evidence: evidenceField };

export const FUNCTIONS = {
  // Users: no caller yet.
  sendCode: fn('public', z.strictObject({ phone: phoneField })),
  login: fn('public', z.strictObject({ phone: phoneField, code: codeField })),
  /** WeChat's phone-number quick login: `{phoneCode}` from `<Button openType="getPhoneNumber">`; answers as `login`. */
  loginByWechatPhone: fn(
    'public',
    z.strictObject({ phoneCode: z.string().min(1, '缺少微信手机号授权码').max(256, '微信手机号授权码过长') }),
  ),
  /** Development only: the demo phones and demo relatives for the login page's hint (FORBIDDEN in production). */
  demoGuide: fn('public', empty()),

  // Users (token from `login`).
  startFaceCheck: fn('user', z.strictObject({ name: personNameField, idNumber: idNumberField })),
  verifyIdentity: fn('user', z.strictObject({ name: personNameField, idNumber: idNumberField, faceCheckId: objectIdField.optional() })),
  logout: fn('user', z.strictObject({ all: z.boolean({ message: 'all 应为 true 或 false' }).optional() })),
  me: fn('user', empty()),
  /** Not in SPEC 3.2's table: the caller's region policy, for the add-relative form's choices. */
  myPolicy: fn('user', empty()),
  bindRelative: fn(
    'user',
    z.strictObject({
      name: personNameField,
      idNumber: idNumberField,
      relationship: relationshipField,
      // Its absence (or false) is UNDERTAKING_REQUIRED from the use case, not INVALID_INPUT.
      acceptUndertaking: z.boolean({ message: 'acceptUndertaking 应为 true' }).optional(),
      endsOn: dateField.optional(),
      /** SPEC 2.11: a quota set at binding time (integer fen ≥ 1); it lets the binding cross provinces. */
      quotaFen: quotaAmountField.min(1, '额度至少为1分').optional(),
    }),
  ),
  confirmBinding: fn('user', z.strictObject({ bindingId: objectIdField })),
  declineBinding: fn(
    'user',
    z.strictObject({ bindingId: objectIdField, notMyRelative: z.boolean({ message: 'notMyRelative 应为 true 或 false' }).optional() }),
  ),
  /** SPEC 2.11: the sharer sets the binding's quota (0 releases it). */
  setQuota: fn('user', z.strictObject({ bindingId: objectIdField, amountFen: quotaAmountField })),
  /** SPEC 2.12: the sharer pays the relative's resident premium of `year`. */
  payPremium: fn(
    'user',
    z.strictObject({
      bindingId: objectIdField,
      year: z.number({ message: '年度应为整数，如 2026' }).int('年度应为整数，如 2026').min(2000, '年度不早于2000年').max(2100, '年度不晚于2100年'),
    }),
  ),
  listMessages: fn(
    'user',
    z.strictObject({
      cursor: cursorField.optional(),
      limit: limitField.optional(),
      unreadOnly: z.boolean({ message: 'unreadOnly 应为 true 或 false' }).optional(),
    }),
  ),
  markMessagesRead: fn('user', z.strictObject({ messageIds: z.array(objectIdField).max(100, '每次最多标记100条消息').optional() })),
  listMembers: fn('user', empty()),
  unbindRelative: fn('user', z.strictObject({ bindingId: objectIdField })),
  listRecords: fn(
    'user',
    z.strictObject({
      role: z.enum(['sharer', 'relative'], { message: 'role 应为 sharer 或 relative' }).optional(),
      bindingId: objectIdField.optional(),
      from: dateField.optional(),
      to: dateField.optional(),
      cursor: cursorField.optional(),
      limit: limitField.optional(),
    }),
  ),
  diagnose: fn(
    'user',
    z.strictObject({ bindingId: objectIdField.optional(), memberId: objectIdField.optional(), amountFen: amountFenField.optional() }),
  ),
  addFamilyAccount: fn('user', z.strictObject({ name: personNameField, idNumber: idNumberField, relationship: relationshipField })),
  listFamilyAccount: fn('user', empty()),
  removeFamilyAccount: fn('user', z.strictObject({ memberId: objectIdField })),
  confirmFamilyMember: fn('user', z.strictObject({ memberId: objectIdField })),
  /** Not in SPEC 3.2's table: the short-lived medical code of a family-account member (SPEC 2.5). */
  showFamilyCode: fn('user', z.strictObject({ memberId: objectIdField })),

  // Institutions (key from `createInstitution`).
  settle: fn(
    'institution',
    z.strictObject({
      serialNo: serialNoField,
      patientIdNumber: idNumberField,
      kind: z.enum(['outpatient', 'inpatient', 'pharmacy'], { message: 'kind 应为 outpatient、inpatient 或 pharmacy' }),
      amountFen: amountFenField,
    }),
  ),
  refund: fn('institution', z.strictObject({ serialNo: serialNoField, refundSerialNo: serialNoField, amountFen: amountFenField })),

  // Operators (ADMIN_KEY).
  upsertPersons: fn(
    'admin',
    z.strictObject({
      persons: z
        .array(
          z.strictObject({
            idNumber: idNumberField,
            name: personNameField,
            insuranceType: z.enum(['employee', 'resident', 'none'], { message: 'insuranceType 应为 employee、resident 或 none' }),
            status: z.enum(['active', 'suspended', 'terminated'], { message: 'status 应为 active、suspended 或 terminated' }),
            poolingRegion: poolingRegionField,
            phone: phoneField.optional(),
            balanceFen: z.number().int('余额应为整数（单位：分）').min(0, '余额不能为负').max(1_000_000_000_000, '余额超出范围').optional(),
          }),
        )
        .min(1, '至少提供一名参保人')
        .max(1000, '每次最多同步1000名参保人'),
    }),
  ),
  setPolicy: fn(
    'admin',
    z.strictObject({
      scope: z.string().refine(isPolicyScope, '应为2位省级代码（如 13）或6位统筹区代码（如 130100）'),
      relativeScope: z.enum(['close', 'near'], { message: 'relativeScope 应为 close 或 near' }).optional(),
      sharingScope: z.enum(['region', 'province', 'national'], { message: 'sharingScope 应为 region、province 或 national' }).optional(),
      maxRelatives: z.number().int('应为整数').min(POLICY_LIMITS.maxRelatives.min, '至少为1').max(POLICY_LIMITS.maxRelatives.max, '最多为20').optional(),
      allowPartial: z.boolean({ message: 'allowPartial 应为 true 或 false' }).optional(),
      consentFromAge: z
        .number()
        .int('应为整数')
        .min(POLICY_LIMITS.consentFromAge.min, '不能为负')
        .max(POLICY_LIMITS.consentFromAge.max, '年龄过大')
        .nullable()
        .optional(),
      premiumWindow: z
        .string({ message: 'premiumWindow 应为 MM-DD..MM-DD' })
        .refine(isPremiumWindow, 'premiumWindow 应为 MM-DD..MM-DD，如 09-01..12-31（日期须真实存在，不能为 02-29）')
        .optional(),
      residentPremiumFen: z
        .number({ message: 'residentPremiumFen 应为整数（分）' })
        .int('应为整数（分）')
        .min(PREMIUM_LIMITS.residentPremiumFen.min, '至少为1分')
        .max(PREMIUM_LIMITS.residentPremiumFen.max, '最多为100,000,000分')
        .optional(),
    }),
  ),
  createInstitution: fn(
    'admin',
    z.strictObject({
      code: institutionCodeField,
      name: institutionNameField,
      kind: z.enum(['hospital', 'pharmacy'], { message: 'kind 应为 hospital 或 pharmacy' }),
    }),
  ),
  /** SPEC 3.2: money entering an account after its opening; idempotent by `creditId`. */
  creditAccount: fn(
    'admin',
    z.strictObject({
      creditId: z
        .string({ message: '请提供入账编号' })
        .min(1, '请提供入账编号')
        .max(64, '入账编号过长')
        .regex(/^[\x21-\x7e]+$/, '入账编号只能包含可见的英文字符和数字'),
      idNumber: idNumberField,
      amountFen: amountFenField,
      kind: z.enum(['contribution', 'correction'], { message: 'kind 应为 contribution 或 correction' }),
    }),
  ),
  createStaff: fn('admin', z.strictObject({ username: staffUsernameField, name: personNameField, role: staffRoleField })),
  /** SPEC 2.11: the monthly clearing between provinces. */
  clearingStatement: fn(
    'admin',
    z.strictObject({
      // From 2000-01: no mutual aid is older, and no month outside four-digit years.
      month: z
        .string({ message: '请提供月份，格式为 YYYY-MM（如 2026-03）' })
        .regex(/^(2[0-9]{3}|[3-9][0-9]{3})-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM（如 2026-03），且不早于 2000-01'),
    }),
  ),

  // Staff (token from `staffLogin`; SPEC 2.10).
  staffLogin: fn(
    'public',
    z.strictObject({
      username: staffUsernameField,
      password: z.string({ message: '请输入密码' }).min(1, '请输入密码').max(128, '密码过长'),
      totp: z.string({ message: '请输入动态验证码' }).regex(/^[0-9]{6}$/, '动态验证码为6位数字'),
    }),
  ),
  staffLookup: staffFn('agent', z.strictObject({ idNumber: idNumberField, reason: staffTextField('查询事由', 2, 200) })),
  staffAct: staffFn(
    'handler',
    z.discriminatedUnion(
      'action',
      [
        z.strictObject({ action: z.literal('linkIdentity'), ...staffActCommon, phone: phoneField }),
        z.strictObject({
          action: z.literal('bindRelative'),
          ...staffActCommon,
          name: personNameField,
          idNumber: idNumberField,
          relationship: relationshipField,
          endsOn: dateField.optional(),
        }),
        z.strictObject({ action: z.literal('confirmBinding'), ...staffActCommon, bindingId: objectIdField }),
        z.strictObject({ action: z.literal('declineBinding'), ...staffActCommon, bindingId: objectIdField, notMyRelative: z.boolean().optional() }),
        z.strictObject({ action: z.literal('unbindRelative'), ...staffActCommon, bindingId: objectIdField }),
        z.strictObject({
          action: z.literal('addFamilyMember'),
          ...staffActCommon,
          name: personNameField,
          idNumber: idNumberField,
          relationship: relationshipField,
        }),
        z.strictObject({ action: z.literal('removeFamilyMember'), ...staffActCommon, memberId: objectIdField }),
      ],
      {
        message:
          'action 应为 linkIdentity、bindRelative、confirmBinding、declineBinding、unbindRelative、addFamilyMember 或 removeFamilyMember',
      },
    ),
  ),
  listAudit: staffFn(
    'supervisor',
    z.strictObject({
      staffId: objectIdField.optional(),
      personIdNumber: idNumberField.optional(),
      cursor: cursorField.optional(),
      limit: limitField.optional(),
    }),
  ),
} satisfies Record<string, FunctionSpec>;
