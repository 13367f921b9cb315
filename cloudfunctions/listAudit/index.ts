import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { cursorField, idNumberField, limitField, objectIdField } from '../../server/runtime/fields';
import { listAudit } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  auth: 'staff',
  staffRole: 'supervisor',
  event: z.strictObject({
    staffId: objectIdField.optional(),
    personIdNumber: idNumberField.optional(),
    cursor: cursorField.optional(),
    limit: limitField.optional(),
  }),
  run: ({ app }, event) => listAudit(app, event),
});
