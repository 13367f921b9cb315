import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { listFamilyAccount } from '../../server/usecases/familyAccount';

export const main = defineCloudFunction({
  ...FUNCTIONS.listFamilyAccount,
  run: ({ app, caller }) => listFamilyAccount(app, caller),
});
