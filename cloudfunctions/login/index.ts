import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { login } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.login,
  run: ({ app, caller }, event) => login(app, caller, event),
});
