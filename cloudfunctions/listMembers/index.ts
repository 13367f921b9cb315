import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { listMembers } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({}),
  run: ({ app, caller }) => listMembers(app, caller),
});
