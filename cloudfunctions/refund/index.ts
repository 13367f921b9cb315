import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { refund } from '../../server/usecases/refund';

export const main = defineCloudFunction({
  ...FUNCTIONS.refund,
  run: ({ app, caller }, event) => refund(app, caller, event),
});
