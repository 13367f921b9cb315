import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { confirmFamilyMember } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ memberId: objectIdField }),
  run: ({ app, caller }, event) => confirmFamilyMember(app, caller, event),
});
