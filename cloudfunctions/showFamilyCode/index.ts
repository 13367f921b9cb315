import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { showFamilyCode } from '../../server/usecases/familyAccount';

/** Not in SPEC 3.2's table: the short-lived medical code of a family-account member (SPEC 2.5). */
export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({ memberId: objectIdField }),
  run: ({ app, caller }, event) => showFamilyCode(app, caller, event),
});
