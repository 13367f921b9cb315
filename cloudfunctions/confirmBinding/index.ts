import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { confirmBinding } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ bindingId: objectIdField }),
  run: ({ app, caller }, event) => confirmBinding(app, caller, event),
});
