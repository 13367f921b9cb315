import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { idNumberField, personNameField, relationshipField } from '../../server/runtime/fields';
import { bindRelative } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ name: personNameField, idNumber: idNumberField, relationship: relationshipField }),
  run: ({ app, caller }, event) => bindRelative(app, caller, event),
});
