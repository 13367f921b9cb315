import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { payPremium } from '../../server/usecases/premium';

/** SPEC 2.12: the sharer pays a relative's resident premium of a year from their account (代缴). */
export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    bindingId: objectIdField,
    year: z.number({ message: 'year 应为年份（整数，如 2027）' }).int('year 应为整数年份').min(2000, 'year 应在 2000 至 2100 之间').max(2100, 'year 应在 2000 至 2100 之间'),
  }),
  run: ({ app, caller }, event) => payPremium(app, caller, event),
});
