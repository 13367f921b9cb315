import { z } from 'zod';
import { MAX_AMOUNT_FEN } from '../../src/rules/money';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { setQuota } from '../../server/usecases/quota';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    bindingId: objectIdField,
    // The new total quota; 0 ends what is left of it (the binding stays, paying nothing).
    amountFen: z
      .number({ message: '额度应为整数（单位：分）' })
      .int('额度应为整数（单位：分）')
      .min(0, '额度不能为负数')
      .max(MAX_AMOUNT_FEN, '额度超过上限'),
  }),
  run: ({ app, caller }, event) => setQuota(app, caller, event),
});
