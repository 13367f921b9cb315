import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { listFamilyAccount } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({}),
  run: ({ app, caller }) => listFamilyAccount(app, caller),
});
