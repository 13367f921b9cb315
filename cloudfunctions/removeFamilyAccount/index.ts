import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { removeFamilyAccount } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  ...FUNCTIONS.removeFamilyAccount,
  run: ({ app, caller }, event) => removeFamilyAccount(app, caller, event),
});
