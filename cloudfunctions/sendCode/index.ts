import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { phoneField } from '../../server/runtime/fields';
import { sendCode } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'public',
  event: z.strictObject({ phone: phoneField }),
  run: ({ app, caller }, event) => sendCode(app, caller, event),
});
