import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { amountFenField, objectIdField } from '../../server/runtime/fields';
import { diagnose } from '../../server/usecases/diagnose';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    bindingId: objectIdField.optional(),
    memberId: objectIdField.optional(),
    amountFen: amountFenField.optional(),
  }),
  run: ({ app, caller }, event) => diagnose(app, caller, event),
});
