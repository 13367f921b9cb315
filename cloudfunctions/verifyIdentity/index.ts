import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { verifyIdentity } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.verifyIdentity,
  run: ({ app, caller }, event) => verifyIdentity(app, caller, event),
});
