import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { declineBinding } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    bindingId: objectIdField,
    notMyRelative: z.boolean({ message: 'notMyRelative 应为 true 或 false' }).optional(),
  }),
  run: ({ app, caller }, event) => declineBinding(app, caller, event),
});
