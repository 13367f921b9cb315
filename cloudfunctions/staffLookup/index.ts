import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { idNumberField, staffTextField } from '../../server/runtime/fields';
import { staffLookup } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  auth: 'staff',
  staffRole: 'agent',
  event: z.strictObject({ idNumber: idNumberField, reason: staffTextField('查询事由', 2, 200) }),
  run: ({ app, caller }, event) => staffLookup(app, caller, event),
});
