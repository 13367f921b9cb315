import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { idNumberField, objectIdField, personNameField } from '../../server/runtime/fields';
import { verifyIdentity } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ name: personNameField, idNumber: idNumberField, faceCheckId: objectIdField.optional() }),
  run: ({ app, caller }, event) => verifyIdentity(app, caller, event),
});
