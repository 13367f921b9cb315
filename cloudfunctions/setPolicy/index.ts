import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { setPolicy } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  ...FUNCTIONS.setPolicy,
  run: ({ app }, event) => setPolicy(app, event),
});
