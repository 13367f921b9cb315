import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { creditAccount } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  ...FUNCTIONS.creditAccount,
  run: ({ app }, event) => creditAccount(app, event),
});
