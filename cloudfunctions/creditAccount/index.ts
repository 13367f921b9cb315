import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { amountFenField, idNumberField } from '../../server/runtime/fields';
import { creditAccount } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
    creditId: z
      .string()
      .min(1, '请提供 creditId')
      .max(64, 'creditId 最长64位')
      .regex(/^[\x21-\x7e]+$/, 'creditId 只能包含可见的英文字符和数字'),
    idNumber: idNumberField,
    amountFen: amountFenField,
    kind: z.enum(['contribution', 'correction'], { message: 'kind 应为 contribution 或 correction' }),
  }),
  run: ({ app }, event) => creditAccount(app, event),
});
