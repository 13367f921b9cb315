import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { addFamilyAccount } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  ...FUNCTIONS.addFamilyAccount,
  run: ({ app, caller }, event) => addFamilyAccount(app, caller, event),
});
