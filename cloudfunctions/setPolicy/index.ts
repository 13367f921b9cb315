import { z } from 'zod';
import { isPolicyScope, isPremiumWindow, POLICY_LIMITS, PREMIUM_LIMITS } from '../../src/rules/policy';
import { defineCloudFunction } from '../../server/runtime/define';
import { setPolicy } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
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
  run: ({ app }, event) => setPolicy(app, event),
});
