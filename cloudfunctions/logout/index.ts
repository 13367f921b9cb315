import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { logout } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.logout,
  run: ({ app, caller }, event) => logout(app, caller, event),
});
