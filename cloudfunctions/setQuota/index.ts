import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { setQuota } from '../../server/usecases/quota';

export const main = defineCloudFunction({
  ...FUNCTIONS.setQuota,
  run: ({ app, caller }, event) => setQuota(app, caller, event),
});
