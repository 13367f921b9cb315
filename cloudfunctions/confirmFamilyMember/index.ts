import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { confirmFamilyMember } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  ...FUNCTIONS.confirmFamilyMember,
  run: ({ app, caller }, event) => confirmFamilyMember(app, caller, event),
});
