import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { me } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({}),
  run: ({ app, caller }) => me(app, caller),
});
