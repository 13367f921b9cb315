import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { logout } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ all: z.boolean({ message: 'all 应为 true 或 false' }).optional() }),
  run: ({ app, caller }, event) => logout(app, caller, event),
});
