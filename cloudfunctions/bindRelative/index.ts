import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { amountFenField, dateField, idNumberField, personNameField, relationshipField } from '../../server/runtime/fields';
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
    // A quota set aside for this relative (SPEC 2.11): lets the binding reach a relative anywhere.
    quotaFen: amountFenField.optional(),
  }),
  run: ({ app, caller }, event) => bindRelative(app, caller, event),
});
