import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { unbindRelative } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ bindingId: objectIdField }),
  run: ({ app, caller }, event) => unbindRelative(app, caller, event),
});
