import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { clearingStatement } from '../../server/usecases/clearing';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
    // From 2000-01: no mutual aid is older, and no month outside four-digit years.
    month: z
      .string({ message: '请提供月份，格式为 YYYY-MM（如 2026-03）' })
      .regex(/^(2[0-9]{3}|[3-9][0-9]{3})-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM（如 2026-03），且不早于 2000-01'),
  }),
  run: ({ app }, event) => clearingStatement(app, event),
});
