import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { idNumberField, personNameField, phoneField, poolingRegionField } from '../../server/runtime/fields';
import { upsertPersons } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
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
  run: ({ app }, event) => upsertPersons(app, event),
});
