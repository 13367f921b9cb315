import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { sendCode } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.sendCode,
  run: ({ app, caller }, event) => sendCode(app, caller, event),
});
