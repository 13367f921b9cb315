import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { idNumberField, personNameField } from '../../server/runtime/fields';
import { startFaceCheck } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ name: personNameField, idNumber: idNumberField }),
  run: ({ app, caller }, event) => startFaceCheck(app, caller, event),
});
