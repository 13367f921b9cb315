import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { cursorField, dateField, limitField, objectIdField } from '../../server/runtime/fields';
import { listRecords } from '../../server/usecases/records';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    role: z.enum(['sharer', 'relative'], { message: 'role 应为 sharer 或 relative' }).optional(),
    bindingId: objectIdField.optional(),
    from: dateField.optional(),
    to: dateField.optional(),
    cursor: cursorField.optional(),
    limit: limitField.optional(),
  }),
  run: ({ app, caller }, event) => listRecords(app, caller, event),
});
