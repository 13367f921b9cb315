import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { staffLogin } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  ...FUNCTIONS.staffLogin,
  run: ({ app, caller }, event) => staffLogin(app, caller.clientAddress, event),
});
