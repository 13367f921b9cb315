import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { dateField, idNumberField, personNameField, relationshipField } from '../../server/runtime/fields';
import { bindRelative } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    name: personNameField,
    idNumber: idNumberField,
    relationship: relationshipField,
    // Its absence (or false) is UNDERTAKING_REQUIRED from the use case, not INVALID_INPUT.
    acceptUndertaking: z.boolean({ message: 'acceptUndertaking 应为 true' }).optional(),
    endsOn: dateField.optional(),
  }),
  run: ({ app, caller }, event) => bindRelative(app, caller, event),
});
