import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { codeField, phoneField } from '../../server/runtime/fields';
import { login } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'public',
  event: z.strictObject({ phone: phoneField, code: codeField }),
  run: ({ app, caller }, event) => login(app, caller, event),
});
